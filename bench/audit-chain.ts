/**
 * `npm run bench` (second part): the audit log's hash chain, on real
 * encrypted database files (SQLCipher, WAL, synchronous=FULL).
 *
 * Appends, against a baseline of the same row inserted without the chain
 * (no head read, no hash): one entry per commit, as each audited action
 * commits its own, where the disk's flush dominates both; and 100 entries per
 * commit, which leaves what the chain itself costs. Target: at least 20,000
 * chained appends per second, measured grouped.
 *
 * Verification of one million entries, as `audit verify` runs it (two
 * threads, every hash and link recomputed), against a baseline that only
 * reads every row. Target: under 3 seconds.
 *
 * Flags: --entries=N (1000000), --appends=N (20000). Exits 1 when a target
 * is missed or a chain does not verify.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog, type AuditEntryInput } from '@flowgento/audit';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';

const APPEND_TARGET = 20_000;
const VERIFY_TARGET_S = 3;

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    entries: { type: 'string', default: '1000000' },
    appends: { type: 'string', default: '20000' },
  },
});
const entries = Number(flags.entries);
const appends = Number(flags.appends);

const out = (text: string) => process.stdout.write(text);
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-audit-'));

/** An entry as a typical action writes it: a member, a target, a browser. */
function entry(i: number): AuditEntryInput {
  return {
    workspaceId: '01890000-0000-7000-8000-00000000abcd',
    actor: {
      type: 'user',
      id: '01890000-0000-7000-8000-000000001234',
      label: 'owner@acme.test',
    },
    action: 'member.role_changed',
    target: {
      type: 'user',
      id: `01890000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    },
    origin: {
      ip: '192.168.1.20',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      requestId: randomBytes(8).toString('hex'),
    },
    details: { from: 'AGENT', to: 'ADMIN' },
  };
}

function openStore(name: string): Store {
  const db = openEncryptedDatabase({ path: join(dir, name), key: randomBytes(32) });
  migrate(db);
  return new Store(db);
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function row(cells: string[]): string {
  const widths = [36, 10, 12, 8];
  return `${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ')}\n`;
}
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');

let failed = false;
try {
  // Appends: one entry per transaction, as each audited action commits its
  // own, and entries grouped 100 to a transaction, which takes the disk's
  // flush out and leaves what the chain itself costs.
  out(`audit log appends (real encrypted files, synchronous=FULL)\n\n`);
  out(row(['', 'seconds', 'entries/s', 'ratio']));
  let chainedGrouped = 0;
  for (const perCommit of [1, 100]) {
    const count = perCommit === 1 ? Math.min(appends, 5_000) : appends;
    const plain = openStore(`plain-${perCommit}.db`);
    const insert = plain.db.prepare(
      `INSERT INTO audit_log (at, workspace_id, actor_type, actor_id, actor_label, action,
         outcome, target_type, target_id, ip, user_agent, details_json, request_id)
       VALUES (?, ?, 'user', ?, ?, ?, 'success', ?, ?, ?, ?, ?, ?)`,
    );
    const baseline = seconds(() => {
      for (let i = 0; i < count; i += perCommit) {
        plain.transaction(() => {
          for (let j = i; j < i + perCommit; j += 1) {
            const e = entry(j);
            insert.run(
              Date.now(),
              e.workspaceId,
              e.actor.type === 'user' ? e.actor.id : null,
              e.actor.label ?? null,
              e.action,
              e.target!.type,
              e.target!.id,
              e.origin.ip,
              e.origin.userAgent,
              JSON.stringify(e.details),
              e.origin.requestId ?? null,
            );
          }
        });
      }
    });
    plain.close();

    const chained = openStore(`chained-${perCommit}.db`);
    const audit = new AuditLog(chained);
    const withChain = seconds(() => {
      for (let i = 0; i < count; i += perCommit) {
        chained.transaction(() => {
          for (let j = i; j < i + perCommit; j += 1) audit.record(entry(j));
        });
      }
    });
    if (!audit.verify().intact) throw new Error('the appended chain does not verify');
    chained.close();

    const how = perCommit === 1 ? '1 per commit' : `${perCommit} per commit`;
    out(
      row([
        `baseline: insert, ${how}`,
        baseline.toFixed(2),
        rate(count, baseline),
        '1.00',
      ]),
    );
    out(
      row([
        `appliance: chained, ${how}`,
        withChain.toFixed(2),
        rate(count, withChain),
        (withChain / baseline).toFixed(2),
      ]),
    );
    if (perCommit !== 1) chainedGrouped = count / withChain;
  }
  const appendOk = chainedGrouped >= APPEND_TARGET;
  out(
    `target ≥ ${APPEND_TARGET.toLocaleString('en-US')} chained appends/s (grouped, so the ` +
      `disk's flush per commit, the same with or without the chain, is not what is measured): ` +
      `${appendOk ? 'PASS' : 'FAIL'}\n\n`,
  );
  failed ||= !appendOk;

  // Verification of a long log.
  const bigKey = randomBytes(32);
  const bigPath = join(dir, 'big.db');
  const bigDb = openEncryptedDatabase({ path: bigPath, key: bigKey });
  migrate(bigDb);
  const big = new Store(bigDb);
  // As the appliance and the CLI open it: able to verify on a second thread.
  const bigAudit = new AuditLog(big, { source: { path: bigPath, key: bigKey } });
  const BATCH = 10_000;
  for (let done = 0; done < entries; done += BATCH) {
    big.transaction(() => {
      for (let i = done; i < Math.min(entries, done + BATCH); i += 1)
        bigAudit.record(entry(i));
    });
  }
  // A running appliance checkpoints its WAL as it goes; read the log from the
  // database file, as a long-lived one would, not from a fresh 1M-entry WAL.
  big.db.pragma('wal_checkpoint(TRUNCATE)');
  const readOnly = seconds(() => {
    let n = 0;
    let bytes = 0;
    for (const row of big.db
      .prepare(
        `SELECT seq, at, workspace_id, actor_type, actor_id, actor_label, action, outcome,
           target_type, target_id, ip, user_agent, details_json, request_id, prev_hash, hash
         FROM audit_log ORDER BY seq`,
      )
      .raw()
      .iterate() as IterableIterator<unknown[]>) {
      n += 1;
      bytes += row.length;
    }
    if (bytes === 0) throw new Error('read nothing');
    if (n !== entries) throw new Error(`read ${n} rows of ${entries}`);
  });
  const started = process.hrtime.bigint();
  const report = await bigAudit.verifyAndRecord({
    workspaceId: null,
    actor: { type: 'system', label: 'bench' },
    origin: { ip: null, userAgent: null },
  });
  const verifying = Number(process.hrtime.bigint() - started) / 1e9;
  big.close();
  const verifyOk =
    report.intact && report.length === entries && verifying < VERIFY_TARGET_S;

  out(`audit chain verification: ${entries.toLocaleString('en-US')} entries\n\n`);
  out(row(['', 'seconds', 'entries/s', 'ratio']));
  out(
    row([
      'baseline: read every row',
      readOnly.toFixed(2),
      rate(entries, readOnly),
      '1.00',
    ]),
  );
  out(
    row([
      'appliance: verify chain',
      verifying.toFixed(2),
      rate(entries, verifying),
      (verifying / readOnly).toFixed(2),
    ]),
  );
  out(
    `target < ${VERIFY_TARGET_S} s: ${verifyOk ? 'PASS' : 'FAIL'}${report.intact ? '' : ` (${report.summary})`}\n`,
  );
  failed ||= !verifyOk;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
