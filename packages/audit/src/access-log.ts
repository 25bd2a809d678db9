import { createHmac, randomBytes } from 'node:crypto';
import type { Logger, RequestOrigin } from '@flowgento/core';
import {
  verifyAccessLogChain,
  type AccessAction,
  type AccessLogChainReport,
  type AccessLogEntry,
  type AccessLogFilter,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import type { AuditActor, AuditLog } from './audit-log.ts';

/** Wraps the pseudonymisation key under the key ring (the messaging `SecretBox`). */
export interface KeyWrapper {
  wrap(plaintext: string, aad: string): Buffer;
  unwrapText(blob: Buffer, aad: string): string;
}

/** Whoever looked: a member, or a support person under a grant. */
export interface AccessActor {
  id: string;
  label: string;
}

/** One access to note: the contacts, by id, as the read found them. */
export interface AccessNote {
  actor: AccessActor;
  action: AccessAction;
  via: string;
  contactIds: readonly string[];
}

/** How long accesses wait to be written together, at most. */
const FLUSH_AFTER_MS = 250;
/**
 * The same member reading the same contact the same way again within this
 * time is one access: the inbox refetches an open conversation on every
 * live event, and the log should say who looked, not how often a page
 * redrew.
 */
const REPEAT_WINDOW_MS = 60_000;
const REPEATS_KEPT = 10_000;
const keyAad = (workspaceId: string) => `access_log_keys/${workspaceId}/key`;

/** A number as the pseudonym covers it: its digits only, as WhatsApp ids are. */
export function normalisedNumber(number: string): string {
  return number.replace(/\D/g, '');
}

/**
 * The access log of personal data: who read, searched, downloaded or
 * exported which contact. A contact is kept only as an HMAC of its number
 * under the workspace's own key, so the log names nobody, an erased contact
 * no longer resolves, and an admin finds a person by typing their number.
 *
 * `record` never touches the database: reads stay as fast as before. The
 * notes are written in one transaction a moment later (or at `flush`), each
 * entry chained to the one before it.
 */
export class AccessLog {
  private pending: { scope: WorkspaceScope; at: number; note: AccessNote }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly keys = new Map<string, Buffer>();
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly wrapper: KeyWrapper,
    private readonly audit: AuditLog,
    private readonly logger?: Logger,
  ) {}

  /** Notes an access; written within `FLUSH_AFTER_MS`. */
  record(scope: WorkspaceScope, note: AccessNote): void {
    if (note.contactIds.length === 0) return;
    const at = this.store.clock.now();
    const key = [
      scope.workspaceId,
      note.actor.id,
      note.action,
      note.via,
      ...note.contactIds,
    ].join('|');
    const seen = this.recent.get(key);
    if (seen !== undefined && at - seen < REPEAT_WINDOW_MS && at >= seen) return;
    if (this.recent.size >= REPEATS_KEPT) this.recent.clear();
    this.recent.set(key, at);
    this.pending.push({ scope, at, note });
    this.timer ??= setTimeout(() => this.flushSafely(), FLUSH_AFTER_MS).unref();
  }

  /** Notes an access and writes it at once (rare ones: exports). */
  recordNow(scope: WorkspaceScope, note: AccessNote): void {
    this.record(scope, note);
    this.flush();
  }

  /** Notes the download of one message's file, by the message's contact. */
  recordMessage(
    scope: WorkspaceScope,
    note: Omit<AccessNote, 'contactIds'>,
    messageId: string,
  ): void {
    const scoped = this.store.in(scope);
    const message = scoped.messages.get(messageId);
    const conversation = message && scoped.conversations.get(message.conversationId);
    if (conversation)
      this.record(scope, { ...note, contactIds: [conversation.contact.id] });
  }

  /** Writes every waiting note now (before reading the log, and at close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.store.transaction(() => {
      for (const { scope, at, note } of batch) {
        const scoped = this.store.in(scope);
        const hashes = new Set<string>();
        for (const id of note.contactIds) {
          const contact = scoped.contacts.get(id);
          // A contact erased between the read and now is named by its id.
          hashes.add(
            contact
              ? this.pseudonymOf(scope, contact.waId)
              : this.hashWith(scope, `id:${id}`),
          );
        }
        scoped.accessLog.append(
          [...hashes].map((contactHash) => ({
            at,
            actorId: note.actor.id,
            actorLabel: note.actor.label,
            action: note.action,
            via: note.via,
            contactHash,
          })),
        );
      }
    });
  }

  /** The keyed hash the log keeps for `number` in this workspace. */
  pseudonymOf(scope: WorkspaceScope, number: string): string {
    return this.hashWith(scope, `wa:${normalisedNumber(number)}`);
  }

  /** Newest first; flushes first so an access just made is listed. */
  list(
    scope: WorkspaceScope,
    filter: AccessLogFilter,
    page: { before?: number; limit: number },
  ): AccessLogEntry[] {
    this.flush();
    return this.store.in(scope).accessLog.list(filter, page);
  }

  contactsTouched(
    scope: WorkspaceScope,
    filter: AccessLogFilter,
  ): { contactHash: string; accesses: number }[] {
    this.flush();
    return this.store.in(scope).accessLog.contactsTouched(filter);
  }

  /** Walks the whole chain: an edited or deleted entry is found. */
  verify(): AccessLogChainReport {
    this.flush();
    return verifyAccessLogChain(this.store);
  }

  /** Verifies the chain and writes the outcome to the audit log. */
  verifyAndRecord(acting: {
    scope: WorkspaceScope;
    actor: AuditActor;
    origin: RequestOrigin;
  }): AccessLogChainReport {
    const report = this.verify();
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'access_log.verified',
        outcome: report.ok ? 'success' : 'failure',
        origin: acting.origin,
        details: { ...report },
      }),
    );
    return report;
  }

  close(): void {
    this.flushSafely();
  }

  private flushSafely(): void {
    try {
      this.flush();
    } catch (error) {
      // The read already happened; losing its note must be loud, not fatal.
      this.logger?.error({ err: error }, 'access log write failed');
    }
  }

  private hashWith(scope: WorkspaceScope, value: string): string {
    return createHmac('sha256', this.keyOf(scope)).update(value).digest('hex');
  }

  private keyOf(scope: WorkspaceScope): Buffer {
    const id = scope.workspaceId;
    const cached = this.keys.get(id);
    if (cached) return cached;
    // A key made inside a caller's transaction is kept only once it is
    // surely stored: that transaction may still roll back.
    const outer = this.store.db.inTransaction;
    const { key, stored } = this.store.transaction(() => {
      const repo = this.store.in(scope).accessLog;
      const wrapped = repo.wrappedKey();
      if (wrapped) {
        const known = this.wrapper.unwrapText(wrapped, keyAad(id));
        return { key: Buffer.from(known, 'base64'), stored: true };
      }
      const fresh = randomBytes(32);
      repo.saveKey(this.wrapper.wrap(fresh.toString('base64'), keyAad(id)));
      return { key: fresh, stored: !outer };
    });
    if (stored) this.keys.set(id, key);
    return key;
  }
}
