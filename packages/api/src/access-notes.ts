import { actorOf, type AuthContext } from '@flowgento/access';
import type { AccessAction } from '@flowgento/store';
import type { ApiContext } from './context.ts';

/** Notes in the access log that the caller saw these contacts' data. */
export function noteAccess(
  ctx: ApiContext,
  auth: AuthContext,
  via: string,
  contactIds: readonly string[],
  action: AccessAction = 'read',
): void {
  const { id, label } = actorOf(auth);
  ctx.services.accessLog.record(auth.scope, {
    actor: { id, label },
    action,
    via,
    contactIds: [...new Set(contactIds)],
  });
}
