import { performance } from 'node:perf_hooks';
import { cpuSecondsOf, machineCpuSeconds, type ChildServer } from './children.ts';
import { createClient, type ClientKind } from './clients.ts';
import type { DeliveryPool } from './webhook-bodies.ts';

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Bare runs may reuse deliveries; appliance runs must not run out. */
  reuse: boolean;
  client: ClientKind;
}

export interface LoadResult {
  label: string;
  /** Answers completed inside the measured window. */
  measured: number;
  rate: number;
  /** Round-trip times of the measured answers, in ms, sorted. */
  latencies: Float64Array;
  /** Non-200 answers and failed requests, over the whole run. */
  errors: Map<string, number>;
  /** Wamids answered 200, over the whole run (warm-up and drain included). */
  acknowledged: Set<string>;
  /** Requests sent over the whole run, and how many repeated a wamid already sent. */
  sent: number;
  duplicatesSent: number;
  /** Share of one core each side used during the measured window. */
  serverCpu: number | null;
  clientCpu: number;
  /** Cores used meanwhile by everything else on the machine: a busy neighbour skews a run. */
  otherCpu: number | null;
  /** True if the pool ran out before the window closed. */
  exhausted: boolean;
}

/**
 * Keeps `concurrency` signed deliveries in flight against one server for a
 * warm-up and a measured window, each request waiting for its answer.
 */
export async function runLoad(
  server: ChildServer,
  ca: string,
  pool: DeliveryPool,
  options: LoadOptions,
): Promise<LoadResult> {
  // The client trusts only the CA it was handed, even on loopback.
  const client = createClient(options.client, server.port, ca, pool);
  const seen = new Set<string>();
  const result: LoadResult = {
    label: server.label,
    measured: 0,
    rate: 0,
    latencies: new Float64Array(0),
    errors: new Map(),
    acknowledged: new Set(),
    sent: 0,
    duplicatesSent: 0,
    serverCpu: null,
    clientCpu: 0,
    otherCpu: null,
    exhausted: false,
  };
  const latencies: number[] = [];
  const size = pool.bodies.length;
  let next = 0;

  const warmEnd = performance.now() + options.warmupMs;
  const end = warmEnd + options.measureMs;
  const cpu = startCpuWatch(server.pid, warmEnd, end);

  const worker = async (): Promise<void> => {
    const deliver = client.sender();
    while (performance.now() < end) {
      if (!options.reuse && next >= size) {
        result.exhausted = true;
        return;
      }
      const index = next % size;
      next += 1;
      const wamid = pool.wamids[index]!;
      result.sent += 1;
      if (seen.has(wamid)) result.duplicatesSent += 1;
      seen.add(wamid);

      const sentAt = performance.now();
      const outcome = await deliver(index);
      const doneAt = performance.now();
      if (outcome === 200) result.acknowledged.add(wamid);
      else
        result.errors.set(String(outcome), (result.errors.get(String(outcome)) ?? 0) + 1);
      if (doneAt >= warmEnd && doneAt <= end) latencies.push(doneAt - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  client.close();

  const usage = cpu.finish();
  result.measured = latencies.length;
  result.rate = latencies.length / (options.measureMs / 1000);
  result.latencies = Float64Array.from(latencies).sort();
  result.serverCpu = usage.server;
  result.clientCpu = usage.client;
  result.otherCpu = usage.other;
  return result;
}

/** Samples CPU time at the edges of the measured window. */
function startCpuWatch(pid: number, from: number, to: number) {
  const samples: {
    at: number;
    client: number;
    server: number | null;
    machine: number | null;
  }[] = [];
  const sample = (): void => {
    const own = process.cpuUsage();
    samples.push({
      at: performance.now(),
      client: (own.user + own.system) / 1e6,
      server: cpuSecondsOf(pid),
      machine: machineCpuSeconds(),
    });
  };
  const timers = [
    setTimeout(sample, from - performance.now()),
    setTimeout(sample, to - performance.now()),
  ];
  return {
    finish(): { client: number; server: number | null; other: number | null } {
      timers.forEach(clearTimeout);
      while (samples.length < 2) sample();
      const [first, last] = samples as [(typeof samples)[0], (typeof samples)[0]];
      const seconds = (last.at - first.at) / 1000;
      const delta = (a: number | null, b: number | null): number | null =>
        a === null || b === null ? null : (b - a) / seconds;
      const client = (last.client - first.client) / seconds;
      const server = delta(first.server, last.server);
      const machine = delta(first.machine, last.machine);
      const other =
        machine === null || server === null
          ? null
          : Math.max(0, machine - server - client);
      return { client, server, other };
    },
  };
}
