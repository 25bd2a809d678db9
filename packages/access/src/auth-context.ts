import type { WorkspaceScope } from '@flowgento/store';
import type { CallerRole } from './permissions.ts';

/** The grant a support caller works under: who they are and whose access it is. */
export interface SupportIdentity {
  grantId: string;
  name: string;
  /** The OWNER who granted the access. */
  grantedBy: string;
  grantedByEmail: string;
  expiresAt: number;
}

/** Who is calling, as proved by a live session. Only the access layer makes one. */
export interface AuthContext {
  /** A member's user id; for a support caller, the grant's id (no account exists). */
  userId: string;
  email: string;
  displayName: string;
  workspaceId: string;
  workspaceName: string;
  role: CallerRole;
  scope: WorkspaceScope;
  sessionIdHash: string;
  /** Set only for a support caller (role SUPPORT). */
  support?: SupportIdentity;
}

/**
 * The caller as the audit log names them. A support person has no account,
 * so their entries carry the granting OWNER's id (who answers for the
 * access) and a label naming both; the grant id goes in the details.
 */
export function actorOf(auth: AuthContext) {
  if (auth.support) {
    return {
      type: 'user' as const,
      id: auth.support.grantedBy,
      label: supportLabel(auth.support),
    };
  }
  return { type: 'user' as const, id: auth.userId, label: auth.email };
}

/** "support: <name>, granted by <owner email>", as audit entries show it. */
export function supportLabel(support: Pick<SupportIdentity, 'name' | 'grantedByEmail'>) {
  return `support: ${support.name}, granted by ${support.grantedByEmail}`;
}
