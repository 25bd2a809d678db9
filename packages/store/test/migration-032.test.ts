import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

function planOf(db: ReturnType<typeof openEncryptedDatabase>, sql: string): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('c') as { detail: string }[])
    .map((row) => row.detail)
    .join('; ');
}

const NEWEST = `SELECT body FROM messages WHERE conversation_id = ?
  ORDER BY occurred_at DESC, created_at DESC LIMIT 1`;

describe('migration 032 (latest message) on an encrypted database', () => {
  it('applies once, after 031, and finds the newest message without sorting', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 31);
    expect(planOf(db, NEWEST)).toContain('TEMP B-TREE');

    expect(migrate(db, 32)).toEqual([32]);
    expect(schemaVersion(db)).toBe(32);
    expect(migrate(db, 32)).toEqual([]);
    const plan = planOf(db, NEWEST);
    expect(plan).toContain('messages_by_conversation');
    expect(plan).not.toContain('TEMP B-TREE');
    // Oldest first, as a thread reads, still comes from the index.
    const oldest = planOf(
      db,
      `SELECT body FROM messages WHERE conversation_id = ?
       ORDER BY occurred_at, created_at`,
    );
    expect(oldest).toContain('messages_by_conversation');
    expect(oldest).not.toContain('TEMP B-TREE');
    db.close();
  });
});
