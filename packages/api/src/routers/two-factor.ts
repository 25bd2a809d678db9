import { z } from 'zod';
import {
  allow,
  authOf,
  notAudited,
  router,
  selfServiceProcedure,
  writes,
} from '../trpc.ts';

const code = z.object({ code: z.string().trim().min(1, 'Type the code').max(40) });

/**
 * A member's own two-factor sign-in, and the OWNER's rule that OWNERs and
 * ADMINs must use one. Setting it up stays open to a member the rule has
 * locked out of everything else.
 */
export const twoFactorRouter = router({
  status: selfServiceProcedure.query(({ ctx }) =>
    ctx.services.twoFactor.status(authOf(ctx)),
  ),

  begin: selfServiceProcedure
    .meta({
      audits: notAudited('draws a secret that does nothing until confirm turns it on'),
    })
    .mutation(({ ctx }) => ctx.services.twoFactor.begin(authOf(ctx))),

  /** Returns the recovery codes; they are shown this once. */
  confirm: selfServiceProcedure
    .meta({ audits: writes('two_factor.enabled') })
    .input(code)
    .mutation(({ ctx, input }) => ({
      recoveryCodes: ctx.services.twoFactor.confirm(authOf(ctx), input.code, ctx.origin),
    })),

  disable: selfServiceProcedure
    .meta({ audits: writes('two_factor.disabled') })
    .input(code)
    .mutation(({ ctx, input }) => {
      ctx.services.twoFactor.disable(authOf(ctx), input.code, ctx.origin);
      return { ok: true };
    }),

  regenerateRecoveryCodes: selfServiceProcedure
    .meta({ audits: writes('two_factor.recovery_codes_replaced') })
    .input(code)
    .mutation(({ ctx, input }) => ({
      recoveryCodes: ctx.services.twoFactor.regenerateRecoveryCodes(
        authOf(ctx),
        input.code,
        ctx.origin,
      ),
    })),

  setRequired: allow(
    'security.manage',
    writes('workspace.two_factor_required', 'workspace.two_factor_optional'),
  )
    .input(z.object({ required: z.boolean() }))
    .mutation(({ ctx, input }) => {
      ctx.services.twoFactor.setRequired(authOf(ctx), input.required, ctx.origin);
      return { ok: true };
    }),
});
