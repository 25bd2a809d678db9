import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  AUDIT_EXPORT_FORMATS,
  AuditExports,
  AuditLog,
  type AuditExportFormat,
  type AuditFilters,
} from '@flowgento/audit';
import { auditFilterInput } from '@flowgento/api';
import { AppError, randomToken } from '@flowgento/core';
import { openAppliance } from '../appliance.ts';
import type { Command } from './commands.ts';
import { CLI_ACTOR, cliContext, requireText } from './context.ts';
import { say } from './output.ts';
import { Progress } from './progress.ts';

/** The command line's flag for each filter, to name it in a refusal. */
const FLAG_OF: Record<keyof AuditFilters, string> = {
  actor: 'actor',
  action: 'action',
  targetType: 'target-type',
  targetId: 'target-id',
  from: 'from',
  to: 'to',
};

export const exportCommand: Command = {
  summary: 'Write the audit log, or the entries that match filters, to a file',
  details: [
    'Streams the entries, newest first, to the --out file as CSV (opens in a',
    'spreadsheet) or JSON Lines (one entry per line, every value exactly as stored).',
    'The file is written under a temporary name and renamed when complete; only its',
    'owner can read it. Without --workspace it holds every entry, appliance-wide',
    "ones (key rotations, backups) included. Dates are whole days in this machine's",
    'time zone, both included. In CSV a cell that starts like a formula (= + - @,',
    'tab, carriage return) gets a leading apostrophe, so a spreadsheet shows it as',
    'text. Progress goes to stderr. The export is recorded as audit.exported (in',
    "the workspace's log with --workspace). Safe while the appliance runs.",
  ],
  options: {
    format: { type: 'string', help: 'csv or jsonl (required)' },
    out: { type: 'string', help: 'the file to write (required)' },
    workspace: { type: 'string', help: "only this workspace's entries (its id)" },
    actor: { type: 'string', help: "a member's id, or text in the actor's name" },
    action: { type: 'string', help: 'one audited action, e.g. member.role_changed' },
    'target-type': {
      type: 'string',
      help: 'what was acted on, e.g. user, invite, conversation',
    },
    'target-id': { type: 'string', help: 'the id of what was acted on' },
    from: { type: 'string', help: 'first day, YYYY-MM-DD' },
    to: { type: 'string', help: 'last day, YYYY-MM-DD' },
  },
  async run(values) {
    const format = formatOf(requireText(values, 'format'));
    const out = resolve(requireText(values, 'out'));
    const filters = filtersOf(values);
    const workspaceId = text(values, 'workspace');

    const { config, logger } = cliContext(values);
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      // The running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    try {
      const store = appliance.store;
      if (workspaceId !== undefined && !store.workspaces.get(workspaceId)) {
        throw new AppError('NOT_FOUND', `No workspace ${workspaceId} on this appliance`);
      }
      const run = new AuditExports(store, new AuditLog(store)).start(
        { part: { wholeAppliance: true, workspaceId }, filters, format },
        {
          workspaceId: workspaceId ?? null,
          ...CLI_ACTOR,
        },
      );
      const partial = join(dirname(out), `.${basename(out)}.${randomToken(6)}.partial`);
      const file = createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true });
      try {
        // The file opens before anything is audited as exported, and an
        // export that cannot be audited writes no file.
        await once(file, 'open');
        const progress = new Progress('Exporting', run.begin());
        await run.streamTo(file, {
          onProgress: (rows) => progress.update(rows),
          complete: () => renameSync(partial, out),
        });
        progress.end(run.rows);
      } catch (error) {
        file.destroy();
        rmSync(partial, { force: true });
        throw error;
      }
      say(`Exported ${run.rows} audit ${run.rows === 1 ? 'entry' : 'entries'} to ${out}`);
      return 0;
    } finally {
      appliance.store.close();
    }
  },
};

function text(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function formatOf(value: string): AuditExportFormat {
  const format = AUDIT_EXPORT_FORMATS.find((f) => f === value);
  if (!format) {
    throw new AppError(
      'INVALID_INPUT',
      `--format: use ${AUDIT_EXPORT_FORMATS.join(' or ')}`,
    );
  }
  return format;
}

/** The filter flags, checked by the same rules as the admin page's. */
function filtersOf(values: Record<string, string | boolean | undefined>): AuditFilters {
  const from = text(values, 'from');
  const to = text(values, 'to');
  const parsed = auditFilterInput.safeParse({
    actor: text(values, 'actor'),
    action: text(values, 'action'),
    targetType: text(values, 'target-type'),
    targetId: text(values, 'target-id'),
    from: from === undefined ? undefined : startOfDay(from, 'from'),
    to: to === undefined ? undefined : startOfDay(to, 'to', 1) - 1,
  });
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const field = issue?.path[0] as keyof AuditFilters | undefined;
  const flag = field === undefined ? 'input' : `--${FLAG_OF[field]}`;
  throw new AppError('INVALID_INPUT', `${flag}: ${issue?.message ?? 'invalid'}`);
}

/** Local midnight of a YYYY-MM-DD day, `days` later; refuses dates that do not exist. */
function startOfDay(day: string, flag: string, days = 0): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const [year, month, date] = (match?.slice(1) ?? []).map(Number);
  const start = new Date(year ?? NaN, (month ?? NaN) - 1, date ?? NaN);
  if (start.getMonth() !== (month ?? NaN) - 1 || start.getDate() !== date) {
    throw new AppError('INVALID_INPUT', `--${flag}: use a date such as 2024-05-31`);
  }
  start.setDate(start.getDate() + days);
  return start.getTime();
}
