import { z } from 'zod';
import type { AuthContext } from '@flowgento/access';
import type { LiveEvent } from '@flowgento/messaging';
import type { AssigneeFilter } from '@flowgento/store';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { roleAllows } from '@flowgento/access';
import { allow, authOf, notAudited, router, writes } from '../trpc.ts';
import { liveEventStream } from '../live-stream.ts';
import { noteAccess } from '../access-notes.ts';

const conversationInput = z.object({ conversationId: field.id });

/** The inbox filter as the browser names it, made concrete for the caller. */
function assigneeFilter(
  assigned: 'all' | 'mine' | 'unassigned',
  auth: AuthContext,
): AssigneeFilter {
  if (assigned === 'mine') return { kind: 'member', userId: auth.userId };
  return { kind: assigned };
}

export const inboxRouter = router({
  conversations: allow('inbox.read')
    .input(
      z
        .object({
          assigned: z.enum(['all', 'mine', 'unassigned']).default('all'),
          status: z.enum(['open', 'pending', 'resolved']).optional(),
          numberId: field.id.optional(),
          /** The last conversation of the page before, to continue after it. */
          after: z.object({ lastMessageAt: z.number().int(), id: field.id }).optional(),
          limit: z.number().int().min(1).max(200).default(200),
        })
        .default({ assigned: 'all', limit: 200 }),
    )
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      return ctx.services.conversations.list(
        auth.scope,
        {
          assignee: assigneeFilter(input.assigned, auth),
          status: input.status,
          numberId: input.numberId,
          after: input.after,
          viewerId: auth.userId,
        },
        input.limit,
      );
    }),

  conversation: allow('inbox.read')
    .input(conversationInput)
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const opened = ctx.services.conversations.open(auth.scope, input.conversationId);
      noteAccess(ctx, auth, 'inbox.conversation', [opened.conversation.contact.id]);
      return opened;
    }),

  /** Separate from reading, so a background refetch never marks anything read. */
  markRead: allow('inbox.read', notAudited("moves the caller's own unread mark"))
    .input(conversationInput)
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      // Support looks without touching: the team's unread marks stay as they were.
      if (auth.support) return { ok: true };
      ctx.services.conversations.markRead(auth.scope, input.conversationId, auth.userId);
      return { ok: true };
    }),

  reply: allow(
    'messages.reply',
    notAudited('the sent message is itself the record, with its author and status'),
  )
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

  /** Gives a conversation to any member of the workspace, or to nobody. */
  assign: allow('conversations.assign', writes('conversation.assigned'))
    .input(conversationInput.extend({ assigneeId: field.id.nullable() }))
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.assign(
        acting(ctx, authOf(ctx)),
        input.conversationId,
        input.assigneeId,
      );
      return { ok: true };
    }),

  /** The caller takes an unassigned conversation. */
  take: allow('conversations.take', writes('conversation.assigned'))
    .input(conversationInput)
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.take(acting(ctx, authOf(ctx)), input.conversationId);
      return { ok: true };
    }),

  /** The caller gives back a conversation they hold. */
  release: allow('conversations.take', writes('conversation.assigned'))
    .input(conversationInput)
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.release(acting(ctx, authOf(ctx)), input.conversationId);
      return { ok: true };
    }),

  delete: allow('conversations.delete', writes('conversation.deleted'))
    .input(conversationInput)
    .mutation(({ ctx, input }) => {
      ctx.services.conversations.delete(acting(ctx, authOf(ctx)), input.conversationId);
      return { ok: true };
    }),

  /** Committed changes in the caller's workspace, as they happen. */
  events: allow('inbox.read').subscription(async function* ({ ctx, signal }) {
    const auth = authOf(ctx);
    const stream = liveEventStream(ctx.services.events, auth.workspaceId, signal);
    for await (const event of stream) {
      // A revoked or expired session, or one whose role lost the permission
      // (a support grant revoked or past its end included), stops receiving at
      // its next event. The stream is not the caller's doing, so it does not
      // keep the session alive.
      const live = ctx.services.access.sessions.resolve(ctx.cookie.current, {
        touch: false,
      });
      if (
        !live ||
        live.workspaceId !== auth.workspaceId ||
        !roleAllows(live.role, 'inbox.read')
      )
        return;
      yield event satisfies LiveEvent;
    }
  }),
});
