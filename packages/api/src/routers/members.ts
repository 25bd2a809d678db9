import { z } from 'zod';
import * as field from '../schemas.ts';
import { allow, authOf, router } from '../trpc.ts';

export const membersRouter = router({
  list: allow('members.read').query(({ ctx }) => {
    const auth = authOf(ctx);
    return ctx.services.access.listMembers(auth);
  }),

  pendingInvites: allow('members.invite').query(({ ctx }) =>
    ctx.services.access.listInvites(authOf(ctx)),
  ),

  invite: allow('members.invite')
    .input(z.object({ role: field.role, email: field.email.nullable().default(null) }))
    .mutation(({ ctx, input }) =>
      ctx.services.access.createInvite(authOf(ctx), input, ctx.origin),
    ),

  setRole: allow('members.manage')
    .input(z.object({ userId: field.id, role: field.role }))
    .mutation(({ ctx, input }) => {
      ctx.services.access.changeRole(authOf(ctx), input.userId, input.role, ctx.origin);
      return { ok: true };
    }),

  remove: allow('members.manage')
    .input(z.object({ userId: field.id }))
    .mutation(({ ctx, input }) => {
      ctx.services.access.removeMember(authOf(ctx), input.userId, ctx.origin);
      return { ok: true };
    }),
});
