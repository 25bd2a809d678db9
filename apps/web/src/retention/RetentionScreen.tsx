import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { plural } from '../plural.ts';
import { LegalHolds } from './LegalHolds.tsx';
import { RuleForm } from './RuleForm.tsx';
import { CATEGORY_LABELS } from './labels.ts';

/**
 * How long the workspace keeps each kind of data, the legal floors the
 * rules cannot go below, the runs, and the legal holds that stop deletion.
 */
export function RetentionScreen() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.retention.overview.queryOptions());
  if (overview.error) return <ErrorNote error={overview.error} />;
  if (!overview.data) return <p className="muted">Loading…</p>;
  const data = overview.data;

  return (
    <div className="stack" data-testid="retention-screen">
      <h1>Retention</h1>
      <section className="card">
        <h2>Rules</h2>
        {data.rules.length === 0 ? (
          <p className="muted">No rule: nothing is deleted by age.</p>
        ) : (
          <table data-testid="retention-rules">
            <thead>
              <tr>
                <th>Data</th>
                <th>Kept</th>
                <th>Legal floor</th>
              </tr>
            </thead>
            <tbody>
              {data.rules.map((rule) => (
                <tr key={rule.category}>
                  <td>{CATEGORY_LABELS[rule.category]}</td>
                  <td>{plural(rule.days, 'day')}</td>
                  <td>
                    {rule.floor ? `${rule.floor.days} days: ${rule.floor.law}` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ul className="muted small" data-testid="retention-floors">
          {Object.entries(data.floors).map(([category, floor]) => (
            <li key={category}>
              {CATEGORY_LABELS[category as keyof typeof CATEGORY_LABELS]}: kept at least{' '}
              {floor.days} days by {floor.law}.
            </li>
          ))}
        </ul>
        <RuleForm overview={data} />
      </section>
      <section className="card" data-testid="retention-runs">
        <h2>Runs</h2>
        <p className="muted small">
          Next run: {data.nextRunAt ? fullTime(data.nextRunAt) : 'not scheduled'}.
        </p>
        {data.lastRun ? (
          <p>
            Last run {fullTime(data.lastRun.at)}:{' '}
            {Object.entries(data.lastRun.counts)
              .map(([what, n]) => `${what} ${n}`)
              .join(', ')}
            .
          </p>
        ) : (
          <p className="muted">No run yet.</p>
        )}
        {data.notices.length > 0 && (
          <p>
            {plural(data.notices.length, 'contact has', 'contacts have')} been told of an
            inactivity purge; the first is due {fullTime(data.notices[0]!.purgeAfter)}{' '}
            unless they write.
          </p>
        )}
      </section>
      <LegalHolds holds={data.holds} />
    </div>
  );
}
