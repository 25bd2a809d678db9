import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '@flowgento/core';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  TestClock,
  type TestAppliance,
} from './harness.ts';
import { setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';

/**
 * The Board's first intimation, DPDP Rules 2025 rule 7(2)(a): due without
 * delay on becoming aware, apart from the detailed report within 72 hours
 * (review of issue #8). It is never "not due": from the awareness on it is
 * due now, with the time since then, until it is marked done.
 */
const clock = new TestClock();
let t: TestAppliance;
let owner: ApiClient;
let breachId: string;

interface Clock {
  duty: string;
  label: string;
  basis: string;
  state: string;
  deadline: number;
  remainingMs: number;
  done: { at: number; reference: string } | null;
}
interface View {
  breach: { awareAt: number };
  clocks: Clock[];
  drafts: Record<string, { key: string; label: string; text: string }[]>;
}

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(() => t.running);
});
afterAll(() => t.cleanup());

const view = () => owner.query<View>('breaches.get', { breachId });
const clockOf = async (duty: string) =>
  (await view()).clocks.find((c) => c.duty === duty)!;

describe("the Data Protection Board's intimation without delay", () => {
  it('is due now from the awareness, with the time elapsed, and drafted from the record', async () => {
    clock.freeze();
    const awareAt = clock.now() - 40 * MINUTE_MS;
    ({ id: breachId } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Shared inbox exposed',
      awareAt,
      occurredAt: awareAt - 2 * HOUR_MS,
      nature: 'A shared inbox link was posted on a public forum',
      categories: 'names, numbers, messages',
      systems: 'agent inbox',
      measures: 'link revoked, sessions ended',
      contactPoint: 'privacy@acme.test',
    }));

    const { clocks, drafts } = await view();
    expect(clocks.map((c) => [c.duty, c.state])).toEqual([
      ['cert_in', 'running'],
      ['people', 'running'],
      ['board_intimation', 'due_now'],
      ['board', 'running'],
      ['gdpr', 'running'],
    ]);
    const intimation = clocks.find((c) => c.duty === 'board_intimation')!;
    expect(intimation).toMatchObject({
      label: 'Data Protection Board of India: intimation',
      deadline: awareAt,
      remainingMs: -40 * MINUTE_MS,
      done: null,
    });
    expect(intimation.basis).toContain('rule 7(2)(a): without delay');

    // Days after the awareness it is still due now, never overdue nor "not due".
    const { id: late } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Old laptop found unwiped',
      awareAt: clock.now() - 80 * HOUR_MS,
      occurredAt: null,
      nature: 'A retired laptop was sold unwiped',
      categories: 'messages',
      systems: 'agent laptop',
      measures: 'buyer asked to return it',
      contactPoint: 'privacy@acme.test',
    });
    const lateClocks = (await owner.query<View>('breaches.get', { breachId: late }))
      .clocks;
    expect(lateClocks.find((c) => c.duty === 'board_intimation')).toMatchObject({
      state: 'due_now',
      remainingMs: -80 * HOUR_MS,
    });
    expect(lateClocks.find((c) => c.duty === 'board')!.state).toBe('overdue');

    const fields = drafts['board_intimation']!;
    expect(fields.map((f) => f.key)).toEqual([
      'board_intimation.description',
      'board_intimation.impact',
    ]);
    const description = fields[0]!.text;
    expect(description).toContain('A shared inbox link was posted on a public forum.');
    expect(description).toContain('Data concerned: names, numbers, messages.');
    expect(description).toContain('Where: agent inbox.');
    expect(description).toMatch(/we became aware: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('cites GDPR article 34 beside DPDP rule 7(1) for telling the people affected', async () => {
    const people = await clockOf('people');
    expect(people.basis).toContain('DPDP Rules 2025, rule 7(1)');
    expect(people.basis).toContain('GDPR article 34(1)');
  });

  it('is listed by `flowgento breaches due` as due now with the time since awareness', async () => {
    const result = await runCli(['breaches', 'due', ...folderFlags(t)]);
    expect(result.stdout).toMatch(
      /Shared inbox exposed .* Data Protection Board of India: intimation: due now, \d+ h \d\d min since awareness, aware since /,
    );
  });

  it('is marked done with its time and the Board reference, audited, and then no longer due', async () => {
    const now = clock.now();
    const noReference = await expectApiError(
      owner.mutate('breaches.markDone', {
        breachId,
        duty: 'board_intimation',
        at: now,
        reference: ' ',
      }),
    );
    expect(noReference).toMatchObject({
      status: 400,
      reason: 'reference_required',
    });
    expect((await clockOf('board_intimation')).done).toBeNull();

    await owner.mutate('breaches.markDone', {
      breachId,
      duty: 'board_intimation',
      at: now - 10 * MINUTE_MS,
      reference: 'DPB-INT-2026-17',
    });
    expect(await clockOf('board_intimation')).toMatchObject({
      state: 'done',
      done: { at: now - 10 * MINUTE_MS, reference: 'DPB-INT-2026-17' },
    });
    const audited = t.running.appliance.store.db
      .prepare(
        `SELECT details_json FROM audit_log WHERE action = 'breach.duty_done' ORDER BY seq`,
      )
      .pluck()
      .all() as string[];
    expect(audited.map((json) => JSON.parse(json) as unknown)).toEqual([
      { duty: 'board_intimation', doneAt: now - 10 * MINUTE_MS },
    ]);

    const report = await owner.mutate<{ text: string }>('breaches.exportReport', {
      breachId,
    });
    expect(report.text).toContain(
      'Intimation to the Data Protection Board of India (without delay)',
    );
    expect(report.text).toMatch(
      /Data Protection Board of India: intimation: due .*, done .* \(DPB-INT-2026-17\)/,
    );
    const result = await runCli(['breaches', 'due', ...folderFlags(t)]);
    expect(result.stdout).toMatch(/Old laptop found unwiped .* intimation: due now/);
    expect(result.stdout).not.toMatch(/Shared inbox exposed .* intimation/);
  });
});
