import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const template = (name: string, status = 'APPROVED') => ({
  businessAccountId: 'waba-1',
  waTemplateId: `id-${name}`,
  name,
  language: 'en_US',
  category: 'UTILITY',
  status,
  statusReason: null,
  componentsJson: '[]',
});

describe('migration 021 (templates) on an encrypted database', () => {
  it('applies once, after 020', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 20);
    expect(migrate(db, 21)).toEqual([21]);
    expect(schemaVersion(db)).toBe(21);
    expect(db.prepare('SELECT count(*) FROM message_templates').pluck().get()).toBe(0);
    db.close();
  });

  it("replaces an account's templates with what Graph lists, and applies status updates", () => {
    env = tempDatabase();
    const store = env.open();
    const scoped = store.in(workspaceScope(store.workspaces.create('Acme').id));
    scoped.templates.replaceForAccount('waba-1', [template('a'), template('b')]);
    const firstId = scoped.templates.list()[0]!.id;
    scoped.templates.replaceForAccount('waba-1', [template('a', 'PAUSED')]);
    expect(scoped.templates.list().map((t) => [t.name, t.status])).toEqual([
      ['a', 'PAUSED'],
    ]);
    // The row keeps its id across syncs, so a queued send still finds it.
    expect(scoped.templates.list()[0]!.id).toBe(firstId);

    const update = {
      businessAccountId: 'waba-1',
      name: null,
      language: null,
      reason: null,
      occurredAt: Date.now() + 60_000,
    };
    expect(
      scoped.templates.setStatus({
        ...update,
        waTemplateId: 'id-a',
        event: 'APPROVED',
        status: 'APPROVED',
      }),
    ).toBe(1);
    expect(
      scoped.templates.setStatus({
        ...update,
        waTemplateId: 'id-zz',
        event: 'REJECTED',
        status: 'REJECTED',
      }),
    ).toBe(0);
    expect(scoped.templates.list()[0]!.status).toBe('APPROVED');
    store.close();
  });
});
