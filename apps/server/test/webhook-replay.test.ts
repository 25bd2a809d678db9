import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOUND_IDS, type CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { memberOfAnotherWorkspace, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import {
  intakeState,
  outboundInFlight,
  post,
  shuffled,
  simulatedTarget,
  type FixtureTarget,
} from './webhook-kinds-support.ts';

/**
 * Meta repeats deliveries and sends them in any order. Two workspaces of one
 * appliance, each with its own simulated number, get the same fixtures: one
 * in order once, the other shuffled, twice, with the business messages
 * accepted half-way. Both must end holding the same.
 */
let t: TestAppliance;
let owner: ApiClient;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;

beforeEach(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
});
afterEach(() => t.cleanup());

async function otherTarget(): Promise<FixtureTarget> {
  const other = await memberOfAnotherWorkspace(app, 'OWNER');
  const target = await simulatedTarget(app(), other.client);
  await other.client.mutate('templates.sync');
  return target;
}

describe('replaying every fixture', () => {
  it('shuffled, twice, ends in the same state as one ordered pass', async () => {
    const ordered = await simulatedTarget(app(), owner);
    await owner.mutate('templates.sync');
    const sends = outboundInFlight(app(), ordered);
    for (const id of Object.values(OUTBOUND_IDS)) sends.send(id).accept();
    for (const fixture of ordered.fixtures) {
      expect(await post(simulator(), ordered, fixture), fixture.name).toBe(200);
    }

    const replayed = await otherTarget();
    const inFlight = outboundInFlight(app(), replayed);
    const pending = Object.values(OUTBOUND_IDS).map((id) => inFlight.send(id));
    const first = shuffled(replayed.fixtures, 7);
    const half = Math.floor(first.length / 2);
    for (const [index, fixture] of first.entries()) {
      // Meta's answer to the sends comes while their statuses are arriving.
      if (index === half) for (const send of pending) send.accept();
      expect(await post(simulator(), replayed, fixture), fixture.name).toBe(200);
    }
    // The second pass all at once, as a burst of redeliveries would come.
    const second = shuffled(replayed.fixtures, 1234);
    const statuses = await Promise.all(
      second.map((fixture) => post(simulator(), replayed, fixture)),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);

    // The two numbers differ only by name, which payloads repeat.
    const stateOf = (target: FixtureTarget) =>
      JSON.parse(
        JSON.stringify(intakeState(app(), target.workspaceId)).replaceAll(
          target.origin.displayPhoneNumber,
          'BUSINESS-NUMBER',
        ),
      ) as ReturnType<typeof intakeState>;
    const expected = stateOf(ordered);
    expect(expected.messages.length).toBeGreaterThan(18);
    // The fixtures' resume follows a stop of consent never given with a
    // notice: it is kept as a request, and the stop holds.
    expect(expected.consent).toEqual([
      expect.objectContaining({ state: 'opted_out', source: 'preference_webhook' }),
    ]);
    expect(expected.consentHistory.map((e) => e.state)).toEqual([
      'opted_out',
      'opted_in',
    ]);
    expect(expected.templates).toContainEqual(
      expect.objectContaining({ name: 'order_update', last_event: 'PAUSED' }),
    );
    expect(stateOf(replayed)).toEqual(expected);
  });

  it('keeps each consent change once when Meta redelivers a stop and a resume in turn', async () => {
    const target = await simulatedTarget(app(), owner);
    const stop = target.fixtures.find((f) => f.name === 'preference_stop')!;
    const resume = target.fixtures.find((f) => f.name === 'preference_resume')!;
    for (let round = 0; round < 3; round += 1) {
      expect(await post(simulator(), target, stop)).toBe(200);
      expect(await post(simulator(), target, resume)).toBe(200);
    }

    const state = intakeState(app(), target.workspaceId);
    expect(state.consentHistory.map((e) => e.state)).toEqual(['opted_out', 'opted_in']);
    // No opt-in with a notice was ever recorded: the resume is kept, once, as
    // a request, and the stop holds.
    expect(state.consent).toEqual([expect.objectContaining({ state: 'opted_out' })]);
  });

  it('stores a payload delivered many times at the same moment once', async () => {
    const target = await simulatedTarget(app(), owner);
    const text = target.fixtures.find((f) => f.name === 'text')!;
    const errors = target.fixtures.find((f) => f.name === 'value_errors')!;
    const field = target.fixtures.find((f) => f.name === 'account_update')!;
    const replies = await Promise.all(
      [text, errors, field].flatMap((fixture) =>
        Array.from({ length: 8 }, () => post(simulator(), target, fixture)),
      ),
    );
    expect(replies.every((status) => status === 200)).toBe(true);

    const state = intakeState(app(), target.workspaceId);
    expect(state.messages).toHaveLength(1);
    expect(state.errors).toHaveLength(1);
    expect(state.fields).toHaveLength(1);
    expect(state.conversations).toEqual([expect.objectContaining({ unread_count: 1 })]);
  });
});
