import { publicProcedure, router } from '../trpc.ts';

export const systemRouter = router({
  /** What the sign-in page shows before anyone is signed in. */
  info: publicProcedure.query(({ ctx }) => ({
    version: ctx.services.info.version,
    simulator: ctx.services.info.simulator,
    caFingerprint256: ctx.services.info.caFingerprint256,
    needsSetup: ctx.services.access.needsSetup(),
  })),
});
