/**
 * Inbox list latency, read in-process through the store's own repository
 * (the query the API runs), against a bare SELECT by primary key on the same
 * connection as the baseline.
 */
import type { Logger } from '@flowgento/core';
import {
  SearchIndex,
  workspaceScope,
  type AssigneeFilter,
  type ConversationCursor,
  type Db,
} from '@flowgento/store';
import { openAppliance } from '../apps/server/src/appliance.ts';
import { openContactVault } from '../apps/server/src/contact-vault.ts';
import { quantile } from './report.ts';
import type { InboxData } from './inbox-data.ts';
import { measureSearches } from './inbox-search.ts';

/** What the inbox screen asks for: its default page. */
export const PAGE = 200;

export interface Latency {
  label: string;
  p50: number;
  p99: number;
  samples: number;
}

export interface QueryResults {
  baseline: Latency;
  lists: Latency[];
  searches: Latency[];
  /** The plan of each list query, as EXPLAIN QUERY PLAN reads it. */
  plans: Map<string, string[]>;
}

type FilterName = 'all' | 'unassigned' | 'mine';

/** Each filter of today's inbox, on the first page and on a keyset page deep in. */
export async function measureQueries(
  data: InboxData,
  rounds: number,
  logger: Logger,
): Promise<QueryResults> {
  const appliance = await openAppliance(data.config, logger, undefined, {
    mustExist: true,
  });
  const { store } = appliance;
  // Search reads the index file the build made, as the server attaches it.
  const vault = openContactVault(appliance, data.config.dataDir);
  store.contactKeys = vault;
  SearchIndex.attach(store, vault.searchIndexFile()).refresh(logger);
  try {
    const filters: FilterName[] = ['all', 'unassigned', 'mine'];
    const times = new Map<string, number[]>();
    const plans = new Map<string, string[]>();
    const record = (label: string, ms: number) => {
      const list = times.get(label) ?? [];
      list.push(ms);
      times.set(label, list);
    };
    const anyId = store.db
      .prepare('SELECT id FROM conversations ORDER BY random() LIMIT 1000')
      .pluck()
      .all() as string[];
    const byId = store.db.prepare(
      'SELECT * FROM conversations WHERE workspace_id = ? AND id = ?',
    );
    const workspaceOf = store.db.prepare(
      'SELECT workspace_id FROM conversations WHERE id = ?',
    );
    const owners = anyId.map((id) => workspaceOf.pluck().get(id) as string);

    // Cursors: the row half-way down each filter's whole list.
    const cursors = new Map<string, ConversationCursor>();
    for (const workspace of data.workspaces) {
      for (const name of filters) {
        const filter = filterOf(name, workspace.agentIds[0]!);
        const whole = store
          .in(workspaceScope(workspace.id))
          .conversations.list({ assignee: filter }, 1e9);
        const middle = whole[Math.floor(whole.length / 2)]!;
        cursors.set(`${workspace.id}/${name}`, {
          lastMessageAt: middle.lastMessageAt,
          id: middle.id,
        });
      }
    }
    plans.set('first page', planOf(store.db, false));
    plans.set('keyset page', planOf(store.db, true));

    for (let round = 0; round < rounds; round += 1) {
      for (const workspace of data.workspaces) {
        const repo = store.in(workspaceScope(workspace.id)).conversations;
        for (const name of filters) {
          const filter = filterOf(name, workspace.agentIds[0]!);
          let started = performance.now();
          repo.list({ assignee: filter }, PAGE);
          record(`first page, ${name}`, performance.now() - started);
          const cursor = cursors.get(`${workspace.id}/${name}`)!;
          started = performance.now();
          repo.list({ assignee: filter, after: cursor }, PAGE);
          record(`keyset page, ${name}`, performance.now() - started);
        }
        const pick = round % anyId.length;
        const started = performance.now();
        byId.get(owners[pick], anyId[pick]);
        record('baseline', performance.now() - started);
      }
    }
    measureSearches(store, data.workspaces, rounds, record);
    const latency = (label: string): Latency => {
      const sorted = Float64Array.from(times.get(label) ?? []).sort();
      return {
        label,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        samples: sorted.length,
      };
    };
    return {
      baseline: latency('baseline'),
      lists: [...times.keys()]
        .filter((k) => k !== 'baseline' && !k.startsWith('search'))
        .map(latency),
      searches: [...times.keys()].filter((k) => k.startsWith('search')).map(latency),
      plans,
    };
  } finally {
    store.close();
    vault.close();
  }
}

function filterOf(name: FilterName, agentId: string): AssigneeFilter {
  return name === 'mine' ? { kind: 'member', userId: agentId } : { kind: name };
}

/** The plan of the list's outer query, without its joins' detail. */
function planOf(db: Db, keyset: boolean): string[] {
  const page = keyset ? 'AND (v.last_message_at, v.id) < (?, ?)' : '';
  const rows = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT v.id FROM conversations v
       WHERE v.workspace_id = ? ${page}
       ORDER BY v.last_message_at DESC, v.id DESC LIMIT ?`,
    )
    .all(...(keyset ? ['w', 0, 'x'] : ['w']), PAGE) as { detail: string }[];
  return rows.map((row) => row.detail);
}
