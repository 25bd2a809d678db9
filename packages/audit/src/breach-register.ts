import { AppError, type RequestOrigin } from '@flowgento/core';
import type {
  AccessAction,
  BreachDetails,
  BreachDuty,
  BreachRecord,
  BreachRecords,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import type { AccessLog } from './access-log.ts';
import type { AuditActor, AuditLog } from './audit-log.ts';
import type { AuditAction } from './actions.ts';
import {
  breachClocks,
  DEFAULT_PEOPLE_TARGET_HOURS,
  type BreachClock,
} from './breach-clocks.ts';
import {
  breachDrafts,
  noticeText,
  type AffectedCounts,
  type DraftDocument,
  type DraftField,
} from './breach-drafts.ts';
import { checkDone, utc } from './breach-done.ts';
import { checkBreachTimes } from './breach-times.ts';
import { resolveAffected, type Resolved } from './breach-affected.ts';
import { reportText } from './breach-report-text.ts';

/** Scope, actor and origin of an admin's step (the messaging `MemberActing`). */
export interface BreachActing {
  scope: WorkspaceScope;
  actor: Extract<AuditActor, { type: 'user' }>;
  origin: RequestOrigin;
}

export interface BreachInput {
  title: string;
  awareAt: number;
  occurredAt: number | null;
  /** nature, categories, systems, measures, contactPoint and any other facts. */
  details: BreachDetails;
  peopleTargetHours?: number;
}

/** Which accesses may have exposed contacts: the admin's choice. */
export interface AffectedSelection {
  from: number;
  to: number;
  memberIds: string[];
  actions: AccessAction[];
}

export interface AffectedContact {
  contactId: string;
  waId: string;
  name: string | null;
  accesses: number;
}

/** Who was exposed, as it stands now: an erasure since awareness moves one to `erased`. */
export interface AffectedView extends AffectedCounts {
  selection: AffectedSelection;
  /** When the search was run (the records are counted as of then). */
  foundAt: number | null;
}

export interface BreachView {
  breach: BreachRecord;
  clocks: BreachClock[];
  drafts: Record<DraftDocument, DraftField[]>;
  affected: AffectedView | null;
}

/** What `details` keeps of a search: the selection and counts, never who. */
interface StoredAffected {
  selection: AffectedSelection;
  records?: BreachRecords;
  foundAt?: number;
}

const AFFECTED_KEY = 'affected';

/**
 * The breach register: incidents, the clocks that run from awareness, the
 * pre-filled notifications, the contacts the access log says were exposed,
 * and the exports. Every change is audited in its own transaction.
 */
export class BreachRegister {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly accessLog: AccessLog,
  ) {}

  record(acting: BreachActing, input: BreachInput): { id: string } {
    checkBreachTimes(input, this.store.clock.now());
    return this.store.transaction(() => {
      const id = this.store.in(acting.scope).breaches.add({
        ...input,
        peopleTargetHours: input.peopleTargetHours ?? DEFAULT_PEOPLE_TARGET_HOURS,
        createdBy: acting.actor.id,
      });
      this.audited(acting, 'breach.recorded', id, { awareAt: input.awareAt });
      return { id };
    });
  }

  list(scope: WorkspaceScope): { breach: BreachRecord; clocks: BreachClock[] }[] {
    const now = this.store.clock.now();
    return this.store
      .in(scope)
      .breaches.list()
      .map((breach) => ({
        breach: withoutSearch(breach),
        clocks: breachClocks(breach, now),
      }));
  }

  /**
   * One breach with its clocks and drafts. The people affected are resolved
   * again from the access log on every read, so a contact erased since the
   * search is only counted, and never named, in what is shown or exported.
   */
  get(scope: WorkspaceScope, id: string): BreachView {
    const found = this.find(scope, id);
    const raw = found.details[AFFECTED_KEY];
    const breach = withoutSearch(found);
    const stored = raw ? (JSON.parse(raw) as StoredAffected) : null;
    let affected: AffectedView | null = null;
    if (stored) {
      const now = resolveAffected(
        this.store,
        this.accessLog,
        scope,
        stored.selection,
        found.awareAt,
      );
      affected = {
        resolved: now.resolved.length,
        erased: now.erased,
        erasedBefore: now.erasedBefore,
        records: stored.records ?? null,
        selection: stored.selection,
        foundAt: stored.foundAt ?? null,
      };
    }
    return {
      breach,
      clocks: breachClocks(breach, this.store.clock.now()),
      drafts: breachDrafts(breach, affected, this.store.clock.now()),
      affected,
    };
  }

  /**
   * Records that a notification went out. The time must lie between the
   * awareness and now, a notice to an authority needs its reference, and a
   * duty already done changes only by an explicit correction, whose entry
   * keeps the value it replaces.
   */
  markDone(
    acting: BreachActing,
    id: string,
    duty: BreachDuty,
    done: { at: number; reference: string; correction?: string | undefined },
  ): void {
    this.store.transaction(() => {
      const breach = this.find(acting.scope, id);
      checkDone(breach, duty, done, this.store.clock.now());
      const previous = breach.done[duty];
      if (previous && !done.correction) {
        throw new AppError(
          'CONFLICT',
          `This notification was already marked done on ${utc(previous.at)}` +
            ` (${previous.reference || 'no reference'}): give a reason to correct it`,
          { reason: 'duty_already_done' },
        );
      }
      if (!previous && done.correction) {
        throw new AppError('INVALID_INPUT', 'There is nothing to correct yet', {
          reason: 'nothing_to_correct',
        });
      }
      this.store.in(acting.scope).breaches.markDone(id, duty, done.at, done.reference);
      this.audited(acting, 'breach.duty_done', id, {
        duty,
        doneAt: done.at,
        ...(previous && {
          previousAt: previous.at,
          previousReference: previous.reference,
          correction: done.correction ?? '',
        }),
      });
    });
  }

  /** Saves edited notification text; only the drafts' own keys are accepted. */
  editDrafts(acting: BreachActing, id: string, fields: Record<string, string>): void {
    this.store.transaction(() => {
      const breach = this.find(acting.scope, id);
      const known = new Set(
        Object.values(breachDrafts(breach, null, this.store.clock.now())).flatMap(
          (list) => list.map((f) => f.key),
        ),
      );
      const unknown = Object.keys(fields).find((key) => !known.has(key));
      if (unknown) {
        throw new AppError(
          'INVALID_INPUT',
          `${unknown} is not a field of the notifications`,
          {
            reason: 'unknown_draft_field',
          },
        );
      }
      this.store
        .in(acting.scope)
        .breaches.updateDetails(id, { ...breach.details, ...fields });
      this.audited(acting, 'breach.report_edited', id, {
        fields: Object.keys(fields).length,
      });
    });
  }

  /**
   * The contacts the chosen accesses touched, resolved to today's contacts.
   * An erased contact's pseudonym resolves to nobody: it is counted only.
   */
  findAffected(acting: BreachActing, id: string, selection: AffectedSelection): Resolved {
    if (selection.from > selection.to) {
      throw new AppError('INVALID_INPUT', 'The window ends before it starts', {
        reason: 'bad_window',
      });
    }
    const found = resolveAffected(
      this.store,
      this.accessLog,
      acting.scope,
      selection,
      this.find(acting.scope, id).awareAt,
    );
    this.store.transaction(() => {
      const breach = this.find(acting.scope, id);
      const breaches = this.store.in(acting.scope).breaches;
      const summary: StoredAffected = {
        selection,
        records: breaches.recordsOf(found.resolved.map((c) => c.contactId)),
        foundAt: this.store.clock.now(),
      };
      breaches.updateDetails(id, {
        ...breach.details,
        [AFFECTED_KEY]: JSON.stringify(summary),
      });
      this.audited(acting, 'breach.affected_found', id, {
        resolved: found.resolved.length,
        erased: found.erased,
        erasedBefore: found.erasedBefore,
      });
    });
    this.noteExport(acting, 'breaches.affected', found.resolved);
    return found;
  }

  /**
   * The breaches whose people are still to be told and whose affected
   * contacts include this one: erasing it would leave their notice without
   * anyone to reach, so erasure asks first.
   */
  openAffecting(
    scope: WorkspaceScope,
    contactId: string,
  ): { id: string; title: string }[] {
    return this.store
      .in(scope)
      .breaches.list()
      .filter((breach) => !breach.done.people && breach.details[AFFECTED_KEY])
      .filter((breach) => {
        const stored = JSON.parse(breach.details[AFFECTED_KEY]!) as StoredAffected;
        return resolveAffected(
          this.store,
          this.accessLog,
          scope,
          stored.selection,
          breach.awareAt,
        ).resolved.some((c) => c.contactId === contactId);
      })
      .map((breach) => ({ id: breach.id, title: breach.title }));
  }

  /** The report for the Board (and the other authorities), as JSON and as text. */
  exportReport(acting: BreachActing, id: string): { json: string; text: string } {
    const view = this.get(acting.scope, id);
    this.store.transaction(() => this.audited(acting, 'breach.report_exported', id, {}));
    return { json: JSON.stringify(view, null, 2), text: reportText(view) };
  }

  /** One plain-language notice per affected person still on record. */
  exportNotices(
    acting: BreachActing,
    id: string,
  ): {
    notices: { contactId: string; waId: string; text: string }[];
    erased: number;
    erasedBefore: number;
  } {
    const view = this.get(acting.scope, id);
    if (!view.affected) {
      throw new AppError('PRECONDITION_FAILED', 'Find the affected contacts first', {
        reason: 'affected_not_found',
      });
    }
    const found = resolveAffected(
      this.store,
      this.accessLog,
      acting.scope,
      view.affected.selection,
      view.breach.awareAt,
    );
    const organisation = this.store.workspaces.get(acting.scope.workspaceId)?.name ?? '';
    const notices = found.resolved.map((c) => ({
      contactId: c.contactId,
      waId: c.waId,
      text: noticeText(view.drafts.people, c, organisation),
    }));
    this.store.transaction(() =>
      this.audited(acting, 'breach.notices_exported', id, { notices: notices.length }),
    );
    this.noteExport(acting, 'breaches.notices', found.resolved);
    return { notices, erased: found.erased, erasedBefore: found.erasedBefore };
  }

  private noteExport(
    acting: BreachActing,
    via: string,
    contacts: AffectedContact[],
  ): void {
    this.accessLog.recordNow(acting.scope, {
      actor: { id: acting.actor.id, label: acting.actor.label },
      action: 'export',
      via,
      contactIds: contacts.map((c) => c.contactId),
    });
  }

  private find(scope: WorkspaceScope, id: string): BreachRecord {
    const breach = this.store.in(scope).breaches.get(id);
    if (!breach) throw notFound();
    return breach;
  }

  private audited(
    acting: BreachActing,
    action: AuditAction,
    id: string,
    details: Record<string, string | number>,
  ): void {
    this.audit.record({
      workspaceId: acting.scope.workspaceId,
      actor: acting.actor,
      action,
      target: { type: 'breach', id },
      origin: acting.origin,
      details,
    });
  }
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'Breach not found', { reason: 'breach_not_found' });
}

/** The breach without the kept search, whose counts only a fresh resolve tells. */
function withoutSearch(breach: BreachRecord): BreachRecord {
  const details = { ...breach.details };
  delete details[AFFECTED_KEY];
  return { ...breach, details };
}
