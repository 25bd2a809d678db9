import { AuditLog } from '@flowgento/audit';
import { AppError, plural, systemClock } from '@flowgento/core';
import {
  ConversationPurge,
  purgingByErasure,
  LiveEvents,
  RetentionService,
  type RetentionCounts,
} from '@flowgento/messaging';
import { openAppliance } from '../appliance.ts';
import type { Command, CommandGroup } from './commands.ts';
import { openCliErasure } from './contacts.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { say } from './output.ts';
import { offlineTiers } from './offline-tiers.ts';

const run: Command = {
  summary: "Apply every workspace's retention rules now",
  details: [
    'The running appliance does this once a day. Deletes what each rule reaches',
    'from the database and from every media provider holding a copy (a provider',
    'that is down keeps its copy listed, to be removed when it is back), and',
    'writes one retention.ran entry per workspace with the counts. Inactivity',
    'notices are sent by the running appliance only: here, a purge waits for it.',
    'With --dry-run, only says what would go.',
  ],
  options: {
    'dry-run': { type: 'boolean', help: 'count what would go; change nothing' },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const dryRun = values['dry-run'] === true;
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      // The running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    // A purge is an erasure: sealed texts, keys and the ledger in the vault.
    const { service: erasure, vault } = openCliErasure(appliance, config.dataDir, logger);
    try {
      const { store } = appliance;
      const audit = new AuditLog(store);
      const { tiers } = offlineTiers(appliance, config.dataDir, logger);
      const purge = new ConversationPurge(store, { tiers, logger }, new LiveEvents());
      const retention = new RetentionService(
        store,
        audit,
        systemClock,
        purge,
        purgingByErasure(erasure),
        () =>
          Promise.reject(
            new AppError('PRECONDITION_FAILED', 'notices need the running appliance'),
          ),
        logger,
      );
      const workspaces = store.retentionIndex.workspacesWithRules();
      if (workspaces.length === 0)
        say('No workspace has a retention rule; nothing to do.');
      for (const { scope, name } of workspaces) {
        const counts = await retention.run({ ...CLI_ACTOR, scope }, dryRun);
        say(`${name}: ${describe(counts, dryRun)}`);
      }
      return 0;
    } finally {
      vault.close();
      appliance.store.close();
    }
  },
};

function describe(counts: RetentionCounts, dryRun: boolean): string {
  const verb = dryRun ? 'would remove' : 'removed';
  return (
    `${verb} ${plural(counts.conversations, 'conversation')}, ` +
    `${plural(counts.media, 'media file')} ` +
    `(${plural(counts.mediaObjects, 'stored object')}); ` +
    `${plural(counts.contactsNoticed, 'contact')} due a notice, ` +
    `${counts.contactsPurged} purged, ${plural(counts.purgesCancelled, 'purge')} cancelled.`
  );
}

export const retention: CommandGroup = {
  summary: 'Apply the retention rules',
  subcommands: { run },
};
