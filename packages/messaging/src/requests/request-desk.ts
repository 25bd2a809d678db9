import { AppError, type Clock } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import type {
  DataRequest,
  DataRequestKind,
  DataRequestLaw,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import { memberIdOf, type ComplianceActing } from './acting.ts';
import { DEFAULT_DISCLOSURE, type ExportDisclosure } from './export-summary.ts';
import { refusalNotice } from './refusal-notice.ts';
import type { ContactEraser } from './contact-eraser.ts';
import { assertNoLegalHold, maskedNumber } from '../retention/legal-holds.ts';
import { correctContact, type ContactCorrection } from './contact-correction.ts';
import {
  addMonths,
  DEFAULT_AUTHORITIES,
  dueAtFor,
  extensionRefusal,
  latestExtension,
  remindersAt,
  urgencyOf,
  type Reminder,
  type Urgency,
} from './request-clock.ts';

/** How far back a request's receipt may be logged. */
export const RECEIVED_AT_MAX_AGE_MONTHS = 12;

/** A request as the desk shows it: with its urgency at the desk's now. */
export interface DataRequestView extends DataRequest {
  urgency: Urgency;
  /** The latest deadline an extension may set (GDPR only), for the form's last day. */
  extensionLimit: number | null;
  /** The contact verification linked, as the legal-holds list shows one; null once erased. */
  contact: { name: string | null; maskedNumber: string | null } | null;
}

/**
 * The request desk: logs what people ask about their own data, verifies
 * who they are, keeps the legal clock and closes each request as done or
 * refused. Every step is audited in its own transaction.
 */
export class RequestDesk {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly eraser: ContactEraser,
    /** The privacy contact and grievance officer a refusal names (privacy settings). */
    private readonly disclosureFor: (scope: WorkspaceScope) => ExportDisclosure = () =>
      DEFAULT_DISCLOSURE,
  ) {}

  log(
    acting: ComplianceActing,
    input: {
      kind: DataRequestKind;
      law: DataRequestLaw;
      requester: string;
      receivedAt?: number;
    },
  ): { id: string; dueAt: number } {
    // Nominating someone to act on one's death or incapacity is a DPDP
    // right (Act s. 14); the GDPR has no such request.
    if (input.kind === 'nomination' && input.law !== 'DPDP') {
      throw new AppError(
        'INVALID_INPUT',
        `kind: a nomination is a DPDP right; ${input.law} has no such request`,
        { reason: 'nomination_dpdp_only', details: { field: 'kind' } },
      );
    }
    const now = this.clock.now();
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt > now) {
      throw new AppError(
        'INVALID_INPUT',
        'receivedAt: a request cannot be received in the future',
        { reason: 'received_in_future', details: { field: 'receivedAt' } },
      );
    }
    // A letter may predate the appliance: the deadline runs from the true
    // receipt, even if that makes it overdue at once. A year back is far
    // past every legal period (GDPR three months at most, DPDP 90 days),
    // and it keeps a mistyped year (or a 0, 1970) out of the desk.
    const earliest = addMonths(now, -RECEIVED_AT_MAX_AGE_MONTHS);
    if (receivedAt < earliest) {
      throw new AppError(
        'INVALID_INPUT',
        `receivedAt: a request cannot be logged as received more than a year ago ` +
          `(before ${new Date(earliest).toISOString().slice(0, 10)})`,
        { reason: 'received_too_long_ago', details: { field: 'receivedAt' } },
      );
    }
    const dueAt = dueAtFor(input.law, input.kind, receivedAt);
    return this.store.transaction(() => {
      const id = this.store.in(acting.scope).dataRequests.insert({
        ...input,
        contactId: null,
        receivedAt,
        dueAt,
        loggedBy: memberIdOf(acting),
      });
      this.record(acting, 'request.logged', id, {
        kind: input.kind,
        law: input.law,
        dueAt,
      });
      return { id, dueAt };
    });
  }

  list(scope: WorkspaceScope): DataRequestView[] {
    const now = this.clock.now();
    const scoped = this.store.in(scope);
    return scoped.dataRequests.list().map((request) => {
      const contact = request.contactId
        ? scoped.contacts.get(request.contactId)
        : undefined;
      return {
        ...request,
        urgency: urgencyOf(request, now),
        extensionLimit:
          request.law === 'GDPR' ? latestExtension(request.receivedAt) : null,
        contact: contact
          ? { name: contact.profileName, maskedNumber: maskedNumber(contact.waId) }
          : null,
      };
    });
  }

  /** Open requests inside a reminder window or overdue, most urgent first. */
  due(scope: WorkspaceScope): Reminder[] {
    return remindersAt(this.store.in(scope).dataRequests.listOpen(), this.clock.now());
  }

  /** The contact with this WhatsApp number, to link a request to. */
  findContact(scope: WorkspaceScope, waId: string) {
    return this.store.in(scope).contacts.byWaId(waId);
  }

  /** Records how identity was checked, and which contact the person is. */
  verify(
    acting: ComplianceActing,
    requestId: string,
    input: { method: string; contactId: string },
  ): void {
    this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      this.openRequest(acting.scope, requestId);
      if (!scoped.contacts.get(input.contactId)) {
        throw new AppError('NOT_FOUND', 'Contact not found', {
          details: { field: 'contactId' },
        });
      }
      scoped.dataRequests.verify(requestId, { ...input, by: memberIdOf(acting) });
      this.record(acting, 'request.verified', requestId, {
        method: input.method,
        contactId: input.contactId,
      });
    });
  }

  /** Corrects a contact's profile fields, audited by field name only. */
  correct(
    acting: ComplianceActing,
    contactId: string,
    correction: ContactCorrection,
    requestId: string | null,
  ): { fields: string[] } {
    return correctContact(
      this.store,
      this.audit,
      acting,
      contactId,
      correction,
      requestId,
    );
  }

  /** GDPR only, once, told within the first month, at most two months more. */
  extend(
    acting: ComplianceActing,
    requestId: string,
    input: { toldAt: number; until: number; reason: string },
  ): void {
    this.store.transaction(() => {
      const request = this.openRequest(acting.scope, requestId);
      if (input.toldAt > this.clock.now()) {
        throw new AppError(
          'INVALID_INPUT',
          'toldAt: the requester cannot be told in the future',
          { reason: 'told_in_future', details: { field: 'toldAt' } },
        );
      }
      const refusal = extensionRefusal(request, input.toldAt, input.until);
      if (refusal) {
        throw new AppError('RULE_REFUSED', refusal, { reason: 'extension_not_allowed' });
      }
      this.store.in(acting.scope).dataRequests.extend(requestId, input);
      this.record(acting, 'request.extended', requestId, {
        toldAt: input.toldAt,
        dueAt: input.until,
      });
    });
  }

  /**
   * Refuses a request. The person must be told why and where they can
   * complain: a GDPR refusal waits until the workspace names its authority.
   */
  refuse(
    acting: ComplianceActing,
    requestId: string,
    reason: string,
  ): { authority: string; notice: string } {
    return this.store.transaction(() => {
      const request = this.openRequest(acting.scope, requestId);
      const authority = this.authorityFor(acting.scope, request.law);
      if (!authority) {
        throw new AppError(
          'RULE_REFUSED',
          'Name your lead supervisory authority for GDPR before refusing a GDPR request',
          { reason: 'authority_missing' },
        );
      }
      this.store.in(acting.scope).dataRequests.close(requestId, {
        status: 'refused',
        by: memberIdOf(acting),
        reason,
        authority,
      });
      this.record(acting, 'request.refused', requestId, {
        kind: request.kind,
        law: request.law,
        authority,
      });
      const disclosure = this.disclosureFor(acting.scope);
      const notice = refusalNotice({ ...request, reason, authority, disclosure });
      return { authority, notice };
    });
  }

  /**
   * Closes a request as done. An access request is fulfilled by its export
   * (`fulfilledByExport`); an erasure runs the erasure first.
   */
  async fulfil(acting: ComplianceActing, requestId: string): Promise<void> {
    const request = this.openRequest(acting.scope, requestId);
    if (request.kind === 'access') {
      throw new AppError(
        'RULE_REFUSED',
        'An access request is fulfilled by downloading its export',
        { reason: 'export_required' },
      );
    }
    // A correction acts on one person's record, and a nomination names who
    // may act for the person: only once we know who they are.
    if (request.kind === 'correction' || request.kind === 'nomination') {
      this.verifiedContact(request);
    }
    if (request.kind === 'erasure') {
      const contactId = this.verifiedContact(request);
      assertNoLegalHold(this.store.in(acting.scope), { contactId });
      await this.eraser.erase(acting, contactId, `data request ${request.id}`);
    }
    this.close(acting, request);
  }

  /** The contact a verified, open erasure request would erase; null otherwise. */
  contactToErase(scope: WorkspaceScope, requestId: string): string | null {
    const request = this.store.in(scope).dataRequests.get(requestId);
    if (!request || request.kind !== 'erasure' || request.closedAt !== null) return null;
    return request.verifiedAt === null ? null : request.contactId;
  }

  /** The export of a verified access request has been produced: it is done. */
  fulfilledByExport(acting: ComplianceActing, requestId: string): void {
    this.close(acting, this.openRequest(acting.scope, requestId));
  }

  /** The contact an access request is about, refused while unverified. */
  contactToExport(scope: WorkspaceScope, requestId: string): string {
    const request = this.openRequest(scope, requestId);
    if (request.kind !== 'access') {
      throw new AppError('RULE_REFUSED', 'Only an access request is exported', {
        reason: 'not_an_access_request',
      });
    }
    return this.verifiedContact(request);
  }

  setAuthority(acting: ComplianceActing, law: DataRequestLaw, authority: string): void {
    this.store.transaction(() => {
      this.store.in(acting.scope).dataRequests.setAuthority(law, authority);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'request.authority_set',
        origin: acting.origin,
        details: { law },
      });
    });
  }

  /** The authority a refusal under `law` names: the workspace's, or the default. */
  authorityFor(scope: WorkspaceScope, law: DataRequestLaw): string | null {
    return this.store.in(scope).dataRequests.authority(law) ?? DEFAULT_AUTHORITIES[law];
  }

  private close(acting: ComplianceActing, request: DataRequest): void {
    this.store.transaction(() => {
      const closed = this.store
        .in(acting.scope)
        .dataRequests.close(request.id, { status: 'fulfilled', by: memberIdOf(acting) });
      if (!closed) throw new AppError('CONFLICT', 'The request was already closed');
      this.record(acting, 'request.fulfilled', request.id, {
        kind: request.kind,
        law: request.law,
        onTime: this.clock.now() <= request.dueAt,
      });
    });
  }

  private verifiedContact(request: DataRequest): string {
    if (request.verifiedAt === null || request.contactId === null) {
      throw new AppError('RULE_REFUSED', "Verify the requester's identity first", {
        reason: 'not_verified',
      });
    }
    return request.contactId;
  }

  private openRequest(scope: WorkspaceScope, id: string): DataRequest {
    const request = this.store.in(scope).dataRequests.get(id);
    if (!request) {
      throw new AppError('NOT_FOUND', 'Request not found', {
        reason: 'request_not_found',
      });
    }
    if (request.closedAt !== null) {
      throw new AppError('RULE_REFUSED', 'The request is already closed', {
        reason: 'request_closed',
      });
    }
    return request;
  }

  private record(
    acting: ComplianceActing,
    action:
      | 'request.logged'
      | 'request.verified'
      | 'request.extended'
      | 'request.fulfilled'
      | 'request.refused',
    requestId: string,
    details: Record<string, string | number | boolean | null>,
  ): void {
    this.audit.record({
      workspaceId: acting.scope.workspaceId,
      actor: acting.actor,
      action,
      target: { type: 'data_request', id: requestId },
      origin: acting.origin,
      details,
    });
  }
}
