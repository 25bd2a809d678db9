import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText, useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { AffectedPanel } from './AffectedPanel.tsx';
import { BreachClocks } from './BreachClocks.tsx';
import { BreachDrafts } from './BreachDrafts.tsx';

type Clock = Outputs['breaches']['get']['clocks'][number];

/** One incident: its clocks, the notifications to send and the people to tell. */
export function BreachDetail({
  breachId,
  onClose,
}: {
  breachId: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const view = useQuery(
    trpc.breaches.get.queryOptions({ breachId }, { refetchInterval: 60_000 }),
  );
  if (view.isError) return <p className="error">{errorText(view.error)}</p>;
  if (!view.data) return <p className="muted">Loading…</p>;
  const { breach, clocks, drafts, affected } = view.data;
  return (
    <section className="stack" data-testid="breach-detail">
      <div className="row">
        <h2>{breach.title}</h2>
        <button className="link-button" onClick={onClose}>
          Log another breach
        </button>
      </div>
      <p className="muted small">
        Aware since {new Date(breach.awareAt).toLocaleString()}. The people clock&apos;s{' '}
        {breach.peopleTargetHours} hours are the appliance&apos;s default target for
        &ldquo;without delay&rdquo;, not a figure from the law.
      </p>
      <BreachClocks clocks={clocks} fetchedAt={view.dataUpdatedAt} />
      <MarkDone breachId={breachId} clocks={clocks} />
      <BreachDrafts breachId={breachId} drafts={drafts} />
      <AffectedPanel breachId={breachId} affected={affected} />
    </section>
  );
}

/**
 * Records that a notification went out, with the authority's reference. A
 * duty already done is changed only as a correction, with its reason (the
 * audit entry keeps the value it replaces).
 */
function MarkDone({ breachId, clocks }: { breachId: string; clocks: Clock[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [duty, setDuty] = useState(clocks.find((c) => !c.done)?.duty ?? 'cert_in');
  const [reference, setReference] = useState('');
  const [correction, setCorrection] = useState('');
  const mark = useMutation(
    trpc.breaches.markDone.mutationOptions({
      onSuccess: () => {
        setReference('');
        setCorrection('');
        void queryClient.invalidateQueries({ queryKey: trpc.breaches.pathKey() });
      },
    }),
  );
  const chosen = clocks.find((c) => c.duty === duty);
  const correcting = Boolean(chosen?.done);
  return (
    <form
      className="row wrap align-end card"
      data-testid="mark-done"
      onSubmit={(event) => {
        event.preventDefault();
        mark.mutate({
          breachId,
          duty,
          at: Date.now(),
          reference,
          ...(correcting && { correction }),
        });
      }}
    >
      <label>
        Notification sent to{' '}
        <select value={duty} onChange={(e) => setDuty(e.target.value as Clock['duty'])}>
          {clocks.map((c) => (
            <option key={c.duty} value={c.duty}>
              {c.label}
              {c.done ? ' (done: correct it)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reference{duty === 'people' ? '' : ' (required for an authority)'}{' '}
        <input
          value={reference}
          maxLength={200}
          required={duty !== 'people'}
          onChange={(e) => setReference(e.target.value)}
        />
      </label>
      {correcting && (
        <label>
          Why correct it{' '}
          <input
            value={correction}
            required
            maxLength={500}
            onChange={(e) => setCorrection(e.target.value)}
          />
        </label>
      )}
      <button type="submit" disabled={mark.isPending}>
        {correcting ? 'Correct' : 'Mark done'}
      </button>
      <ErrorNote error={mark.error} />
    </form>
  );
}
