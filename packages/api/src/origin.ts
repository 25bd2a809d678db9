import type { AuditActor } from '@flowgento/audit';
import type { AuthContext } from '@flowgento/access';
import type { ApiContext } from './context.ts';

/** Scope, actor and origin of a member's action, as the services take them. */
export function acting(ctx: ApiContext, auth: AuthContext) {
  const actor: AuditActor = { type: 'user', id: auth.userId, label: auth.email };
  return { scope: auth.scope, actor, origin: ctx.origin };
}
