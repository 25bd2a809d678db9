import { AppError } from '@flowgento/core';
import type { Store } from '@flowgento/store';

/**
 * Backups hold every workspace's data, so what decides them (the schedule)
 * or opens them (the recovery kit) belongs to the appliance's own workspace,
 * the one set-up created, or to the operator at the command line (no
 * workspace). An OWNER of any later workspace owns only that workspace.
 */
export function assertApplianceWide(store: Store, workspaceId: string | null): void {
  if (workspaceId === null || workspaceId === store.workspaces.homeId()) return;
  throw new AppError(
    'FORBIDDEN',
    "Backups cover the whole appliance: only the appliance's own workspace may change or open them",
    { reason: 'appliance_scope_required' },
  );
}
