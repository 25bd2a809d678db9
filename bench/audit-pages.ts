/**
 * `node scripts/run-ts.mjs bench/audit-pages.ts [--entries=N]`: the audit
 * page's queries and the export on a log of a million entries (default) in a
 * real encrypted database. The entries are inserted directly, hash columns
 * filled with a placeholder, since the chain plays no part in reading; 90% are
 * one workspace's. Prints each query's time (median of 5 after a warm-up), and
 * the export's rate and the most JavaScript heap it added.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  AuditExports,
  AuditLog,
  AuditQuery,
  COUNT_LIMIT,
  type AuditFilters,
  type AuditLogPart,
} from '@flowgento/audit';
import { migrate, openEncryptedDatabase, Store, workspaceScope } from '@flowgento/store';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: { entries: { type: 'string' } },
});
const ENTRIES = Number(values.entries ?? 1_000_000);
const START = Date.UTC(2024, 0, 1);
const STEP_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'fg-bench-audit-'));
const db = openEncryptedDatabase({
  path: join(dir, 'flowgento.db'),
  key: randomBytes(32),
});
migrate(db);
const store = new Store(db);
const workspace = workspaceScope(randomUUID());
const members = Array.from({ length: 20 }, (_, i) => ({
  id: randomUUID(),
  label: `member${i}@acme.test`,
}));
const ACTIONS = ['support.used', 'auth.login.succeeded', 'conversation.assigned'];

let started = Date.now();
const insert = db.prepare(
  `INSERT INTO audit_log (at, workspace_id, actor_type, actor_id, actor_label, action,
     outcome, target_type, target_id, ip, user_agent, details_json, prev_hash, hash)
   VALUES (?, ?, ?, ?, ?, ?, 'success', ?, ?, '192.0.2.20', ?, ?, 'bench', 'bench')`,
);
db.transaction(() => {
  for (let i = 0; i < ENTRIES; i += 1) {
    const member = members[i % members.length]!;
    const anonymous = i % 53 === 0;
    insert.run(
      START + i * STEP_MS,
      i % 10 === 0 ? null : workspace.workspaceId,
      anonymous ? 'anonymous' : 'user',
      anonymous ? null : member.id,
      anonymous ? `guess${i % 500}@example.test` : member.label,
      i % 1000 === 5 ? 'member.role_changed' : ACTIONS[i % ACTIONS.length],
      'conversation',
      randomUUID(),
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0',
      JSON.stringify({ procedure: 'inbox.list' }),
    );
  }
})();
process.stdout.write(`${ENTRIES} entries written in ${Date.now() - started} ms\n\n`);

const query = new AuditQuery(store);
const part: AuditLogPart = { scope: workspace };
const middle = START + (ENTRIES / 2) * STEP_MS;
const deepSeq = query.list(part, { to: middle }, { limit: 1 })[0]?.seq;

function median(run: () => unknown): number {
  run();
  const times = Array.from({ length: 5 }, () => {
    const t = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - t) / 1e6;
  });
  return times.sort((a, b) => a - b)[2]!;
}

const cases: [string, AuditFilters, number | undefined][] = [
  ['newest page', {}, undefined],
  ['page halfway down the log', {}, deepSeq],
  ['a rare action (0.1%)', { action: 'member.role_changed' }, undefined],
  [
    'a rare action over 300 days',
    { action: 'member.role_changed', from: START, to: middle },
    undefined,
  ],
  ['one member', { actor: members[3]!.id }, undefined],
  ['label text that matches nothing', { actor: 'nobody-at-all' }, undefined],
  ['label text, 1 entry in 53', { actor: 'guess1' }, undefined],
  ['one day, halfway', { from: middle, to: middle + 24 * 3600_000 }, undefined],
];
process.stdout.write(
  'query                              page (ms)   count to 10,001 (ms)   exact count (ms)\n',
);
for (const [name, filters, beforeSeq] of cases) {
  const page = median(() => query.list(part, filters, { limit: 50, beforeSeq }));
  const count = median(() => query.count(part, filters, {}, COUNT_LIMIT + 1));
  const exact = median(() => query.count(part, filters));
  process.stdout.write(
    `${name.padEnd(34)} ${page.toFixed(2).padStart(9)} ${count.toFixed(1).padStart(22)}` +
      ` ${exact.toFixed(1).padStart(18)}\n`,
  );
}

// A destination that takes 64 KiB a millisecond, like a fast download.
const heapBefore = process.memoryUsage().heapUsed;
let peak = heapBefore;
const sink = new Writable({
  write(_chunk, _encoding, done) {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    setTimeout(done, 1);
  },
});
const run = new AuditExports(store, new AuditLog(store)).start(
  { part, filters: {}, format: 'csv' },
  {
    workspaceId: null,
    actor: { type: 'system', label: 'bench' },
    origin: { ip: null, userAgent: null },
  },
);
started = Date.now();
await run.streamTo(sink);
const seconds = (Date.now() - started) / 1000;
process.stdout.write(
  `\nCSV export: ${run.rows} entries in ${seconds.toFixed(1)} s ` +
    `(${Math.round(run.rows / seconds)} entries/s), ` +
    `JavaScript heap grew at most ${Math.round((peak - heapBefore) / 2 ** 20)} MiB ` +
    '(uncollected garbage included)\n',
);

store.close();
rmSync(dir, { recursive: true, force: true });
