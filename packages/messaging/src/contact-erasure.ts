import { AppError, type Clock, type RequestOrigin } from '@flowgento/core';
import type { AccessLog, AuditActor, AuditLog } from '@flowgento/audit';
import {
  workspaceScope,
  type ContactVault,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import { removeMediaObjects, type MediaObjects } from './media-objects.ts';
import { accessActorOf } from './requests/acting.ts';
import { assertNoLegalHold } from './retention/legal-holds.ts';

/** Who erases, where, from which request. */
export interface ErasureActing {
  scope: WorkspaceScope;
  actor: AuditActor;
  origin: RequestOrigin;
}

export interface ErasureOutcome {
  contactId: string;
  messages: number;
  conversations: number;
  mediaObjects: number;
}

/** The reason the system gives when a restore brought an erased contact back. */
export const LEDGER_REAPPLY_REASON = 'ledger re-apply after restore';

const SYSTEM_ORIGIN: RequestOrigin = { ip: null, userAgent: null };
const REASON_MAX = 500;

/**
 * Erasure that reaches everything (issue 8, part 1): the contact's rows in
 * one transaction with its audit entry, then its media objects in every
 * provider that holds a copy (a provider that is down keeps its copy on the
 * durable removal list the copy-back job retries), then the database log
 * checkpointed and truncated, then an entry in the erasure ledger, which
 * lives outside the backup chain and is re-applied after every restore.
 */
export class ContactErasureService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly vault: ContactVault,
    private readonly clock: Clock,
    /** Where media files are; undefined where no media tier is wired (CLI). */
    private readonly objects: MediaObjects | undefined,
    /** Truncates the database log (the backup engine's, when it runs). */
    private readonly checkpoint: () => void,
    /** Copies the vault to the backup tier; never throws (it logs). */
    private readonly backUpVault: () => Promise<void> = () => Promise.resolve(),
    /** The access log of personal data: an erasure is an access too. */
    private readonly accessLog?: Pick<AccessLog, 'recordNow'>,
  ) {}

  async erase(
    acting: ErasureActing,
    contactId: string,
    reason: string,
    /**
     * The ledger already names this contact (a re-apply): a legal hold the
     * restored point still holds was released before that erasure, and
     * with `vaultUntouched` the vault is left as it is.
     */
    again: { fromLedger?: boolean; vaultUntouched?: boolean } = {},
  ): Promise<ErasureOutcome> {
    const why = reason.trim();
    if (why.length === 0 || why.length > REASON_MAX) {
      throw new AppError(
        'INVALID_INPUT',
        `reason: say why the contact is erased (1 to ${REASON_MAX} characters)`,
        { reason: 'erasure_reason_missing' },
      );
    }
    if (!again.fromLedger) assertNoLegalHold(this.store.in(acting.scope), { contactId });

    const { waId, outcome, keys } = this.store.transaction(() => {
      const erasure = this.store.in(acting.scope).erasure;
      const target = erasure.target(contactId);
      if (!target) {
        throw new AppError('NOT_FOUND', 'No such contact in this workspace', {
          reason: 'contact_not_found',
        });
      }
      // In the erasure's transaction, before the rows go: the entry's
      // pseudonym is made from the number.
      this.accessLog?.recordNow(acting.scope, {
        actor: accessActorOf(acting.actor),
        action: 'erase',
        via: 'erasure',
        contactIds: [contactId],
      });
      const counts = erasure.erase(target);
      const result: ErasureOutcome = {
        contactId,
        messages: counts.messages,
        conversations: counts.conversations,
        mediaObjects: target.mediaKeys.length,
      };
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'contact.erased',
        target: { type: 'contact', id: contactId },
        origin: acting.origin,
        details: {
          reason: why,
          messages: result.messages,
          conversations: result.conversations,
          media_objects: result.mediaObjects,
        },
      });
      return { waId: target.waId, outcome: result, keys: target.mediaKeys };
    });

    if (again.vaultUntouched) {
      this.checkpoint();
      return outcome;
    }
    // The ledger first: if the process dies now, the next start erases again.
    this.vault.record({
      workspaceId: acting.scope.workspaceId,
      numberHash: this.vault.hashNumber(acting.scope.workspaceId, waId),
      erasedAt: this.clock.now(),
      actor: acting.actor.type === 'user' ? `user:${acting.actor.id}` : acting.actor.type,
      reason: why,
    });
    this.vault.destroyContactKey(acting.scope.workspaceId, contactId);
    if (this.objects) await removeMediaObjects(this.objects, acting.scope, keys);
    this.checkpoint();
    await this.backUpVault();
    return outcome;
  }

  /**
   * Erases the contact with this number, for the operator at the command
   * line (who has the whole data folder, so every workspace). NOT_FOUND when
   * the workspace has no such contact.
   */
  async eraseNumber(
    acting: Omit<ErasureActing, 'scope'> & { workspaceId: string },
    waId: string,
    reason: string,
  ): Promise<ErasureOutcome> {
    const scope = workspaceScope(acting.workspaceId);
    const contact = this.store
      .in(scope)
      .erasure.numbers()
      .find((c) => c.waId === waId);
    if (!contact) {
      throw new AppError('NOT_FOUND', 'No contact with that number in this workspace', {
        reason: 'contact_not_found',
      });
    }
    return this.erase({ ...acting, scope }, contact.contactId, reason);
  }

  /**
   * Erases again every contact the ledger names that a restore brought back,
   * as the system. Runs before the appliance serves, and inside `restore
   * --to` on the rebuilt file (`vaultUntouched`: the vault beside it may be
   * the live appliance's, whose ledger already names each contact and whose
   * keys for them are gone, so it is only read); returns what it erased.
   */
  async reapplyLedger(
    options: { vaultUntouched?: boolean } = {},
  ): Promise<ErasureOutcome[]> {
    const erased: ErasureOutcome[] = [];
    for (const [workspaceId, erasedAt] of this.vault.erasedNumbers()) {
      const scope = workspaceScope(workspaceId);
      // Only a contact that existed when it was erased came back with a
      // restore; one made later is the customer writing again, and stays.
      const back = this.store
        .in(scope)
        .erasure.numbers()
        .filter(({ waId, createdAt }) => {
          const at = erasedAt.get(this.vault.hashNumber(workspaceId, waId));
          return at !== undefined && createdAt <= at;
        });
      for (const { contactId } of back) {
        const outcome = await this.erase(
          {
            scope,
            actor: { type: 'system', label: 'erasure ledger' },
            origin: SYSTEM_ORIGIN,
          },
          contactId,
          LEDGER_REAPPLY_REASON,
          { ...options, fromLedger: true },
        );
        erased.push(outcome);
      }
    }
    return erased;
  }
}
