import { z } from 'zod';
import { recordAsMarkdown } from '@flowgento/messaging';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const person = z
  .object({
    name: z.string().trim().min(1, 'A name is required').max(120),
    email: z.email('Enter a valid email address').max(254),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,25}$/, 'Enter a phone number such as +91 98765 43210')
      .nullable()
      .default(null),
  })
  .nullable();

const mediaKind = z.enum(['image', 'audio', 'video', 'document', 'sticker']);

/** Privacy settings and the record of processing (issue #8, parts 8-9). */
export const privacyRouter = router({
  settings: allow('privacy.manage').query(({ ctx }) =>
    ctx.services.privacy.settings(authOf(ctx).scope),
  ),

  /** Whom people write to about their data; every member sees it. */
  contacts: allow('inbox.read').query(({ ctx }) =>
    ctx.services.privacy.contacts(authOf(ctx).scope),
  ),

  save: allow('privacy.manage', writes('privacy.settings_changed'))
    .input(
      z.object({
        droppedMedia: z
          .array(mediaKind)
          .max(5)
          .transform((kinds) => [...new Set(kinds)]),
        maskCardNumbers: z.boolean(),
        maskIdentityNumbers: z.boolean(),
        dropProfileNames: z.boolean(),
        privacyContact: person,
        grievanceOfficer: person,
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.privacy.save(acting(ctx, authOf(ctx)), input),
    ),

  /** The record of processing, generated now; JSON and Markdown. */
  record: allow('privacy.manage').query(({ ctx }) => {
    const record = ctx.services.privacy.record(authOf(ctx).scope);
    return { record, markdown: recordAsMarkdown(record) };
  }),
});
