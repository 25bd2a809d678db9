// The Electron shell: a thin main process. It decides how the root key is
// kept (keychain or passphrase), runs the appliance server as a supervised
// child on a Node runtime (SQLite never runs here), opens the admin UI on
// the server's HTTPS origin with its CA pinned, and keeps a tray icon.
// Every decision lives in a module tested under Node; this file wires them.
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { app, dialog, Menu, nativeImage, safeStorage, Tray } from 'electron';
import {
  desktopPaths,
  openServerLog,
  recordedNetwork,
  runtimePaths,
  writeNetworkSettings,
} from './desktop-files.ts';
import { createAdminShell } from './electron/admin-window.ts';
import { runWizard } from './electron/wizard-window.ts';
import type { DesktopStatus } from './ipc.ts';
import { keychainBackend } from './keychain.ts';
import {
  createKeychainRecord,
  decideKeyStorage,
  readKeyStorageRecord,
  unwrapRecord,
  wrapInKeychain,
  writeKeyStorageRecord,
} from './key-storage.ts';
import {
  addressChoices,
  agentUrl,
  DEFAULT_PORT,
  networkStepReason,
  serverEnvironment,
  type NetworkSettings,
} from './network-choice.ts';
import { loginItemFor } from './login-item.ts';
import { existingAppliance } from './passphrase.ts';
import { parseRootKeyText, unlockProblemFor } from './recovery.ts';
import type { WizardFacts } from './wizard-protocol.ts';
import { parseStatusLine, type ServerStatus } from './ready-line.ts';
import { launchServer } from './server-process.ts';
import { createSupervisor, type SupervisorState } from './supervisor.ts';
import { failureMessage, trayModel, type TrayAction } from './tray.ts';

// One folder name on every platform and in development, whatever name the
// packaged package.json carries (the README names these folders).
app.setPath('userData', join(app.getPath('appData'), 'Flowgento Appliance'));
const paths = desktopPaths(app.getPath('userData'));
const runtime = runtimePaths({
  packaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  appPath: app.getAppPath(),
  platform: process.platform,
  env: process.env,
});
const here = join(app.getAppPath(), 'apps', 'desktop');

/** The key line for the server, kept only in this process's memory. */
async function unlock(): Promise<{ keyLine: string } | null> {
  const backend = keychainBackend(process.platform, safeStorage);
  const decision = decideKeyStorage(
    readKeyStorageRecord(paths.keyStorage),
    backend,
    existingAppliance(paths.dataDir),
  );
  const addresses = addressChoices(networkInterfaces());
  const wizard = (mode: WizardFacts['mode'], offer: ('keychain' | 'passphrase')[]) =>
    runWizard({
      pagePath: join(here, 'wizard', 'index.html'),
      preloadPath: join(here, 'dist', 'wizard-preload.cjs'),
      facts: {
        mode,
        offer,
        whyNoKeychain:
          decision.kind === 'choose' ? (decision.whyNoKeychain ?? null) : null,
        addresses,
        defaultPort: DEFAULT_PORT,
      },
      unlockProblem: unlockProblemFor(
        mode === 'recover' ? 'recover' : 'unlock',
        paths.dataDir,
      ),
    });

  switch (decision.kind) {
    case 'refuse':
      dialog.showErrorBox('Flowgento Appliance cannot start', decision.message);
      return null;
    case 'unwrap-with-keychain': {
      const rootKey = unwrapRecord(safeStorage, decision.record);
      return { keyLine: JSON.stringify({ rootKey: rootKey.toString('hex') }) };
    }
    case 'ask-passphrase': {
      const result = await wizard('unlock', ['passphrase']);
      return result.kind === 'unlock'
        ? { keyLine: JSON.stringify({ passphrase: result.passphrase }) }
        : null;
    }
    case 'recover': {
      // Never a new key here: the data folder already has one.
      if (decision.method === 'passphrase') {
        const result = await wizard('unlock', ['passphrase']);
        if (result.kind !== 'unlock') return null;
        writeKeyStorageRecord(paths.keyStorage, {
          format: 1,
          method: 'passphrase',
          backend: backend.name,
        });
        return { keyLine: JSON.stringify({ passphrase: result.passphrase }) };
      }
      const result = await wizard('recover', ['keychain']);
      const typed = result.kind === 'unlock' ? parseRootKeyText(result.passphrase) : null;
      if (!typed) return null;
      const { rootKey, record } = wrapInKeychain(safeStorage, backend, typed);
      writeKeyStorageRecord(paths.keyStorage, record);
      return { keyLine: JSON.stringify({ rootKey: rootKey.toString('hex') }) };
    }
    case 'choose': {
      const result = await wizard('first-run', decision.offer);
      if (result.kind !== 'first-run') return null;
      writeNetworkSettings(paths.settings, result.choice.network);
      if (result.choice.method === 'keychain') {
        const { rootKey, record } = createKeychainRecord(safeStorage, backend);
        writeKeyStorageRecord(paths.keyStorage, record);
        return { keyLine: JSON.stringify({ rootKey: rootKey.toString('hex') }) };
      }
      writeKeyStorageRecord(paths.keyStorage, {
        format: 1,
        method: 'passphrase',
        backend: backend.name,
      });
      return { keyLine: JSON.stringify({ passphrase: result.choice.passphrase }) };
    }
  }
}

