import { z } from 'zod';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';
import { noteAccess } from '../access-notes.ts';

const conversationInput = z.object({ conversationId: field.id });
const status = z.enum(['open', 'pending', 'resolved']);

/**
 * The agent desk around a conversation: search over the workspace's
 * messages, the contact's profile, internal notes and the status.
 */
export const deskRouter = router({
  /** Every word must appear; the workspace is the caller's, always. */
  search: allow('inbox.read')
    .input(
      z.object({
        query: z.string().trim().min(1, 'Type a word to search for').max(200),
        /** The `next` of the page before (named for tRPC's infinite queries). */
        cursor: z.object({ seq: z.number().int().positive() }).nullish(),
      }),
    )
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const found = ctx.services.desk.search(
        auth.scope,
        input.query,
        input.cursor ?? undefined,
      );
      // The contacts whose messages the results showed.
      noteAccess(ctx, auth, 'desk.search', found.contactIds, 'search');
      return { results: found.results, next: found.next };
    }),

  /** Unread messages over the caller's inbox, and over what they hold. */
  unread: allow('inbox.read').query(({ ctx }) => {
    const auth = authOf(ctx);
    return ctx.services.desk.unread(auth.scope, auth.userId);
  }),

  /** The numbers conversations can be on, for the inbox filter. */
  numbers: allow('inbox.read').query(({ ctx }) =>
    ctx.services.desk.numbers(authOf(ctx).scope),
  ),

  contact: allow('inbox.read')
    .input(conversationInput)
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const profile = ctx.services.desk.contactOf(
        auth.scope,
        input.conversationId,
        auth.userId,
      );
      noteAccess(ctx, auth, 'desk.contact', [profile.contact.id]);
      return profile;
    }),

  setStatus: allow('messages.reply', writes('conversation.status_changed'))
    .input(conversationInput.extend({ status }))
    .mutation(({ ctx, input }) => {
      ctx.services.desk.setStatus(
        acting(ctx, authOf(ctx)),
        input.conversationId,
        input.status,
      );
      return { ok: true };
    }),

  /** An internal note: kept for the team, never sent to the customer. */
  addNote: allow('messages.reply', writes('note.added'))
    .input(
      conversationInput.extend({
        body: z.string().trim().min(1, 'Write the note first').max(4000),
        /** About someone other than the contact: withheld from their export. */
        aboutOther: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.desk.addNote(
        acting(ctx, authOf(ctx)),
        input.conversationId,
        input.body,
        input.aboutOther,
      ),
    ),
});
