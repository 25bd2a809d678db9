import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

type Routing = Outputs['storage']['routing'];
type Tier = Routing['tiers'][number];
type Provider = Routing['providers'][number];

const NONE = '';

/** One tier: its providers in order, where they come from, and the OWNER's override. */
export function TierCard({
  routing,
  providers,
  canManage,
  saves,
  onSaved,
}: {
  routing: Tier;
  providers: Provider[];
  canManage: boolean;
  /** How many tier changes this page has saved; a new one clears a refusal. */
  saves: number;
  onSaved: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [first, setFirst] = useState(routing.providers[0]?.id ?? NONE);
  const [then, setThen] = useState(routing.providers[1]?.id ?? NONE);
  const settled = {
    onSuccess: () => {
      setEditing(false);
      onSaved();
    },
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: trpc.storage.routing.queryKey() }),
  };
  const set = useMutation(trpc.storage.setOverride.mutationOptions(settled));
  const clear = useMutation(trpc.storage.clearOverride.mutationOptions(settled));
  const { reset: resetSet } = set;
  const { reset: resetClear } = clear;
  const forgetRefusal = () => {
    resetSet();
    resetClear();
  };
  // Any tier saved (this one or another): an earlier refusal is out of date.
  useEffect(() => {
    resetSet();
    resetClear();
  }, [saves, resetSet, resetClear]);
  const testId = `tier-${routing.tier}`;

  return (
    <section className="card" data-testid={testId}>
      <div className="row space-between">
        <h2>
          {routing.tier}{' '}
          <span
            className={`role ${routing.source === 'override' ? 'role-owner' : ''}`}
            data-testid={`${testId}-source`}
          >
            {routing.source === 'override' ? 'workspace override' : 'appliance default'}
          </span>
        </h2>
        {canManage && !editing && (
          <div className="row">
            <button
              type="button"
              onClick={() => {
                forgetRefusal();
                setFirst(routing.providers[0]?.id ?? NONE);
                setThen(routing.providers[1]?.id ?? NONE);
                setEditing(true);
              }}
            >
              Override {routing.tier}
            </button>
            {routing.source === 'override' && (
              <button
                type="button"
                disabled={clear.isPending}
                onClick={() => clear.mutate({ tier: routing.tier })}
              >
                Use the default for {routing.tier}
              </button>
            )}
          </div>
        )}
      </div>
      <ol data-testid={`${testId}-providers`}>
        {routing.providers.map((p) => (
          <li key={p.id}>
            <strong>{p.name}</strong>{' '}
            <span className="muted small">
              {p.kind === 'local' ? 'local disk' : `S3 at ${p.endpointHost ?? ''}`}
            </span>
          </li>
        ))}
      </ol>
      {editing && (
        <form
          className="row wrap align-end"
          onSubmit={(event) => {
            event.preventDefault();
            const ids = [first, then].filter((id) => id !== NONE);
            set.mutate({ tier: routing.tier, providerIds: [...new Set(ids)] });
          }}
        >
          <label className="field">
            <span>First choice</span>
            <select value={first} onChange={(e) => setFirst(e.target.value)}>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>If it fails</span>
            <select value={then} onChange={(e) => setThen(e.target.value)}>
              <option value={NONE}>nothing else</option>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={set.isPending}>
            Save {routing.tier}
          </button>
          <button
            type="button"
            onClick={() => {
              forgetRefusal();
              setEditing(false);
            }}
          >
            Cancel
          </button>
        </form>
      )}
      <ErrorNote error={set.error ?? clear.error} />
    </section>
  );
}
