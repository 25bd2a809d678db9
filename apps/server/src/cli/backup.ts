import { resolve } from 'node:path';
import { createBackup } from '@flowgento/backup';
import { AuditLog } from '@flowgento/audit';
import { appendCheckpoint } from '@flowgento/store';
import { openAppliance } from '../appliance.ts';
import { dataPaths } from '../appliance-state.ts';
import type { Command } from './commands.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { say } from './output.ts';
import { kit, schedule } from './backup-admin.ts';

export const backup: Command = {
  summary: 'Write an encrypted snapshot of the database to a folder',
  details: [
    'The snapshot stays encrypted with the database key: keep the key file (or the',
    'passphrase) safe and separate from the backups. Safe while the appliance runs.',
  ],
  options: { to: { type: 'string', help: 'folder to write into (default ./backups)' } },
  subcommands: { kit, schedule },
  async run(values) {
    const { config, logger } = cliContext(values);
    const toDir = resolve(typeof values['to'] === 'string' ? values['to'] : './backups');
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      // The running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    try {
      const { dir, manifest, auditHead } = await createBackup({
        db: appliance.store.db,
        dbKey: appliance.databaseKey,
        toDir,
        installationId: appliance.state.installationId,
        keySetup: appliance.state.keySetup,
        dataDir: config.dataDir,
        dataFiles: [
          'flowgento.config.json',
          'tls/ca.crt',
          'tls/ca.key.enc',
          'tls/server.crt',
          'tls/server.key.enc',
        ],
        onProgress: (step, done, total) => say(`  [${done}/${total}] ${step}`),
      });
      // The snapshot's head goes beside the backup and into the data folder's
      // own checkpoints: the live chain must still reach it later.
      if (auditHead)
        appendCheckpoint(dataPaths(config.dataDir).auditCheckpoints, auditHead);
      const audit = new AuditLog(appliance.store);
      appliance.store.transaction(() =>
        audit.record({
          workspaceId: null,
          ...CLI_ACTOR,
          action: 'backup.created',
          details: {
            bytes: manifest.bytes,
            sha256: manifest.sha256,
            auditHeadSeq: auditHead?.headSeq ?? null,
          },
        }),
      );
      // And where the live chain reaches now, its backup.created entry included.
      const head = audit.checkpoint();
      if (head) appendCheckpoint(dataPaths(config.dataDir).auditCheckpoints, head);
      say(`Backup written to ${dir}`);
      say(
        `  also kept: ${manifest.files.map((f) => f.name).join(', ') || 'no configuration files'}`,
      );
      say(`  ${manifest.bytes} bytes, sha256 ${manifest.sha256}`);
      say(
        `  rows: ${Object.entries(manifest.rowCounts)
          .map(([t, n]) => `${t}=${n}`)
          .join(', ')}`,
      );
      return 0;
    } finally {
      appliance.store.close();
    }
  },
};
