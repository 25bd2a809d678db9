import { z } from 'zod';
import * as field from '../schemas.ts';
import { authOf, router, selfServiceProcedure, writes } from '../trpc.ts';

/** A member's own sessions: every member may see and end theirs, no one else's. */
export const sessionsRouter = router({
  list: selfServiceProcedure.query(({ ctx }) =>
    ctx.services.access.listSessions(authOf(ctx)),
  ),

  revoke: selfServiceProcedure
    .meta({ audits: writes('session.revoked') })
    .input(z.object({ sessionId: field.id }))
    .mutation(({ ctx, input }) => {
      const { current } = ctx.services.access.revokeSession(
        authOf(ctx),
        input.sessionId,
        ctx.origin,
      );
      if (current) ctx.cookie.clear();
      return { current };
    }),

  /** Ends every session of the caller, this one included. */
  revokeAll: selfServiceProcedure
    .meta({ audits: writes('session.revoked_all') })
    .mutation(({ ctx }) => {
      const result = ctx.services.access.revokeAllSessions(authOf(ctx), ctx.origin);
      ctx.cookie.clear();
      return result;
    }),
});
