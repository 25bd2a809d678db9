import type { Logger } from '@flowgento/core';
import type { WorkspaceScope } from '@flowgento/store';
import type { TierStore } from '@flowgento/storage';

/** The media tier and a log for what could not be removed. */
export interface MediaObjects {
  tiers: Pick<TierStore, 'delete'>;
  logger: Logger;
}

/**
 * Removes sealed media objects from every provider that holds them, in the
 * background. A provider that is down keeps its copy recorded for removal
 * (the failover store's copy-back finishes it); anything else is logged.
 * The per-file keys went with their rows, so what is left cannot be opened.
 */
export function removeMediaObjects(
  objects: MediaObjects,
  scope: WorkspaceScope,
  keys: readonly string[],
): Promise<void> {
  return Promise.all(
    keys.map((key) =>
      objects.tiers.delete(scope, 'media-hot', key).catch((error: unknown) => {
        objects.logger.warn({ err: error, key }, 'media object not removed');
      }),
    ),
  ).then(() => undefined);
}
