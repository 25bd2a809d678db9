import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { AuditRow } from './AuditRow.tsx';

const PAGE_SIZE = 50;

/** Newest first; each "load older" asks for the page before the last seq shown. */
export function AuditScreen() {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const pages = useQueries({
    queries: cursors.map((beforeSeq) =>
      trpc.audit.list.queryOptions({ limit: PAGE_SIZE, beforeSeq }),
    ),
  });
  const entries = pages.flatMap((page) => page.data ?? []);
  const last = pages[pages.length - 1];
  const oldest = entries[entries.length - 1];
  const more = last?.data?.length === PAGE_SIZE && oldest !== undefined;
  const error = pages.find((page) => page.error)?.error;

  return (
    <div className="page wide" data-testid="audit-screen">
      <h1>Audit log</h1>
      <p className="muted small">
        Every high-impact action on this workspace, append-only. Newest first.
      </p>
      <ErrorNote error={error} />
      <div className="table-wrap card">
        <table className="audit" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Target</th>
              <th scope="col">IP</th>
              <th scope="col">User agent</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <AuditRow key={entry.seq} entry={entry} />
            ))}
          </tbody>
        </table>
      </div>
      {last?.isPending && <p className="muted">Loading…</p>}
      {more && (
        <button type="button" onClick={() => setCursors([...cursors, oldest.seq])}>
          Load older entries
        </button>
      )}
    </div>
  );
}
