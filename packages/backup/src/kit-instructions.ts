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
    // TODO(#5): name the exact restore command once the backup engine's restore lands.
    'Run the restore command (`npx flowgento restore --help` shows it) and, ' +
      'when it asks for the backup key, type the key of this kit. Case, spaces ' +
      'and hyphens do not matter; the last group is a checksum that catches a typo.',
    'Start the appliance (`npm start`) and sign in as before. Then print a new ' +
      'kit and destroy this one if the old machine may be in other hands.',
  ];
}
