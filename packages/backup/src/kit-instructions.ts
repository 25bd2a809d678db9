import type { KitFacts } from './recovery-kit.ts';

/**
 * Plain steps for a restore on a new machine, in the order a person takes
 * them. The key mode decides the second step: a key file is in the kit, a
 * passphrase never is.
 */
export function restoreSteps(
  facts: Pick<KitFacts, 'installationId' | 'keyMode'>,
): string[] {
  const keyStep =
    facts.keyMode === 'file'
      ? 'Recreate the database key file: type the 64 characters of the ' +
        '"Database root key" section, without the spaces, on one line into ' +
        `~/.config/flowgento/keys/${facts.installationId}.key (or the path you ` +
        'give with --key-file), then make it readable by you alone: chmod 600.'
      : 'Have the database passphrase ready: this appliance encrypts its ' +
        'database with a passphrase, which is NOT in this kit. Without it the ' +
        'restored database cannot be opened. Set FLOWGENTO_DB_PASSPHRASE to it.';
  return [
    'Install the Flowgento Appliance (this version or newer) on the new machine; ' +
      'do not start it yet.',
    keyStep,
    'Give the new machine access to the backup tier listed in this kit. The ' +
      "providers' access keys are not in the kit: take them from where you keep " +
      'them (for the built-in local disk, copy the backup folder over).',
    'Restore, choosing the time (UTC) to go back to; the data folder must be new ' +
      'or empty: `npx flowgento restore --to 2026-01-31T14:05:00Z ' +
      `--data-dir <new data folder> --installation-id ${facts.installationId} ` +
      '--kit-key "<the BACKUP KEY above>" --source <where the backups are>`' +
      (facts.keyMode === 'file'
        ? ' (add --key-file <path> if the key file of step 2 is elsewhere)'
        : '') +
      '. The source is the copied backup folder, or `s3` followed by the flags ' +
      '`--preset s3 --endpoint <endpoint> --region <region> --bucket <bucket> ' +
      '--access-key-id <id>` (r2: `--preset r2 --account-id <id>`) with the secret ' +
      'key in FLOWGENTO_S3_SECRET_ACCESS_KEY or a file given with ' +
      '--secret-access-key-file, never typed on the command line. Case, spaces ' +
      'and hyphens in the key do not matter; the last group is a checksum that ' +
      'catches a typo before anything is written.',
    'Start the appliance on the restored folder (`npm start` with ' +
      'FLOWGENTO_DATA_DIR set to it, and the same key file or passphrase) and ' +
      'sign in as before. Then print a new kit and destroy this one if the old ' +
      'machine may be in other hands.',
  ];
}
