import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';

type Hold = Outputs['retention']['overview']['holds'][number];

/**
 * The workspace's legal holds: each keeps a contact or a conversation from
 * retention (and erasure) until released. Holds are placed from the
 * conversation; here they are listed and released.
 */
export function LegalHolds({ holds }: { holds: Hold[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const release = useMutation(
    trpc.retention.releaseHold.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.retention.overview.queryKey() }),
    }),
  );
  return (
    <section className="card" data-testid="legal-holds">
      <h2>Legal holds</h2>
      {holds.length === 0 && <p className="muted">No legal hold.</p>}
      <ul>
        {holds.map((hold) => (
          <li key={hold.id}>
            {hold.contactId ? 'Contact' : 'Conversation'} held since{' '}
            {fullTime(hold.placedAt)}: {hold.reason}
            {hold.releasedAt ? (
              <span className="muted"> (released {fullTime(hold.releasedAt)})</span>
            ) : (
              <button
                type="button"
                disabled={release.isPending}
                onClick={() => release.mutate({ holdId: hold.id })}
              >
                Release
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNote error={release.error} />
    </section>
  );
}
