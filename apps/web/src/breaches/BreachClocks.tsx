import { useEffect, useState } from 'react';
import type { Outputs } from '../api.ts';

type Clock = Outputs['breaches']['get']['clocks'][number];

const HOUR = 3_600_000;

/** "5 h 03 min 12 s left": seconds shown, so the count is seen to move. */
function remainingText(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / HOUR);
  const m = Math.floor((abs % HOUR) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  return ms < 0 ? `${text} overdue` : `${text} left`;
}

/** "Due now: 0 h 40 min 05 s since you became aware". */
function sinceText(elapsedMs: number): string {
  const elapsed = remainingText(elapsedMs).replace(/ left$/, '');
  return `Due now: ${elapsed} since you became aware`;
}

const STATE_LABEL = {
  done: 'Done',
  due_now: 'Due now',
  overdue: 'Overdue',
  due_soon: 'Due soon',
  running: 'Running',
} as const;

/**
 * The breach's clocks, counting every second. The server's remaining time
 * is the truth at `fetchedAt`; the browser only counts on from there, so a
 * wrong clock on the agent's machine cannot move a legal deadline.
 */
export function BreachClocks({
  clocks,
  fetchedAt,
}: {
  clocks: Clock[];
  fetchedAt: number;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const elapsed = Math.max(0, now - fetchedAt);
  return (
    <ul className="breach-clocks" aria-label="Notification clocks">
      {clocks.map((clock) => {
        const remaining = clock.remainingMs - elapsed;
        // Between refetches (each minute) only the crossing of the deadline
        // itself is worked out here; the reminder threshold is the server's.
        // A duty due without delay has no deadline to cross: it stays due now.
        const state = clock.done
          ? 'done'
          : clock.state === 'due_now'
            ? 'due_now'
            : remaining < 0
              ? 'overdue'
              : clock.state === 'running'
                ? 'running'
                : 'due_soon';
        return (
          <li
            key={clock.duty}
            className={`card breach-clock clock-${state}`}
            data-testid={`clock-${clock.duty}`}
            data-state={state}
          >
            <strong>{clock.label}</strong>
            <span className="clock-state">{STATE_LABEL[state]}</span>
            <span
              className="clock-remaining"
              data-testid={`clock-${clock.duty}-remaining`}
            >
              {clock.done
                ? `Done ${new Date(clock.done.at).toLocaleString()} (${clock.done.reference || 'no reference'})`
                : state === 'due_now'
                  ? sinceText(-remaining)
                  : remainingText(remaining)}
            </span>
            <small className="muted">
              {state === 'due_now' ? 'Due without delay from' : 'Due'}{' '}
              {new Date(clock.deadline).toLocaleString()}. {clock.basis}
            </small>
          </li>
        );
      })}
    </ul>
  );
}
