import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '@flowgento/core';
import {
  BackupEngine,
  DEFAULT_BACKUP_SCHEDULE,
  restoreToTime,
  type BackupEngineOptions,
} from '@flowgento/backup';
import type { TierProviders, TierStore } from '@flowgento/storage';

/** What the engine needs besides its database: keys, the tier, a data folder. */
export interface BenchBackupSetup {
  databasePath: string;
  databaseKey: Buffer;
  backupKey: Buffer;
  installationId: string;
  tier: TierStore;
  providers: TierProviders;
}

export const KEY_SETUP = { mode: 'file', check: 'bench-check' } as const;

/** Seconds spent in each step of one run, in the order they happen. */
export type Phases = Record<string, number>;

export function startEngine(
  setup: BenchBackupSetup,
  dataDir: string,
  extra: Partial<BackupEngineOptions> = {},
): BackupEngine {
  mkdirSync(dataDir, { recursive: true });
  return new BackupEngine({
    ...setup,
    keySetup: KEY_SETUP,
    dataDir,
    schedule: () => DEFAULT_BACKUP_SCHEDULE,
    logger: silentLogger(),
    ...extra,
  });
}

/**
 * One generation's first snapshot as the engine takes it: checkpoint, the
 * file sealed and uploaded as it stands with the integrity check in another
 * process meanwhile, manifest. Timed from the engine's start to its
 * `snapshot.completed`.
 */
export async function snapshotRun(setup: BenchBackupSetup, scratch: string) {
  const dataDir = join(scratch, `engine-${randomUUID()}`);
  const started = performance.now();
  let uploadFrom = 0;
  let readAll = 0;
  let engine: BackupEngine | undefined;
  let end = 0;
  try {
    await new Promise<void>((done, fail) => {
      engine = startEngine(setup, dataDir, {
        onSnapshotProgress: (bytes, total) => {
          uploadFrom ||= performance.now();
          if (bytes === total) readAll = performance.now();
        },
        onEvent: (event) => {
          if (event.type !== 'snapshot.completed') {
            fail(new Error(`snapshot failed: ${event.message}`));
            return;
          }
          // The snapshot ends here; stopping the engine and removing the
          // folder are the bench's cleanup, as the raw baseline's is untimed.
          end = performance.now();
          done();
        },
      });
    });
  } finally {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const phases: Phases = {
    'start: checkpoint, first read': (uploadFrom - started) / 1000,
    'seal + upload, integrity check beside it': (readAll - uploadFrom) / 1000,
    'last part, check, manifest': (end - readAll) / 1000,
  };
  return { seconds: (end - started) / 1000, phases };
}

/**
 * Download and restore of the newest snapshot into a new folder, as
 * `restore --to` runs it, with its checks: the file hash against the
 * manifest, integrity and row counts before and after replay.
 */
export async function restoreRun(setup: BenchBackupSetup, scratch: string) {
  const intoDir = join(scratch, `restored-${randomUUID()}`);
  const marks: [string, number][] = [];
  let lastByte = 0;
  const started = performance.now();
  let end = 0;
  try {
    await restoreToTime({
      ...setup,
      at: Date.now(),
      intoDir,
      onProgress: (step, done, total) => {
        if (step.startsWith('downloading')) {
          if (done === total) lastByte = performance.now();
          return;
        }
        if (marks.at(-1)?.[0] !== step) marks.push([step, performance.now()]);
      },
    });
    end = performance.now();
  } finally {
    // Cleanup, untimed like the raw baseline's.
    rmSync(intoDir, { recursive: true, force: true });
  }
  const at = (step: string) => marks.find(([s]) => s === step)?.[1] ?? end;
  const phases: Phases = {
    'list, lease, download + open': (lastByte - started) / 1000,
    'verify: file hash': (at('verifying snapshot') - lastByte) / 1000,
    'verify: row counts': (at('replaying segments') - at('verifying snapshot')) / 1000,
    'replay segments':
      (at('verifying restored database') - at('replaying segments')) / 1000,
    'verify: integrity + counts': (end - at('verifying restored database')) / 1000,
  };
  return { seconds: (end - started) / 1000, phases };
}
