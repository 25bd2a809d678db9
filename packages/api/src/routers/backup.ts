import { z } from 'zod';
import { actorOf, type AuthContext } from '@flowgento/access';
import type { ScheduleActing } from '@flowgento/backup';
import type { ApiContext } from '../context.ts';
import { allow, authOf, router, writes } from '../trpc.ts';

// A number, or null for a field left empty; whole numbers, ranges and how
// the fields relate are checked by the service, which names each field by
// the form's label.
const days = z.number().nullable();

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
