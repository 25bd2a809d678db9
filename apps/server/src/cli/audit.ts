import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AuditLog,
  AuditRetention,
  MAX_RETENTION_MONTHS,
  MIN_RETENTION_MONTHS,
} from '@flowgento/audit';
import { AppError, isAppError } from '@flowgento/core';
import {
  BACKUP_CHECKPOINT_FILE,
  appendCheckpoint,
  lockDataFolder,
  readCheckpoints,
  type FolderLock,
} from '@flowgento/store';
import { openAppliance } from '../appliance.ts';
import { dataPaths } from '../appliance-state.ts';
import type { Command, CommandGroup } from './commands.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { exportCommand } from './audit-export.ts';
import { say } from './output.ts';

const verify: Command = {
  summary: 'Check that no audit entry was changed, removed or added out of order',
  details: [
    'Recomputes the hash chain of the whole audit log and checks that its entry',
    'numbers run without a gap to the highest one ever issued. Compares it with the',
    "checkpoints in the data folder's audit-checkpoints.jsonl, and with --checkpoint",
    "FILE (a backup's audit-checkpoint.json, or a copy kept elsewhere), so that",
    'deleting the newest entries is caught. Prints "intact" with the number of',
    'entries, or names the first entry that is wrong or missing and exits 1.',
    'The check itself is recorded as audit.verified. Safe while the appliance runs,',
    'but then nothing is written into its database: the check is only printed (use',
    '"Verify now" on the Audit page to have it recorded).',
  ],
  options: {
    checkpoint: {
      type: 'string',
      help: 'one more checkpoint file (or backup folder) to compare with',
    },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const extra = values['checkpoint'];
    const compareWith = typeof extra === 'string' ? [checkpointFileAt(extra)] : [];
    // Held, the lock keeps an appliance from starting mid-check; not to be
    // had, an appliance (or a key command) runs and owns the database.
    const folderLock = lockIfFree(config.dataDir);
    try {
      const appliance = await openAppliance(config, logger, undefined, {
        mustExist: true,
        // The running appliance's backup engine must be the only checkpointer.
        manualCheckpoints: true,
      });
      try {
        const audit = new AuditLog(appliance.store, {
          source: {
            path: dataPaths(config.dataDir).database,
            key: appliance.databaseKey,
          },
          checkpointFile: dataPaths(config.dataDir).auditCheckpoints,
        });
        const report = await audit.verifyAndRecord(
          { ...CLI_ACTOR, workspaceId: null },
          compareWith,
          { record: folderLock !== undefined },
        );
        say(report.summary);
        for (const problem of report.checkpointProblems) say(`  ${problem}`);
        if (!folderLock) {
          say(
            'Not recorded as audit.verified: the appliance is running (the data ' +
              'folder is in use), and this command does not write into its database. ' +
              'Use "Verify now" on the Audit page to have the check recorded.',
          );
        }
        return report.intact && report.checkpointProblems.length === 0 ? 0 : 1;
      } finally {
        appliance.store.close();
      }
    } finally {
      folderLock?.release();
    }
  },
};

/** The data folder's lock, or undefined when a running appliance holds it. */
function lockIfFree(dataDir: string): FolderLock | undefined {
  // No database: `openAppliance` refuses it, and nothing is made here first.
  if (!existsSync(dataPaths(dataDir).database)) return undefined;
  try {
    return lockDataFolder(dataDir, 'audit verify');
  } catch (error) {
    if (isAppError(error) && error.reason === 'data_folder_in_use') return undefined;
    throw error;
  }
}

/**
 * The checkpoint file `given` names: the file itself, or a backup folder's
 * `audit-checkpoint.json`. A path that holds neither is an error, never an
 * empty comparison that would pass.
 */
function checkpointFileAt(given: string): string {
  const path = resolve(given);
  const file =
    existsSync(path) && statSync(path).isDirectory()
      ? join(path, BACKUP_CHECKPOINT_FILE)
      : path;
  if (!existsSync(file)) {
    throw new AppError(
      'INVALID_INPUT',
      `No checkpoint file at ${file}: give a file of checkpoints, or a backup folder holding ${BACKUP_CHECKPOINT_FILE}`,
      { reason: 'checkpoint_file_missing' },
    );
  }
  if (readCheckpoints([file]).checkpoints.length === 0) {
    throw new AppError('INVALID_INPUT', `${file} holds no checkpoints to compare with`, {
      reason: 'checkpoint_file_empty',
    });
  }
  return file;
}

const retention: Command = {
  summary: 'Show or raise how long audit entries are kept',
  details: [
    `Entries are kept at least ${MIN_RETENTION_MONTHS} months; --months sets a longer period`,
    `(up to ${MAX_RETENTION_MONTHS}). The change is itself audited. Entries older than the period`,
    'are removed by the running appliance every few hours (or by `audit prune`),',
    'keeping the rest of the chain verifiable.',
  ],
  options: { months: { type: 'string', help: 'the new retention, in months' } },
  async run(values) {
    const { config, logger } = cliContext(values);
    const months = values['months'];
    if (months !== undefined && (typeof months !== 'string' || !/^\d+$/.test(months))) {
      throw new AppError('INVALID_INPUT', '--months takes a whole number of months');
    }
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      // The running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    try {
      const settings = new AuditRetention(
        appliance.store,
        new AuditLog(appliance.store),
        () => appliance.store.retentionIndex.longestDays('audit_log'),
      );
      if (typeof months === 'string') settings.setMonths(Number(months), CLI_ACTOR);
      const kept = settings.months();
      say(
        `Audit entries are kept for ${kept} months (entries from before ${new Date(settings.cutoff()).toISOString()} may be removed).`,
      );
      return 0;
    } finally {
      appliance.store.close();
    }
  },
};

const prune: Command = {
  summary: 'Remove audit entries older than the retention period now',
  details: [
    'The running appliance does this every few hours. Removes only entries past the',
    'retention period, records where the chain now starts, and writes one',
    'audit.pruned entry saying how many went.',
  ],
  options: {},
  async run(values) {
    const { config, logger } = cliContext(values);
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      // The running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    try {
      const checkpointFile = dataPaths(config.dataDir).auditCheckpoints;
      const audit = new AuditLog(appliance.store, { checkpointFile });
      const result = new AuditRetention(appliance.store, audit, () =>
        appliance.store.retentionIndex.longestDays('audit_log'),
      ).prune(CLI_ACTOR, () => audit.checkpointEvidence());
      const olderThan = new Date(result.cutoff).toISOString();
      if (result.pruned === 0) {
        say(`No audit entries older than ${olderThan}; nothing removed.`);
        return 0;
      }
      const head = audit.checkpoint();
      if (head) appendCheckpoint(checkpointFile, head);
      say(
        `Removed ${result.pruned} audit entries older than ${olderThan}; the chain now starts at #${result.firstSeq}.`,
      );
      return 0;
    } finally {
      appliance.store.close();
    }
  },
};

export const audit: CommandGroup = {
  summary: 'Check, export and keep the audit log',
  subcommands: { verify, export: exportCommand, retention, prune },
};
