import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { errorText, useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { plural } from '../plural.ts';
import { textOf } from './form-text.ts';

/**
 * Who read, searched or exported which contact. Contacts show as the
 * start of their pseudonym; typing a number finds that person's entries.
 */
export function AccessLogPanel() {
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions());
  const [filter, setFilter] = useState<{ memberId?: string; number?: string }>({});
  const log = useQuery(trpc.accessLog.list.queryOptions(filter));
  const verify = useMutation(trpc.accessLog.verify.mutationOptions());
  const names = new Map(members.data?.map((m) => [m.userId, m.displayName]));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const memberId = textOf(data.get('memberId'));
    const number = textOf(data.get('number')).trim();
    setFilter({ ...(memberId && { memberId }), ...(number && { number }) });
  }

  return (
    <section className="card stack" data-testid="access-log">
      <form className="row wrap align-end" onSubmit={submit}>
        <label>
          Member{' '}
          <select name="memberId" defaultValue="">
            <option value="">Everyone</option>
            {members.data?.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        <label>
          Contact&apos;s number <input name="number" placeholder="+91 98765 43210" />
        </label>
        <button type="submit">Filter</button>
        <button type="button" onClick={() => verify.mutate()}>
          Check the chain
        </button>
      </form>
      {verify.data && (
        <p role="status" data-testid="access-log-chain">
          {verify.data.ok
            ? `Intact: ${plural(verify.data.checked, 'entry', 'entries')} checked.`
            : `Broken at entry ${verify.data.brokenAt}: an entry was ${verify.data.problem}.`}
        </p>
      )}
      <ErrorNote error={verify.error} />
      {log.isError && <p className="error">{errorText(log.error)}</p>}
      <p className="muted">
        A member reading the same contact again within 60 seconds is one entry.
      </p>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Did</th>
            <th>Where</th>
            <th>Contact (pseudonym)</th>
          </tr>
        </thead>
        <tbody>
          {log.data?.entries.map((e) => (
            <tr key={e.seq}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{(e.actorId && names.get(e.actorId)) ?? e.actorLabel}</td>
              <td>{e.action}</td>
              <td>{e.via}</td>
              <td>
                <code>{e.contact}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
