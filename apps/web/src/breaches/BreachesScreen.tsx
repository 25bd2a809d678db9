import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorText, useTRPC, type Me } from '../api.ts';
import { can } from '../permissions.ts';
import { AccessLogPanel } from './AccessLogPanel.tsx';
import { BreachDetail } from './BreachDetail.tsx';
import { NewBreachForm } from './NewBreachForm.tsx';

/** The clocks are re-read each minute; between reads they count on in the browser. */
const REFRESH_MS = 60_000;

/** The breach register and the access log of personal data, as two tabs. */
export function BreachesScreen({ me }: { me: Me }) {
  const manage = can(me, 'breaches.manage');
  const [tab, setTab] = useState<'breaches' | 'access'>(manage ? 'breaches' : 'access');
  return (
    <div className="stack">
      <h1>Breaches and access log</h1>
      <div role="tablist" className="row">
        {manage && (
          <button
            role="tab"
            aria-selected={tab === 'breaches'}
            onClick={() => setTab('breaches')}
          >
            Breaches
          </button>
        )}
        {can(me, 'accessLog.read') && (
          <button
            role="tab"
            aria-selected={tab === 'access'}
            onClick={() => setTab('access')}
          >
            Access log
          </button>
        )}
      </div>
      {tab === 'breaches' && manage ? <Register /> : <AccessLogPanel />}
    </div>
  );
}

function Register() {
  const trpc = useTRPC();
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useQuery(
    trpc.breaches.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }),
  );
  return (
    <>
      {list.isError && <p className="error">{errorText(list.error)}</p>}
      {list.data && list.data.length > 0 && (
        <section className="card">
          <h2>Incidents</h2>
          <ul className="stack" data-testid="breach-list">
            {list.data.map(({ breach, clocks }) => (
              <li key={breach.id}>
                <button className="link-button" onClick={() => setOpenId(breach.id)}>
                  {breach.title}
                </button>{' '}
                <span className="muted small">
                  aware since {new Date(breach.awareAt).toLocaleString()};{' '}
                  {clocks.filter((c) => c.state === 'due_now').length} due now,{' '}
                  {clocks.filter((c) => c.state === 'overdue').length} overdue,{' '}
                  {clocks.filter((c) => c.state === 'due_soon').length} due soon
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {openId ? (
        <BreachDetail breachId={openId} onClose={() => setOpenId(null)} />
      ) : (
        <NewBreachForm onRecorded={setOpenId} />
      )}
    </>
  );
}
