import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { isAppError } from '@flowgento/core';
import type { ObjectLocation, ObjectLocationRepo } from '@flowgento/store';
import { checksumMismatch } from './checksum.ts';
import {
  isProviderFault,
  reasonOf,
  type ProviderCalls,
  type ProviderTarget,
} from './provider-calls.ts';
import type { ExpectedObject } from './provider.ts';
import type { StorageTier } from './tiers.ts';
import { placeId, recordId, watchedBody } from './places.ts';

/** What settling one object did. */
export interface SettleOutcome {
  /** Copied to the tier's first provider (read back whole before it counted). */
  copied: boolean;
  /** Copies in doubt that read back whole and were kept. */
  confirmed: number;
  /** Copies removed: failover copies, unfinished writes, older versions. */
  removed: number;
  /** Why the object is not settled yet; null when it is. */
  waiting:
    | null
    | 'first_provider_down'
    | 'copy_failed'
    | 'copy_unverified'
    | 'no_source'
    | 'removal_pending';
  /** The reason of the failure that left it waiting, if one did. */
  reason?: string;
}

export interface SettleInput {
  tier: StorageTier;
  key: string;
  /** The tier's first provider for the object's owner. */
  first: ProviderTarget | undefined;
  records: ObjectLocationRepo;
  calls: ProviderCalls;
  signal: AbortSignal | undefined;
  targetOf(location: ObjectLocation): ProviderTarget;
  /** Removes one copy and its record; false when it must wait. */
  removeCopy(target: ProviderTarget): Promise<boolean>;
}

const settled = (l: ObjectLocation) => l.written !== null && l.attemptAt === null;

/**
 * Brings one object to where its tier wants it, in steps that each leave
 * the records true, so a stop at any point loses nothing and the next run
 * goes on from there:
 *
 * 1. With no settled copy anywhere, a copy in doubt (a write that may not
 *    have finished) that reads back whole is settled again.
 * 2. With no settled copy still, the object was never stored (its writer
 *    was told so): whatever the failed writes left is removed.
 * 3. Without a settled copy at the first provider, and that provider not
 *    down: the object is streamed from a settled copy (checked against its
 *    SHA-256 as it passes), written there, read back whole, and only then
 *    recorded.
 * 4. Once the first provider holds a settled copy, every other copy goes.
 */
export async function settleObject(input: SettleInput): Promise<SettleOutcome> {
  const { tier, key, first, records, calls } = input;
  const outcome: SettleOutcome = {
    copied: false,
    confirmed: 0,
    removed: 0,
    waiting: null,
  };
  if (!first) return outcome;
  const health = calls.health;
  const firstId = recordId(first.providerId);

  let rows = records.locations(tier, key);
  if (!rows.some(settled)) {
    let unverified = false;
    for (const row of rows) {
      if (!row.written) continue;
      const found = health.isDown(placeId(row))
        ? 'unavailable'
        : await readBack(calls, input.targetOf(row), key, row.written, input.signal);
      if (found === 'whole') {
        records.confirm(tier, key, row.providerId);
        outcome.confirmed += 1;
        unverified = false;
        break;
      }
      if (found === 'unavailable') unverified = true;
    }
    // A copy that may be the only one of an object is never removed unread.
    if (unverified) return { ...outcome, waiting: 'copy_unverified' };
    rows = records.locations(tier, key);
  }

  const copies = rows.filter(settled);
  const expected = copies[0]?.written;
  if (expected && !copies.some((l) => l.providerId === firstId)) {
    if (health.isDown(first.providerId))
      return { ...outcome, waiting: 'first_provider_down' };
    const failure = await copyToFirst(input, copies, expected);
    if (failure) return { ...outcome, ...failure };
    outcome.copied = true;
    rows = records.locations(tier, key);
  }

  for (const row of rows) {
    if (expected && row.providerId === firstId) continue;
    if (await input.removeCopy(input.targetOf(row))) outcome.removed += 1;
    else outcome.waiting = 'removal_pending';
  }
  return outcome;
}

/** Streams a settled copy to the first provider; a failure says why it waits. */
async function copyToFirst(
  input: SettleInput,
  copies: ObjectLocation[],
  expected: ExpectedObject,
): Promise<Pick<SettleOutcome, 'waiting' | 'reason'> | undefined> {
  const { tier, key, first, records, calls, signal } = input;
  const health = calls.health;
  const target = first!;
  records.beginWrite(tier, key, recordId(target.providerId));

  const sources = copies
    .map((l) => input.targetOf(l))
    .sort(
      (a, b) => Number(health.isDown(a.providerId)) - Number(health.isDown(b.providerId)),
    );
  let reason: string | undefined;
  for (const source of sources) {
    let download: Readable;
    try {
      download = await calls.run(
        source,
        'get',
        (s) => source.provider.get(key, expected, { signal: s }),
        { signal },
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      reason = reasonOf(error);
      continue;
    }

    const body = watchedBody(download);
    try {
      const stored = await calls.run(
        target,
        'put',
        (s, progress) => target.provider.put(key, body.chunks(progress), { signal: s }),
        { signal, callerFault: () => body.broke },
      );
      if (stored.size !== expected.size || stored.sha256 !== expected.sha256) {
        throw checksumMismatch('UPSTREAM_FAILED');
      }
      const copy = await readBack(calls, target, key, expected, signal);
      if (copy !== 'whole')
        return { waiting: 'copy_failed', reason: `read_back_${copy}` };
      records.recordWritten(tier, key, recordId(target.providerId), stored);
      return undefined;
    } catch (error) {
      if (signal?.aborted) throw error;
      reason = reasonOf(error);
      if (!body.broke) return { waiting: 'copy_failed', reason };
      // The source's bytes were wrong or stopped: its fault, try another copy.
      if (isProviderFault(error)) health.failed(source.providerId, 'get', reason, 0);
    } finally {
      body.close();
    }
  }
  return { waiting: 'no_source', reason };
}

/**
 * Reads the copy at `target` to its end through the checksum check:
 * `whole`, `wrong` (missing, or other bytes) or `unavailable` (the provider
 * failed).
 */
async function readBack(
  calls: ProviderCalls,
  target: ProviderTarget,
  key: string,
  expected: ExpectedObject,
  signal: AbortSignal | undefined,
): Promise<'whole' | 'wrong' | 'unavailable'> {
  try {
    await calls.run(
      target,
      'get',
      async (s, progress) => {
        const stream = await target.provider.get(key, expected, { signal: s });
        stream.on('data', progress);
        await finished(stream);
      },
      { signal },
    );
    return 'whole';
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = isAppError(error) ? error.reason : undefined;
    return reason === 'object_not_found' || reason === 'checksum_mismatch'
      ? 'wrong'
      : 'unavailable';
  }
}
