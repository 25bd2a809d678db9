import type { Outputs } from '../api.ts';
import { durationText, whenText, windowText } from './backup-format.ts';
import { LagChart } from './LagChart.tsx';

type Status = NonNullable<Outputs['backup']['status']['status']>;

/** How backups stand at a glance, or a plain "not running" when no engine runs. */
export function BackupStatusPanel({ status }: { status: Status | null }) {
  if (!status) {
    return (
      <section className="card" data-testid="backup-status" data-state="not-running">
        <h2>Backups are not running</h2>
        <p className="note">
          No backup engine is running on this appliance, so no snapshot is taken and no
          change is shipped to the backup tier. The schedule below applies once it runs.
          Until then, <code>flowgento backup --to &lt;folder&gt;</code> writes a one-off
          snapshot.
        </p>
      </section>
    );
  }
  const daily = status.points.filter((p) => p.kind === 'daily').length;
  const monthly = status.points.filter((p) => p.kind === 'monthly').length;
  const rows: [string, string][] = [
    ['Generation', status.generation ?? 'none yet'],
    ['Last snapshot', whenText(status.lastSnapshotAt)],
    ['Next snapshot', whenText(status.nextSnapshotAt, 'not scheduled')],
    ['Last change shipped', whenText(status.lastShippedAt)],
    ['Shipping lag', status.lagMs === null ? 'unknown' : durationText(status.lagMs)],
    ['Changes waiting to ship', String(status.pendingSegments)],
    ['Restorable to any second', windowText(status.restorableFrom, status.restorableTo)],
    ['Points kept', `${daily} daily, ${monthly} monthly`],
  ];
  return (
    <section className="card" data-testid="backup-status" data-state="running">
      <h2>Status</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {status.lastError && (
        <p role="alert" className="error" data-testid="backup-last-error">
          Last error ({whenText(status.lastError.at)}):{' '}
          {status.lastError.provider && (
            <>
              storage provider <strong>{status.lastError.provider}</strong>:{' '}
            </>
          )}
          {status.lastError.message}.
        </p>
      )}
      <LagChart samples={status.lagHistory} />
    </section>
  );
}
