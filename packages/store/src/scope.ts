declare const scopeBrand: unique symbol;

/**
 * Proof that the caller may touch one workspace's data. Scoped repositories
 * take nothing else, so a query without a workspace cannot be written.
 * Created by the access layer after authentication, and by webhook routing
 * after a signature proved which number (and so which workspace) spoke.
 */
export interface WorkspaceScope {
  readonly workspaceId: string;
  readonly [scopeBrand]: true;
}

export function workspaceScope(workspaceId: string): WorkspaceScope {
  return Object.freeze({ workspaceId }) as WorkspaceScope;
}
