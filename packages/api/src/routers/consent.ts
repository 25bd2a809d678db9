import { z } from 'zod';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const keywordList = z
  .array(z.string().trim().min(1, 'A keyword cannot be empty').max(40))
  .max(40);

export const consentRouter = router({
  /** An agent records a customer's marketing opt-out or opt-in. */
  setMarketing: allow('messages.reply', writes('consent.changed'))
    .input(
      z.object({ conversationId: field.id, state: z.enum(['opted_in', 'opted_out']) }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.consent.setMarketing(
        acting(ctx, authOf(ctx)),
        input.conversationId,
        input.state,
      );
      return { ok: true };
    }),

  /** The stop and start keywords in force, and whether they are the workspace's own. */
  keywords: allow('whatsapp.read').query(({ ctx }) =>
    ctx.services.consent.keywords(authOf(ctx).scope),
  ),

  /** Replaces the keywords; `builtIn: true` returns to the built-in lists. */
  setKeywords: allow('whatsapp.manage', writes('consent.keywords_changed'))
    .input(
      z.union([
        z.object({ builtIn: z.literal(true) }),
        z.object({ stop: keywordList, start: keywordList }),
      ]),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.consent.setKeywords(
        acting(ctx, authOf(ctx)),
        'builtIn' in input ? null : input,
      );
      return ctx.services.consent.keywords(authOf(ctx).scope);
    }),
});
