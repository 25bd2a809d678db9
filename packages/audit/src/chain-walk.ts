import {
  AUDIT_RAW_COLUMNS,
  auditHashOf,
  auditHashOfJson,
  type AuditCheckpoint,
  type Db,
} from '@flowgento/store';

/** The first thing wrong inside a walked range. */
export interface WalkProblem {
  kind: 'content' | 'link' | 'missing' | 'start' | 'checkpoint';
  seq: number;
  /** For `missing` and `start`: the next entry that does exist. */
  nextSeq?: number;
  /** For `checkpoint`: when that checkpoint was taken. */
  checkpointAt?: number;
  /** For `checkpoint`: the newest entry an earlier checkpoint still matched. */
  matchedSeq?: number;
}

export interface WalkResult {
  /** Entries found intact before the problem (or in the whole range). */
  length: number;
  /** The first row's stored `prev_hash`, for the link to the range before. */
  firstPrevHash: string | null;
  lastSeq: number;
  lastHash: string | null;
  checkpointsMatched: number;
  problem: WalkProblem | null;
}

/**
 * Each row as one string, built by SQLite: `seq:prev_hash:hash` and then the
 * fields the hash covers as a JSON array (the request id last, `null` until
 * v9). One string per row costs a fraction of sixteen JavaScript values. A
 * row whose string does not check out is read again column by column and
 * judged on exactly what the log wrote (`exactRow`), so no spelling of a
 * value by SQLite, and no ':' in a forged hash, can make a sound entry look
 * tampered with or a tampered one look sound.
 */
const WALK_SQL = `SELECT seq || ':' || ifnull(prev_hash, '') || ':' || ifnull(hash, '') ||
    json_array(at, workspace_id, actor_type, actor_id, actor_label, action, outcome,
      target_type, target_id, ip, user_agent, details_json, request_id)
  FROM audit_log WHERE seq BETWEEN ? AND ? ORDER BY seq`;

const HEX64 = /^[0-9a-f]{64}$/;

interface ExactRow {
  seq: number;
  prevHash: string | null;
  hash: string | null;
  fields: unknown[];
}

/**
 * Walks the entries numbered `fromSeq`..`toSeq` in order, recomputing every
 * hash and link, and checks that the numbers run without a gap from
 * `fromSeq`. `prevHash` is the hash the first entry must link to, or null
 * when the range before is walked elsewhere (the caller then checks
 * `firstPrevHash` against it). Checkpoints are compared as their entries
 * go by.
 */
export function walkChainRange(
  db: Db,
  range: { fromSeq: number; toSeq: number; prevHash: string | null },
  checkpoints: readonly AuditCheckpoint[],
): WalkResult {
  const pending = checkpoints
    .filter((c) => c.headSeq >= range.fromSeq && c.headSeq <= range.toSeq)
    .sort((a, b) => a.headSeq - b.headSeq);
  let next = 0;
  let matched = 0;
  let matchedSeq: number | undefined;
  let prev = range.prevHash;
  let firstPrevHash: string | null = null;
  let expectedSeq = range.fromSeq;
  let length = 0;
  const done = (problem: WalkProblem | null): WalkResult => ({
    length,
    firstPrevHash,
    lastSeq: expectedSeq - 1,
    lastHash: prev,
    checkpointsMatched: matched,
    problem,
  });

  const rows = db
    .prepare(WALK_SQL)
    .pluck()
    .iterate(range.fromSeq, range.toSeq) as IterableIterator<string>;
  for (const line of rows) {
    const colon = line.indexOf(':');
    const seq = Number(line.slice(0, colon));
    if (seq !== expectedSeq) {
      return done({
        kind: length === 0 && range.prevHash !== null ? 'start' : 'missing',
        seq: expectedSeq,
        nextSeq: seq,
      });
    }
    // The quick reading: two 64-character hashes, then the JSON array.
    let storedPrev: string | null = line.slice(colon + 1, colon + 65);
    let storedHash: string | null = line.slice(colon + 66, colon + 130);
    let hash: string | null =
      line[colon + 65] === ':' &&
      line[colon + 130] === '[' &&
      HEX64.test(storedPrev) &&
      HEX64.test(storedHash)
        ? auditHashOfJson(
            prev ?? storedPrev,
            withoutAbsentRequestId(line.slice(colon + 130)),
          )
        : null;
    if (hash === null || hash !== storedHash || (prev !== null && storedPrev !== prev)) {
      const exact = exactRow(db, seq);
      storedPrev = exact.prevHash;
      storedHash = exact.hash;
      hash = storedPrev === null ? null : auditHashOf(prev ?? storedPrev, exact.fields);
    }
    if (length === 0) {
      firstPrevHash = storedPrev;
      prev ??= storedPrev;
    }
    if (storedPrev !== prev || prev === null) return done({ kind: 'link', seq });
    if (hash !== storedHash || hash === null) return done({ kind: 'content', seq });
    for (; next < pending.length && pending[next]!.headSeq === seq; next++) {
      const checkpoint = pending[next]!;
      if (checkpoint.headHash !== hash) {
        return done({ kind: 'checkpoint', seq, checkpointAt: checkpoint.at, matchedSeq });
      }
      matched += 1;
      matchedSeq = seq;
    }
    prev = hash;
    expectedSeq = seq + 1;
    length += 1;
  }
  return done(null);
}

/** SQLite's array without its last element when that is an absent request id. */
function withoutAbsentRequestId(json: string): string {
  return json.endsWith(',null]') ? `${json.slice(0, -6)}]` : json;
}

/** One row exactly as stored, its hashed fields listed as `AuditLog.record` hashed them. */
function exactRow(db: Db, seq: number): ExactRow {
  const row = db
    .prepare(`SELECT ${AUDIT_RAW_COLUMNS} FROM audit_log WHERE seq = ?`)
    .raw()
    .get(seq) as unknown[];
  const fields = row.slice(1, 13);
  if (row[13] != null) fields.push(row[13]);
  return {
    seq,
    prevHash: row[14] as string | null,
    hash: row[15] as string | null,
    fields,
  };
}
