/**
 * The appliance under test, in its own process. With `instrument`, it
 * reports on stderr, when stopped, how the intake thread grouped its writes
 * into commits.
 */
import { createLogger } from '@flowgento/core';
import type { IntakeStats } from '@flowgento/messaging';
import type { ApplianceConfig } from '../apps/server/src/config.ts';
import { startAppliance } from '../apps/server/src/server.ts';
import { announcePort, onStopRequest, readSettings } from './child-io.ts';

export interface ServeSettings {
  config: ApplianceConfig;
  /** The workspace whose messages are counted when `instrument` is on. */
  workspaceId: string;
  instrument: boolean;
}

const { config, instrument } = await readSettings<ServeSettings>();
// stdout carries the protocol, so log lines go to stderr.
const logger = createLogger({ level: config.logLevel, destination: process.stderr });
const running = await startAppliance(config, { logger });

onStopRequest(async () => {
  await running.close();
  if (instrument) process.stderr.write(commitReport(running.intakeWriter.lastStats));
});
announcePort(running.port);

/** How the intake thread grouped its writes into commits. */
function commitReport(stats: IntakeStats | null): string {
  if (!stats) return 'appliance: commit statistics unavailable\n';
  const perCommit = stats.writes / Math.max(stats.commits, 1);
  return (
    `appliance: ${stats.commits} commits for ${stats.writes} webhook writes ` +
    `(${perCommit.toFixed(1)} per commit), ${(stats.busyMs / Math.max(stats.commits, 1)).toFixed(2)} ms ` +
    `inside each (${((1000 * stats.busyMs) / Math.max(stats.writes, 1)).toFixed(0)} µs per write)\n`
  );
}
