import { z } from 'zod';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';
import { language, noticeVersion } from './consent.ts';

const purpose = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'A purpose is lowercase letters, digits, - or _');

/** The consent register (issue #8, part 5): OWNERs and ADMINs only. */
export const consentRegisterRouter = router({
  /** The whole register, or one contact's records and history. */
  entries: allow('consent.read')
    .input(z.object({ contactId: field.id.optional() }).default({}))
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const scope = auth.scope;
      return {
        entries: ctx.services.consentRegister.read(acting(ctx, auth), input.contactId),
        history:
          input.contactId === undefined
            ? []
            : ctx.services.consentRegister.history(scope, input.contactId),
      };
    }),

  notices: allow('consent.read').query(({ ctx }) =>
    ctx.services.consentRegister.notices(authOf(ctx).scope),
  ),

  purposes: allow('consent.read').query(({ ctx }) =>
    ctx.services.consentRegister.purposes(authOf(ctx).scope),
  ),

  addNotice: allow('consent.manage', writes('consent.notice_added'))
    .input(
      z.object({
        version: noticeVersion,
        language,
        body: z.string().trim().min(1, 'The notice text is required').max(20_000),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.consentRegister.addNotice(acting(ctx, authOf(ctx)), input);
      return ctx.services.consentRegister.notices(authOf(ctx).scope);
    }),

  savePurpose: allow('consent.manage', writes('consent.purpose_saved'))
    .input(z.object({ purpose, description: z.string().trim().min(1).max(200) }))
    .mutation(({ ctx, input }) => {
      ctx.services.consentRegister.savePurpose(acting(ctx, authOf(ctx)), input);
      return ctx.services.consentRegister.purposes(authOf(ctx).scope);
    }),

  /** An opt-in by an admin or from an import: source, notice and language required. */
  recordOptIn: allow('consent.manage', writes('consent.changed'))
    .input(
      z.object({
        contactId: field.id,
        purpose,
        source: z.enum(['admin', 'import']),
        noticeVersion,
        language,
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.services.consentRegister.recordOptIn(acting(ctx, authOf(ctx)), input);
      return { ok: true };
    }),

  /** Opt-ins from elsewhere for a list of WhatsApp numbers, under one notice. */
  importOptIns: allow('consent.manage', writes('consent.imported'))
    .input(
      z.object({
        purpose,
        noticeVersion,
        language,
        waIds: z
          .array(
            z
              .string()
              .trim()
              .regex(/^[0-9]{5,20}$/, 'A number is 5 to 20 digits, no +'),
          )
          .min(1, 'List at least one number')
          .max(5000),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.consentRegister.importOptIns(acting(ctx, authOf(ctx)), input),
    ),

  withdraw: allow('consent.manage', writes('consent.changed'))
    .input(z.object({ contactId: field.id, purpose }))
    .mutation(({ ctx, input }) => {
      ctx.services.consentRegister.withdraw(
        acting(ctx, authOf(ctx)),
        input.contactId,
        input.purpose,
      );
      return { ok: true };
    }),

  export: allow('consent.manage', writes('consent.exported'))
    .input(z.object({ format: z.enum(['csv', 'json']) }))
    .mutation(({ ctx, input }) =>
      ctx.services.consentRegister.export(acting(ctx, authOf(ctx)), input.format),
    ),
});
