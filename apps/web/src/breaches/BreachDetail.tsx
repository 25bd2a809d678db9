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

/** Records that a notification went out, with the authority's reference. */
function MarkDone({ breachId, clocks }: { breachId: string; clocks: Clock[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const open = clocks.filter((c) => !c.done);
  const [duty, setDuty] = useState(open[0]?.duty ?? 'cert_in');
  const [reference, setReference] = useState('');
  const mark = useMutation(
    trpc.breaches.markDone.mutationOptions({
      onSuccess: () => {
        setReference('');
        void queryClient.invalidateQueries({ queryKey: trpc.breaches.pathKey() });
      },
    }),
  );
  if (open.length === 0) return null;
  return (
    <form
      className="row wrap align-end card"
      onSubmit={(event) => {
        event.preventDefault();
        mark.mutate({ breachId, duty, at: Date.now(), reference });
      }}
    >
      <label>
        Notification sent to{' '}
        <select value={duty} onChange={(e) => setDuty(e.target.value as Clock['duty'])}>
          {open.map((c) => (
            <option key={c.duty} value={c.duty}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reference{' '}
        <input
          value={reference}
          maxLength={200}
          onChange={(e) => setReference(e.target.value)}
        />
      </label>
      <button type="submit" disabled={mark.isPending}>
        Mark done
      </button>
      <ErrorNote error={mark.error} />
    </form>
  );
}
