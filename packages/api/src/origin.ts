import { actorOf, type AuthContext } from '@flowgento/access';
import type { MemberActing } from '@flowgento/messaging';
import type { ApiContext } from './context.ts';

/** Scope, actor and origin of a member's action, as the services take them. */
export function acting(ctx: ApiContext, auth: AuthContext): MemberActing {
  return { scope: auth.scope, actor: actorOf(auth), origin: ctx.origin };
}
