import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import { workspaceScope, type WorkspaceScope } from '@flowgento/store';
import { CLI_ACTOR } from '../src/cli/context.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, TestClock, type TestAppliance } from './harness.ts';

/**
 * The security_log retention rule cuts the access log of personal data:
 * entries older than the rule go, newer ones stay, and the chain still
 * verifies from the cut, while an entry removed by anyone else is caught.
 */
const clock = new TestClock();
let t: TestAppliance;
let scope: WorkspaceScope;
let note = 0;

const db = () => t.running.appliance.store.db;
const accessLog = () => t.running.services.accessLog;
const acting = () => ({ ...CLI_ACTOR, scope });

/** One access, distinct from the last so none is folded into a repeat. */
function access(): void {
  note += 1;
  accessLog().recordNow(scope, {
    actor: { id: 'member-1', label: 'agent@example.org' },
    action: 'read',
    via: `test.${note}`,
    contactIds: ['contact-1'],
  });
}

const vias = () =>
  accessLog()
    .list(scope, {}, { limit: 100 })
    .map((e) => e.via)
    .sort();

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  await setupOwner(() => t.running);
  scope = workspaceScope(t.running.appliance.store.workspaces.list()[0]!.id);
}, 60_000);
afterAll(() => t?.cleanup());

describe('the security_log rule and the access log', () => {
  it('removes the entries older than the rule, keeps the newer, and the chain still verifies', async () => {
    clock.advance(-200 * DAY_MS);
    access();
    access();
    access();
    clock.advance(200 * DAY_MS);
    access();
    access();
    const { retention } = t.running.services;
    retention.setRule(acting(), { category: 'security_log', days: 180 });

    const dry = await retention.run(acting(), true);
    expect(dry.accessLogEntries).toBe(3);
    expect(vias()).toHaveLength(5);

    const counts = await retention.run(acting());
    expect(counts.accessLogEntries).toBe(3);
    expect(vias()).toEqual(['test.4', 'test.5']);
    expect(accessLog().verify()).toMatchObject({ ok: true, checked: 2 });
    const ran = db()
      .prepare(
        `SELECT details_json FROM audit_log WHERE action = 'retention.ran'
         ORDER BY seq DESC LIMIT 1`,
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(ran)).toMatchObject({ accessLogEntries: 3 });
  });

  it('a cut that takes every entry leaves a chain the next entries extend', async () => {
    clock.advance(181 * DAY_MS);
    const counts = await t.running.services.retention.run(acting());
    expect(counts.accessLogEntries).toBe(2);
    expect(vias()).toEqual([]);
    expect(accessLog().verify().ok).toBe(true);

    access();
    access();
    access();
    expect(accessLog().verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('still finds an entry deleted from the middle, or from the start, outside a cut', () => {
    const seqs = db().prepare('SELECT seq FROM access_log ORDER BY seq').pluck().all();
    expect(seqs).toHaveLength(3);
    db().exec('DROP TRIGGER access_log_refuses_delete');
    db().prepare('DELETE FROM access_log WHERE seq = ?').run(seqs[1]);
    expect(accessLog().verify()).toMatchObject({
      ok: false,
      brokenAt: seqs[2],
      problem: 'deleted',
    });

    db().prepare('DELETE FROM access_log WHERE seq = ?').run(seqs[0]);
    expect(accessLog().verify()).toMatchObject({ ok: false, problem: 'deleted' });
  });

  it('cuts nothing from a chain that does not verify', async () => {
    clock.advance(181 * DAY_MS);
    const counts = await t.running.services.retention.run(acting());
    expect(counts.accessLogEntries).toBe(0);
    expect(db().prepare('SELECT count(*) FROM access_log').pluck().get()).toBe(1);
  });
});
