import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@flowgento/core';
import Database from 'better-sqlite3-multiple-ciphers';
import {
  applyKey,
  cipherOf,
  openEncryptedDatabase,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

const MARKER = 'customer-secret-marker-7f3a';
let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

function filesOf(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

describe('the encrypted database', () => {
  it('keeps no plaintext in the file or its WAL, and no SQLite header', () => {
    env = tempDatabase();
    const store = env.open();
    const ws = store.workspaces.create(`Acme ${MARKER}`);
    store.in(workspaceScope(ws.id)).contacts.upsert('15550001111', MARKER);

    const whileOpen = filesOf(env.dir);
    expect(whileOpen.includes(MARKER)).toBe(false);
    store.close();

    const file = readFileSync(env.path);
    expect(file.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(file.includes(MARKER)).toBe(false);
  });

  it('refuses a wrong key with a typed error and leaves the file byte-identical', () => {
    env = tempDatabase();
    env.open().close();
    const before = createHash('sha256').update(readFileSync(env.path)).digest('hex');
    const listing = readdirSync(env.dir).sort();

    let caught: unknown;
    try {
      openEncryptedDatabase({ path: env.path, key: randomBytes(32) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('KEY_REJECTED');
    expect((caught as AppError).message).toMatch(/cannot be opened with this key/);

    const after = createHash('sha256').update(readFileSync(env.path)).digest('hex');
    expect(after).toBe(before);
    expect(readdirSync(env.dir).sort()).toEqual(listing);
  });

  it('reopens with the right key and keeps what was written', () => {
    env = tempDatabase();
    const first = env.open();
    const ws = first.workspaces.create('Acme');
    first.close();

    const second = env.open();
    expect(second.workspaces.get(ws.id)?.name).toBe('Acme');
    second.close();
  });

  it('writes new files with AEGIS-256 and still opens a SQLCipher 4 file from before', () => {
    env = tempDatabase();
    const fresh = openEncryptedDatabase({ path: env.path, key: env.key });
    expect(cipherOf(fresh)).toBe('aegis-256');
    fresh.close();

    // A file as appliances wrote it before: SQLCipher 4, raw key.
    const olderPath = join(env.dir, 'older.db');
    const older = new Database(olderPath);
    applyKey(older, env.key, 'sqlcipher-4');
    older.exec(`CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('${MARKER}')`);
    older.close();

    const reopened = openEncryptedDatabase({ path: olderPath, key: env.key });
    expect(cipherOf(reopened)).toBe('sqlcipher-4');
    expect(reopened.prepare('SELECT v FROM kept').pluck().get()).toBe(MARKER);
    reopened.close();
    expect(readFileSync(olderPath).includes(MARKER)).toBe(false);

    const before = createHash('sha256').update(readFileSync(olderPath)).digest('hex');
    expect(() =>
      openEncryptedDatabase({ path: olderPath, key: randomBytes(32) }),
    ).toThrow(/cannot be opened with this key/);
    expect(createHash('sha256').update(readFileSync(olderPath)).digest('hex')).toBe(
      before,
    );
  });
});
