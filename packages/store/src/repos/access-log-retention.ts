import { DAY_MS } from '@flowgento/core';
import type { Store } from '../store.ts';
import { verifyAccessLogChain } from './access-log.ts';

/** Where the chain starts after the last cut: the first entry kept, its link. */
export interface AccessLogAnchor {
  firstSeq: number;
  prevHash: string;
}

/** What a cut of the access log removed, or (dry) would remove. */
export interface AccessLogCut {
  /** Entries removed in all. */
  removed: number;
  /** Of those, the asking workspace's own. */
  ofWorkspace: number;
  /** True when the chain did not verify, so nothing was cut. */
  refused: boolean;
}

export function latestAnchor(store: Store): AccessLogAnchor | undefined {
  return store
    .statement(
      `SELECT first_seq AS firstSeq, prev_hash AS prevHash FROM access_log_anchors
       ORDER BY first_seq DESC LIMIT 1`,
    )
    .get() as AccessLogAnchor | undefined;
}

/**
 * Removes the oldest access-log entries that their workspace's
 * `security_log` rule lets go. The log is one chain across workspaces, so
 * only a prefix goes: the cut stops at the first entry some workspace still
 * keeps (no rule, or younger than its rule), even if older entries of the
 * asking workspace lie beyond it. The cut records an anchor so the rest
 * still verifies; a chain that does not verify is not cut, since removing
 * its oldest entries could remove the evidence. Runs inside a transaction.
 */
export function cutAccessLog(
  store: Store,
  workspaceId: string,
  now: number,
  dryRun: boolean,
): AccessLogCut {
  const keepFrom = store
    .statement(
      `SELECT min(a.seq) FROM access_log a
       LEFT JOIN retention_rules r
         ON r.workspace_id = a.workspace_id AND r.category = 'security_log'
       WHERE r.days IS NULL OR a.at >= ? - r.days * ?`,
    )
    .pluck()
    .get(now, DAY_MS) as number | null;
  const head = store
    .statement(`SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`)
    .get() as { seq: number; hash: string } | undefined;
  if (!head) return { removed: 0, ofWorkspace: 0, refused: false };
  const firstKept = keepFrom ?? head.seq + 1;
  const counts = store
    .statement(
      `SELECT count(*) AS removed, count(*) FILTER (WHERE workspace_id = ?) AS ofWorkspace
       FROM access_log WHERE seq < ?`,
    )
    .get(workspaceId, firstKept) as { removed: number; ofWorkspace: number };
  if (counts.removed === 0 || dryRun) return { ...counts, refused: false };
  if (!verifyAccessLogChain(store).ok) {
    return { removed: 0, ofWorkspace: 0, refused: true };
  }

  const prevHash =
    keepFrom === null
      ? head.hash
      : (store
          .statement(`SELECT prev_hash FROM access_log WHERE seq = ?`)
          .pluck()
          .get(keepFrom) as string);
  store
    .statement(
      `INSERT INTO access_log_anchors (first_seq, prev_hash, pruned_at, pruned_count)
       VALUES (?, ?, ?, ?)`,
    )
    .run(firstKept, prevHash, now, counts.removed);
  // The append-only guard is lifted for exactly this delete.
  store.db.exec('DROP TRIGGER access_log_refuses_delete');
  const { changes } = store
    .statement(`DELETE FROM access_log WHERE seq < ?`)
    .run(firstKept);
  store.db.exec(`
    CREATE TRIGGER access_log_refuses_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
  `);
  if (changes !== counts.removed) {
    throw new Error(`Access log cut removed ${changes} of ${counts.removed} entries`);
  }
  return { ...counts, refused: false };
}
