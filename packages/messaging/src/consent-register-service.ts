import { AppError, NUMBER_DIGITS, type Clock } from '@flowgento/core';
import type { AccessLog, AuditLog } from '@flowgento/audit';
import type {
  ContactVault,
  ConsentHistoryEntry,
  ConsentNotice,
  ConsentPurposeEntry,
  ConsentRecord,
  ScopedStore,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import type { MemberActing } from './conversation-service.ts';
import { accessActorOf } from './requests/acting.ts';
import type { LiveEvents } from './events.ts';
import {
  registerFile,
  type RegisterEntry,
  type RegisterFormat,
} from './consent-register-export.ts';

/** A number as an import gives it: digits only, as many as E.164 allows. */
const WA_NUMBER = new RegExp(`^[0-9]{${NUMBER_DIGITS.min},${NUMBER_DIGITS.max}}$`);

export type { RegisterEntry, RegisterFormat } from './consent-register-export.ts';

/** A member's opt-in, with what the person was shown (issue #8, part 5). */
export interface OptInInput {
  contactId: string;
  purpose: string;
  /** `agent` at the desk, `admin` on the register page, `import` for a list. */
  source: 'agent' | 'admin' | 'import';
  noticeVersion: string;
  language: string;
}

/**
 * The consent register: records per contact and purpose with where each
 * opt-in came from and which notice the person read, the workspace's
 * notices and purposes, and the register's export. Every change by a
 * member is audited in the change's own transaction.
 */
export class ConsentRegisterService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
    /** Notes who saw which contacts' lines in the access log of personal data. */
    private readonly accessLog: Pick<AccessLog, 'record' | 'recordNow'>,
    /** The erasure ledger: an erased number is never opted in by an import. */
    private readonly ledger?: Pick<ContactVault, 'hashNumber' | 'erasedNumbers'>,
  ) {}

  /** The whole register, or one contact's lines, noted as read by the member. */
  read(acting: MemberActing, contactId?: string): RegisterEntry[] {
    const entries = this.entries(acting.scope, contactId);
    this.accessLog.record(acting.scope, {
      actor: accessActorOf(acting.actor),
      action: 'read',
      via: 'consent.register',
      contactIds: [...new Set(entries.map((e) => e.contactId))],
    });
    return entries;
  }

  /** The whole register, or one contact's lines (not logged: callers that show them log). */
  entries(scope: WorkspaceScope, contactId?: string): RegisterEntry[] {
    const scoped = this.store.in(scope);
    return scoped.consentRegister.records(contactId).map((record) => ({
      ...record,
      waId: scoped.contacts.get(record.contactId)?.waId ?? '',
    }));
  }

  history(scope: WorkspaceScope, contactId: string): ConsentHistoryEntry[] {
    return this.store.in(scope).consentRegister.history(contactId);
  }

  notices(scope: WorkspaceScope): ConsentNotice[] {
    return this.store.in(scope).consentRegister.notices();
  }

  /** `marketing` first, then the workspace's own purposes. */
  purposes(scope: WorkspaceScope): ConsentPurposeEntry[] {
    return [
      { purpose: 'marketing', description: 'Marketing templates and offers' },
      ...this.store.in(scope).consentRegister.purposes(),
    ];
  }

  /** Publishes a notice text; a version and language once published stay as they are. */
  addNotice(acting: MemberActing, notice: Omit<ConsentNotice, 'createdAt'>): void {
    this.store.transaction(() => {
      const added = this.store.in(acting.scope).consentRegister.addNotice(notice);
      if (!added) {
        throw new AppError(
          'CONFLICT',
          `Notice ${notice.version} (${notice.language}) is already published; ` +
            'publish a new version instead of changing what people read.',
          { reason: 'notice_exists', details: { field: 'version' } },
        );
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.notice_added',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: { version: notice.version, language: notice.language },
      });
    });
  }

  savePurpose(acting: MemberActing, entry: ConsentPurposeEntry): void {
    if (entry.purpose === 'marketing') {
      throw new AppError('INVALID_INPUT', 'purpose: marketing is built in', {
        reason: 'purpose_reserved',
      });
    }
    this.store.transaction(() => {
      const added = this.store.in(acting.scope).consentRegister.savePurpose(entry);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.purpose_saved',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: { purpose: entry.purpose, added },
      });
    });
  }

  /**
   * Records an opt-in; refused without a published notice in that language,
   * and while the customer's own withdrawal stands.
   */
  recordOptIn(acting: MemberActing, input: OptInInput): void {
    this.change(acting, input.contactId, input.purpose, (scoped) => {
      assertNotice(scoped, input.noticeVersion, input.language);
      assertNoCustomerWithdrawal(scoped, input.contactId, input.purpose);
      return {
        state: 'opted_in',
        source: input.source,
        noticeVersion: input.noticeVersion,
        language: input.language,
      };
    });
  }

  /**
   * Opt-ins gathered elsewhere (a paper form, a website) for a list of
   * WhatsApp numbers, all under one notice: each recorded with source
   * `import`, in one transaction with one audit entry. A number never seen
   * becomes a contact, so the first message to it finds the consent. A
   * number erased (in the erasure ledger) or whose own STOP stands (no
   * START since) is refused, with the reason, and never recorded; so is a
   * number that cannot be E.164. One already opted in under the same notice
   * and language is left as it is (`unchanged`).
   */
  importOptIns(
    acting: MemberActing,
    input: { purpose: string; noticeVersion: string; language: string; waIds: string[] },
  ): { recorded: number; unchanged: number; refused: ImportRefusal[] } {
    // No live event: an import touches no open conversation's thread view,
    // and the register page reloads after the call.
    return this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      assertPurpose(scoped, input.purpose);
      assertNotice(scoped, input.noticeVersion, input.language);
      const now = this.clock.now();
      const erased =
        this.ledger?.erasedNumbers().get(acting.scope.workspaceId) ?? new Map();
      const refused: ImportRefusal[] = [];
      let recorded = 0;
      for (const waId of new Set(input.waIds)) {
        // A contact made for a number that cannot be E.164 would never be reached.
        if (!WA_NUMBER.test(waId)) {
          refused.push({ waId, reason: 'not_a_number' });
          continue;
        }
        const hash = this.ledger?.hashNumber(acting.scope.workspaceId, waId);
        if (hash !== undefined && erased.has(hash)) {
          refused.push({ waId, reason: 'erased' });
          continue;
        }
        const known = scoped.contacts.byWaId(waId);
        // The rule a member's single opt-in follows: the customer's own STOP
        // holds until their START, a member's withdrawal on top or not.
        if (known && scoped.consent.customerWithdrawalStands(known.id, input.purpose)) {
          refused.push({ waId, reason: 'withdrew_by_customer' });
          continue;
        }
        // Already opted in under this very notice: nothing to record, and
        // the record keeps the day the person actually agreed.
        const current = known && scoped.consent.get(known.id, input.purpose);
        if (
          current?.state === 'opted_in' &&
          current.noticeVersion === input.noticeVersion &&
          current.language === input.language
        ) {
          continue;
        }
        const contactId = known?.id ?? scoped.contacts.upsert(waId, null);
        const moved = scoped.consent.record({
          contactId,
          purpose: input.purpose,
          state: 'opted_in',
          source: 'import',
          numberId: null,
          detail: acting.actor.id,
          occurredAt: now,
          noticeVersion: input.noticeVersion,
          language: input.language,
        });
        if (moved) recorded += 1;
      }
      const counts = {
        recorded,
        unchanged: new Set(input.waIds).size - recorded - refused.length,
      };
      // How many were refused, and why: counts only, never the numbers.
      const refusedFor = (reason: ImportRefusal['reason']) =>
        refused.filter((r) => r.reason === reason).length;
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.imported',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: {
          purpose: input.purpose,
          notice: input.noticeVersion,
          ...counts,
          refused: refused.length,
          refusedErased: refusedFor('erased'),
          refusedWithdrew: refusedFor('withdrew_by_customer'),
          refusedInvalid: refusedFor('not_a_number'),
        },
      });
      return { ...counts, refused };
    });
  }

  /** Withdraws consent in one step, whatever purpose. */
  withdraw(acting: MemberActing, contactId: string, purpose: string): void {
    this.change(acting, contactId, purpose, () => ({
      state: 'opted_out',
      source: 'admin',
      noticeVersion: null,
      language: null,
    }));
  }

  /** The register as CSV or JSON, audited as an export of personal data. */
  export(
    acting: MemberActing,
    format: RegisterFormat,
  ): { filename: string; body: string } {
    return this.store.transaction(() => {
      const entries = this.entries(acting.scope);
      this.accessLog.recordNow(acting.scope, {
        actor: accessActorOf(acting.actor),
        action: 'export',
        via: 'consent.register_export',
        contactIds: [...new Set(entries.map((e) => e.contactId))],
      });
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.exported',
        target: { type: 'workspace', id: acting.scope.workspaceId },
        origin: acting.origin,
        details: { format, records: entries.length },
      });
      const scoped = this.store.in(acting.scope);
      const waIds = new Map(entries.map((e) => [e.contactId, e.waId]));
      const history = scoped.consentRegister.historyLines().map((change) => ({
        ...change,
        waId:
          waIds.get(change.contactId) ??
          scoped.contacts.get(change.contactId)?.waId ??
          '',
      }));
      const body = registerFile(format, this.clock.now(), entries, history);
      return { filename: `consent-register.${format}`, body };
    });
  }

  private change(
    acting: MemberActing,
    contactId: string,
    purpose: string,
    decide: (scoped: ScopedStore) => {
      state: ConsentRecord['state'];
      source: OptInInput['source'];
      noticeVersion: string | null;
      language: string | null;
    },
  ): void {
    this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      if (!scoped.contacts.get(contactId)) {
        throw new AppError('NOT_FOUND', 'Contact not found');
      }
      assertPurpose(scoped, purpose);
      const before = scoped.consent.get(contactId, purpose)?.state ?? null;
      const choice = decide(scoped);
      const moved = scoped.consent.record({
        contactId,
        purpose,
        numberId: null,
        detail: acting.actor.id,
        occurredAt: this.clock.now(),
        ...choice,
      });
      if (!moved && choice.state === 'opted_in') throw withdrawalHolds();
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'consent.changed',
        target: { type: 'contact', id: contactId },
        origin: acting.origin,
        details: { purpose, from: before, to: choice.state },
      });
    });
    this.events.publish(acting.scope.workspaceId, { type: 'consent.changed', contactId });
  }
}

