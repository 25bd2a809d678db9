import { z } from 'zod';
import { RETENTION_CATEGORIES } from '@flowgento/store';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const category = z.enum(RETENTION_CATEGORIES);

/**
 * The Retention page: rules per data category with their legal floors, the
 * runs, and legal holds. Compliance duties are OWNER and ADMIN's.
 */
export const retentionRouter = router({
  overview: allow('retention.manage').query(({ ctx }) =>
    ctx.services.retention.overview(authOf(ctx).scope),
  ),

  /** A rule below its legal floor is refused with the floor and the law named. */
  setRule: allow('retention.manage', writes('retention.rule_set'))
    .input(
      z.object({
        category,
        days: z.number().int('Days must be a whole number'),
        noticeTemplateId: field.id.nullish(),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.retention.setRule(acting(ctx, authOf(ctx)), input);
      return ctx.services.retention.overview(authOf(ctx).scope);
    }),

  removeRule: allow('retention.manage', writes('retention.rule_removed'))
    .input(z.object({ category }))
    .mutation(({ ctx, input }) => {
      ctx.services.retention.removeRule(acting(ctx, authOf(ctx)), input.category);
      return ctx.services.retention.overview(authOf(ctx).scope);
    }),

  /** Runs the rules now; a dry run only counts what would go. */
  run: allow(
    'retention.manage',
    writes('retention.ran', 'retention.purge_noticed', 'retention.purge_cancelled'),
  )
    .input(z.object({ dryRun: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      ctx.services.retention.run(acting(ctx, authOf(ctx)), input.dryRun),
    ),

  placeHold: allow('retention.manage', writes('legal_hold.placed'))
    .input(
      z.union([
        z.object({ contactId: field.id, reason: z.string().trim().min(3).max(500) }),
        z.object({ conversationId: field.id, reason: z.string().trim().min(3).max(500) }),
      ]),
    )
    .mutation(({ ctx, input }) => {
      const { reason, ...target } = input;
      return ctx.services.legalHolds.place(acting(ctx, authOf(ctx)), target, reason);
    }),

  releaseHold: allow('retention.manage', writes('legal_hold.released'))
    .input(
      z.object({
        holdId: field.id,
        reason: z
          .string()
          .trim()
          .min(1, 'Say why the hold is released')
          .max(500)
          .refine((reason) => reason.length === 0 || reason.length >= 3, {
            message: 'The reason is too short: say why the hold is released',
          }),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.legalHolds.release(
        acting(ctx, authOf(ctx)),
        input.holdId,
        input.reason,
      );
      return { ok: true };
    }),
});
