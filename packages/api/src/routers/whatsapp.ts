import { z } from 'zod';
import { roleAllows } from '@flowgento/access';
import { AppError } from '@flowgento/core';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const metaId = z
  .string()
  .trim()
  .regex(/^[0-9]{5,32}$/, "Use the numeric id shown in Meta's WhatsApp Manager");
const WEBHOOK_PATH = '/webhooks/whatsapp';
const secret = z.string().trim().min(8, 'Too short to be a real secret').max(1024);

export const whatsappRouter = router({
  numbers: allow('whatsapp.read').query(({ ctx }) => {
    const auth = authOf(ctx);
    return ctx.services.numbers.list(auth.scope, {
      verifyToken: roleAllows(auth.role, 'whatsapp.manage'),
    });
  }),

  /** What to paste into Meta's dashboard, besides each number's verify token. */
  webhook: allow('whatsapp.read').query(({ ctx }) => {
    const { publicUrl, ownListener, onMainListener } = ctx.services.info.webhook;
    return {
      callbackUrl: publicUrl ? `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}` : null,
      path: WEBHOOK_PATH,
      ownListener,
      onMainListener,
    };
  }),

  save: allow('whatsapp.manage', writes('whatsapp.settings_changed'))
    .input(
      z.object({
        numberId: field.id.optional(),
        phoneNumberId: metaId,
        businessAccountId: metaId,
        displayPhoneNumber: z.string().trim().min(3).max(32),
        accessToken: secret.optional(),
        appSecret: secret.optional(),
        verifyToken: secret.optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { numberId, ...settings } = input;
      return ctx.services.numbers.save(acting(ctx, authOf(ctx)), settings, numberId);
    }),

  connectSimulator: allow(
    'whatsapp.manage',
    writes('whatsapp.settings_changed'),
  ).mutation(({ ctx }) => {
    if (!ctx.services.simulator) {
      throw new AppError('PRECONDITION_FAILED', 'The Cloud API simulator is off', {
        reason: 'simulator_off',
      });
    }
    return ctx.services.numbers.connectSimulated(acting(ctx, authOf(ctx)));
  }),
});
