import { useState } from 'react';
import type { Me, Outputs } from '../api.ts';
import { can } from '../permissions.ts';
import { ConnectSimulatedNumber } from './ConnectSimulatedNumber.tsx';
import { CustomerMessageForm } from './CustomerMessageForm.tsx';
import { useSimulatedNumbers } from './use-simulated-numbers.ts';

type Conversation = Outputs['inbox']['conversations'][number];

/**
 * Developer panel: plays a customer writing on WhatsApp. Shown only while
 * the built-in simulator runs, and labelled so nobody mistakes it for Meta.
 */
export function SimulatorPanel(props: {
  me: Me;
  conversations: Conversation[];
  openConversation: Conversation | null;
}) {
  const { choices, loading } = useSimulatedNumbers();
  // Open at first in an empty inbox, when it is needed; then as the member leaves it.
  const [isOpen, setOpen] = useState(() => props.conversations.length === 0);

  return (
    <details className="sim-panel" open={isOpen} data-testid="simulator-panel">
      <summary
        onClick={(event) => {
          // Controlled here, not by `toggle`: that event also fires when the
          // default opens it, which would pin it open for good.
          event.preventDefault();
          setOpen(!isOpen);
        }}
      >
        <span className="sim-tag">SIMULATED</span> — Cloud API simulator, not Meta
      </summary>
      {loading ? (
        <p className="muted small">Loading numbers…</p>
      ) : choices.length > 0 ? (
        <CustomerMessageForm
          choices={choices}
          openConversation={props.openConversation}
        />
      ) : can(props.me, 'whatsapp.manage') ? (
        <ConnectSimulatedNumber />
      ) : (
        <p className="small">Ask an owner or admin to connect a simulated number.</p>
      )}
    </details>
  );
}
