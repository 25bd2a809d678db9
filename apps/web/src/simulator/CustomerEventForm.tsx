import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC, type Inputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import type { CustomerIdentity } from './CustomerMediaForm.tsx';

type Kind = Inputs['simulator']['customerEvent']['kind'];

const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'location', label: 'A location' },
  { kind: 'contacts', label: 'A shared contact' },
  { kind: 'button_reply', label: 'A reply button tap' },
  { kind: 'list_reply', label: 'A list choice' },
  { kind: 'order', label: 'An order from the catalogue' },
  { kind: 'unsupported', label: 'A kind WhatsApp does not pass on' },
];

/** Sends a sample message of another kind as the customer, through the signed webhook. */
export function CustomerEventForm({ customer }: { customer: CustomerIdentity | null }) {
  const trpc = useTRPC();
  const selectId = useId();
  const [kind, setKind] = useState<Kind>('location');
  const send = useMutation(trpc.simulator.customerEvent.mutationOptions());

  return (
    <div className="stack" data-testid="sim-event">
      <div className="row wrap align-end">
        <div className="field">
          <label htmlFor={selectId}>Or send another kind</label>
          <select
            id={selectId}
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
            data-testid="sim-event-kind"
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          disabled={!customer || send.isPending}
          data-testid="sim-send-event"
          onClick={() => customer && send.mutate({ ...customer, kind })}
        >
          Send
        </button>
      </div>
      <ErrorNote error={send.error} testId="sim-event-error" />
    </div>
  );
}
