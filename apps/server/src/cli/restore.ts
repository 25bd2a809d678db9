import { resolve } from 'node:path';
import { readManifest, restoreBackup } from '@flowgento/backup';
import {
  defaultKeyFilePath,
  deriveSubkey,
  resolveRootKey,
  type KeySetup,
} from '@flowgento/crypto';
import { writeApplianceState } from '../appliance-state.ts';
import type { Command } from './commands.ts';
import { cliContext, requireText } from './context.ts';
import { say } from './output.ts';

export const restore: Command = {
  summary: 'Restore a backup into a new data folder and verify it',
  details: [
    'Checks the checksum, opens the snapshot with the key, runs integrity_check and',
    'compares every row count with the backup manifest before moving it into place.',
    'The target data folder must not hold a database. The key file of the original',
    'installation (or its passphrase in FLOWGENTO_DB_PASSPHRASE) is needed.',
  ],
  options: { from: { type: 'string', help: 'the backup folder (holds manifest.json)' } },
  async run(values) {
    const { config } = cliContext(values);
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
    say(`Restored into ${config.dataDir}`);
    say('  integrity_check: ok');
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
