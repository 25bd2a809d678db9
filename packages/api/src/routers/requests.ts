import { z } from 'zod';
import { DATA_REQUEST_KINDS, DATA_REQUEST_LAWS } from '@flowgento/store';
import * as field from '../schemas.ts';
import { noteAccess } from '../access-notes.ts';
import { assertNoOpenBreach } from '../open-breach.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const law = z.enum(DATA_REQUEST_LAWS);
const requestInput = z.object({ requestId: field.id });
const time = z.number().int().nonnegative();

/**
 * Authorities are widely known by acronyms (CNIL, ICO, AEPD, BfDI): two to
 * ten letters, at least two of them capitals, so 'abc' is still refused.
 */
const AUTHORITY_ACRONYM = /^(?=(?:\P{Lu}*\p{Lu}){2})\p{L}{2,10}$/u;

/**
 * How a person reaches the authority a refusal names: a web address, an
 * e-mail address, or a postal address (a street line with a number and a
 * town, so at least a comma or a new line).
 */
const authorityContact = z
  .string()
  .trim()
  .max(300)
  .refine(
    (v) =>
      /^https?:\/\/[^\s/]+\.[^\s]+$/i.test(v) ||
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ||
      (v.length >= 12 && /\d/.test(v) && /[,\n]/.test(v) && /\p{L}{3}/u.test(v)),
    'Give a web address, an e-mail address or a postal address',
  );

/**
 * The request desk: what people ask about their own data, the legal clock
 * of each, and the steps that answer it. An access request's export is a
 * download (`GET /api/requests/:id/export`), not a procedure.
 */
export const requestsRouter = router({
  list: allow('requests.read').query(({ ctx }) => {
    const { scope } = authOf(ctx);
    const desk = ctx.services.requests;
    return {
      requests: desk.list(scope),
      reminders: desk.due(scope),
      authorities: {
        GDPR: desk.authorityFor(scope, 'GDPR'),
        DPDP: desk.authorityFor(scope, 'DPDP'),
      },
    };
  }),

  due: allow('requests.read').query(({ ctx }) =>
    ctx.services.requests.due(authOf(ctx).scope),
  ),

  /** The contact a requester says they are, by WhatsApp number. */
  findContact: allow('requests.read')
    .input(
      z.object({
        waId: z
          .string()
          .trim()
          .regex(/^\d{6,20}$/, 'Digits only'),
      }),
    )
    .query(({ ctx, input }) => {
      const auth = authOf(ctx);
      const found = ctx.services.requests.findContact(auth.scope, input.waId) ?? null;
      if (found) noteAccess(ctx, auth, 'requests.find_contact', [found.id], 'search');
      return found;
    }),

  log: allow('requests.manage', writes('request.logged'))
    .input(
      z.object({
        kind: z.enum(DATA_REQUEST_KINDS),
        law,
        requester: z.string().trim().min(1, 'Name the requester').max(200),
        receivedAt: time.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.requests.log(acting(ctx, authOf(ctx)), input),
    ),

  verify: allow('requests.manage', writes('request.verified'))
    .input(
      requestInput.extend({
        method: z.string().trim().min(1, 'Say how identity was checked').max(200),
        contactId: field.id,
      }),
    )
    .mutation(({ ctx, input }) => {
      const { requestId, ...rest } = input;
      ctx.services.requests.verify(acting(ctx, authOf(ctx)), requestId, rest);
      return { ok: true };
    }),

  extend: allow('requests.manage', writes('request.extended'))
    .input(
      requestInput.extend({
        toldAt: time,
        until: time,
        reason: z.string().trim().min(1, 'Give the reason').max(1000),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { requestId, ...rest } = input;
      ctx.services.requests.extend(acting(ctx, authOf(ctx)), requestId, rest);
      return { ok: true };
    }),

  refuse: allow('requests.manage', writes('request.refused'))
    .input(
      requestInput.extend({
        reason: z.string().trim().min(1, 'A refusal needs a reason').max(2000),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.requests.refuse(
        acting(ctx, authOf(ctx)),
        input.requestId,
        input.reason,
      ),
    ),

  fulfil: allow('requests.manage', writes('request.fulfilled'))
    .input(
      requestInput.extend({
        /** For an erasure: the admin read that an open breach names the person. */
        acknowledgeOpenBreach: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { scope } = authOf(ctx);
      const erased = ctx.services.requests.contactToErase(scope, input.requestId);
      if (erased) assertNoOpenBreach(ctx, scope, erased, input.acknowledgeOpenBreach);
      await ctx.services.requests.fulfil(acting(ctx, authOf(ctx)), input.requestId);
      return { ok: true };
    }),

  setAuthority: allow('requests.manage', writes('request.authority_set'))
    .input(
      z.object({
        law,
        name: z
          .string()
          .trim()
          .max(150)
          .refine(
            (v) => (v.length >= 5 && /\p{L}{3}/u.test(v)) || AUTHORITY_ACRONYM.test(v),
            'Give the authority its full name or its acronym, e.g. CNIL',
          ),
        contact: authorityContact,
      }),
    )
    .mutation(({ ctx, input }) => {
      // The notice names the authority and how to reach it, in one line.
      ctx.services.requests.setAuthority(
        acting(ctx, authOf(ctx)),
        input.law,
        `${input.name} (${input.contact})`,
      );
      return { ok: true };
    }),

  /** Corrects a contact's profile; the old value is not kept. */
  correctContact: allow('requests.manage', writes('contact.corrected'))
    .input(
      z.object({
        contactId: field.id,
        requestId: field.id.nullish(),
        profileName: z.string().trim().max(200).nullable(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.requests.correct(
        acting(ctx, authOf(ctx)),
        input.contactId,
        { profileName: input.profileName === '' ? null : input.profileName },
        input.requestId ?? null,
      ),
    ),
});
