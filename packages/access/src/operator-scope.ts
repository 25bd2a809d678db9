import { AppError } from '@flowgento/core';
import { workspaceScope, type Store, type WorkspaceScope } from '@flowgento/store';

/**
 * The scope of a workspace for the operator at the command line, who holds
 * the appliance's key and so speaks for every workspace on it. The
 * workspace named must exist; without one, the appliance's first workspace.
 */
export function operatorScope(store: Store, workspaceId?: string): WorkspaceScope {
  const id = workspaceId ?? store.workspaces.homeId();
  if (!id || !store.workspaces.get(id)) {
    throw new AppError(
      'NOT_FOUND',
      `No workspace ${workspaceId ?? ''} on this appliance`,
    );
  }
  return workspaceScope(id);
}
