import { z } from 'zod';
import { actorOf, type AuthContext } from '@flowgento/access';
import type { ScheduleActing } from '@flowgento/backup';
import type { ApiContext } from '../context.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

// Whole numbers are checked here for the form's sake; ranges and how the
// fields relate are the shared schedule schema's, checked by the service.
const days = z.number().int('Use whole numbers');

/**
 * The appliance's backups as its admins see them: how they stand (from the
 * backup engine, when one runs), the retention schedule, and the OWNER's
 * recovery kit. Backups cover the whole appliance, not one workspace.
 */
export const backupRouter = router({
  status: allow('backup.read').query(({ ctx }) => {
    const backup = ctx.services.backup;
    // No engine wired: say so, rather than show an empty status as if all were well.
    const status = backup.status ? backup.status.status() : null;
    return {
      running: status !== null,
      status,
      schedule: backup.schedule.current(),
      keyFingerprint: backup.keys.fingerprint(),
    };
  }),

  setSchedule: allow('backup.manage', writes('backup.schedule_changed'))
    .input(
      z.object({
        changesDays: days,
        dailyDays: days,
        monthlyMonths: days,
        snapshotHourUtc: days,
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.backup.schedule.change(scheduleActing(ctx, authOf(ctx)), input),
    ),

  /** A mutation, not a query: every kit shown writes its audit entry first. */
  kit: allow('backup.kit', writes('backup.kit_viewed')).mutation(({ ctx }) =>
    ctx.services.backup.kits.issue(scheduleActing(ctx, authOf(ctx)), 'web'),
  ),
});

function scheduleActing(ctx: ApiContext, auth: AuthContext): ScheduleActing {
  return {
    workspaceId: auth.scope.workspaceId,
    actor: actorOf(auth),
    origin: ctx.origin,
  };
}
