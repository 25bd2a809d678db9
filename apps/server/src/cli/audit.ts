import { AuditLog } from '@flowgento/audit';
import { openAppliance } from '../appliance.ts';
import type { Command, CommandGroup } from './commands.ts';
import { cliContext } from './context.ts';
import { say } from './output.ts';

const verify: Command = {
  summary: 'Check that no audit entry was changed or removed from the middle',
  details: [
    'Recomputes the hash chain of the whole audit log. Prints "intact" with the',
    'number of entries and the newest hash (keep it: a later, shorter chain with a',
    'different head means entries were removed from the end), or the first entry',
    'whose content or link no longer matches, and exits 1. Safe while the appliance',
    'runs; the check itself is recorded as audit.verified.',
  ],
  options: {},
  async run(values) {
    const { config, logger } = cliContext(values);
    const appliance = await openAppliance(config, logger, undefined, { mustExist: true });
    try {
      const audit = new AuditLog(appliance.store);
      const report = audit.verify();
      appliance.store.transaction(() =>
        audit.record({
          workspaceId: null,
          actor: { type: 'system', label: 'cli' },
          action: 'audit.verified',
          outcome: report.intact ? 'success' : 'failure',
          origin: { ip: null, userAgent: 'flowgento-cli' },
          details: report.intact
            ? { length: report.length, headHash: report.headHash }
            : { firstBrokenSeq: report.firstBrokenSeq, problem: report.problem },
        }),
      );
      if (report.intact) {
        say(
          `Audit chain intact: ${report.length} entries, newest hash ${report.headHash}`,
        );
        return 0;
      }
      const what =
        report.problem === 'content'
          ? 'its content no longer matches its hash'
          : 'it no longer links to the entry before it (an entry was removed or replaced)';
      const before =
        report.length === 1
          ? 'The 1 entry before it is'
          : `The ${report.length} entries before it are`;
      say(
        `Audit chain BROKEN at entry #${report.firstBrokenSeq}: ${what}. ${before} intact.`,
      );
      return 1;
    } finally {
      appliance.store.close();
    }
  },
};

export const audit: CommandGroup = {
  summary: 'Check the audit log',
  subcommands: { verify },
};
