import { refuseErasureDuringOpenBreach } from '@flowgento/audit';
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
  refuseErasureDuringOpenBreach(open, 'confirm that you erase anyway');
}
