import { z } from 'zod';
import { STORAGE_TIERS, TIER_PROVIDER_LIMIT } from '@flowgento/storage';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const tier = z.enum(STORAGE_TIERS);

/**
 * Where the workspace's media and backups go. Providers themselves and the
 * appliance-wide defaults are the operator's (the `storage` CLI); an OWNER
 * may only choose, per tier, among the providers the appliance has.
 */
export const storageRouter = router({
  routing: allow('storage.read').query(({ ctx }) => ({
    tiers: ctx.services.storage.effectiveRouting(authOf(ctx).scope),
    providers: ctx.services.storage.providers(),
  })),

  /**
   * The health of the providers this workspace's tiers use (state, recent
   * failures and latency, minute by minute), and objects waiting to go back
   * to a tier's first provider. Providers are appliance-wide: their counts
   * include every workspace's operations.
   */
  health: allow('storage.read').query(({ ctx }) =>
    ctx.services.storageStatus.forWorkspace(authOf(ctx).scope),
  ),

  setOverride: allow('storage.manage', writes('storage.override_changed'))
    .input(
      z.object({
        tier,
        providerIds: z
          .array(field.id)
          .min(1, 'Choose at least one provider')
          .max(TIER_PROVIDER_LIMIT, `Choose at most ${TIER_PROVIDER_LIMIT} providers`),
      }),
    )
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      ctx.services.storage.setOverride(acting(ctx, auth), input.tier, input.providerIds);
      return ctx.services.storage.effectiveRouting(auth.scope);
    }),

  clearOverride: allow('storage.manage', writes('storage.override_changed'))
    .input(z.object({ tier }))
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      ctx.services.storage.clearOverride(acting(ctx, auth), input.tier);
      return ctx.services.storage.effectiveRouting(auth.scope);
    }),
});
