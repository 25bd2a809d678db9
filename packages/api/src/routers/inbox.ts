import { z } from 'zod';
import type { LiveEvent } from '@flowgento/messaging';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router } from '../trpc.ts';
import { liveEventStream } from '../live-stream.ts';

export const inboxRouter = router({
  conversations: allow('inbox.read').query(({ ctx }) =>
    ctx.services.conversations.list(authOf(ctx).scope),
  ),

  conversation: allow('inbox.read')
    .input(z.object({ conversationId: field.id }))
    .query(({ ctx, input }) =>
      ctx.services.conversations.open(authOf(ctx).scope, input.conversationId),
    ),

  /** Separate from reading, so a background refetch never marks anything read. */
  markRead: allow('inbox.read')
    .input(z.object({ conversationId: field.id }))
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.markRead(authOf(ctx).scope, input.conversationId);
      return { ok: true };
    }),

  reply: allow('messages.reply')
    .input(
      z.object({
        conversationId: field.id,
        body: z.string().trim().min(1, 'Write a message first').max(4096),
      }),
    )
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      return ctx.services.replies.sendText({
        scope: auth.scope,
        userId: auth.userId,
        conversationId: input.conversationId,
        body: input.body,
      });
    }),

  delete: allow('conversations.delete')
    .input(z.object({ conversationId: field.id }))
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.delete(acting(ctx, authOf(ctx)), input.conversationId);
      return { ok: true };
    }),

  /** Committed changes in the caller's workspace, as they happen. */
  events: allow('inbox.read').subscription(async function* ({ ctx, signal }) {
    const auth = authOf(ctx);
    const stream = liveEventStream(ctx.services.events, auth.workspaceId, signal);
    for await (const event of stream) {
      // A revoked or expired session stops receiving at its next event. The
      // stream is not the member's doing, so it does not keep the session alive.
      const live = ctx.services.access.sessions.resolve(ctx.cookie.current, {
        touch: false,
      });
      if (!live) return;
      yield event satisfies LiveEvent;
    }
  }),
});
