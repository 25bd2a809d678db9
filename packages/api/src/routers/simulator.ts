import { z } from 'zod';
import { AppError } from '@flowgento/core';
import * as field from '../schemas.ts';
import { allow, authOf, notAudited, router } from '../trpc.ts';

export const simulatorRouter = router({
  /** The workspace's simulated numbers, for any member who may use the simulator. */
  numbers: allow('simulator.use').query(({ ctx }) => {
    if (!ctx.services.simulator) return [];
    return ctx.services.numbers
      .list(authOf(ctx).scope)
      .filter((n) => n.simulated)
      .map((n) => ({ id: n.id, displayPhoneNumber: n.displayPhoneNumber }));
  }),

  /** Plays a customer writing to one of this workspace's simulated numbers. */
  customerMessage: allow(
    'simulator.use',
    notAudited(
      'plays a customer on a simulated number; the message itself is the record',
    ),
  )
    .input(
      z.object({
        numberId: field.id,
        from: z
          .string()
          .trim()
          .regex(/^[0-9]{6,15}$/, 'Digits only, 6 to 15'),
        profileName: z.string().trim().min(1).max(80),
        text: z.string().trim().min(1).max(4096),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const simulator = ctx.services.simulator;
      if (!simulator) {
        throw new AppError('PRECONDITION_FAILED', 'The Cloud API simulator is off', {
          reason: 'simulator_off',
        });
      }
      const number = ctx.services.numbers
        .list(authOf(ctx).scope)
        .find((n) => n.id === input.numberId && n.simulated);
      if (!number)
        throw new AppError('NOT_FOUND', 'No simulated number with that id here');
      return simulator.sendCustomerMessage({
        phoneNumberId: number.phoneNumberId,
        from: input.from,
        profileName: input.profileName,
        text: input.text,
      });
    }),
});
