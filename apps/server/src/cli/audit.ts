import { AuditLog } from '@flowgento/audit';
import { openAppliance } from '../appliance.ts';
import type { Command, CommandGroup } from './commands.ts';
import { cliContext } from './context.ts';
import { exportCommand } from './audit-export.ts';
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
      const report = new AuditLog(appliance.store).verifyAndRecord({
        workspaceId: null,
        actor: { type: 'system', label: 'cli' },
        origin: { ip: null, userAgent: 'flowgento-cli' },
      });
      say(report.summary);
      return report.intact ? 0 : 1;
    } finally {
      appliance.store.close();
    }
  },
};

export const audit: CommandGroup = {
  summary: 'Check or export the audit log',
  subcommands: { verify, export: exportCommand },
};
