import type { Store } from './store.ts';
import type { WorkspaceScope } from './scope.ts';
import { MemberRepo } from './repos/members.ts';
import { InviteRepo } from './repos/invites.ts';
import { NumberRepo } from './repos/numbers.ts';
import { ContactRepo } from './repos/contacts.ts';
import { ConversationRepo } from './repos/conversations.ts';
import { MessageRepo } from './repos/messages.ts';
import { WorkspaceSettingsRepo } from './repos/workspace-settings.ts';
import { SupportGrantRepo } from './repos/support-grants.ts';
import { StorageOverrideRepo } from './repos/storage-tiers.ts';
import { MediaRepo } from './repos/media.ts';
import { ObjectLocationRepo } from './repos/object-locations.ts';
import { WebhookEventRepo } from './repos/webhook-events.ts';
import { ConsentRepo } from './repos/consent.ts';
import { TemplateRepo } from './repos/templates.ts';
import { OutboundJobRepo } from './repos/outbound-jobs.ts';
import { NoteRepo } from './repos/notes.ts';
import { MessageSearchRepo } from './repos/message-search.ts';
import { LegalHoldRepo } from './repos/legal-holds.ts';
import { RetentionRepo } from './repos/retention.ts';
import { AccessLogRepo } from './repos/access-log.ts';
import { BreachRepo } from './repos/breaches.ts';
import { DataRequestRepo } from './repos/data-requests.ts';
import { ConsentRegisterRepo } from './repos/consent-register.ts';
import { PrivacySettingsRepo } from './repos/privacy-settings.ts';
import { ContactErasureRepo } from './repos/contact-erasure.ts';

/** Every repository of one workspace; each query binds `scope.workspaceId`. */
export class ScopedStore {
  readonly scope: WorkspaceScope;
  readonly members: MemberRepo;
  readonly invites: InviteRepo;
  readonly numbers: NumberRepo;
  readonly contacts: ContactRepo;
  readonly conversations: ConversationRepo;
  readonly messages: MessageRepo;
  readonly settings: WorkspaceSettingsRepo;
  readonly supportGrants: SupportGrantRepo;
  readonly storageOverrides: StorageOverrideRepo;
  readonly media: MediaRepo;
  readonly objectLocations: ObjectLocationRepo;
  readonly webhookEvents: WebhookEventRepo;
  readonly consent: ConsentRepo;
  readonly templates: TemplateRepo;
  readonly outbound: OutboundJobRepo;
  readonly notes: NoteRepo;
  readonly search: MessageSearchRepo;
  readonly legalHolds: LegalHoldRepo;
  readonly retention: RetentionRepo;
  /** Who read, searched or exported which contact (pseudonymised). */
  readonly accessLog: AccessLogRepo;
  readonly breaches: BreachRepo;
  readonly dataRequests: DataRequestRepo;
  readonly consentRegister: ConsentRegisterRepo;
  readonly privacy: PrivacySettingsRepo;
  readonly erasure: ContactErasureRepo;

  constructor(store: Store, scope: WorkspaceScope) {
    this.scope = scope;
    this.members = new MemberRepo(store, scope);
    this.invites = new InviteRepo(store, scope);
    this.numbers = new NumberRepo(store, scope);
    this.contacts = new ContactRepo(store, scope);
    this.conversations = new ConversationRepo(store, scope);
    this.messages = new MessageRepo(store, scope);
    this.settings = new WorkspaceSettingsRepo(store, scope);
    this.supportGrants = new SupportGrantRepo(store, scope);
    this.storageOverrides = new StorageOverrideRepo(store, scope);
    this.media = new MediaRepo(store, scope);
    this.objectLocations = new ObjectLocationRepo(store, scope.workspaceId);
    this.webhookEvents = new WebhookEventRepo(store, scope);
    this.consent = new ConsentRepo(store, scope);
    this.templates = new TemplateRepo(store, scope);
    this.outbound = new OutboundJobRepo(store, scope);
    this.notes = new NoteRepo(store, scope);
    this.search = new MessageSearchRepo(store, scope);
    this.legalHolds = new LegalHoldRepo(store, scope);
    this.retention = new RetentionRepo(store, scope);
    this.accessLog = new AccessLogRepo(store, scope);
    this.breaches = new BreachRepo(store, scope);
    this.dataRequests = new DataRequestRepo(store, scope);
    this.consentRegister = new ConsentRegisterRepo(store, scope);
    this.privacy = new PrivacySettingsRepo(store, scope);
    this.erasure = new ContactErasureRepo(store, scope);
  }
}
