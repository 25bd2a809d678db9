import { describeClock, dueReminders } from '@flowgento/audit';
import { breachesOfEveryWorkspace } from '@flowgento/store';
import { openAppliance } from '../appliance.ts';
import type { Command, CommandGroup } from './commands.ts';
import { cliContext } from './context.ts';
import { say } from './output.ts';

const due: Command = {
  summary: 'List the breach notifications that are due now, due soon or overdue',
  details: [
    'One line per clock that needs attention, in every workspace, most urgent',
    "first: the Data Protection Board's intimation (due without delay, so",
    'listed as due now from awareness until it is marked done), CERT-In (6',
    "hours from awareness), the people affected (the appliance's default",
    "target), the Board's detailed report and the GDPR authority (72 hours).",
    'A reminder starts when a quarter of the window is left, at the latest one',
    'hour before. Exits 3 when something is overdue.',
    'Works while the appliance runs; reads only.',
  ],
  options: {},
  async run(values) {
    const { config, logger } = cliContext(values);
    const appliance = await openAppliance(config, logger, undefined, { mustExist: true });
    try {
      const store = appliance.store;
      const now = store.clock.now();
      let overdue = false;
      let any = false;
      for (const { workspaceName, breaches } of breachesOfEveryWorkspace(store)) {
        for (const { breachId, title, clock } of dueReminders(breaches, now)) {
          any = true;
          overdue ||= clock.state === 'overdue';
          const deadline = new Date(clock.deadline).toISOString();
          const since = clock.state === 'due_now' ? 'aware since' : 'due';
          say(
            `${workspaceName}  ${title} (${breachId})  ${clock.label}: ` +
              `${describeClock(clock)}, ${since} ${deadline}`,
          );
        }
      }
      if (!any) say('No breach notification is due soon or overdue.');
      return overdue ? 3 : 0;
    } finally {
      appliance.store.close();
    }
  },
};

export const breaches: CommandGroup = {
  summary: 'The breach register: notifications due',
  subcommands: { due },
};
