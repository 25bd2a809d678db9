import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { StorageProvider } from './provider.ts';

/** Where probes write: a prefix of their own, so they never meet real objects. */
export const PROBE_PREFIX = 'flowgento-probe/';

/**
 * Writes a small random object, lists its prefix, reads it back through the
 * checksum check and deletes it. Each step needs a permission a provider may
 * lack; the first failure is the one reported, with its reason.
 */
export async function probeProvider(provider: StorageProvider): Promise<void> {
  const key = `${PROBE_PREFIX}${randomBytes(12).toString('hex')}`;
  const stored = await provider.put(key, randomBytes(64));

  try {
    // Listing is a permission of its own, and retention cannot work without it.
    for await (const object of provider.list(PROBE_PREFIX)) {
      if (object.key === key) break;
    }
    // Reading to the end is what runs the checksum check.
    const download = await provider.get(key, stored);
    download.resume();
    await finished(download);
  } catch (error) {
    // The first failure is the one worth reporting; the clean-up's is not.
    await provider.delete(key).catch(() => undefined);
    throw error;
  }
  await provider.delete(key);
}
