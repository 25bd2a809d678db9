import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { AuthorityForm } from './AuthorityForm.tsx';
import { LogRequestForm } from './LogRequestForm.tsx';
import { RequestRow } from './RequestRow.tsx';

/**
 * The request desk: what people asked about their data under GDPR or the
 * DPDP Act, each with its legal deadline coloured by how close it is.
 */
export function RequestsScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const desk = useQuery(
    trpc.requests.list.queryOptions(undefined, { refetchInterval: 60_000 }),
  );
  const manage = can(me, 'requests.manage');

  return (
    <div className="page" data-testid="requests-screen">
      <h1>Requests</h1>
      <p className="muted small">
        Access, correction, erasure, grievance and nomination requests. GDPR gives one
        month from receipt (two more only if the person is told within the first month);
        DPDP grievances 90 days. A refusal names the authority the person can complain to.
      </p>
      <ErrorNote error={desk.error} />
      {(desk.data?.reminders.length ?? 0) > 0 && (
        <section className="card" data-testid="request-reminders">
          <h2>Due soon</h2>
          <ul className="stack">
            {desk.data!.reminders.map((r) => (
              <li key={r.requestId}>{r.message}</li>
            ))}
          </ul>
        </section>
      )}
      {manage && <LogRequestForm />}
      <section className="card">
        <h2>All requests</h2>
        {desk.data?.requests.length === 0 && <p className="muted">No requests yet.</p>}
        <ul className="stack" data-testid="requests">
          {(desk.data?.requests ?? []).map((request) => (
            <RequestRow
              key={request.id}
              request={request}
              manage={manage}
              exportAllowed={can(me, 'requests.export')}
            />
          ))}
        </ul>
      </section>
      {manage && desk.data && <AuthorityForm authorities={desk.data.authorities} />}
    </div>
  );
}
