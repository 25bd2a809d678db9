import { AppError, type Clock, type RequestOrigin } from '@flowgento/core';
import type { AccessLog, AuditActor, AuditLog } from '@flowgento/audit';
import {
  plainValueSql,
  workspaceScope,
  type ContactVault,
  type ScopedStore,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import { removeMediaObjects, type MediaObjects } from './media-objects.ts';
import { maskReason } from './reason-masking.ts';
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
    again: {
      fromLedger?: boolean;
      vaultUntouched?: boolean;
      /** The first erasure, as the ledger keeps it (a re-apply). */
      original?: { erased_at: string; erased_by: string; reason: string };
    } = {},
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

    const { target, outcome, keys, stored } = this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const erasure = scoped.erasure;
      const target = erasure.target(contactId);
      if (!target) {
        throw new AppError('NOT_FOUND', 'No such contact in this workspace', {
          reason: 'contact_not_found',
        });
      }
      // The audit entry and the ledger outlive the contact: no name or
      // number typed into the reason may outlive it with them.
      const stored = maskReason(why, {
        waId: target.waId,
        profileName: scoped.contacts.get(contactId)?.profileName ?? null,
      });
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
          reason: stored,
          messages: result.messages,
          conversations: result.conversations,
          media_objects: result.mediaObjects,
          ...(again.original && {
            first_erased_at: again.original.erased_at,
            first_erased_by: again.original.erased_by,
            first_reason: again.original.reason,
          }),
        },
      });
      return { target, outcome: result, keys: target.mediaKeys, stored };
    });

    // The search index's log held the erased words' pages until now.
    this.store.searchIndex?.checkpoint('TRUNCATE');
    if (again.vaultUntouched) {
      this.checkpoint();
      return outcome;
    }
    // The ledger first: if the process dies now, the next start erases again.
    this.vault.record({
      workspaceId: acting.scope.workspaceId,
      // The stored hash: a restored row whose key is gone has no number to hash.
      numberHash:
        target.numberHash ?? this.vault.hashNumber(acting.scope.workspaceId, target.waId),
      erasedAt: this.clock.now(),
      actor: acting.actor.type === 'user' ? `user:${acting.actor.id}` : acting.actor.type,
      reason: stored,
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
    const contact = this.store.in(scope).contacts.byWaId(waId);
    if (!contact) {
      throw new AppError('NOT_FOUND', 'No contact with that number in this workspace', {
        reason: 'contact_not_found',
      });
    }
    return this.erase({ ...acting, scope }, contact.id, reason);
  }

  /**
   * Seals every number still in plain text and gives it its keyed hash
   * (rows from before migration 058, or from a tool without the vault);
   * the server runs it at start, before it serves. Returns how many.
   */
  sealPlainNumbers(): number {
    return this.#sealEverywhere(
      'SELECT count(*) FROM contacts WHERE wa_hash IS NULL',
      (scoped) => scoped.contacts.sealPlainNumbers(),
    );
  }

  /**
   * Seals every customer's file name still in plain text (rows from before
   * `media.filename` was sealed), as `sealPlainNumbers` does. Returns how many.
   */
  sealPlainFilenames(): number {
    return this.#sealEverywhere(
      `SELECT count(*) FROM media WHERE ${plainValueSql('filename')}`,
      (scoped) => scoped.media.sealPlainFilenames(),
    );
  }

  /**
   * Runs `seal` in every workspace when `countPlain` finds something to
   * seal (the usual start finds nothing: no vault transaction, no vault
   * file). The vault commits its new keys first, inside the database's
   * transaction: a failure after leaves unused keys, never a value sealed
   * under a key that was not kept.
   */
  #sealEverywhere(countPlain: string, seal: (scoped: ScopedStore) => number): number {
    const plain = this.store.db.prepare(countPlain).pluck().get() as number;
    if (plain === 0) return 0;
    return this.store.transaction(() =>
      this.vault.transaction(() =>
        this.store.workspaces
          .list()
          .reduce(
            (sealed, workspace) =>
              sealed + seal(this.store.in(workspaceScope(workspace.id))),
            0,
          ),
      ),
    );
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
    // The lookups below go by hash: numbers still plain (a point from before
    // migration 058) get theirs first, sealed; a vault that is only read
    // takes no new keys, so there they are hashed in memory instead.
    if (!options.vaultUntouched) this.sealPlainNumbers();
    const erased: ErasureOutcome[] = [];
    for (const [workspaceId, erasedAt] of this.vault.erasedNumbers()) {
      const scope = workspaceScope(workspaceId);
      const erasure = this.store.in(scope).erasure;
      // One index lookup per ledger entry (contacts.wa_hash holds the
      // ledger's hash). Only a contact that existed when it was erased came
      // back with a restore; one made later is the customer writing again,
      // and stays.
      const plain = erasure.plainNumbers().map(({ waId, ...row }) => ({
        ...row,
        hash: this.vault.hashNumber(workspaceId, waId),
      }));
      const back = [...erasedAt].flatMap(([hash, at]) =>
        [...erasure.byNumberHash(hash), ...plain.filter((row) => row.hash === hash)]
          .filter(({ createdAt }) => createdAt <= at)
          .map(({ contactId }) => ({ contactId, hash })),
      );
      for (const { contactId, hash } of back) {
        // The restored log may predate the first erasure's entry: the new
        // one says who erased the contact, when and why (the ledger's words).
        const first = this.vault.latestErasure(workspaceId, hash);
        const outcome = await this.erase(
          {
            scope,
            actor: { type: 'system', label: 'erasure ledger' },
            origin: SYSTEM_ORIGIN,
          },
          contactId,
          LEDGER_REAPPLY_REASON,
          {
            ...options,
            fromLedger: true,
            original: first && {
              erased_at: new Date(first.erasedAt).toISOString(),
              erased_by: first.actor,
              reason: first.reason,
            },
          },
        );
        erased.push(outcome);
      }
    }
    return erased;
  }
}
