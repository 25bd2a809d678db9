import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { LatencyChart } from './LatencyChart.tsx';

type Health = Outputs['storage']['health'];
type Provider = Health['providers'][number];

const STATE_TEXT: Record<Provider['state'], string> = {
  unknown: 'not used yet',
  up: 'up',
  degraded: 'degraded',
  down: 'down',
};

/**
 * How the providers of this workspace's tiers are doing, at a glance: each
 * one's state, its recent failures and latency, and objects that wait to
 * go back to a tier's first provider after a failover.
 */
export function ProviderHealthPanel() {
  const trpc = useTRPC();
  const health = useQuery({
    ...trpc.storage.health.queryOptions(),
    refetchInterval: 10_000,
  });

  return (
    <section className="card" data-testid="provider-health">
      <h2>Provider health</h2>
      <ErrorNote error={health.error} />
      <ul className="health-list">
        {(health.data?.providers ?? []).map((p) => (
          <ProviderRow key={p.id} provider={p} />
        ))}
      </ul>
      {(health.data?.awayFromFirst ?? []).map((away) => (
        <p className="note small" key={away.tier} data-testid={`away-${away.tier}`}>
          {away.objects} {away.objects === 1 ? 'object' : 'objects'} of {away.tier} wait
          to be copied back to {away.firstProvider}.
        </p>
      ))}
      {health.data?.copyBack && (
        <p className="muted small" data-testid="copy-back-last">
          Last copy-back: {fullTime(health.data.copyBack.startedAt)},{' '}
          {health.data.copyBack.copied} copied, {health.data.copyBack.removed} failover
          copies removed, {health.data.copyBack.waiting} waiting.
        </p>
      )}
    </section>
  );
}

function ProviderRow({ provider: p }: { provider: Provider }) {
  const recent = p.minutes.reduce(
    (sum, m) => ({
      operations: sum.operations + m.operations,
      failures: sum.failures + m.failures,
    }),
    { operations: 0, failures: 0 },
  );
  return (
    <li className="health-row" data-testid={`provider-health-${p.name}`}>
      <div className="health-facts">
        <div className="row">
          <strong>{p.name}</strong>
          <span
            className={`health health-${p.state}`}
            data-testid={`provider-state-${p.name}`}
          >
            {STATE_TEXT[p.state]}
          </span>
          <span className="muted small">
            {p.kind === 'local' ? 'local disk' : `S3 at ${p.endpointHost ?? ''}`}
          </span>
        </div>
        <div className="muted small">
          {recent.operations} operations, {recent.failures} failed in the last 30 minutes
          {p.latencyMs && ` · ${p.latencyMs.p50} ms typical, ${p.latencyMs.p95} ms slow`}
          {p.consecutiveFailures > 0 && ` · ${p.consecutiveFailures} failures in a row`}
        </div>
        {p.lastError && (
          <div className="small" data-testid={`provider-error-${p.name}`}>
            Last failure: <code>{p.lastError.reason}</code> ({p.lastError.operation}),{' '}
            {fullTime(p.lastError.at)}
          </div>
        )}
      </div>
      <LatencyChart
        minutes={p.minutes}
        label={`${p.name}: mean latency (line) and failures (bars) per minute, last 30 minutes`}
      />
    </li>
  );
}
