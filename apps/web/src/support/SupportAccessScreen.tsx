import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { GrantForm } from './GrantForm.tsx';
import { untilText } from './until.ts';

/** The OWNER's page: grant support access, see who has it, end it. */
export function SupportAccessScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.support.list.queryOptions());
  const revoke = useMutation(
    trpc.support.revoke.mutationOptions({
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.support.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      },
    }),
  );

  return (
    <div className="page" data-testid="support-access-screen">
      <h1>Support access</h1>
      <p className="muted small">
        Let a support person look into this workspace, read-only, for up to 24 hours.
        Everyone in the workspace sees a banner while it lasts, and every page they open
        is recorded in the audit log.
      </p>
      <GrantForm />
      <h2>Active</h2>
      <section className="card">
        <ErrorNote error={grants.error ?? revoke.error} />
        {grants.data?.length === 0 && <p className="muted">Nobody has support access.</p>}
        <ul className="stack" data-testid="support-grants">
          {(grants.data ?? []).map((grant) => (
            <li key={grant.id} data-testid="support-grant">
              <strong>{grant.name}</strong>
              {grant.email && <span className="muted"> {grant.email}</span>} until{' '}
              {untilText(grant.expiresAt)}
              {grant.reason && <span className="muted"> ({grant.reason})</span>}
              {!grant.redeemed && (
                <span className="muted"> (link not opened yet)</span>
              )}{' '}
              <button
                type="button"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate({ grantId: grant.id })}
                data-testid="revoke-support"
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
