import { useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { AuditFilterBar } from './AuditFilterBar.tsx';
import { AuditRow } from './AuditRow.tsx';
import { ChainStatus } from './ChainStatus.tsx';
import {
  exportHref,
  filtersOf,
  NO_FILTERS,
  type AuditFilterForm,
  type AuditFilters,
} from './audit-filters.ts';

const PAGE_SIZE = 50;

/**
 * The workspace's audit log: filters, the matching entries newest first
 * ("Load older" asks for the page before the last entry shown), their count,
 * the chain's last check and, for audit.manage, exports of what is shown.
 */
export function AuditScreen({ me }: { me: Me }) {
  const trpc = useTRPC();
  const [form, setForm] = useState<AuditFilterForm>(NO_FILTERS);
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const actions = useQuery(trpc.audit.actions.queryOptions()).data ?? [];
  const filters = filtersOf(form, actions);
  const count = useQuery(trpc.audit.count.queryOptions(filters));
  const pages = useQueries({
    queries: cursors.map((beforeSeq) =>
      trpc.audit.list.queryOptions({ ...filters, limit: PAGE_SIZE, beforeSeq }),
    ),
  });
  const entries = pages.flatMap((page) => page.data ?? []);
  const last = pages[pages.length - 1];
  const oldest = entries[entries.length - 1];
  const more = last?.data?.length === PAGE_SIZE && oldest !== undefined;
  const error = count.error ?? pages.find((page) => page.error)?.error;
  const canManage = can(me, 'audit.manage');

  return (
    <div className="page wide" data-testid="audit-screen">
      <h1>Audit log</h1>
      <p className="muted small">
        Every high-impact action on this workspace, append-only. Newest first.
      </p>
      <ChainStatus canVerify={canManage} />
      <AuditFilterBar
        applied={form}
        actions={actions}
        onApply={(next) => {
          setForm(next);
          setCursors([undefined]);
        }}
      />
      <div className="row space-between wrap audit-summary">
        <p className="muted" data-testid="audit-count">
          {count.data && countText(count.data, filtered(filters))}
        </p>
        {canManage && <ExportLinks filters={filters} />}
      </div>
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

function filtered(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

function countText(
  { count, exact }: { count: number; exact: boolean },
  filtered: boolean,
): string {
  const number = exact ? count.toLocaleString() : `More than ${count.toLocaleString()}`;
  const entries = `${number} ${count === 1 && exact ? 'entry' : 'entries'}`;
  if (!filtered) return entries;
  return `${entries} ${count === 1 && exact ? 'matches' : 'match'} these filters`;
}

/** Downloads of every entry that matches the filters, not only the pages loaded. */
function ExportLinks({ filters }: { filters: AuditFilters }) {
  return (
    <p className="row audit-exports">
      <a href={exportHref('csv', filters)} download data-testid="audit-export-csv">
        Export CSV
      </a>
      <a href={exportHref('jsonl', filters)} download data-testid="audit-export-jsonl">
        Export JSON Lines
      </a>
    </p>
  );
}
