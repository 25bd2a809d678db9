import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 065 (corrected profile name), encrypted', () => {
  it('leaves every existing profile name as WhatsApp gave it, not corrected', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 63);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, profile_name, created_at, updated_at)
       VALUES ('c', 'w', '5511987654321', 'Ana', 0, 0)`,
    ).run();

    expect(migrate(db, 65)).toEqual([65]);
    expect(schemaVersion(db)).toBe(65);
    expect(
      db
        .prepare('SELECT id, profile_name, profile_name_corrected_at FROM contacts')
        .all(),
    ).toEqual([{ id: 'c', profile_name: 'Ana', profile_name_corrected_at: null }]);
    db.close();
  });
});
