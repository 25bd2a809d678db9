import { z } from 'zod';
import { AppError } from '@flowgento/core';
import { SAMPLE_EVENT_KINDS, sampleEvent } from '@flowgento/whatsapp';
import * as field from '../schemas.ts';
import type { ApiContext } from '../context.ts';
import { allow, authOf, notAudited, router } from '../trpc.ts';

const SIM_MEDIA_BASE64_MAX = 240_000;

const customerNumber = z
  .string()
  .trim()
  .regex(/^[0-9]{6,15}$/, 'Digits only, 6 to 15');

export const simulatorRouter = router({
  /** The workspace's simulated numbers, for any member who may use the simulator. */
  numbers: allow('simulator.use').query(({ ctx }) => {
    if (!ctx.services.simulator) return [];
    return ctx.services.numbers
      .list(authOf(ctx).scope, { verifyToken: false })
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
        .list(authOf(ctx).scope, { verifyToken: false })
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

  /**
   * Plays a customer sending a photo or a document: the simulator holds the
   * file behind Graph's media endpoints and posts the signed webhook, so it
   * is fetched, sealed and stored like a real customer's.
   */
  customerMedia: allow(
    'simulator.use',
    notAudited(
      'plays a customer on a simulated number; the message itself is the record',
    ),
  )
    .input(
      z.object({
        numberId: field.id,
        from: customerNumber,
        profileName: z.string().trim().min(1).max(80),
        kind: z.enum(['image', 'document']),
        mimeType: z
          .string()
          .regex(/^[a-z]+\/[a-z0-9.+-]+$/i, 'A MIME type such as image/png'),
        filename: z.string().trim().min(1).max(200).optional(),
        caption: z.string().trim().max(1024).optional(),
        // The /trpc body cap is 256 KiB: base64 makes 4 characters of 3 bytes.
        base64: z
          .string()
          .min(1, 'Choose a file')
          .max(SIM_MEDIA_BASE64_MAX, 'Files up to 180 KB can be sent from the simulator')
          .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'The file could not be read'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const simulator = simulatorOf(ctx.services.simulator);
      const number = simulatedNumber(ctx, input.numberId);
      return simulator.sendCustomerMedia({
        phoneNumberId: number.phoneNumberId,
        from: input.from,
        profileName: input.profileName,
        kind: input.kind,
        bytes: Buffer.from(input.base64, 'base64'),
        mimeType: input.mimeType,
        ...(input.caption ? { caption: input.caption } : {}),
        ...(input.kind === 'document' && input.filename
          ? { filename: input.filename }
          : {}),
      });
    }),

  /**
   * Plays a customer sending a message of another kind (a place, a chosen
   * reply, an order, …), so the inbox can be tried with every kind.
   */
  customerEvent: allow(
    'simulator.use',
    notAudited(
      'plays a customer on a simulated number; the message itself is the record',
    ),
  )
    .input(
      z.object({
        numberId: field.id,
        from: customerNumber,
        profileName: z.string().trim().min(1).max(80),
        kind: z.enum(SAMPLE_EVENT_KINDS),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const simulator = simulatorOf(ctx.services.simulator);
      const number = simulatedNumber(ctx, input.numberId);
      return simulator.sendCustomerEvent({
        phoneNumberId: number.phoneNumberId,
        from: input.from,
        profileName: input.profileName,
        event: sampleEvent(input.kind),
      });
    }),

  /**
   * Plays a customer stopping or resuming marketing messages in WhatsApp's
   * own menu: the simulator posts the signed `user_preferences` webhook.
   */
  customerPreference: allow(
    'simulator.use',
    notAudited(
      'plays a customer on a simulated number; the consent history is the record',
    ),
  )
    .input(
      z.object({
        numberId: field.id,
        from: customerNumber,
        value: z.enum(['stop', 'resume']),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const simulator = simulatorOf(ctx.services.simulator);
      const number = simulatedNumber(ctx, input.numberId);
      await simulator.sendCustomerPreference({
        phoneNumberId: number.phoneNumberId,
        from: input.from,
        value: input.value,
      });
      return { ok: true };
    }),
});

function simulatorOf<T>(simulator: T | null | undefined): T {
  if (!simulator) {
    throw new AppError('PRECONDITION_FAILED', 'The Cloud API simulator is off', {
      reason: 'simulator_off',
    });
  }
  return simulator;
}

function simulatedNumber(ctx: ApiContext, numberId: string) {
  const number = ctx.services.numbers
    .list(authOf(ctx).scope, { verifyToken: false })
    .find((n) => n.id === numberId && n.simulated);
  if (!number) throw new AppError('NOT_FOUND', 'No simulated number with that id here');
  return number;
}
