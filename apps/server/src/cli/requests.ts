import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AccessLog, AuditLog } from '@flowgento/audit';
import { plural, randomToken, systemClock } from '@flowgento/core';
import { ContactExporter, MediaService } from '@flowgento/messaging';
import {
  DATA_REQUEST_KINDS,
  DATA_REQUEST_LAWS,
  type DataRequestKind,
  type DataRequestLaw,
} from '@flowgento/store';
import { storageRecipients, exportDisclosure } from '../compliance-inputs.ts';
import type { Command, CommandGroup } from './commands.ts';
import { requireText } from './context.ts';
import { say } from './output.ts';
import { offlineTiers } from './offline-tiers.ts';
import { Progress } from './progress.ts';
import { day, oneOf, withDesk, workspaceOption } from './requests-desk.ts';
import { extend, refuse, timeOn, verify } from './requests-steps.ts';

const log: Command = {
  summary: 'Log a request a person made about their data',
  details: [
    'Starts the legal clock: one month for GDPR, 90 days for DPDP. Recorded as',
    'request.logged. Then `requests verify` records identity and the contact.',
  ],
  options: {
    kind: { type: 'string', help: DATA_REQUEST_KINDS.join(', ') + ' (required)' },
    law: { type: 'string', help: 'GDPR or DPDP (required)' },
    requester: { type: 'string', help: 'how the person named themselves (required)' },
    'received-on': {
      type: 'string',
      help: 'the day the request arrived, YYYY-MM-DD, at most a year back (default: now)',
    },
    ...workspaceOption,
  },
  run: (values) =>
    withDesk(values, ({ desk, acting }) => {
      const kind: DataRequestKind = oneOf(
        DATA_REQUEST_KINDS,
        requireText(values, 'kind'),
        'kind',
      );
      const law: DataRequestLaw = oneOf(
        DATA_REQUEST_LAWS,
        requireText(values, 'law'),
        'law',
      );
      const requester = requireText(values, 'requester').trim().slice(0, 200);
      // A day in the past is taken at noon UTC; today, as of now.
      const receivedAt =
        values['received-on'] === undefined
          ? undefined
          : timeOn(values, 'received-on', { notAfter: Date.now() });
      const { id, dueAt } = desk.log(acting, {
        kind,
        law,
        requester,
        ...(receivedAt === undefined ? {} : { receivedAt }),
      });
      say(`Logged ${law} ${kind} request ${id}, due ${day(dueAt)}`);
      return 0;
    }),
};

const list: Command = {
  summary: 'List the data requests, open ones first, soonest due first',
  details: ['One line a request: id, law, kind, status, due date and urgency.'],
  options: { ...workspaceOption },
  run: (values) =>
    withDesk(values, ({ desk, acting }) => {
      const requests = desk.list(acting.scope);
      if (requests.length === 0) say('No data requests.');
      for (const r of requests) {
        say(
          `${r.id}  ${r.law}  ${r.kind.padEnd(10)}  ${r.status.padEnd(9)}  due ${day(r.dueAt)}  ${r.urgency}`,
        );
      }
      return 0;
    }),
};

const due: Command = {
  summary: 'List the requests due within 7 days, or overdue',
  details: ['Exits 0 when nothing is due, 2 when something is (for a scheduled check).'],
  options: { ...workspaceOption },
  run: (values) =>
    withDesk(values, ({ desk, acting }) => {
      const reminders = desk.due(acting.scope);
      if (reminders.length === 0) say('Nothing due within 7 days.');
      for (const r of reminders) say(`${r.requestId}  due ${day(r.dueAt)}  ${r.message}`);
      return reminders.length === 0 ? 0 : 2;
    }),
};

const exportRequest: Command = {
  summary: 'Export the contact of a verified access request to a zip, and close it',
  details: [
    'Writes contact.json (docs/schemas/contact-export.schema.json), the files the',
    'contact sent (decrypted) and a plain-language summary. Written under a',
    'temporary name, renamed when complete, readable by its owner only. Recorded',
    'as contact.exported, then request.fulfilled. Progress goes to stderr.',
  ],
  options: {
    request: { type: 'string', help: 'the access request id (required)' },
    out: { type: 'string', help: 'the zip file to write (required)' },
    ...workspaceOption,
  },
  run: (values) =>
    withDesk(values, async ({ desk, acting, appliance, config, logger }) => {
      const requestId = requireText(values, 'request');
      const out = resolve(requireText(values, 'out'));
      const store = appliance.store;
      const audit = new AuditLog(store);
      const { routing, tiers } = offlineTiers(appliance, config.dataDir, logger);
      const media = new MediaService(store, tiers, appliance.keyRing);
      const accessLog = new AccessLog(store, appliance.keyRing, audit, logger);
      const exporter = new ContactExporter(store, media, audit, systemClock, accessLog);

      const contactId = desk.contactToExport(acting.scope, requestId);
      const partial = join(dirname(out), `.${basename(out)}.${randomToken(6)}.partial`);
      const file = createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true });
      await once(file, 'open');
      let progress: Progress | null = null;
      try {
        const run = exporter.begin(acting, contactId, {
          requestId,
          storageRecipients: storageRecipients(store, routing, acting.scope),
          disclosure: exportDisclosure(store, acting.scope),
          onProgress: (p) => {
            if (p.phase !== 'messages') return;
            progress ??= new Progress(
              'Exporting',
              p.total,
              process.stderr,
              Date.now,
              'messages',
            );
            progress.update(p.done);
          },
        });
        const counts = await run.streamTo(file);
        await once(file, 'close');
        renameSync(partial, out);
        (progress as Progress | null)?.end(counts.messages);
        desk.fulfilledByExport(acting, requestId);
        say(
          `Exported ${plural(counts.messages, 'message')} and ${plural(counts.files, 'file')} to ${out}`,
        );
        return 0;
      } catch (error) {
        file.destroy();
        rmSync(partial, { force: true });
        throw error;
      }
    }),
};

export const requests: CommandGroup = {
  summary:
    "Log, verify, extend, refuse and track people's data requests; export a contact",
  subcommands: { log, list, due, verify, extend, refuse, export: exportRequest },
};
