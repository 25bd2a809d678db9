import { z } from 'zod';
import * as field from '../schemas.ts';
import { assertNoOpenBreach } from '../open-breach.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

/** Data-subject duties about one contact (issue 8). */
export const contactsRouter = router({
  /**
   * Erases the contact everywhere: messages, notes, search entries, media in
   * every provider, and a ledger entry that survives restores.
   */
  erase: allow('contacts.erase', writes('contact.erased'))
    .input(
      z.object({
        contactId: field.id,
        reason: z.string().trim().min(1, 'Say why the contact is erased').max(500),
        /** The admin read that an open breach names this contact, and erases anyway. */
        acknowledgeOpenBreach: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => {
      const auth = authOf(ctx);
      assertNoOpenBreach(ctx, auth.scope, input.contactId, input.acknowledgeOpenBreach);
      return ctx.services.erasure.erase(acting(ctx, auth), input.contactId, input.reason);
    }),
});