/** A number an import left out, and why: the member sees each one. */
export interface ImportRefusal {
  waId: string;
  /**
   * `erased`: the person asked to be forgotten; `withdrew_by_customer`: their
   * own STOP; `not_a_number`: not 7 to 15 digits, so no WhatsApp number.
   */
  reason: 'erased' | 'withdrew_by_customer' | 'not_a_number';
}

/**
 * An opt-in that a withdrawal of the same second outranks (see
 * `ConsentRepo.record`): refused, so the member is not told it was recorded.
 * A customer's own withdrawal is refused before this, by
 * `assertNoCustomerWithdrawal`; what is left is a member's.
 */
export function withdrawalHolds(): AppError {
  return new AppError(
    'RULE_REFUSED',
    'Consent was withdrawn in this same second, and a withdrawal wins a tie: ' +
      'record the opt-in again in a moment if the customer really asked for it',
    { reason: 'withdrawal_holds' },
  );
}

/**
 * Refuses a member's opt-in while the customer's own withdrawal (their STOP,
 * WhatsApp's stop) stands: a member cannot undo it on their word alone, as
 * an import cannot (review of issue #8). Once the customer asks again with
 * START, the member may record their renewed consent under a notice.
 */
export function assertNoCustomerWithdrawal(
  scoped: ScopedStore,
  contactId: string,
  purpose: string,
): void {
  if (!scoped.consent.customerWithdrawalStands(contactId, purpose)) return;
  throw new AppError(
    'RULE_REFUSED',
    `The customer withdrew ${purpose} consent themselves (STOP): ` +
      'an opt-in can be recorded only after they ask again with START',
    { reason: 'withdrew_by_customer' },
  );
}

/** Refuses an opt-in whose notice the workspace never published. */
export function assertNotice(
  scoped: ScopedStore,
  version: string,
  language: string,
): void {
  if (scoped.consentRegister.hasNotice(version, language)) return;
  throw new AppError(
    'INVALID_INPUT',
    `noticeVersion: no notice ${version} in ${language} is published; ` +
      'an opt-in names the notice the person read.',
    { reason: 'notice_unknown', details: { field: 'noticeVersion' } },
  );
}

function assertPurpose(scoped: ScopedStore, purpose: string): void {
  if (purpose === 'marketing') return;
  if (scoped.consentRegister.purposes().some((p) => p.purpose === purpose)) return;
  throw new AppError(
    'INVALID_INPUT',
    `purpose: ${purpose} is not a purpose of this workspace`,
    {
      reason: 'purpose_unknown',
      details: { field: 'purpose' },
    },
  );
}
