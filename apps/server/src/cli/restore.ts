import { resolve } from 'node:path';
import type { Command } from './commands.ts';
import { cliContext, requireText } from './context.ts';
import { restoreFromFolder } from './restore-folder.ts';
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
    'installation (or its passphrase in FLOWGENTO_DB_PASSPHRASE) is needed. The',
    "folder carries no contact vault (contacts' keys and the erasure ledger): the",
    'newest comes from the backup tier, --source (as above) or else the one the',
    "backup's settings name; a data folder that still has its vault keeps it. A",
    'backup with sealed texts and no vault to be had is refused, changing nothing.',
    'Erasures in the ledger are re-applied before the database is moved in.',
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
      help: 'with --to on a new machine, or --from: a copy of the backup tier folder, or s3',
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
    return restoreFromFolder({
      config,
      logger,
      fromDir: resolve(requireText(values, 'from')),
      values,
    });
  },
};

const text = (value: string | boolean | undefined) =>
  typeof value === 'string' ? value : undefined;
