import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { showSignedOut } from '../signed-out.ts';

/**
 * Leaving ends one's membership and sessions here, and hands back every
 * conversation one held. The last OWNER is told why they cannot; the server
 * refuses it anyway.
 */
export function LeaveWorkspace({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const members = useQuery(trpc.members.list.queryOptions());
  const leave = useMutation(
    trpc.members.leave.mutationOptions({ onSuccess: () => showSignedOut(queryClient) }),
  );
  const owners = (members.data ?? []).filter((m) => m.role === 'OWNER').length;
  const lastOwner = me.role === 'OWNER' && owners <= 1;

  return (
    <section className="card">
      <h2>Leave {me.workspaceName}</h2>
      {lastOwner ? (
        <p className="muted" data-testid="leave-blocked">
          You are the only owner. Make another member an owner before you leave.
        </p>
      ) : asking ? (
        <div className="confirm" role="alert">
          <span className="small">
            Leave this workspace? You will be signed out and need a new invite to return.
          </span>
          <button
            type="button"
            className="danger"
            disabled={leave.isPending}
            onClick={() => leave.mutate()}
            data-testid="confirm-leave"
          >
            {leave.isPending ? 'Leaving…' : 'Leave'}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Stay
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setAsking(true)} data-testid="leave">
          Leave workspace
        </button>
      )}
      <ErrorNote error={leave.error} />
    </section>
  );
}
