import type { Db } from '../database.ts';
import { initialSchema } from './001-initial.ts';
import { sessionsAndLogin } from './003-sessions-and-login.ts';
import { conversationAssignment } from './004-conversation-assignment.ts';
import { keyRing } from './005-key-ring.ts';
import { twoFactor } from './006-two-factor.ts';
import { supportAccess } from './007-support-access.ts';
import { auditChain } from './008-audit-chain.ts';
import { auditRetention } from './009-audit-retention.ts';
import { auditFilters } from './010-audit-filters.ts';
import { storageProviders } from './011-storage-providers.ts';
import { storageTiers } from './012-storage-tiers.ts';
import { objectLocations } from './013-object-locations.ts';
import { media } from './014-media.ts';
import { backupSettings } from './016-backup-settings.ts';
import { inboundKinds } from './017-inbound-kinds.ts';
import { consent } from './020-consent.ts';
import { templates } from './021-templates.ts';
import { outboundQueue } from './022-outbound-queue.ts';
import { messageSearch } from './028-message-search.ts';
import { agentDesk } from './029-agent-desk.ts';
import { memberUnread } from './030-member-unread.ts';
import { inboxKeyset } from './031-inbox-keyset.ts';
import { latestMessage } from './032-latest-message.ts';
import { templateStatusTime } from './033-template-status-time.ts';
import { consentHistoryOnce } from './034-consent-history-once.ts';
import { dataRequests } from './040-data-requests.ts';
import { retention } from './045-retention.ts';
import { accessLogAndBreaches } from './050-access-log-and-breaches.ts';
import { accessLogAnchors } from './054-access-log-anchors.ts';
import { consentRegister } from './055-consent-register.ts';
import { privacySettings } from './056-privacy-settings.ts';
import { sealedMessageSearch } from './057-sealed-message-search.ts';
import { contactNumberHash } from './058-contact-number-hash.ts';
import { notesAboutOthers } from './062-notes-about-others.ts';
import { consentEventKind } from './063-consent-event-kind.ts';
import { correctedProfileName } from './065-corrected-profile-name.ts';
import { searchIndexFile } from './066-search-index-file.ts';
import { sealedWebhookErrors } from './067-sealed-webhook-errors.ts';
import { customerStartHistory } from './068-customer-start-history.ts';
import { boardIntimationDuty } from './069-board-intimation-duty.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/**
 * Every migration, in ascending version order. Version 2 was never used (it
 * was reserved for work that did not land), and versions need not be
 * contiguous: `migrate` applies whatever lies between the database's version
 * and the target. A migration, once shipped, is never edited.
 */
export const migrations: readonly Migration[] = [
  initialSchema,
  sessionsAndLogin,
  conversationAssignment,
  keyRing,
  twoFactor,
  supportAccess,
  auditChain,
  auditRetention,
  auditFilters,
  storageProviders,
  storageTiers,
  objectLocations,
  media,
  backupSettings,
  inboundKinds,
  consent,
  templates,
  outboundQueue,
  messageSearch,
  agentDesk,
  memberUnread,
  inboxKeyset,
  latestMessage,
  templateStatusTime,
  consentHistoryOnce,
  dataRequests,
  retention,
  accessLogAndBreaches,
  accessLogAnchors,
  consentRegister,
  privacySettings,
  sealedMessageSearch,
  contactNumberHash,
  notesAboutOthers,
  consentEventKind,
  correctedProfileName,
  searchIndexFile,
  sealedWebhookErrors,
  customerStartHistory,
  boardIntimationDuty,
];

export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to the latest version, one transaction per migration, so
 * an interrupted upgrade leaves the database at the last whole version.
 */
export function migrate(db: Db, target = latestSchemaVersion): number[] {
  const current = schemaVersion(db);
  if (current > latestSchemaVersion) {
    throw new Error(
      `The database schema (v${current}) is newer than this build knows (v${latestSchemaVersion})`,
    );
  }
  assertAscending(migrations);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}

// A list out of order would skip a migration silently on an older database.
function assertAscending(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    const previous = list[index - 1];
    if (previous && previous.version >= migration.version) {
      throw new Error(
        `Migration ${migration.version} (${migration.name}) is listed after ${previous.version}`,
      );
    }
  });
}
