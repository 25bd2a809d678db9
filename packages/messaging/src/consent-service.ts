import { AppError, type Clock } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import type {
  ConsentRecord,
  ConsentState,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import type { MemberActing } from './conversation-service.ts';
import type { LiveEvents } from './events.ts';
import {
  assertNoCustomerWithdrawal,
  assertNotice,
  withdrawalHolds,
} from './consent-register-service.ts';
import {
  checkKeywordLists,
  effectiveKeywords,
  type ConsentKeywords,
} from './consent-keywords.ts';

/**
 * Consent as agents and admins see and change it: a contact's marketing
 * consent (the webhook intake and the outbound queue change it too, without
 * a member), and the workspace's STOP / START keywords. Changes by members
 * are audited in their own transaction.
 */
export class ConsentService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
  ) {}

  /** The contact's marketing consent, or null when nothing was ever recorded. */
  marketing(scope: WorkspaceScope, contactId: string): ConsentRecord | null {
    return this.store.in(scope).consent.get(contactId, 'marketing') ?? null;
  }

  /**
   * An agent records what a customer told them (by phone, at the counter,
   * …). A withdrawal needs nothing more; an opt-in names the published
   * notice the customer read, and its language (issue #8, part 5).
   */
  setMarketing(
    acting: MemberActing,
    conversationId: string,
    state: ConsentState,
    notice: { version: string; language: string } | null = null,
  ): void {
    const contactId = this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const conversation = scoped.conversations.get(conversationId);
      if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
      if (state === 'opted_in') {
        if (notice === null) {
          throw new AppError(
            'INVALID_INPUT',
            'noticeVersion: an opt-in names the notice the customer read and its language',
            { reason: 'notice_required', details: { field: 'noticeVersion' } },
          );
        }
        assertNotice(scoped, notice.version, notice.language);
        assertNoCustomerWithdrawal(scoped, conversation.contact.id, 'marketing');
      }
      const id = conversation.contact.id;
      const before = scoped.consent.get(id, 'marketing')?.state ?? null;
      const moved = scoped.consent.record({
        contactId: id,
        purpose: 'marketing',
        state,
        source: 'agent',
        numberId: conversation.numberId,
        detail: acting.actor.id,
        occurredAt: this.clock.now(),
        noticeVersion: state === 'opted_in' ? (notice?.version ?? null) : null,
        language: state === 'opted_in' ? (notice?.language ?? null) : null,
      });
      if (!moved && state === 'opted_in') throw withdrawalHolds();
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.changed',
        target: { type: 'contact', id },
        origin: acting.origin,
        details: { purpose: 'marketing', from: before, to: state },
      });
      return id;
    });
    this.events.publish(acting.scope.workspaceId, { type: 'consent.changed', contactId });
  }

  /** The keywords in force, and whether they are the workspace's own. */
  keywords(scope: WorkspaceScope): ConsentKeywords & { custom: boolean } {
    return effectiveKeywords(this.store.in(scope).consent.keywords());
  }

  /** Replaces the workspace's keywords; `null` goes back to the built-in lists. */
  setKeywords(acting: MemberActing, lists: ConsentKeywords | null): void {
    const clean = lists === null ? { stop: [], start: [] } : checkKeywordLists(lists);
    this.store.transaction(() => {
      this.store.in(acting.scope).consent.setKeywords(clean);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.keywords_changed',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: {
          builtIn: lists === null,
          stop: clean.stop.length,
          start: clean.start.length,
        },
      });
    });
  }
}
