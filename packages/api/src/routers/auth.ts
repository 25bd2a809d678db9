import { z } from 'zod';
import { PERMISSION_MATRIX, assignableRoles } from '@flowgento/access';
import * as field from '../schemas.ts';
import { authOf, publicProcedure, router, signedInProcedure, writes } from '../trpc.ts';

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
      /** The workspace requires a second factor this member has not set up yet. */
      secondFactorMissing: ctx.services.twoFactor.isMissingFor(auth),
      /** Set when the caller is a support person: whose access, until when. */
      support: auth.support
        ? {
            grantId: auth.support.grantId,
            grantedByEmail: auth.support.grantedByEmail,
            expiresAt: auth.support.expiresAt,
          }
        : null,
      /** Support access open in this workspace now, for the banner everyone sees. */
      activeSupport: ctx.services.access.support.listActive(auth).map((grant) => ({
        id: grant.id,
        name: grant.name,
        grantedByEmail: grant.grantedByEmail,
        expiresAt: grant.expiresAt,
      })),
    };
  }),

  setup: publicProcedure
    .meta({ audits: writes('workspace.created') })
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
    // A wrong password is itself audited (auth.login.failed); a password
    // that needs a second factor writes nothing until that step ends.
    .meta({ audits: writes('auth.login.succeeded') })
    .input(z.object({ email: field.email, password: z.string().min(1).max(256) }))
    .mutation(async ({ ctx, input }) => {
      const step = await ctx.services.access.login(
        input.email,
        input.password,
        ctx.origin,
        ctx.cookie.current,
      );
      if (step.kind === 'second-factor') {
        return { secondFactor: { challenge: step.challenge, expiresAt: step.expiresAt } };
      }
      ctx.cookie.set(step.session.token, step.session.expiresAt);
      return { secondFactor: null };
    }),

  /** The code step of a sign-in whose password step asked for one. */
  loginSecondFactor: publicProcedure
    .meta({ audits: writes('auth.login.succeeded') })
    .input(
      z.object({
        challenge: z.string().min(1).max(100),
        code: z.string().trim().min(1, 'Type the code').max(40),
      }),
    )
    .mutation(({ ctx, input }) => {
      const session = ctx.services.access.completeSecondFactor(
        input.challenge,
        input.code,
        ctx.origin,
        ctx.cookie.current,
      );
      ctx.cookie.set(session.token, session.expiresAt);
      return { ok: true };
    }),

  acceptInvite: publicProcedure
    .meta({ audits: writes('member.joined') })
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

  /** Ends this session; a support person's sign-out also ends their grant. */
  logout: signedInProcedure
    .meta({ audits: writes('auth.logout', 'support.signed_out') })
    .mutation(({ ctx }) => {
      const auth = authOf(ctx);
      ctx.services.access.logout(auth, ctx.origin);
      if (auth.support) {
        ctx.services.events.publish(auth.workspaceId, { type: 'support.changed' });
      }
      ctx.cookie.clear();
      return { ok: true };
    }),
});
