import { AppError } from '@flowgento/core';
import type { WorkspaceScope } from '@flowgento/store';
import type { ApiContext } from './context.ts';

/**
 * Refuses an erasure of a contact whom a breach still to be told to its
 * people affects, unless the admin confirmed it (`acknowledgeOpenBreach`):
 * once erased, the person cannot be sent the breach's notice.
 */
export function assertNoOpenBreach(
  ctx: ApiContext,
  scope: WorkspaceScope,
  contactId: string,
  acknowledged: boolean,
): void {
  if (acknowledged) return;
  const open = ctx.services.breaches.openAffecting(scope, contactId);
  if (open.length === 0) return;
  throw new AppError(
    'RULE_REFUSED',
    `This contact is affected by an open breach (${open.map((b) => b.title).join(', ')}) ` +
      'whose people are not yet told: once erased, they cannot be sent its notice. ' +
      'Tell them first, or confirm that you erase anyway.',
    { reason: 'open_breach_affects_contact', details: { breaches: open.length } },
  );
}
