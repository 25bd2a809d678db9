import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import * as field from '../schemas.ts';
import { allow, authOf, memberProcedure, router, writes } from '../trpc.ts';

export const membersRouter = router({
  list: allow('members.read').query(({ ctx }) =>
    ctx.services.access.members.list(authOf(ctx)),
  ),

  pendingInvites: allow('members.invite').query(({ ctx }) =>
    ctx.services.access.members.listInvites(authOf(ctx)),
  ),

  invite: allow('members.invite', writes('member.invited'))
    .input(z.object({ role: field.role, email: field.email.nullable().default(null) }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.members.createInvite(authOf(ctx), input, ctx.origin),
    ),

  revokeInvite: allow('members.invite', writes('member.invite_revoked'))
    .input(z.object({ inviteId: field.id }))
    .mutation(({ ctx, input }) => {
      ctx.services.access.members.revokeInvite(authOf(ctx), input.inviteId, ctx.origin);
      return { ok: true };
    }),

  /** Changing one's own role (only downwards) ends one's own sessions too. */
  setRole: allow('members.manage', writes('member.role_changed'))
    .input(z.object({ userId: field.id, role: field.role }))
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      const { members } = ctx.services.access;
      const changed = members.changeRole(auth, input.userId, input.role, ctx.origin);
      if (changed && input.userId === auth.userId) ctx.cookie.clear();
      return { ok: true };
    }),

  remove: allow('members.manage', writes('member.removed'))
    .input(z.object({ userId: field.id }))
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      const unassigned = ctx.services.access.members.remove(
        auth,
        input.userId,
        ctx.origin,
      );
      if (input.userId === auth.userId) ctx.cookie.clear();
      announceUnassigned(ctx, auth.workspaceId, input.userId, unassigned);
      return { ok: true };
    }),

  /** Any member may leave; the last OWNER may not. */
  leave: memberProcedure.meta({ audits: writes('member.left') }).mutation(({ ctx }) => {
    const auth = authOf(ctx);
    const unassigned = ctx.services.access.members.leave(auth, ctx.origin);
    ctx.cookie.clear();
    announceUnassigned(ctx, auth.workspaceId, auth.userId, unassigned);
    return { ok: true };
  }),
});

/** Open inboxes refetch, so nobody's list still shows a former member. */
function announceUnassigned(
  ctx: ApiContext,
  workspaceId: string,
  userId: string,
  unassigned: number,
): void {
  if (unassigned === 0) return;
  ctx.services.events.publish(workspaceId, { type: 'assignments.cleared', userId });
}
