import { z } from 'zod';
import { AppError } from '@flowgento/core';
import * as field from '../schemas.ts';
import { acting } from '../origin.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

const metaId = z
  .string()
  .trim()
  .regex(/^[0-9]{5,32}$/, "Use the numeric id shown in Meta's WhatsApp Manager");
const secret = z.string().trim().min(8, 'Too short to be a real secret').max(1024);

export const whatsappRouter = router({
  numbers: allow('whatsapp.read').query(({ ctx }) =>
    ctx.services.numbers.list(authOf(ctx).scope),
  ),

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
