import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { swapInRestored } from '../src/index.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('swapping a restored database in', () => {
  it('moves the old file aside with its stale -wal and -shm, so neither is read against the restored one', () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-swap-'));
    const live = join(dir, 'flowgento.db');
    const restored = join(dir, 'restored.db');
    const [old, wal, shm, fresh] = [1, 2, 3, 4].map(() => randomBytes(1024));
    writeFileSync(live, old!);
    writeFileSync(`${live}-wal`, wal!);
    writeFileSync(`${live}-shm`, shm!);
    writeFileSync(restored, fresh!);

    const { asidePath } = swapInRestored({
      databasePath: live,
      restoredPath: restored,
      now: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(readFileSync(live)).toEqual(fresh);
    expect(existsSync(`${live}-wal`)).toBe(false);
    expect(existsSync(`${live}-shm`)).toBe(false);
    expect(asidePath).toBe(`${live}.before-restore-2026-01-02T03-04-05-000Z`);
    expect(readFileSync(asidePath!)).toEqual(old);
    expect(readFileSync(`${asidePath}-wal`)).toEqual(wal);
    expect(readFileSync(`${asidePath}-shm`)).toEqual(shm);
    expect(existsSync(restored)).toBe(false);
  });
});
