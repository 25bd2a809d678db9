// The Electron shell: a thin main process. It runs the appliance server as a
// separate Node process (SQLite never runs here), waits for it to listen,
// and opens the admin UI on its HTTPS origin with the CA pinned.
// TODO(#7): supervision with restart and backoff, keychain-held keys, tray, first-run wizard.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { app, BrowserWindow, session, shell } from 'electron';
import { isApplianceUrl, isExternalWebUrl } from './navigation.ts';
import { electronFingerprint, verifyCertificate } from './pinning.ts';
import { parseReadyLine, type ServerReady } from './ready-line.ts';

const serverEntry = join(__dirname, '..', '..', 'server', 'bin', 'flowgento.mjs');

function startServer(): Promise<ServerReady> {
  const child = spawn(process.env['FLOWGENTO_NODE'] ?? 'node', [serverEntry, 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  app.on('before-quit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`The appliance server exited (${code})`)),
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ready = parseReadyLine(line);
      if (ready) resolve(ready);
    });
  });
}

async function openAdminWindow(ready: ServerReady): Promise<void> {
  const origin = new URL(ready.url).origin;
  const pin = {
    hostname: new URL(ready.url).hostname,
    caFingerprint: electronFingerprint(ready.caFingerprint256),
  };
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    callback(
      verifyCertificate(
        {
          hostname: request.hostname,
          issuerFingerprint: request.certificate.issuerCert?.fingerprint,
          chromiumVerdict: request.errorCode,
        },
        pin,
      ),
    );
  });

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isApplianceUrl(url, origin)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url) && !isApplianceUrl(url, origin))
      void shell.openExternal(url);
    return { action: 'deny' };
  });
  await window.loadURL(origin);
}

app
  .whenReady()
  .then(startServer)
  .then(openAdminWindow)
  .catch(() => app.quit());
