import { z } from 'zod';
import { ACCESS_ACTIONS, BREACH_DUTIES } from '@flowgento/store';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const breachInput = z.object({ breachId: z.string().min(1).max(64) });
const time = z.number().int().nonnegative();
const text = (max: number) => z.string().trim().max(max);

/** The breach register: incidents, their clocks, reports and notices. */
export const breachesRouter = router({
  list: allow('breaches.manage').query(({ ctx }) =>
    ctx.services.breaches.list(authOf(ctx).scope),
  ),

  get: allow('breaches.manage')
    .input(breachInput)
    .query(({ ctx, input }) =>
      ctx.services.breaches.get(authOf(ctx).scope, input.breachId),
    ),

  record: allow('breaches.manage', writes('breach.recorded'))
    .input(
      z.object({
        title: text(200).min(1, 'Give the incident a short title'),
        awareAt: time,
        occurredAt: time.nullable(),
        nature: text(4000).min(1, 'Say what happened'),
        categories: text(2000),
        systems: text(2000),
        measures: text(4000),
        contactPoint: text(500).min(1, 'Name a contact point for questions'),
        peopleTargetHours: z.number().int().min(1).max(720).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { title, awareAt, occurredAt, peopleTargetHours, ...details } = input;
      return ctx.services.breaches.record(acting(ctx, authOf(ctx)), {
        title,
        awareAt,
        occurredAt,
        details,
        ...(peopleTargetHours && { peopleTargetHours }),
      });
    }),

  markDone: allow('breaches.manage', writes('breach.duty_done'))
    .input(
      breachInput.extend({
        duty: z.enum(BREACH_DUTIES),
        at: time,
        reference: text(200),
        /** Why a duty already marked done is changed; required to change it. */
        correction: text(500).min(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.breaches.markDone(
        acting(ctx, authOf(ctx)),
        input.breachId,
        input.duty,
        {
          at: input.at,
          reference: input.reference,
          correction: input.correction,
        },
      );
      return { ok: true };
    }),

  editDrafts: allow('breaches.manage', writes('breach.report_edited'))
    .input(
      breachInput.extend({
        fields: z.record(z.string().max(40), text(8000)),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.breaches.editDrafts(
        acting(ctx, authOf(ctx)),
        input.breachId,
        input.fields,
      );
      return { ok: true };
    }),

  findAffected: allow('breaches.manage', writes('breach.affected_found'))
    .input(
      breachInput.extend({
        from: time,
        to: time,
        memberIds: z.array(z.string().min(1).max(64)).max(500),
        actions: z.array(z.enum(ACCESS_ACTIONS)).max(ACCESS_ACTIONS.length),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { breachId, ...selection } = input;
      return ctx.services.breaches.findAffected(
        acting(ctx, authOf(ctx)),
        breachId,
        selection,
      );
    }),

  exportReport: allow('breaches.manage', writes('breach.report_exported'))
    .input(breachInput)
    .mutation(({ ctx, input }) =>
      ctx.services.breaches.exportReport(acting(ctx, authOf(ctx)), input.breachId),
    ),

  exportNotices: allow('breaches.manage', writes('breach.notices_exported'))
    .input(breachInput)
    .mutation(({ ctx, input }) =>
      ctx.services.breaches.exportNotices(acting(ctx, authOf(ctx)), input.breachId),
    ),
});
