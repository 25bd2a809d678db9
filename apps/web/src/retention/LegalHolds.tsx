import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { fullTime } from '../format.ts';

type Hold = Outputs['retention']['overview']['holds'][number];

/**
 * The workspace's legal holds: each keeps a contact or a conversation from
 * retention (and erasure) until released. Holds are placed from the
 * conversation; here they are listed, with whom they keep, and released
 * with a reason that goes into the audit log.
 */
export function LegalHolds({ holds }: { holds: Hold[] }) {
  return (
    <section className="card" data-testid="legal-holds">
      <h2>Legal holds</h2>
      {holds.length === 0 && <p className="muted">No legal hold.</p>}
      <ul>
        {holds.map((hold) => (
          <HoldItem key={hold.id} hold={hold} />
        ))}
      </ul>
    </section>
  );
}

/** "Asha Rao (+•••••••1111)", or what is left once the contact is erased. */
function heldWhom(hold: Hold): string {
  if (!hold.contact) return 'a contact no longer on record';
  const { name, maskedNumber } = hold.contact;
  const number = maskedNumber ?? 'number erased';
  return name ? `${name} (${number})` : number;
}

function HoldItem({ hold }: { hold: Hold }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const release = useMutation(
    trpc.retention.releaseHold.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.retention.overview.queryKey() }),
    }),
  );
  return (
    <li data-testid="legal-hold">
      {hold.contactId ? 'Contact' : 'Conversation with'} {heldWhom(hold)} held since{' '}
      {fullTime(hold.placedAt)}: {hold.reason}
      {hold.releasedAt ? (
        <span className="muted"> (released {fullTime(hold.releasedAt)})</span>
      ) : (
        <form
          className="row wrap align-end"
          onSubmit={(event) => {
            event.preventDefault();
            release.mutate({ holdId: hold.id, reason });
          }}
        >
          <label>
            Reason for release{' '}
            <input
              value={reason}
              required
              minLength={3}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <span className="small muted">
            No names, e-mail addresses or phone numbers: they are masked.
          </span>
          <button type="submit" disabled={release.isPending}>
            Release
          </button>
          <ErrorNote error={release.error} />
        </form>
      )}
    </li>
  );
}
