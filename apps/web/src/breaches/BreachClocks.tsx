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

const STATE_LABEL = {
  done: 'Done',
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
        const state = clock.done
          ? 'done'
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
                : remainingText(remaining)}
            </span>
            <small className="muted">
              Due {new Date(clock.deadline).toLocaleString()}. {clock.basis}
            </small>
          </li>
        );
      })}
    </ul>
  );
}
