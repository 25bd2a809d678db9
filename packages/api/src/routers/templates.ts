import { z } from 'zod';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, notAudited, router, writes } from '../trpc.ts';

/** A variable's form key (`body.1`, `header.first_name`, `button.0.1`) → its value. */
const parameters = z
  .record(
    z
      .string()
      .regex(/^(header|body|button\.\d{1,2})\.[A-Za-z0-9_]{1,64}$/, 'Unknown variable'),
    z.string().max(1024, 'At most 1024 characters'),
  )
  .refine((value) => Object.keys(value).length <= 50, 'Too many variables')
  .default({});

export const templatesRouter = router({
  /** The templates of the conversation's number, with what would refuse each. */
  forConversation: allow('inbox.read')
    .input(z.object({ conversationId: field.id }))
    .query(({ ctx, input }) =>
      ctx.services.templates.forConversation(authOf(ctx).scope, input.conversationId),
    ),

  send: allow(
    'messages.reply',
    notAudited('the sent message is itself the record, with its author and status'),
  )
    .input(z.object({ conversationId: field.id, templateId: field.id, parameters }))
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      return ctx.services.replies.sendTemplate({
        scope: auth.scope,
        userId: auth.userId,
        conversationId: input.conversationId,
        templateId: input.templateId,
        parameters: input.parameters,
      });
    }),

  /** Fetches every template and its approval status from the Graph API. */
  sync: allow('whatsapp.manage', writes('templates.synced')).mutation(({ ctx }) =>
    ctx.services.templates.sync(acting(ctx, authOf(ctx))),
  ),
});
