import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Inputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { Field } from '../forms/Field.tsx';
import { field, readForm } from '../forms/form-data.ts';
import { instantOfPastDay } from './day-times.ts';

type LogInput = Inputs['requests']['log'];
const KINDS: LogInput['kind'][] = [
  'access',
  'correction',
  'erasure',
  'grievance',
  'nomination',
];
/** Nomination is a right under the DPDP Act only; the server refuses it under GDPR. */
const kindsUnder = (law: LogInput['law']) =>
  law === 'DPDP' ? KINDS : KINDS.filter((kind) => kind !== 'nomination');

/** Logs a request as it arrived; its clock starts on the day received. */
export function LogRequestForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [law, setLaw] = useState<LogInput['law']>('GDPR');
  const log = useMutation(
    trpc.requests.log.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.requests.pathKey() }),
    }),
  );

  return (
    <section className="card">
      <h2>Log a request</h2>
      <form
        className="stack"
        onSubmit={(event) => {
          const v = readForm(event);
          const received = field(v, 'receivedOn');
          log.mutate({
            kind: field(v, 'kind') as LogInput['kind'],
            law: field(v, 'law') as LogInput['law'],
            requester: field(v, 'requester'),
            receivedAt: received ? instantOfPastDay(received) : undefined,
          });
          event.currentTarget.reset();
          setLaw('GDPR');
        }}
      >
        <Field
          label="Who asked (as they named themselves)"
          name="requester"
          required
          maxLength={200}
        />
        <div className="field">
          <label htmlFor="request-kind">Kind</label>
          <select id="request-kind" name="kind" defaultValue="access">
            {kindsUnder(law).map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="request-law">Law</label>
          <select
            id="request-law"
            name="law"
            value={law}
            onChange={(event) => setLaw(event.target.value as LogInput['law'])}
          >
            <option value="GDPR">GDPR</option>
            <option value="DPDP">DPDP (India)</option>
          </select>
        </div>
        <Field label="Received on (default: today)" name="receivedOn" type="date" />
        <ErrorNote error={log.error} testId="log-request-error" />
        <button
          type="submit"
          className="primary"
          disabled={log.isPending}
          data-testid="log-request"
        >
          Log request
        </button>
      </form>
    </section>
  );
}
