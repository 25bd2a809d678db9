import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestOrigin } from '@flowgento/core';
import type { Store } from '@flowgento/store';
import type { AuditActor, AuditLog } from './audit-log.ts';
import {
  AuditQuery,
  type AuditFilters,
  type AuditLogPart,
  type AuditPosition,
  type AuditRecord,
} from './audit-query.ts';

export const AUDIT_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

type Value = string | number | null | Record<string, unknown>;

/**
 * The columns of an export, in order: the CSV header row and the keys of each
 * JSON line alike. A column the audit log gains is added here, once.
 */
export const AUDIT_EXPORT_COLUMNS: readonly {
  name: string;
  value(entry: AuditRecord): Value;
}[] = [
  { name: 'seq', value: (e) => e.seq },
  { name: 'time', value: (e) => new Date(e.at).toISOString() },
  { name: 'workspace_id', value: (e) => e.workspaceId },
  { name: 'actor_type', value: (e) => e.actorType },
  { name: 'actor_id', value: (e) => e.actorId },
  { name: 'actor_label', value: (e) => e.actorLabel },
  { name: 'action', value: (e) => e.action },
  { name: 'outcome', value: (e) => e.outcome },
  { name: 'target_type', value: (e) => e.targetType },
  { name: 'target_id', value: (e) => e.targetId },
  { name: 'ip', value: (e) => e.ip },
  { name: 'user_agent', value: (e) => e.userAgent },
  { name: 'request_id', value: (e) => e.requestId },
  { name: 'details', value: (e) => e.details },
];

/**
 * A cell a spreadsheet would read as a formula (or whose leading tab or
 * carriage return it would drop before reading one) starts with one of these;
 * see OWASP's "CSV Injection". Labels, user agents and target ids can be
 * typed by anyone who reaches the sign-in page.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula is
 * prefixed with an apostrophe, which spreadsheets show as plain text; the
 * JSON Lines export keeps every value exactly as written.
 */
export function csvCell(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface Format {
  contentType: string;
  extension: string;
  head: string;
  line: (entry: AuditRecord) => string;
}

const CRLF = '\r\n';

/**
 * CSV opens in a spreadsheet: a byte order mark so it is read as UTF-8, a
 * header row and CRLF line ends. JSON Lines is for programs: one entry per
 * line, every value as stored, details as an object.
 */
const FORMATS: Record<AuditExportFormat, Format> = {
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    head: `\uFEFF${AUDIT_EXPORT_COLUMNS.map((c) => csvCell(c.name)).join(',')}${CRLF}`,
    line: (entry) =>
      AUDIT_EXPORT_COLUMNS.map((c) => csvCell(c.value(entry))).join(',') + CRLF,
  },
  jsonl: {
    contentType: 'application/jsonl; charset=utf-8',
    extension: 'jsonl',
    head: '',
    line: (entry) =>
      JSON.stringify(
        Object.fromEntries(AUDIT_EXPORT_COLUMNS.map((c) => [c.name, c.value(entry)])),
      ) + '\n',
  },
};

/** Entries read per query: one chunk of the stream, then the reader waits. */
const CHUNK_ROWS = 500;

export interface AuditExportRequest {
  part: AuditLogPart;
  filters: AuditFilters;
  format: AuditExportFormat;
}

/** Who asked for an export, as its `audit.exported` entry names them. */
export interface AuditExporter {
  workspaceId: string | null;
  actor: AuditActor;
  origin: RequestOrigin;
}

/** Starts exports of the audit log; see `AuditExportRun`. */
export class AuditExports {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
  ) {}

  start(request: AuditExportRequest, by: AuditExporter): AuditExportRun {
    return new AuditExportRun(this.store, this.audit, request, by);
  }
}

/**
 * One export: the entries that matched when it started (those written while
 * it streams are left for the next one), read in chunks only as fast as the
 * destination takes them. Exactly one `audit.exported` entry is written, by
 * `begin`, before the first byte leaves: an export that cannot be audited
 * does not happen. The entry comes after the export's last entry, so it is
 * never in the export. An export cut short (a cancelled download) is noted
 * by the caller in the server log, with the rows that left.
 */
export class AuditExportRun {
  /** Entries the destination has taken so far. */
  rows = 0;
  readonly contentType: string;
  readonly fileName: string;
  private readonly query: AuditQuery;
  private readonly upToSeq: number;
  private begun: number | undefined;
  private onProgress: ((rows: number) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly request: AuditExportRequest,
    private readonly by: AuditExporter,
  ) {
    this.query = new AuditQuery(store);
    this.upToSeq = this.query.newestSeq();
    const format = FORMATS[request.format];
    this.contentType = format.contentType;
    const day = new Date(store.clock.now()).toISOString().slice(0, 10);
    this.fileName = `flowgento-audit-${day}.${format.extension}`;
  }

  /** How many entries the export holds. */
  total(): number {
    const { part, filters } = this.request;
    return this.query.count(part, filters, { upToSeq: this.upToSeq });
  }

  /**
   * The export's text, a chunk at a time. Each chunk's query runs to its end
   * before the chunk is handed over, so no SQLite statement stays open while
   * the destination is slow, and other requests keep the connection.
   */
  *text(): Generator<string, void, undefined> {
    const { part, filters, format } = this.request;
    const { head, line } = FORMATS[format];
    if (head) yield head;
    let before: AuditPosition | undefined;
    for (;;) {
      let chunk = '';
      let count = 0;
      let last: AuditRecord | undefined;
      const rows = this.query.rows(part, filters, {
        limit: CHUNK_ROWS,
        before,
        upToSeq: this.upToSeq,
      });
      for (const entry of rows) {
        chunk += line(entry);
        count += 1;
        last = entry;
      }
      if (!last) return;
      yield chunk;
      // The destination took the chunk and asked for more.
      this.rows += count;
      this.onProgress?.(this.rows);
      if (count < CHUNK_ROWS) return;
      before = { at: last.at, seq: last.seq };
    }
  }

  /**
   * Writes the export's `audit.exported` entry (format, filters and the
   * entries it holds) and returns how many it holds. Throws, and nothing is
   * exported, when the entry cannot be written. Later calls do nothing.
   */
  begin(): number {
    if (this.begun !== undefined) return this.begun;
    const rows = this.total();
    const { format, filters } = this.request;
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: this.by.workspaceId,
        actor: this.by.actor,
        action: 'audit.exported',
        origin: this.by.origin,
        details: { format, rows, filters: JSON.stringify(filters) },
      }),
    );
    this.begun = rows;
    return rows;
  }

  /**
   * Streams the export into `destination` (after `begin`, which it calls if
   * the caller has not), then runs `complete` (such as moving a file into
   * place). Rejects when the destination closes early or reading fails.
   */
  async streamTo(
    destination: Writable,
    options: {
      onProgress?: (rows: number) => void;
      complete?: () => void | Promise<void>;
    } = {},
  ): Promise<void> {
    this.begin();
    this.onProgress = options.onProgress;
    await pipeline(Readable.from(this.text(), { objectMode: false }), destination);
    await options.complete?.();
  }
}
