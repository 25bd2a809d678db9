import { z } from 'zod';
import {
  SUPPORT_DEFAULT_MINUTES,
  SUPPORT_MAX_MINUTES,
  SUPPORT_MIN_MINUTES,
} from '@flowgento/access';
import * as field from '../schemas.ts';
import { allow, authOf, publicProcedure, router, writes } from '../trpc.ts';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .default(null)
    .transform((text) => (text ? text : null));

/** Time-boxed support access: an OWNER grants and revokes, support redeems. */
export const supportRouter = router({
  grant: allow('support.manage', writes('support.granted'))
    .input(
      z.object({
        name: z.string().trim().min(1, 'Name the support person').max(80),
        email: z
          .union([field.email, z.literal('')])
          .nullable()
          .default(null)
          .transform((email) => (email ? email : null)),
        reason: optionalText(200),
        durationMinutes: z
          .number()
          .int('Give the duration in whole minutes')
          .min(
            SUPPORT_MIN_MINUTES,
            `Support access lasts at least ${SUPPORT_MIN_MINUTES} minutes`,
          )
          .max(SUPPORT_MAX_MINUTES, 'Support access lasts at most 24 hours')
          .default(SUPPORT_DEFAULT_MINUTES),
      }),
    )
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      const granted = ctx.services.access.support.grant(auth, input, ctx.origin);
      ctx.services.events.publish(auth.workspaceId, { type: 'support.changed' });
      return granted;
    }),

  /** Active grants with their details, for the OWNER's Support access section. */
  list: allow('support.manage').query(({ ctx }) =>
    ctx.services.access.support.listActive(authOf(ctx)),
  ),

  revoke: allow('support.manage', writes('support.revoked'))
    .input(z.object({ grantId: field.id }))
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      ctx.services.access.support.revoke(auth, input.grantId, ctx.origin);
      ctx.services.events.publish(auth.workspaceId, { type: 'support.changed' });
      return { ok: true };
    }),

  /**
   * Spends the credential from the OWNER's link for a support session. Any
   * member session this browser held ends, as at sign-in.
   */
  redeem: publicProcedure
    .meta({ audits: writes('support.redeemed') })
    .input(z.object({ credential: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => {
      const session = ctx.services.access.support.redeem(input.credential, ctx.origin);
      ctx.services.access.sessions.endByToken(ctx.cookie.current);
      ctx.cookie.set(session.token, session.expiresAt);
      return { expiresAt: session.expiresAt };
    }),
});
