// A key command to be killed mid-way: runs a rekey of the data folder given
// as argv[2] with the key file argv[3], telling its parent when the database
// starts being re-encrypted. Started by keys-rekey-kill.test.ts.
import { silentLogger } from '@flowgento/core';
import { lockDataFolder } from '@flowgento/store';
import { openAppliance } from '../src/appliance.ts';
import { dataPaths } from '../src/appliance-state.ts';
import { loadConfig } from '../src/config.ts';
import { beginRekey, stageRekey, switchDatabaseKey } from '../src/keys/rekey.ts';
import { subkeysOf } from '../src/keys/subkeys.ts';

const [dataDir, keyFilePath] = process.argv.slice(2) as [string, string];
const config = loadConfig({
  env: { FLOWGENTO_DATA_DIR: dataDir, FLOWGENTO_KEY_FILE: keyFilePath },
});
const folderLock = lockDataFolder(dataDir, 'rekey child');
const appliance = await openAppliance(config, silentLogger(), undefined, { folderLock });
const place = { dataDir, keyFilePath };
const begun = await beginRekey(place, appliance.state, undefined);
const to = subkeysOf(begun.newRootKey, appliance.state.installationId);
stageRekey(appliance.store, dataDir, appliance, to);
process.stdout.write('switching\n');
switchDatabaseKey(appliance.store.db, dataPaths(dataDir).database, to.databaseKey);
process.stdout.write('switched\n');
// The parent kills this process; if it is too slow, wait for it here.
setTimeout(() => undefined, 60_000);
