// What the tray icon says and offers, from the supervisor's state and the
// server's status line. Electron builds the menu from this model.
import type { SupervisorState } from './supervisor.ts';
import type { ServerStatus } from './ready-line.ts';

export type TrayAction = 'open' | 'pause' | 'resume' | 'quit' | 'toggle-login';

export interface TrayItem {
  label: string;
  action?: TrayAction;
  enabled: boolean;
  checked?: boolean;
}

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

export function trayModel(
  state: SupervisorState,
  status: ServerStatus | null,
  options: { paused: boolean; startsAtLogin: boolean; now: number },
): TrayModel {
  const headline = options.paused ? 'Paused' : headlineOf(state);
  const running = state.phase === 'running';
  const agents =
    running && status ? `Agents online: ${status.agentsOnline}` : 'Agents online: –';
  const backup = `Last backup: ${status?.lastBackupAt != null ? ago(status.lastBackupAt, options.now) : 'none yet'}`;
  return {
    tooltip: `Flowgento Appliance: ${headline}`,
    items: [
      { label: headline, enabled: false },
      { label: agents, enabled: false },
      { label: backup, enabled: false },
      { label: 'Open', action: 'open', enabled: running },
      options.paused
        ? { label: 'Resume', action: 'resume', enabled: true }
        : state.phase === 'failed'
          ? { label: 'Start again', action: 'resume', enabled: true }
          : { label: 'Pause', action: 'pause', enabled: running },
      {
        label: 'Start at login',
        action: 'toggle-login',
        enabled: true,
        checked: options.startsAtLogin,
      },
      { label: 'Quit', action: 'quit', enabled: true },
    ],
  };
}

function headlineOf(state: SupervisorState): string {
  switch (state.phase) {
    case 'starting':
      return 'Starting…';
    case 'running':
      return 'Running';
    case 'restarting':
      return `Restarting in ${Math.ceil(state.inMs / 1000)} s (after a crash)`;
    case 'failed':
      return `Stopped: ${state.why.charAt(0).toLowerCase()}${state.why.slice(1)}`;
    case 'stopping':
      return 'Stopping…';
    case 'stopped':
      return 'Stopped';
  }
}

/**
 * What the app shows when the server stopped for good: why, its last lines
 * (already redacted by the server's logger) and where the whole log is.
 */
export function failureMessage(
  state: Extract<SupervisorState, { phase: 'failed' }>,
  logPath: string,
): string {
  const tail = state.tail.slice(-10);
  return [
    `${state.why}.`,
    ...(tail.length > 0 ? ['', 'Its last lines:', ...tail] : []),
    '',
    `The whole log: ${logPath}`,
    'Fix the cause, then choose "Start again" in the tray menu.',
  ].join('\n');
}

function ago(at: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}
