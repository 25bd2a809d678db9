import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { assignableRoles } from '../permissions.ts';
import { RevokeInvite } from './RevokeInvite.tsx';

/**
 * Invites nobody has used yet; their codes are not recoverable. A member can
 * revoke the invites they could have made (an ADMIN not an OWNER's).
 */
export function PendingInvites({ me }: { me: Me }) {
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
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((invite) => (
                <tr key={invite.id} data-testid="pending-invite">
                  <td>{invite.role}</td>
                  <td>{invite.email ?? 'Anyone with the link'}</td>
                  <td>{fullTime(invite.createdAt)}</td>
                  <td>{fullTime(invite.expiresAt)}</td>
                  <td>
                    {assignableRoles(me).includes(invite.role) && (
                      <RevokeInvite inviteId={invite.id} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
