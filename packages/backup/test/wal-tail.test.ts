import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEncryptedDatabase, type Db } from '@flowgento/store';
import { WalTail } from '../src/wal/wal-tail.ts';

/**
 * The shipper follows the log without a lock. A log that vanishes under it
 * (the last connection closing checkpoints it away) may take commits it
 * never read: that must start a new generation, never pass as "nothing new".
 */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function database(): { path: string; key: Buffer; open: () => Db } {
  dir = mkdtempSync(join(tmpdir(), 'fg-wal-tail-'));
  const path = join(dir, 'flowgento.db');
  const key = randomBytes(32);
  const open = () => openEncryptedDatabase({ path, key, autoCheckpoint: false });
  const db = open();
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
  db.close();
  return { path, key, open };
}

const insert = (db: Db, n: number) => {
  for (let i = 0; i < n; i += 1) {
    db.prepare('INSERT INTO rows (body) VALUES (?)').run(`row ${i}`);
  }
};

/** Starts following as the engine does: after its own complete checkpoint. */
function follow(path: string, open: () => Db): WalTail {
  const tail = new WalTail(path);
  tail.skipToEnd();
  const checkpointer = open();
  checkpointer.pragma('wal_checkpoint(PASSIVE)');
  tail.checkpointed(true);
  checkpointer.close();
  return tail;
}

describe('following the log', () => {
  it('reports a log checkpointed away with commits it never read as lost', () => {
    const { path, open } = database();
    const writer = open();
    insert(writer, 3);
    const tail = follow(path, open);
    insert(writer, 5); // committed, not yet read by the tail
    expect(tail.read()).toMatchObject({ frames: expect.any(Array) });
    insert(writer, 5);
    writer.close(); // the last connection: it checkpoints and removes the log
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(tail.read()).toBe('lost');
  });

  it('takes a log gone after its own complete checkpoint as nothing new', () => {
    const { path, open } = database();
    const writer = open();
    insert(writer, 3);
    const tail = follow(path, open);
    insert(writer, 2);
    const read = tail.read();
    expect(read !== 'lost' && read.frames.length > 0).toBe(true);
    const checkpointer = open();
    const [result] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as {
      log: number;
      checkpointed: number;
    }[];
    expect(result!.checkpointed).toBe(result!.log);
    tail.checkpointed(true);
    checkpointer.close();
    writer.close();
    expect(tail.read()).toEqual({ frames: [] });
  });

  it('starts a generation after the commits already in the log, never before them', () => {
    const { path, open } = database();
    const writer = open();
    insert(writer, 4); // in the log before the generation starts
    const tail = new WalTail(path);
    tail.skipToEnd();
    const checkpointer = open();
    checkpointer.pragma('wal_checkpoint(PASSIVE)');
    tail.checkpointed(true);
    checkpointer.close();

    // A reader in the log keeps the next writer from starting it afresh:
    // the new commits are appended after the ones the snapshot holds.
    const reader = open();
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM rows').get();
    insert(writer, 2);
    reader.exec('COMMIT');
    reader.close();
    const read = tail.read();
    if (read === 'lost') throw new Error('a fresh base was read as lost');
    expect(read.frames.filter((f) => f.commitPages > 0)).toHaveLength(2);
    writer.close();
  });
});
