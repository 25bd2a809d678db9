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

const template = {
  businessAccountId: 'waba-1',
  waTemplateId: 'id-a',
  name: 'a',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  statusReason: null,
  componentsJson: '[]',
};
const decision = (event: string, status: string | null, occurredAt: number) => ({
  businessAccountId: 'waba-1',
  waTemplateId: 'id-a',
  name: 'a',
  language: 'en_US',
  event,
  status,
  reason: null,
  occurredAt,
});

describe('migration 033 (template status time) on an encrypted database', () => {
  it('applies once, after 032, keeping the templates already synced', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 32);
    expect(migrate(db, 33)).toEqual([33]);
    expect(schemaVersion(db)).toBe(33);
    expect(migrate(db, 33)).toEqual([]);
    db.close();
  });

  it('applies only decisions newer than the status, and a sync over an older one', () => {
    env = tempDatabase();
    const store = env.open();
    const scoped = store.in(workspaceScope(store.workspaces.create('Acme').id));
    const later = Date.now() + 60_000;
    scoped.templates.replaceForAccount('waba-1', [template]);

    expect(scoped.templates.setStatus(decision('PAUSED', 'PAUSED', later))).toBe(1);
    expect(
      scoped.templates.setStatus(decision('APPROVED', 'APPROVED', later - 1000)),
    ).toBe(0);
    expect(scoped.templates.list()[0]).toMatchObject({
      status: 'PAUSED',
      lastEvent: 'PAUSED',
    });
    // Graph's listing from before Meta's decision does not undo it.
    scoped.templates.replaceForAccount('waba-1', [template]);
    expect(scoped.templates.list()[0]!.status).toBe('PAUSED');
    store.close();
  });

  it('lets a decision stamped in the second of the sync win over the listing', () => {
    env = tempDatabase();
    const store = env.open();
    const scoped = store.in(workspaceScope(store.workspaces.create('Acme').id));
    scoped.templates.replaceForAccount('waba-1', [template]);
    const sameSecond = Math.floor(Date.now() / 1000) * 1000;

    expect(scoped.templates.setStatus(decision('PAUSED', 'PAUSED', sameSecond))).toBe(1);
    expect(scoped.templates.list()[0]!.status).toBe('PAUSED');
    store.close();
  });

  it('keeps a decision on a template not synced yet and applies it when the sync brings it', () => {
    env = tempDatabase();
    const store = env.open();
    const scoped = store.in(workspaceScope(store.workspaces.create('Acme').id));
    const later = Date.now() + 60_000;

    expect(scoped.templates.setStatus(decision('PAUSED', 'PAUSED', later))).toBe(0);
    scoped.templates.replaceForAccount('waba-1', [template]);

    expect(scoped.templates.list()[0]).toMatchObject({
      status: 'PAUSED',
      lastEvent: 'PAUSED',
    });
    expect(
      store.db.prepare('SELECT count(*) FROM template_status_pending').pluck().get(),
    ).toBe(0);
    store.close();
  });
});
