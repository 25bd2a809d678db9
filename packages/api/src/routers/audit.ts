import { actorOf } from '@flowgento/access';
import { AUDIT_ACTIONS } from '@flowgento/audit';
import { auditFilterInput, auditListInput } from '../audit-filters.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

export const auditRouter = router({
  /** This workspace's entries, newest first, narrowed by the page's filters. */
  list: allow('audit.read')
    .input(auditListInput)
    .query(({ ctx, input }) => ctx.services.audit.list(authOf(ctx).scope, input)),

  /** How many of this workspace's entries the filters match. */
  count: allow('audit.read')
    .input(auditFilterInput)
    .query(({ ctx, input }) => ctx.services.audit.count(authOf(ctx).scope, input)),

  /** Every action the log can hold, for the page's action filter. */
  actions: allow('audit.read').query(() => [...AUDIT_ACTIONS]),

  /** How long entries are kept; the operator raises it with `flowgento audit retention`. */
  retention: allow('audit.read').query(({ ctx }) => ({
    months: ctx.services.audit.retentionMonths(),
  })),

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
    return {
      intact: report.intact && report.checkpointProblems.length === 0,
      summary: report.summary,
    };
  }),
});
