import { AppError, type Clock } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import {
  cipherOf,
  type PrivacyPerson,
  type PrivacySettings,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import type { MemberActing } from './conversation-service.ts';
import {
  recordOfProcessing,
  type BackupRetention,
  type MaskingSwitch,
  type ProcessingRecord,
  type RetentionRuleInput,
  type StorageRecipient,
} from './record-of-processing.ts';

/** Where the record of processing reads what the workspace does not hold. */
export interface PrivacySources {
  /** The Graph API host messages go through. */
  messagingHost: string;
  /** The retention engine's rules for a workspace; none until it is wired. */
  retentionRules: (scope: WorkspaceScope) => readonly RetentionRuleInput[];
  /** The providers holding the workspace's tiers, as its exports name them. */
  storageRecipients: (scope: WorkspaceScope) => readonly StorageRecipient[];
  /** The backup schedule in force (the saved one, else the default). */
  backupRetention: () => BackupRetention;
}

/** Whom people write to about their data, as exports and refusals name them. */
export interface PrivacyContacts {
  privacyContact: PrivacyPerson | null;
  grievanceOfficer: PrivacyPerson | null;
}

/**
 * The privacy contact and grievance officer a workspace's settings name;
 * for callers that hold only the store (the command line's export).
 */
export function privacyContactsOf(store: Store, scope: WorkspaceScope): PrivacyContacts {
  const { privacyContact, grievanceOfficer } = store.in(scope).privacy.get();
  return { privacyContact, grievanceOfficer };
}

/**
 * A workspace's privacy settings (minimisation switches, privacy contact,
 * grievance officer) and its record of processing (issue #8, parts 8-9).
 */
export class PrivacyService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly sources: PrivacySources,
  ) {}

  settings(scope: WorkspaceScope): PrivacySettings {
    return this.store.in(scope).privacy.get();
  }

  /** The privacy contact and grievance officer, for exports and refusal letters. */
  contacts(scope: WorkspaceScope): PrivacyContacts {
    return privacyContactsOf(this.store, scope);
  }

  save(acting: MemberActing, next: PrivacySettings): PrivacySettings {
    this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const before = scoped.privacy.get();
      const changed = (Object.keys(next) as (keyof PrivacySettings)[]).filter(
        (key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]),
      );
      // Saved and audited even when nothing moved: the call declares one entry.
      scoped.privacy.save(next);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'privacy.settings_changed',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: { changed: changed.join(', ') },
      });
    });
    return this.settings(acting.scope);
  }

  /** The record of processing, generated now from the live configuration. */
  record(scope: WorkspaceScope): ProcessingRecord {
    const workspace = this.store.workspaces.get(scope.workspaceId);
    if (!workspace) throw new AppError('NOT_FOUND', 'Workspace not found');
    const scoped = this.store.in(scope);
    const settings = scoped.privacy.get();
    return recordOfProcessing({
      workspaceName: workspace.name,
      messagingHost: this.sources.messagingHost,
      settings,
      maskedSince: this.maskedSince(scope, settings),
      purposes: [
        { purpose: 'marketing', description: 'Marketing templates and offers' },
        ...scoped.consentRegister.purposes(),
      ],
      providers: this.sources.storageRecipients(scope),
      retentionRules: this.sources.retentionRules(scope),
      auditRetentionMonths: this.audit.retentionMonths(),
      backup: this.sources.backupRetention(),
      databaseCipher: cipherOf(this.store.db),
      generatedAt: this.clock.now(),
    });
  }

  /**
   * When each masking switch that is on was turned on: the newest
   * `privacy.settings_changed` entry that changed it (the settings keep no
   * date). A switch whose entry the audit retention has pruned has none.
   */
  private maskedSince(
    scope: WorkspaceScope,
    settings: PrivacySettings,
  ): Partial<Record<MaskingSwitch, number>> {
    const wanted = MASKING_SWITCHES.filter((key) => settings[key]);
    const since: Partial<Record<MaskingSwitch, number>> = {};
    let beforeSeq: number | undefined;
    while (wanted.some((key) => since[key] === undefined)) {
      const page = this.audit.list(scope, {
        action: 'privacy.settings_changed',
        limit: 100,
        beforeSeq,
      });
      for (const entry of page) {
        const { changed: named } = entry.details;
        const changed = typeof named === 'string' ? named.split(', ') : [];
        for (const key of wanted) {
          if (since[key] === undefined && changed.includes(key)) since[key] = entry.at;
        }
      }
      if (page.length < 100) break;
      beforeSeq = page.at(-1)!.seq;
    }
    return since;
  }
}

const MASKING_SWITCHES: readonly MaskingSwitch[] = [
  'maskCardNumbers',
  'maskIdentityNumbers',
];
