import type { TierProviders, TierStore } from '@flowgento/storage';
import { listBackupTier } from '../restore/listing.ts';
import { restoreWindow, type RestoreWindow } from '../restore/window.ts';
import type { BackupSchedule } from '../schedule.ts';
import { planRetention } from './plan.ts';

/**
 * Enforces the schedule once: lists every provider of the backup tier,
 * plans, and removes what the plan lets go from every provider that holds
 * it. Returns the window that remains, for the status.
 */
export async function enforceRetention(input: {
  providers: TierProviders;
  tier: TierStore;
  schedule: BackupSchedule;
  now: number;
}): Promise<{ deleted: number; window: RestoreWindow }> {
  const listing = await listBackupTier(input.providers);
  const plan = planRetention({
    names: listing.names,
    schedule: input.schedule,
    now: input.now,
  });
  for (const key of plan.delete) await input.tier.delete('appliance', 'backup', key);
  const gone = new Set(plan.delete);
  return {
    deleted: plan.delete.length,
    window: restoreWindow(listing.names.filter((n) => !gone.has(n.key))),
  };
}
