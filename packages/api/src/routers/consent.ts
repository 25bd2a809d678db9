import { z } from 'zod';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const keywordList = z
  .array(z.string().trim().min(1, 'A keyword cannot be empty').max(40))
  .max(40);

export const noticeVersion = z
  .string()
  .trim()
  .min(1, 'A notice version is required')
  .max(40);
export const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'Use a language tag such as en or hi-IN');

export const consentRouter = router({
  /** An agent records a customer's marketing opt-out or opt-in. */
  /** An opt-in names the published notice the customer read, and its language. */
  setMarketing: allow('messages.reply', writes('consent.changed'))
    .input(
      z.object({
        conversationId: field.id,
        state: z.enum(['opted_in', 'opted_out']),
        notice: z.object({ version: noticeVersion, language }).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.consent.setMarketing(
        acting(ctx, authOf(ctx)),
        input.conversationId,
        input.state,
        input.notice,
      );
      return { ok: true };
    }),

  /** The published notices an opt-in can name, for the desk's opt-in form. */
  notices: allow('messages.reply').query(({ ctx }) =>
    ctx.services.consentRegister
      .notices(authOf(ctx).scope)
      .map(({ version, language }) => ({ version, language })),
  ),

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
