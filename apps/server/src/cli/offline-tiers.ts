import { AuditLog } from '@flowgento/audit';
import { systemClock, type Logger } from '@flowgento/core';
import {
  FailoverTierStore,
  ProviderHealth,
  StorageProviderSettings,
  StorageRouting,
} from '@flowgento/storage';
import type { OpenedAppliance } from '../appliance.ts';

/**
 * The storage tiers as a command run with the appliance stopped reaches
 * them: the configured routing, recorded copies, and a health tracker of its
 * own. One place, so every offline tool removes and reads objects alike.
 */
export function offlineTiers(
  appliance: OpenedAppliance,
  dataDir: string,
  logger: Logger,
): { routing: StorageRouting; tiers: FailoverTierStore } {
  const { store, keyRing } = appliance;
  const routing = new StorageRouting(
    store,
    new StorageProviderSettings(store, keyRing, logger),
    new AuditLog(store),
    dataDir,
  );
  const tiers = new FailoverTierStore(
    routing,
    store,
    new ProviderHealth(systemClock),
    logger,
  );
  return { routing, tiers };
}
