import { join, resolve } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import { readManifest, restoreBackup } from '@flowgento/backup';
import {
  defaultKeyFilePath,
  deriveSubkey,
  resolveRootKey,
  type KeySetup,
} from '@flowgento/crypto';
import {
  BACKUP_CHECKPOINT_FILE,
  appendCheckpoint,
  checkpointLines,
  readCheckpoints,
} from '@flowgento/store';
import { openAppliance } from '../appliance.ts';
import { dataPaths, writeApplianceState } from '../appliance-state.ts';
import type { Command } from './commands.ts';
import { CLI_ACTOR, cliContext, requireText } from './context.ts';
import { say } from './output.ts';
import { restoreToTimeCommand } from './restore-to-time.ts';
import { S3_FLAGS, SECRET_ENV } from './storage.ts';

export const restore: Command = {
  summary: 'Restore a backup folder, or the database as it was at a time',
  details: [
    'With --to <ISO time>: rebuilds the database as it was at that instant from the',
    'backup tier (snapshot plus shipped changes) into a new folder, verifies it',
    '(integrity_check, hash chain of segments, audit chain, row counts) and, with',
    '--swap and the appliance stopped, puts it in place of the live database. A time',
    'outside the backup window fails and names the valid range. The backup key comes',
    'from --kit-key (as typed from the recovery kit; or $FLOWGENTO_KIT_KEY, which',
    'keeps it out of the shell history), --backup-key-file, or else the',
    "appliance's own backup key.",
    '',
    'On a new machine (--data-dir holds no appliance): give --kit-key, the',
    "kit's --installation-id and --source: a copy of the old backup-objects folder,",
    'or s3 with --preset, --endpoint, --region (or --account-id), --bucket and',
    `--access-key-id, the secret key in $${SECRET_ENV} or in the`,
    'file given with --secret-access-key-file (never as a flag value).',
    "The database key comes from the kit's root key written to --key-file (chmod",
    '600), or from FLOWGENTO_DB_PASSPHRASE. The restored database and appliance.json',
    'land in the empty --data-dir only once verified; start the appliance from it.',
    '',
    'With --from <folder>: restores a backup folder into an empty data folder.',
    'Checks the checksum, opens the snapshot with the key, runs integrity_check and',
    'compares every row count with the backup manifest before moving it into place.',
    'The target data folder must not hold a database. The key file of the original',
    'installation (or its passphrase in FLOWGENTO_DB_PASSPHRASE) is needed.',
  ],
  options: {
    from: { type: 'string', help: 'the backup folder (holds manifest.json)' },
    to: {
      type: 'string',
      help: 'restore from the backup tier as it was at this ISO time',
    },
    into: {
      type: 'string',
      help: 'with --to: the new folder (default <data-dir>/restore-<now>)',
    },
    swap: {
      type: 'boolean',
      help: 'with --to: swap the restored database in (appliance stopped)',
    },
    'kit-key': {
      type: 'string',
      help: "with --to: the recovery kit's BACKUP KEY, as typed",
    },
    'backup-key-file': {
      type: 'string',
      help: 'with --to: the backup key (64 hex characters)',
    },
    'installation-id': {
      type: 'string',
      help: "with --to on a new machine: the kit's Installation",
    },
    source: {
      type: 'string',
      help: 'with --to on a new machine: a copy of the backup folder, or s3',
    },
    ...S3_FLAGS,
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    if (typeof values['to'] === 'string') {
      return restoreToTimeCommand({
        config,
        logger,
        to: values['to'],
        into: typeof values['into'] === 'string' ? values['into'] : undefined,
        swap: values['swap'] === true,
        keyFlags: {
          // The environment keeps the key out of the shell's history.
          kitKey: text(values['kit-key']) ?? text(process.env['FLOWGENTO_KIT_KEY']),
          backupKeyFile: text(values['backup-key-file']),
        },
        values,
      });
    }
    const fromDir = resolve(requireText(values, 'from'));
    const manifest = readManifest(fromDir);
    const keySetup = manifest.keySetup as KeySetup;
    const keyFilePath = config.keyFile ?? defaultKeyFilePath(manifest.installationId);
    const { rootKey } = await resolveRootKey({
      existing: keySetup,
      keyFilePath,
      passphrase: process.env['FLOWGENTO_DB_PASSPHRASE'],
    });

    const report = await restoreBackup({
      fromDir,
      dataDir: config.dataDir,
      dbKey: deriveSubkey(rootKey, 'database', manifest.installationId),
      onProgress: (step, done, total) => say(`  [${done}/${total}] ${step}`),
    });
    writeApplianceState(config.dataDir, {
      format: 1,
      installationId: manifest.installationId,
      createdAt: manifest.createdAt,
      keySetup,
    });
    // The restored log carries on from the backup's checkpoint, and says
    // that it was restored: from which backup, by whom, when.
    const { checkpoints, unreadable } = readCheckpoints([
      join(fromDir, BACKUP_CHECKPOINT_FILE),
    ]);
    // Never skipped in silence: a mangled checkpoint is a sign of tampering.
    for (const place of unreadable)
      say(`  Not a checkpoint (damaged or edited): ${place}`);
    const checkpointPath = dataPaths(config.dataDir).auditCheckpoints;
    for (const checkpoint of checkpoints) appendCheckpoint(checkpointPath, checkpoint);
    const appliance = await openAppliance(config, logger, undefined, { mustExist: true });
    let chain: string;
    try {
      const audit = new AuditLog(appliance.store);
      chain = audit.verify(checkpoints).summary;
      appliance.store.transaction(() =>
        audit.record({
          workspaceId: null,
          ...CLI_ACTOR,
          action: 'backup.restored',
          details: {
            backupCreatedAt: manifest.createdAt,
            sha256: manifest.sha256,
            auditHeadSeq: checkpoints[0]?.headSeq ?? null,
            // This folder's checkpoint file starts here.
            checkpointLines: checkpointLines(checkpointPath),
          },
        }),
      );
      const head = audit.checkpoint();
      if (head) appendCheckpoint(checkpointPath, head);
    } finally {
      appliance.store.close();
    }
    say(`Restored into ${config.dataDir}`);
    say('  integrity_check: ok');
    say(`  ${chain}`);
    if (report.manifest.files.length > 0) {
      say(`  restored: ${report.manifest.files.map((f) => f.name).join(', ')}`);
    }
    say(
      `  rows: ${Object.entries(report.rowCounts)
        .map(([t, n]) => `${t}=${n}`)
        .join(', ')}`,
    );
    return 0;
  },
};

const text = (value: string | boolean | undefined) =>
  typeof value === 'string' ? value : undefined;
