import { z } from 'zod';
import { allow, authOf, router } from '../trpc.ts';

export const auditRouter = router({
  list: allow('audit.read')
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        beforeSeq: z.number().int().positive().optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(authOf(ctx).scope, input)),
});
