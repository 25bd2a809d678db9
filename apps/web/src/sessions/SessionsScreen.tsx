import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { can } from '../permissions.ts';
import { RequireTwoFactor } from '../security/RequireTwoFactor.tsx';
import { TwoFactorPanel } from '../security/TwoFactorPanel.tsx';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { SessionRow } from './SessionRow.tsx';
import { SignOutEverywhere } from './SignOutEverywhere.tsx';

/** How this member signs in, and where they are signed in; any of it can be ended here. */
export function SessionsScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.sessions.list.queryOptions());

  return (
    <div className="page" data-testid="sessions-screen">
      <h1>Security</h1>
      <TwoFactorPanel />
      {can(me, 'security.manage') && <RequireTwoFactor />}
      <h2>Sessions</h2>
      <p className="muted small">
        The browsers and devices signed in as you. A session ends after an hour unused and
        12 hours after sign-in at the latest.
      </p>
      <section className="card">
        <ErrorNote error={sessions.error} />
        <div className="table-wrap">
          <table data-testid="sessions-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(sessions.data ?? []).map((session) => (
                <SessionRow key={session.id} session={session} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <SignOutEverywhere />
    </div>
  );
}
