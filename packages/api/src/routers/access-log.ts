import { z } from 'zod';
import { actorOf } from '@flowgento/access';
import { ACCESS_ACTIONS } from '@flowgento/store';
import { allow, authOf, router, writes } from '../trpc.ts';

const PAGE = 50;

/**
 * The access log of personal data: who read, searched or exported which
 * contact. Contacts are pseudonyms; the admin types a number and it is
 * hashed the same way to search.
 */
export const accessLogRouter = router({
  list: allow('accessLog.read')
    .input(
      z.object({
        memberId: z.string().min(1).max(64).optional(),
        /** A phone number as the admin types it; only its digits count. */
        number: z
          .string()
          .trim()
          .max(40)
          .regex(/^\+?[\d\s().-]*$/, 'Type a phone number: digits, spaces, + ( ) - .')
          .optional(),
        actions: z.array(z.enum(ACCESS_ACTIONS)).max(ACCESS_ACTIONS.length).optional(),
        before: z.number().int().positive().optional(),
      }),
    )
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const number = input.number?.replace(/\D/g, '');
      const entries = ctx.services.accessLog.list(
        auth.scope,
        {
          ...(input.memberId && { actorId: input.memberId }),
          ...(number && {
            contactHash: ctx.services.accessLog.pseudonymOf(auth.scope, number),
          }),
          ...(input.actions && { actions: input.actions }),
        },
        { ...(input.before && { before: input.before }), limit: PAGE + 1 },
      );
      const page = entries.slice(0, PAGE);
      return {
        // The hash is shortened: enough to tell contacts apart on a page.
        entries: page.map(({ contactHash, ...e }) => ({
          ...e,
          contact: contactHash.slice(0, 12),
        })),
        next: entries.length > PAGE ? (page.at(-1)?.seq ?? null) : null,
      };
    }),

  /** Walks the whole chain now; an edited or deleted entry is reported. */
  verify: allow('accessLog.read', writes('access_log.verified')).mutation(({ ctx }) => {
    const auth = authOf(ctx);
    return ctx.services.accessLog.verifyAndRecord({
      scope: auth.scope,
      actor: actorOf(auth),
      origin: ctx.origin,
    });
  }),
});
