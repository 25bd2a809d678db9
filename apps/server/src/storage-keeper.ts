import type { Services } from './services.ts';

export interface StorageKeeper {
  /** Stops probing and the copy-back run under way (safely), before the database closes. */
  close(): Promise<void>;
}

/**
 * The running appliance's care of its storage: down providers are probed
 * until they pass a check, and the copy-back job moves failed-over objects
 * to their tier's first provider (soon after start, every minute, and as
 * soon as a provider comes back).
 */
export function startStorageKeeper(services: Services): StorageKeeper {
  const { prober, copyBack } = services.storageJobs;
  prober.start();
  copyBack.start();
  return {
    async close() {
      prober.stop();
      await copyBack.close();
    },
  };
}
