import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';
import { can } from '../permissions.ts';
import { MemberActions } from './MemberActions.tsx';

export function MemberTable({ me }: { me: Me }) {
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions());
  const manage = can(me, 'members.manage');

  return (
    <section className="card">
      <h2>Team</h2>
      <ErrorNote error={members.error} />
      <div className="table-wrap">
        <table data-testid="members-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {manage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {(members.data ?? []).map((m) => (
              <tr key={m.userId} data-testid="member-row">
                <td>
                  {m.displayName}
                  {m.userId === me.userId && <span className="muted"> (you)</span>}
                </td>
                <td>{m.email}</td>
                <td>
                  <span className={`role role-${m.role.toLowerCase()}`}>{m.role}</span>
                </td>
                <td>{fullTime(m.joinedAt)}</td>
                {manage && (
                  <td>
                    <MemberActions me={me} member={m} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manage && (
        <p className="muted small">
          A new role takes effect at the member's next sign-in: changing it signs them
          out. Removing a member hands their conversations back to the unassigned list.
        </p>
      )}
    </section>
  );
}
