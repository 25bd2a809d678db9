import type { LiveState } from './use-inbox-events.ts';

const TEXT: Record<LiveState, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline — retrying',
};

/** Whether new messages will appear by themselves right now. */
export function LiveStatus({ state }: { state: LiveState }) {
  return (
    <span className={`live live-${state}`} data-testid="live-status" data-state={state}>
      {TEXT[state]}
    </span>
  );
}
