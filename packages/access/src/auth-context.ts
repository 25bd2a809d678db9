import type { Role, WorkspaceScope } from '@flowgento/store';

/** Who is calling, as proved by a live session. Only the access layer makes one. */
export interface AuthContext {
  userId: string;
  email: string;
  displayName: string;
  workspaceId: string;
  workspaceName: string;
  role: Role;
  scope: WorkspaceScope;
  sessionIdHash: string;
}

/** The caller as the audit log names them. */
export function actorOf(auth: AuthContext) {
  return { type: 'user' as const, id: auth.userId, label: auth.email };
}
