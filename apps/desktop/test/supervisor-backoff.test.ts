import { describe, expect, it } from 'vitest';
import type { ServerExit, ServerProcess } from '../src/server-process.ts';
import { createSupervisor, type SupervisorState } from '../src/supervisor.ts';

/** A server run the test drives by hand: it comes up, then dies when told. */
function fakeRun() {
  let up!: () => void;
  let die!: (exit: ServerExit) => void;
  const ready = {
    url: 'https://127.0.0.1:8443',
    caFingerprint256: 'AA',
    lanUrls: [],
    needsSetup: false,
  };
  const proc: ServerProcess = {
    pid: 1,
    ready: new Promise((resolve) => (up = () => resolve(ready))),
    exited: new Promise((resolve) => (die = resolve)),
    setupCode: () => null,
    tail: () => ['last line'],
    requestStop: () => die({ code: 0, signal: null }),
    kill: () => die({ code: null, signal: 'SIGKILL' }),
  };
  return { proc, up: () => up(), crash: () => die({ code: 1, signal: null }) };
}

describe('the pause before a restart', () => {
  it('doubles with quick crashes and starts over after a run that lasted', async () => {
    let clock = 0;
    const runs: ReturnType<typeof fakeRun>[] = [];
    const pauses: number[] = [];
    const supervisor = createSupervisor({
      start: () => {
        const run = fakeRun();
        runs.push(run);
        queueMicrotask(run.up);
        return run.proc;
      },
      onState: (state: SupervisorState) => {
        if (state.phase === 'restarting') pauses.push(state.inMs);
      },
      initialBackoffMs: 1,
      maxBackoffMs: 100,
      stableAfterMs: 1000,
      now: () => clock,
    });
    await supervisor.start();

    const crashAfter = async (ms: number) => {
      clock += ms;
      const count = runs.length;
      runs.at(-1)!.crash();
      await expect.poll(() => runs.length).toBe(count + 1);
      await expect.poll(() => supervisor.state().phase).toBe('running');
    };
    await crashAfter(10);
    await crashAfter(10);
    await crashAfter(10);
    await crashAfter(5000); // a long, healthy run: the count starts over
    await crashAfter(10);

    expect(pauses).toEqual([1, 2, 4, 1, 2]);
    expect(await supervisor.stop()).toEqual({ code: 0, signal: null });
    expect(supervisor.state()).toEqual({ phase: 'stopped' });
  });

  it('kills a server that does not stop in time, and never restarts after stop', async () => {
    const run = fakeRun();
    run.proc.requestStop = () => undefined; // ignores the stop request
    let starts = 0;
    const supervisor = createSupervisor({
      start: () => {
        starts += 1;
        queueMicrotask(run.up);
        return run.proc;
      },
      stopTimeoutMs: 20,
    });
    await supervisor.start();
    expect(await supervisor.stop()).toEqual({ code: null, signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(starts).toBe(1);
  });
});

describe('a start that never says it is ready', () => {
  it('is killed after the start timeout and fails, saying why, with no restart', async () => {
    const runs: ReturnType<typeof fakeRun>[] = [];
    const states: SupervisorState[] = [];
    const supervisor = createSupervisor({
      start: () => {
        const run = fakeRun();
        runs.push(run);
        return run.proc; // never comes up, as with a quiet log level
      },
      onState: (state) => states.push(state),
      startTimeoutMs: 50,
      initialBackoffMs: 1,
    });

    await expect(supervisor.start()).rejects.toThrow(
      /did not say it was ready within 0.05 s:\nlast line/,
    );
    expect(await runs[0]!.proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(1);
    expect(supervisor.state()).toMatchObject({ phase: 'failed' });
    expect(states.some((state) => state.phase === 'restarting')).toBe(false);
  });
});

describe('giving up', () => {
  it('stops at the crash that makes maxCrashesInRow, and counts it right', async () => {
    const runs: ReturnType<typeof fakeRun>[] = [];
    const supervisor = createSupervisor({
      start: () => {
        const run = fakeRun();
        runs.push(run);
        queueMicrotask(run.up);
        return run.proc;
      },
      initialBackoffMs: 1,
      maxCrashesInRow: 2,
    });
    await supervisor.start();
    runs[0]!.crash();
    await expect.poll(() => runs.length).toBe(2);
    await expect.poll(() => supervisor.state().phase).toBe('running');
    runs[1]!.crash();
    await expect.poll(() => supervisor.state().phase).toBe('failed');
    expect(supervisor.state()).toMatchObject({
      why: 'The appliance server crashed 2 times in a row',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(2);
  });
});
