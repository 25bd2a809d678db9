import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { NumberCard } from './NumberCard.tsx';
import { NumberForm } from './NumberForm.tsx';
import { ConsentKeywordsCard } from './ConsentKeywordsCard.tsx';
import { WebhookCard } from './WebhookCard.tsx';
import { ConnectSimulatedNumber } from '../simulator/ConnectSimulatedNumber.tsx';

/** The workspace's WhatsApp numbers and what to paste into Meta's dashboard. */
export function WhatsAppScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const numbers = useQuery(trpc.whatsapp.numbers.queryOptions());
  const info = useQuery(trpc.system.info.queryOptions());
  const manage = can(me, 'whatsapp.manage');
  // null: no form; 'new': adding; otherwise the id of the number being edited.
  const [editing, setEditing] = useState<string | null>(null);
  const list = numbers.data ?? [];
  const current = list.find((n) => n.id === editing);

  return (
    <div className="page" data-testid="whatsapp-screen">
      <h1>WhatsApp</h1>
      <WebhookCard />
      <ErrorNote error={numbers.error} />
      {list.length === 0 && !numbers.isPending && (
        <p className="muted">No numbers connected yet.</p>
      )}
      {manage && info.data?.simulator && !list.some((n) => n.simulated) && (
        <section className="card sim-card">
          <p className="small">
            <span className="sim-tag">SIMULATED</span> Try the appliance without a Meta
            account: a number that lives in the built-in Cloud API simulator.
          </p>
          <ConnectSimulatedNumber />
        </section>
      )}
      {list.map((number) => (
        <NumberCard
          key={number.id}
          number={number}
          onEdit={manage && !number.simulated ? () => setEditing(number.id) : null}
        />
      ))}
      {manage &&
        (editing ? (
          <NumberForm
            key={editing}
            number={current ?? null}
            onDone={() => setEditing(null)}
          />
        ) : (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add a WhatsApp number
          </button>
        ))}
      <ConsentKeywordsCard manage={manage} />
    </div>
  );
}
