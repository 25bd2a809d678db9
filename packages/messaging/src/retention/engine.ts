import { DAY_MS, type Clock, type Logger, type RequestOrigin } from '@flowgento/core';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import {
  cutAccessLog,
  type OpenNotice,
  type RetentionCategory,
  type RetentionRule,
  type RetentionRunRecord,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import type { ConversationPurge, ContactPurger } from './contact-purger.ts';
import { listHolds, type ListedLegalHold } from './legal-holds.ts';
import {
  checkRule,
  LEGAL_FLOORS,
  noticeTemplates,
  PURGE_NOTICE_MS,
  type LegalFloor,
  type RuleInput,
} from './rules.ts';

/** Sends the approved inactivity notice in a conversation, in a member's name. */
export type NoticeSender = (input: {
  scope: WorkspaceScope;
  conversationId: string;
  templateId: string;
  userId: string;
}) => Promise<unknown>;

export interface RetentionActing {
  scope: WorkspaceScope;
  actor: AuditActor;
  origin: RequestOrigin;
}

/** What one run removed (or, dry, would remove), per category. */
export interface RetentionCounts {
  conversations: number;
  media: number;
  mediaObjects: number;
  contactsNoticed: number;
  contactsPurged: number;
  purgesCancelled: number;
  /** Access-log entries of this workspace past the security_log rule. */
  accessLogEntries: number;
}

export interface RetentionOverview {
  rules: (RetentionRule & { floor: LegalFloor | null })[];
  floors: Partial<Record<RetentionCategory, LegalFloor>>;
  nextRunAt: number | null;
  lastRun: RetentionRunRecord | null;
  holds: ListedLegalHold[];
  notices: OpenNotice[];
  /** Approved templates an inactivity notice may be sent with. */
  noticeTemplates: { id: string; name: string; language: string }[];
}

const zero = (): RetentionCounts => ({
  conversations: 0,
  media: 0,
  mediaObjects: 0,
  contactsNoticed: 0,
  contactsPurged: 0,
  purgesCancelled: 0,
  accessLogEntries: 0,
});

/**
 * A workspace's retention rules and their runs. A run removes what each rule
 * reaches from the database and from every media provider holding a copy,
 * skips whatever a legal hold covers, and is audited with its counts. Audit
 * and security logs have rules too, held to their legal floors; the audit
 * log itself is pruned by the appliance's audit keeper.
 */
export class RetentionService {
  /** Set by the schedule, for the Retention page. */
  nextRunAt: number | null = null;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly purge: ConversationPurge,
    private readonly contacts: ContactPurger,
    private readonly sendNotice: NoticeSender,
    private readonly logger: Logger,
  ) {}

  overview(scope: WorkspaceScope): RetentionOverview {
    const scoped = this.store.in(scope);
    return {
      rules: scoped.retention
        .rules()
        .map((rule) => ({ ...rule, floor: LEGAL_FLOORS[rule.category] ?? null })),
      floors: LEGAL_FLOORS,
      nextRunAt: this.nextRunAt,
      lastRun: scoped.retention.lastRun(),
      holds: listHolds(scoped),
      notices: scoped.retention.openNotices(),
      noticeTemplates: noticeTemplates(scoped),
    };
  }

  /** Sets one rule; a rule below its legal floor is refused and changes nothing. */
  setRule(acting: RetentionActing, input: RuleInput): void {
    this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const rule = checkRule(scoped, input);
      const before = scoped.retention.rule(rule.category);
      const by = acting.actor.type === 'user' ? acting.actor.id : null;
      scoped.retention.setRule(rule, by);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'retention.rule_set',
        origin: acting.origin,
        details: {
          category: rule.category,
          fromDays: before?.days ?? null,
          toDays: rule.days,
          noticeTemplateId: rule.noticeTemplateId,
        },
      });
    });
  }

  removeRule(acting: RetentionActing, category: RetentionCategory): void {
    this.store.transaction(() => {
      if (!this.store.in(acting.scope).retention.removeRule(category)) return;
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'retention.rule_removed',
        origin: acting.origin,
        details: { category },
      });
    });
  }

  /** Runs every workspace's rules, one workspace at a time. */
  async runAll(by: Omit<RetentionActing, 'scope'>): Promise<void> {
    for (const { scope } of this.store.retentionIndex.workspacesWithRules()) {
      try {
        await this.run({ ...by, scope });
      } catch (error) {
        this.logger.error(
          { err: error, workspaceId: scope.workspaceId },
          'retention run failed',
        );
      }
    }
  }

  /**
   * Applies the workspace's rules now. The rows go in one transaction with
   * the run's audit entry; the sealed objects are removed once it commits
   * (a provider that is down keeps its copy listed, to go when it is back).
   * Notices, cancellations and due contact purges follow, each audited on
   * its own. A dry run counts what would go and changes nothing.
   */
  async run(acting: RetentionActing, dryRun = false): Promise<RetentionCounts> {
    const scoped = this.store.in(acting.scope);
    const counts = zero();
    const now = this.clock.now();
    const cutoff = (rule: RetentionRule | undefined) =>
      rule ? now - rule.days * DAY_MS : null;
    const conversationsBefore = cutoff(scoped.retention.rule('conversations'));
    const mediaBefore = cutoff(scoped.retention.rule('media'));
    const inactive = scoped.retention.rule('inactive_contacts');
    // The audit_log rule acts through the audit keeper (AuditRetention);
    // the security_log rule cuts the access log of personal data here.
    const securityLog = scoped.retention.rule('security_log');

    if (inactive) this.cancelPurges(acting, dryRun, counts);
    const due = inactive ? this.duePurges(acting, cutoff(inactive)!, now) : undefined;
    counts.contactsPurged = due?.purge.length ?? 0;
    counts.contactsNoticed = due?.notice.length ?? 0;

    const deleted = this.store.transaction(() => {
      const ids =
        conversationsBefore === null
          ? []
          : scoped.retention.expiredConversations(conversationsBefore);
      const files =
        mediaBefore === null ? [] : scoped.retention.expiredMedia(mediaBefore);
      counts.conversations = ids.length;
      counts.media = files.length;
      if (securityLog) this.cutAccessLog(acting.scope, now, dryRun, counts);
      if (dryRun) return null;
      const rows = this.purge.deleteRows(acting.scope, ids);
      counts.conversations = rows.conversationIds.length;
      for (const file of files) {
        if (scoped.retention.markMediaRemoved(file.id) && file.objectKey) {
          rows.keys.push(file.objectKey);
        }
      }
      counts.mediaObjects = rows.keys.length;
      scoped.retention.recordRun({ ...counts });
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'retention.ran',
        origin: acting.origin,
        details: { ...counts },
      });
      return rows;
    });
    if (!deleted) return counts;
    await this.purge.finish(acting.scope, deleted);
    this.logger.info(
      { workspaceId: acting.scope.workspaceId, ...counts },
      'retention run',
    );

    for (const contactId of due?.purge ?? []) {
      try {
        await this.contacts.purge(acting.scope, contactId);
      } catch (error) {
        this.logger.error(
          { err: error, contactId },
          'inactivity purge failed; next run retries',
        );
      }
    }
    for (const contactId of due?.notice ?? []) {
      await this.notify(acting, inactive!, contactId, now);
    }
    return counts;
  }

  /**
   * Cuts the access log's oldest entries (a prefix of its chain, with an
   * anchor); a chain that does not verify is left whole and said so.
   */
  private cutAccessLog(
    scope: WorkspaceScope,
    now: number,
    dryRun: boolean,
    counts: RetentionCounts,
  ): void {
    const cut = cutAccessLog(this.store, scope.workspaceId, now, dryRun);
    counts.accessLogEntries = cut.ofWorkspace;
    if (cut.refused) {
      this.logger.warn(
        { workspaceId: scope.workspaceId },
        'access log not cut: its chain does not verify',
      );
    }
  }

  /**
   * A contact who wrote after their notice is not purged. Counted, not
   * timed: any message that arrived after the notice cancels, whatever
   * time Meta stamped on it.
   */
  private cancelPurges(
    acting: RetentionActing,
    dryRun: boolean,
    counts: RetentionCounts,
  ) {
    const retention = this.store.in(acting.scope).retention;
    for (const notice of retention.openNotices()) {
      if (retention.inboundCount(notice.contactId) <= notice.inboundSeen) continue;
      counts.purgesCancelled += 1;
      if (!dryRun) this.cancel(acting, notice.contactId);
    }
  }

  /**
   * Contacts inactive past the rule: those told at least 48 hours ago are
   * due a purge, those not yet told are due a notice.
   */
  private duePurges(acting: RetentionActing, cutoff: number, now: number) {
    const retention = this.store.in(acting.scope).retention;
    const purge: string[] = [];
    const notice: string[] = [];
    for (const contactId of retention.inactiveContacts(cutoff)) {
      const sent = retention.notice(contactId);
      const open = sent && sent.cancelledAt === null ? sent : undefined;
      if (!open) notice.push(contactId);
      else if (now >= open.purgeAfter) purge.push(contactId);
    }
    return { purge, notice };
  }

  private cancel(acting: RetentionActing, contactId: string): void {
    this.store.transaction(() => {
      if (!this.store.in(acting.scope).retention.cancelNotice(contactId)) return;
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'retention.purge_cancelled',
        target: { type: 'contact', id: contactId },
        origin: acting.origin,
      });
    });
  }

  private async notify(
    acting: RetentionActing,
    rule: RetentionRule,
    contactId: string,
    now: number,
  ): Promise<void> {
    const retention = this.store.in(acting.scope).retention;
    const conversationId = retention.latestConversationOf(contactId);
    if (!conversationId || !rule.noticeTemplateId || !rule.updatedBy) {
      this.logger.warn({ contactId }, 'inactivity notice not sendable; purge waits');
      return;
    }
    try {
      await this.sendNotice({
        scope: acting.scope,
        conversationId,
        templateId: rule.noticeTemplateId,
        userId: rule.updatedBy,
      });
    } catch (error) {
      // Unsent, the purge waits: nobody is purged without their notice.
      this.logger.warn(
        { err: error, contactId },
        'inactivity notice refused; purge waits',
      );
      return;
    }
    this.store.transaction(() => {
      retention.recordNotice(contactId, now + PURGE_NOTICE_MS);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'retention.purge_noticed',
        target: { type: 'contact', id: contactId },
        origin: acting.origin,
        details: { purgeAfter: new Date(now + PURGE_NOTICE_MS).toISOString() },
      });
    });
  }
}
