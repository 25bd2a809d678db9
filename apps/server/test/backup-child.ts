// An appliance with continuous backup, to be killed mid-upload: starts the
// data folder argv[2] (key file argv[3]) with the backup key argv[4] (hex)
// and says "uploading" once the first snapshot's bytes start to go out.
// Started by backup-kill.test.ts.
import { silentLogger } from '@flowgento/core';
import { DEFAULT_BACKUP_SCHEDULE } from '@flowgento/backup';
import { loadConfig } from '../src/config.ts';
import { startAppliance } from '../src/server.ts';

const [dataDir, keyFile, backupKeyHex] = process.argv.slice(2) as [
  string,
  string,
  string,
];
const config = loadConfig({
  env: {
    FLOWGENTO_DATA_DIR: dataDir,
    FLOWGENTO_KEY_FILE: keyFile,
    FLOWGENTO_PORT: '0',
    FLOWGENTO_HTTP_PORT: 'off',
    FLOWGENTO_HOST: '127.0.0.1',
    FLOWGENTO_SIMULATOR: 'off',
  },
});
let told = false;
await startAppliance(config, {
  logger: silentLogger(),
  backup: {
    key: Buffer.from(backupKeyHex, 'hex'),
    schedule: DEFAULT_BACKUP_SCHEDULE,
    onSnapshotProgress: () => {
      if (told) return;
      told = true;
      process.stdout.write('uploading\n');
    },
  },
});
// The parent kills this process; if it is too slow, wait for it here.
setTimeout(() => undefined, 60_000);
