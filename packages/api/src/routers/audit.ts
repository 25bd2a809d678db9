import { z } from 'zod';
import { actorOf } from '@flowgento/access';
import { allow, authOf, router, writes } from '../trpc.ts';

export const auditRouter = router({
  list: allow('audit.read')
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        beforeSeq: z.number().int().positive().optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(authOf(ctx).scope, input)),

  /** The newest check of the hash chain (by anyone, CLI included), if any. */
  status: allow('audit.read').query(({ ctx }) => ctx.services.audit.lastVerification()),

  /**
   * Recomputes the whole chain now. It covers every workspace's entries, so
   * the answer is about the appliance's log, not only this workspace's rows.
   */
  verify: allow('audit.manage', writes('audit.verified')).mutation(async ({ ctx }) => {
    const auth = authOf(ctx);
    const report = await ctx.services.audit.verifyAndRecord({
      workspaceId: auth.workspaceId,
      actor: actorOf(auth),
      origin: ctx.origin,
    });
    return { intact: report.intact, summary: report.summary };
  }),
});
