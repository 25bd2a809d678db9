import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, Store, workspaceScope } from '@flowgento/store';
import {
  AUDIT_EXPORT_COLUMNS,
  AuditExports,
  AuditLog,
  csvCell,
  type AuditEntryInput,
  type AuditExportRequest,
} from '../src/index.ts';
import { parseCsvExport } from './csv-parse.ts';

let dir: string;
let store: Store;
let audit: AuditLog;
let exports: AuditExports;
const A = workspaceScope(randomUUID());
const cli = {
  workspaceId: null,
  actor: { type: 'system' as const, label: 'cli' },
  origin: { ip: null, userAgent: 'vitest' },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-audit-export-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  store = new Store(db, { now: () => Date.UTC(2024, 2, 1, 12) });
  audit = new AuditLog(store);
  exports = new AuditExports(store, audit);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(count: number, entry: Partial<AuditEntryInput> = {}): void {
  store.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      audit.record({
        workspaceId: A.workspaceId,
        actor: { type: 'anonymous', label: `visitor${i}@example.test` },
        action: 'auth.login.failed',
        outcome: 'failure',
        origin: { ip: '192.0.2.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
        ...entry,
      });
    }
  });
}

/** A destination that keeps what it is given, as text. */
class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function exportText(request: AuditExportRequest): Promise<string> {
  const sink = new Collect();
  await exports.start(request, cli).streamTo(sink);
  return sink.text;
}

const exportedEntries = () =>
  store.db
    .prepare(
      `SELECT seq, outcome, details_json AS details FROM audit_log
       WHERE action = 'audit.exported' ORDER BY seq`,
    )
    .all() as { seq: number; outcome: string; details: string }[];

describe('CSV cells', () => {
  it('are quoted when they hold a comma, quote or line break (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-3)).toBe('-3');
  });

  it('never start with what a spreadsheet runs as a formula', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(csvCell(text).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell({ note: '=1' })).toBe('"{""note"":""=1""}"');
  });
});

describe('an audit export', () => {
  it('writes CSV a spreadsheet opens: byte order mark, header row, CRLF, every column', async () => {
    write(1, {
      actor: { type: 'anonymous', label: '=HYPERLINK("http://evil.test","x")' },
      target: { type: 'member', id: '-2+3' },
      details: { reason: 'a "quoted", two-line\nreason' },
    });
    const text = await exportText({ part: { scope: A }, filters: {}, format: 'csv' });

    expect(text.startsWith('\uFEFFseq,time,workspace_id,actor_type,')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/\n(?!reason)/);
    const [row, ...rest] = parseCsvExport(text);
    expect(rest).toEqual([]);
    expect(Object.keys(row!)).toEqual(AUDIT_EXPORT_COLUMNS.map((c) => c.name));
    expect(row).toMatchObject({
      seq: '1',
      time: '2024-03-01T12:00:00.000Z',
      workspace_id: A.workspaceId,
      actor_type: 'anonymous',
      actor_id: '',
      actor_label: `'=HYPERLINK("http://evil.test","x")`,
      action: 'auth.login.failed',
      outcome: 'failure',
      target_type: 'member',
      target_id: "'-2+3",
      ip: '192.0.2.7',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      request_id: '',
    });
    expect(JSON.parse(row!.details!)).toEqual({ reason: 'a "quoted", two-line\nreason' });
  });

  it('writes JSON Lines with every value exactly as stored', async () => {
    write(2, { actor: { type: 'anonymous', label: '=1+1' }, details: { n: 1 } });
    const text = await exportText({ part: { scope: A }, filters: {}, format: 'jsonl' });

    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => e['seq'])).toEqual([2, 1]);
    expect(entries[0]).toEqual({
      seq: 2,
      time: '2024-03-01T12:00:00.000Z',
      workspace_id: A.workspaceId,
      actor_type: 'anonymous',
      actor_id: null,
      actor_label: '=1+1',
      action: 'auth.login.failed',
      outcome: 'failure',
      target_type: null,
      target_id: null,
      ip: '192.0.2.7',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      request_id: null,
      details: { n: 1 },
    });
  });

  it('is audited once, after its last entry, with its format, row count and filters', async () => {
    write(3);
    write(2, { action: 'member.invited' });
    const filters = { action: 'member.invited' as const };
    await exportText({ part: { scope: A }, filters, format: 'csv' });

    const [entry] = exportedEntries();
    expect(exportedEntries()).toHaveLength(1);
    expect(entry!.seq).toBe(6);
    expect(entry!.outcome).toBe('success');
    expect(JSON.parse(entry!.details)).toEqual({
      format: 'csv',
      rows: 2,
      filters: JSON.stringify(filters),
    });

    // The next export holds the first one's entry, never its own.
    const again = await exportText({
      part: { wholeAppliance: true },
      filters: {},
      format: 'jsonl',
    });
    expect(again.trim().split('\n')).toHaveLength(6);
    expect(exportedEntries()).toHaveLength(2);
  });

  it('reads only as fast as its destination takes the text, and leaves out entries written meanwhile', async () => {
    write(2000);
    let release: () => void = () => undefined;
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, done) {
        received += 1;
        release = () => done();
      },
    });
    const run = exports.start({ part: { scope: A }, filters: {}, format: 'csv' }, cli);
    const streaming = run.streamTo(slow);

    for (let i = 0; i < 20; i += 1) await tick();
    // The header is held by the destination: at most a chunk or two was read.
    expect(received).toBe(1);
    expect(run.rows).toBeLessThanOrEqual(500);
    write(5);

    while (!slow.writableFinished) {
      release();
      await tick();
    }
    await streaming;
    expect(run.rows).toBe(2000);
    expect(received).toBe(5);
    expect(JSON.parse(exportedEntries()[0]!.details).rows).toBe(2000);
  });

  it('is audited once before its first byte, also when its destination closes early', async () => {
    write(1200);
    let chunks = 0;
    const quitter = new Writable({
      write(_chunk, _encoding, done) {
        chunks += 1;
        if (chunks === 2) quitter.destroy(new Error('download cancelled'));
        else done();
      },
    });
    const run = exports.start({ part: { scope: A }, filters: {}, format: 'jsonl' }, cli);

    await expect(run.streamTo(quitter)).rejects.toThrow();
    const [entry] = exportedEntries();
    expect(exportedEntries()).toHaveLength(1);
    expect(entry!.outcome).toBe('success');
    expect(JSON.parse(entry!.details).rows).toBe(1200);
    expect(run.rows).toBeLessThan(1200);
  });

  it('exports nothing when its entry cannot be written', async () => {
    write(3);
    store.db.exec(`CREATE TEMP TRIGGER block_export BEFORE INSERT ON main.audit_log
      WHEN NEW.action = 'audit.exported' BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;`);
    let received = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        received += chunk.toString();
        done();
      },
    });
    const run = exports.start({ part: { scope: A }, filters: {}, format: 'csv' }, cli);
    await expect(run.streamTo(sink)).rejects.toThrow('audit unavailable');
    expect(received).toBe('');
    expect(exportedEntries()).toHaveLength(0);
  });
});
