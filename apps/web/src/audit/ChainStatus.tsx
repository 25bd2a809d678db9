import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';

/**
 * Whether the hash chain held at its last check, by anyone (the CLI too),
 * and for those who may, a check now. The check covers the appliance's whole
 * log, not only this workspace's entries.
 */
export function ChainStatus({ canVerify }: { canVerify: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.audit.status.queryOptions());
  const retention = useQuery(trpc.audit.retention.queryOptions());
  const verify = useMutation(
    trpc.audit.verify.mutationOptions({
      // The check is itself an audit entry: the status, pages and count change.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    }),
  );
  const last = status.data;

  return (
    <section className="card chain-status" data-testid="chain-status">
      <div className="row space-between wrap">
        <h2>Hash chain</h2>
        {canVerify && (
          <button
            type="button"
            onClick={() => verify.mutate()}
            disabled={verify.isPending}
            data-testid="verify-chain"
          >
            {verify.isPending ? 'Checking…' : 'Verify now'}
          </button>
        )}
      </div>
      {last === null && (
        <p className="muted">Not checked yet. A check recomputes every entry's hash.</p>
      )}
      {last && (
        <p data-testid="chain-last-check">
          <span
            className={last.intact ? 'chain-badge intact' : 'chain-badge broken'}
            data-testid="chain-verdict"
          >
            {last.intact ? 'Intact' : 'Broken'}
          </span>{' '}
          <span className="muted">Checked {fullTime(last.at)}:</span> {last.summary}
        </p>
      )}
      {retention.data && (
        <p className="muted small" data-testid="audit-retention">
          Entries are kept for {retention.data.months} months (never less than 12); older
          ones are removed with a record of where the chain now starts.
        </p>
      )}
      <ErrorNote error={status.error ?? verify.error} />
    </section>
  );
}
