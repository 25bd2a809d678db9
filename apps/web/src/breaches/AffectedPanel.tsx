import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { textOf } from './form-text.ts';

type Affected = Outputs['breaches']['get']['affected'];
type Notices = Outputs['breaches']['exportNotices'];

const ACTIONS = ['read', 'search', 'download', 'export'] as const;
const DAY = 86_400_000;
const count = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;
const local = (ms: number) =>
  new Date(ms - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/**
 * Who may have been exposed: the admin picks the members, the time window
 * and the kinds of access; the access log answers with pseudonyms, which
 * resolve to today's contacts (an erased one is only counted).
 */
export function AffectedPanel({
  breachId,
  affected,
}: {
  breachId: string;
  affected: Affected;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const [notices, setNotices] = useState<Notices | null>(null);
  const find = useMutation(
    trpc.breaches.findAffected.mutationOptions({
      onSuccess: () =>
        void queryClient.invalidateQueries({ queryKey: trpc.breaches.pathKey() }),
    }),
  );
  const produce = useMutation(
    trpc.breaches.exportNotices.mutationOptions({ onSuccess: setNotices }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const at = (name: string) => new Date(textOf(data.get(name))).getTime();
    find.mutate({
      breachId,
      from: at('from'),
      to: at('to'),
      memberIds: data.getAll('member').map(String),
      actions: data.getAll('action').map(String) as (typeof ACTIONS)[number][],
    });
  }

  const now = Date.now();
  return (
    <section className="card stack" data-testid="breach-affected">
      <h2>People affected</h2>
      <form className="stack" onSubmit={submit}>
        <div className="row wrap">
          <label>
            From{' '}
            <input
              type="datetime-local"
              name="from"
              defaultValue={local(now - 7 * DAY)}
              required
            />
          </label>
          <label>
            To{' '}
            <input
              type="datetime-local"
              name="to"
              defaultValue={local(now + 60_000)}
              required
            />
          </label>
        </div>
        <fieldset className="row wrap">
          <legend>Accesses by (none ticked: everyone)</legend>
          {members.data?.map((m) => (
            <label key={m.userId}>
              <input type="checkbox" name="member" value={m.userId} /> {m.displayName}
            </label>
          ))}
        </fieldset>
        <fieldset className="row wrap">
          <legend>Kinds of access</legend>
          {ACTIONS.map((a) => (
            <label key={a}>
              <input type="checkbox" name="action" value={a} defaultChecked /> {a}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={find.isPending}>
          Find the affected contacts
        </button>
      </form>
      {find.data && (
        <ul data-testid="affected-contacts">
          {find.data.resolved.map((c) => (
            <li key={c.contactId}>
              {c.name ?? 'No name'} (+{c.waId}), {count(c.accesses, 'access', 'accesses')}
            </li>
          ))}
        </ul>
      )}
      {affected && <p data-testid="affected-summary">{summaryOf(affected)}</p>}
      <button
        disabled={!affected || produce.isPending}
        onClick={() => produce.mutate({ breachId })}
      >
        Produce the notices
      </button>
      <ErrorNote error={find.error ?? produce.error} />
      {notices && (
        <ol className="stack" data-testid="breach-notices">
          {notices.notices.map((n) => (
            <li key={n.contactId}>
              <strong>To +{n.waId}</strong>
              <pre className="printable">{n.text}</pre>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** "2 contacts to notify; 1 person erased since …", plural forms right. */
function summaryOf(affected: NonNullable<Affected>): string {
  const parts = [`${count(affected.resolved, 'contact')} to notify`];
  if (affected.erased > 0) {
    parts.push(
      `${count(affected.erased, 'person', 'people')} erased since you became ` +
        'aware of the breach (counted, never named, cannot be reached)',
    );
  }
  if (affected.erasedBefore > 0) {
    parts.push(
      `${count(affected.erasedBefore, 'person', 'people')} erased before you ` +
        'became aware of it (counted, never named)',
    );
  }
  const records = affected.records;
  const held = records
    ? ` Records held for them when found: ${count(records.messages, 'message')}, ` +
      `${count(records.files, 'file')} and ${count(records.notes, 'note')}.`
    : '';
  return `${parts.join('; ')}.${held}`;
}
