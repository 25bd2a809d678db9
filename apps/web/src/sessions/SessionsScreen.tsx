import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { SessionRow } from './SessionRow.tsx';
import { SignOutEverywhere } from './SignOutEverywhere.tsx';

/** Where this member is signed in; any of it can be ended from here. */
export function SessionsScreen() {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.sessions.list.queryOptions());

  return (
    <div className="page" data-testid="sessions-screen">
      <h1>Sessions</h1>
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
