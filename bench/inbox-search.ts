/**
 * Search latency, read in-process through the desk's own service (what the
 * API's `desk.search` runs: the query parsed into quoted terms, one page of
 * FTS5 matches scoped to the workspace, a snippet of each).
 */
import { AuditLog } from '@flowgento/audit';
import { DeskService, LiveEvents } from '@flowgento/messaging';
import { workspaceScope, type Store } from '@flowgento/store';
import type { BenchWorkspace } from './inbox-data.ts';

/**
 * What agents look for in the bench's messages: a word in every message, a
 * conversation's own number (about ten matches), a prefix, a word no message
 * holds, and the second page of the common word.
 */
export const SEARCHES = [
  { label: 'search, a word in every message', query: () => 'order' },
  {
    label: 'search, one order number',
    query: (round: number) => String(1000 + (round % 8000)),
  },
  { label: 'search, a prefix', query: () => 'ship*' },
  { label: 'search, a word nowhere', query: () => 'refund' },
] as const;
export const NEXT_PAGE_LABEL = 'search, next page of the common word';

/** Runs every search once per workspace per round; `record` takes each time. */
export function measureSearches(
  store: Store,
  workspaces: readonly BenchWorkspace[],
  rounds: number,
  record: (label: string, ms: number) => void,
): void {
  const desk = new DeskService(store, new AuditLog(store), new LiveEvents());
  for (let round = 0; round < rounds; round += 1) {
    for (const workspace of workspaces) {
      const scope = workspaceScope(workspace.id);
      for (const search of SEARCHES) {
        const started = performance.now();
        const page = desk.search(scope, search.query(round));
        record(search.label, performance.now() - started);
        if (search.query(round) === 'order') {
          if (!page.next) throw new Error('the common word found a single page');
          const next = performance.now();
          desk.search(scope, 'order', page.next);
          record(NEXT_PAGE_LABEL, performance.now() - next);
        }
      }
    }
  }
}
