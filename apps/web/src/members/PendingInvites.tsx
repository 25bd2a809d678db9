import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';

/** Invites nobody has used yet; their codes are not recoverable. */
export function PendingInvites() {
  const trpc = useTRPC();
  const invites = useQuery(trpc.members.pendingInvites.queryOptions());
  const list = invites.data ?? [];

  return (
    <section className="card">
      <h2>Pending invites</h2>
      <ErrorNote error={invites.error} />
      {list.length === 0 ? (
        <p className="muted">No pending invites.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="pending-invites">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">For</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {list.map((invite) => (
                <tr key={invite.id}>
                  <td>{invite.role}</td>
                  <td>{invite.email ?? 'Anyone with the link'}</td>
                  <td>{fullTime(invite.createdAt)}</td>
                  <td>{fullTime(invite.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
