import { z } from 'zod';
import { PERMISSION_MATRIX, assignableRoles } from '@flowgento/access';
import * as field from '../schemas.ts';
import { authOf, memberProcedure, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => {
    const auth = ctx.auth;
    if (!auth) return null;
    return {
      userId: auth.userId,
      email: auth.email,
      displayName: auth.displayName,
      role: auth.role,
      workspaceId: auth.workspaceId,
      workspaceName: auth.workspaceName,
      /** What the UI may offer; the server still checks every call. */
      permissions: [...PERMISSION_MATRIX[auth.role]],
      assignableRoles: assignableRoles(auth.role),
    };
  }),

  setup: publicProcedure
    .input(
      z.object({
        setupCode: field.code,
        workspaceName: z.string().trim().min(1, 'A workspace name is required').max(80),
        displayName: field.displayName,
        email: field.email,
        password: field.password,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const session = await ctx.services.access.completeSetup(input, ctx.origin);
      ctx.cookie.set(session.token, session.expiresAt);
      return { ok: true };
    }),

  login: publicProcedure
    .input(z.object({ email: field.email, password: z.string().min(1).max(256) }))
    .mutation(async ({ ctx, input }) => {
      const session = await ctx.services.access.login(
        input.email,
        input.password,
        ctx.origin,
        ctx.cookie.current,
      );
      ctx.cookie.set(session.token, session.expiresAt);
      return { ok: true };
    }),

  acceptInvite: publicProcedure
    .input(
      z.object({
        code: field.code,
        displayName: field.displayName,
        email: field.email,
        password: field.password,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const session = await ctx.services.access.acceptInvite(input, ctx.origin);
      ctx.cookie.set(session.token, session.expiresAt);
      return { ok: true };
    }),

  logout: memberProcedure.mutation(({ ctx }) => {
    ctx.services.access.logout(authOf(ctx), ctx.origin);
    ctx.cookie.clear();
    return { ok: true };
  }),
});
