import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import type { NumberChoice } from './use-simulated-numbers.ts';
import { CustomerMediaForm } from './CustomerMediaForm.tsx';
import { CustomerEventForm } from './CustomerEventForm.tsx';
import { CustomerPreferenceButtons } from './CustomerPreferenceButtons.tsx';

type Conversation = Outputs['inbox']['conversations'][number];

/** Sends a message as a customer; it arrives through the signed webhook like Meta's. */
export function CustomerMessageForm(props: {
  choices: NumberChoice[];
  openConversation: Conversation | null;
}) {
  const trpc = useTRPC();
  const selectId = useId();
  const [numberId, setNumberId] = useState(props.choices[0]?.id ?? '');
  const [from, setFrom] = useState('15551234567');
  const [profileName, setProfileName] = useState('Test Customer');
  const [text, setText] = useState('');
  const send = useMutation(
    trpc.simulator.customerMessage.mutationOptions({ onSuccess: () => setText('') }),
  );
  const chosen = props.choices.some((c) => c.id === numberId)
    ? numberId
    : props.choices[0]?.id;
  const open = props.openConversation;

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen) send.mutate({ numberId: chosen, from, profileName, text });
      }}
    >
      <div className="field">
        <label htmlFor={selectId}>To simulated number</label>
        <select
          id={selectId}
          value={chosen}
          onChange={(e) => setNumberId(e.target.value)}
        >
          {props.choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="pair">
        <Field
          label="Customer number"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          inputMode="numeric"
          pattern="[0-9]{6,15}"
          required
          title="Digits only, with the country code"
          placeholder="919876543210"
          data-testid="sim-from"
        />
        <Field
          label="Customer name"
          value={profileName}
          onChange={(e) => setProfileName(e.target.value)}
          required
          maxLength={80}
          data-testid="sim-name"
        />
      </div>
      <Field
        label="Customer message"
        value={text}
        onChange={(e) => setText(e.target.value)}
        required
        maxLength={4096}
        data-testid="sim-text"
      />
      <ErrorNote error={send.error} testId="sim-error" />
      {send.isSuccess && !send.isPending && (
        <p className="small muted" role="status">
          Sent as the customer. It arrives through the signed webhook.
        </p>
      )}
      <div className="row wrap">
        <button type="submit" disabled={send.isPending || !chosen} data-testid="sim-send">
          {send.isPending ? 'Sending…' : 'Send as customer'}
        </button>
        {open && (
          <button
            type="button"
            className="link-button"
            title="Fill in the open conversation's customer and number"
            onClick={() => {
              setFrom(open.contact.waId);
              setProfileName(open.contact.profileName ?? 'Test Customer');
              setNumberId(open.numberId);
            }}
          >
            Use this customer
          </button>
        )}
      </div>
      <CustomerMediaForm
        customer={chosen ? { numberId: chosen, from, profileName } : null}
      />
      <CustomerEventForm
        customer={chosen ? { numberId: chosen, from, profileName } : null}
      />
      <CustomerPreferenceButtons
        customer={chosen ? { numberId: chosen, from, profileName } : null}
      />
    </form>
  );
}
