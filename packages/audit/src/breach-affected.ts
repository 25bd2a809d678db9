import type { Store, WorkspaceScope } from '@flowgento/store';
import type { AccessLog } from './access-log.ts';
import type { AffectedContact, AffectedSelection } from './breach-register.ts';

/** The contacts still on record, and the people gone since and before awareness. */
export interface Resolved {
  resolved: AffectedContact[];
  erased: number;
  erasedBefore: number;
}

/**
 * Who the selection touched, as it stands now. A pseudonym that names no
 * contact any more is counted in `erased` only when the access log holds
 * its erasure after `awareAt`; one gone earlier is `erasedBefore`.
 */
export function resolveAffected(
  store: Store,
  accessLog: AccessLog,
  scope: WorkspaceScope,
  selection: AffectedSelection,
  awareAt: number,
): Resolved {
  const touched = accessLog.contactsTouched(scope, {
    from: selection.from,
    to: selection.to,
    actions: selection.actions,
  });
  const byMember = selection.memberIds.length
    ? new Set(
        selection.memberIds.flatMap((actorId) =>
          accessLog
            .contactsTouched(scope, {
              from: selection.from,
              to: selection.to,
              actions: selection.actions,
              actorId,
            })
            .map((t) => t.contactHash),
        ),
      )
    : null;
  const current = new Map(
    store
      .in(scope)
      .contacts.all()
      .map((c) => [accessLog.pseudonymOf(scope, c.waId), c] as const),
  );
  const erasedSince = new Set(
    accessLog
      .contactsTouched(scope, { from: awareAt, actions: ['erase'] })
      .map((t) => t.contactHash),
  );
  const resolved: AffectedContact[] = [];
  let erased = 0;
  let erasedBefore = 0;
  for (const t of touched) {
    if (byMember && !byMember.has(t.contactHash)) continue;
    const contact = current.get(t.contactHash);
    if (!contact) {
      if (erasedSince.has(t.contactHash)) erased++;
      else erasedBefore++;
    } else {
      resolved.push({
        contactId: contact.id,
        waId: contact.waId,
        name: contact.profileName,
        accesses: t.accesses,
      });
    }
  }
  return { resolved, erased, erasedBefore };
}