async function main(): Promise<void> {
  await app.whenReady();
  let key: { keyLine: string } | null;
  try {
    key = await unlock();
  } catch (error) {
    // A keychain that refuses, a damaged key-storage.json: said, never guessed around.
    dialog.showErrorBox('Flowgento Appliance cannot start', (error as Error).message);
    key = null;
  }
  if (!key) return app.quit();
  // desktop.json removed (the README's way to change it) or an address
  // this computer lost: the network step comes back before the start.
  // A hand-broken desktop.json brings the step back too, saying so.
  const { settings: recorded, damaged } = recordedNetwork(paths.settings);
  const reason =
    damaged ?? networkStepReason(recorded, addressChoices(networkInterfaces()), null);
  const chosen = reason ? await askNetwork(reason) : recorded;
  if (!chosen) return app.quit();
  let network: NetworkSettings = chosen;

  const serverLog = openServerLog(paths.serverLog);
  let lastStatus: ServerStatus | null = null;
  let setupCode: () => string | null = () => null;
  let paused = false;
  let hasRun = false;
  const supervisor = createSupervisor({
    start: () => {
      const proc = launchServer({
        ...runtime,
        dataDir: paths.dataDir,
        keyLine: () => key.keyLine,
        env: serverEnvironment(network),
        onLine: (line) => {
          serverLog.write(`${line}\n`);
          lastStatus = parseStatusLine(line) ?? lastStatus;
        },
      });
      setupCode = () => proc.setupCode();
      return proc;
    },
    onState: (state) => {
      refreshTray();
      if (state.phase === 'running') hasRun = true;
      // A first start that fails is reported where it is awaited, below.
      if (state.phase === 'failed' && hasRun) {
        dialog.showErrorBox(
          'The appliance stopped',
          failureMessage(state, paths.serverLog),
        );
      }
    },
  });

  const status = (): DesktopStatus => {
    const state = supervisor.state();
    const url = agentUrl(network);
    return {
      state: paused ? 'paused' : toStatusState(state),
      agentsOnline: lastStatus?.agentsOnline ?? null,
      lastBackupAt: lastStatus?.lastBackupAt ?? null,
      agentUrls: url ? [url] : [],
      caFingerprint256: state.phase === 'running' ? state.ready.caFingerprint256 : null,
    };
  };
  const admin = createAdminShell(join(here, 'dist', 'preload.cjs'), {
    setupCode: () => setupCode(),
    status,
  });

  const loginItem = loginItemFor({
    platform: process.platform,
    electronApp: app,
    env: process.env,
    home: homedir(),
    execPath: process.execPath,
  });
  const tray = new Tray(nativeImage.createFromPath(join(here, 'resources', 'tray.png')));
  const perform = async (action: TrayAction) => {
    if (action === 'open') await admin.focus();
    if (action === 'pause') {
      paused = true;
      await supervisor.stop();
    }
    if (action === 'resume') {
      paused = false;
      try {
        await admin.show(await supervisor.start());
      } catch (error) {
        dialog.showErrorBox('The appliance did not start', (error as Error).message);
      }
    }
    if (action === 'toggle-login') loginItem.setStartsAtLogin(!loginItem.startsAtLogin());
    if (action === 'quit') app.quit();
    refreshTray();
  };
  function refreshTray(): void {
    const model = trayModel(supervisor.state(), lastStatus, {
      paused,
      startsAtLogin: loginItem.startsAtLogin(),
      now: Date.now(),
    });
    tray.setToolTip(model.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate(
        model.items.map((item) => ({
          label: item.label,
          enabled: item.enabled,
          ...(item.checked === undefined
            ? {}
            : { type: 'checkbox', checked: item.checked }),
          click: item.action ? () => void perform(item.action!) : undefined,
        })),
      ),
    );
  }
  setInterval(refreshTray, 15_000).unref();

  // Quit waits for the server's clean stop, so no write is cut short.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void supervisor.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => undefined); // the tray keeps the app
  app.on('second-instance', () => void admin.focus());

  // A port taken or refused asks for another one and tries again.
  for (;;) {
    try {
      await admin.show(await supervisor.start());
      return;
    } catch (error) {
      const message = (error as Error).message;
      const choices = addressChoices(networkInterfaces());
      const again = networkStepReason(network, choices, message);
      const changed = again ? await askNetwork(again) : null;
      if (!changed) {
        if (!again) dialog.showErrorBox('The appliance did not start', message);
        app.quit();
        return;
      }
      network = changed;
    }
  }
}

/** Only the wizard's network step; the new choice is recorded, or null if closed. */
async function askNetwork(reason: string): Promise<NetworkSettings | null> {
  const result = await runWizard({
    pagePath: join(here, 'wizard', 'index.html'),
    preloadPath: join(here, 'dist', 'wizard-preload.cjs'),
    facts: {
      mode: 'network',
      offer: [],
      whyNoKeychain: null,
      networkProblem: reason,
      addresses: addressChoices(networkInterfaces()),
      defaultPort: DEFAULT_PORT,
    },
    unlockProblem: () => Promise.resolve('Nothing to unlock here.'),
  });
  if (result.kind !== 'network') return null;
  writeNetworkSettings(paths.settings, result.network);
  return result.network;
}

function toStatusState(state: SupervisorState): DesktopStatus['state'] {
  if (
    state.phase === 'running' ||
    state.phase === 'restarting' ||
    state.phase === 'failed'
  ) {
    return state.phase;
  }
  return 'starting';
}

// One instance owns the data folder; a second launch focuses the first.
// Whatever escapes main() is said and ends the app, so it is never left
// running invisibly, holding the single-instance lock.
if (!app.requestSingleInstanceLock()) app.quit();
else
  main().catch((error: unknown) => {
    dialog.showErrorBox('Flowgento Appliance cannot start', (error as Error).message);
    app.exit(1);
  });
