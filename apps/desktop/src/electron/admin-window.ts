// Electron glue for the admin window: every decision is in a tested module
// (window-options, navigation, pinning, ipc); this file only connects them.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { CHANNELS, isTrustedSender, type DesktopStatus } from '../ipc.ts';
import { allowsPermission, blocksNavigation, windowOpenVerdict } from '../navigation.ts';
import { acceptsCertificate, electronFingerprint } from '../pinning.ts';
import type { ServerReady } from '../ready-line.ts';
import { adminWindowOptions, withAdminCsp } from '../window-options.ts';
import { createWindowKeeper } from '../window-keeper.ts';

export interface AdminShell {
  show(ready: ServerReady): Promise<void>;
  /** Brings the window forward; opens it again when it was closed. */
  focus(): Promise<void>;
}

export function createAdminShell(
  preloadPath: string,
  answers: { setupCode(): string | null; status(): DesktopStatus },
): AdminShell {
  let origin: string | null = null;
  let caFingerprint: string | null = null;

  app.on('certificate-error', (event, _contents, url, error, certificate, callback) => {
    const pinned = origin && caFingerprint ? { origin, caFingerprint } : null;
    if (pinned && acceptsCertificate({ url, error, certificate }, pinned)) {
      event.preventDefault();
      callback(true);
    } else {
      callback(false);
    }
  });
  session.defaultSession.setPermissionRequestHandler((contents, permission, grant) =>
    grant(origin !== null && allowsPermission(permission, contents.getURL(), origin)),
  );
  session.defaultSession.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) =>
      origin !== null && allowsPermission(permission, requestingOrigin, origin),
  );
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const ours = origin !== null && new URL(details.url).origin === origin;
    callback(ours ? { responseHeaders: withAdminCsp(details.responseHeaders) } : {});
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (attach) => attach.preventDefault());
  });

  const trusted = (event: Electron.IpcMainInvokeEvent) =>
    isTrustedSender(
      {
        webContentsId: event.sender.id,
        frameUrl: event.senderFrame?.url,
        isMainFrame:
          event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      },
      { webContentsId: keeper.current()?.webContents.id ?? null, origin },
    );
  ipcMain.handle(CHANNELS.setupCode, (event) => {
    if (!trusted(event)) throw new Error('Refused: not the admin window');
    return answers.setupCode();
  });
  ipcMain.handle(CHANNELS.status, (event) => {
    if (!trusted(event)) throw new Error('Refused: not the admin window');
    return answers.status();
  });

  function open(onClosed: () => void): BrowserWindow {
    const created = new BrowserWindow(adminWindowOptions(preloadPath));
    const contents = created.webContents;
    const guard = (event: Electron.Event, url: string) => {
      if (origin === null || blocksNavigation(url, origin)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.setWindowOpenHandler(({ url }) => {
      const verdict = windowOpenVerdict(url, origin ?? 'null');
      if (verdict.openExternally) void shell.openExternal(verdict.openExternally);
      return { action: verdict.action };
    });
    created.once('ready-to-show', () => created.show());
    created.on('closed', onClosed);
    return created;
  }
  const keeper = createWindowKeeper(open);

  return {
    async show(ready) {
      origin = new URL(ready.url).origin;
      caFingerprint = electronFingerprint(ready.caFingerprint256);
      await keeper.ensure().window.loadURL(`${origin}/`);
    },
    async focus() {
      // Before the server first answered there is no page to open yet.
      const shownOrigin = origin;
      if (shownOrigin === null) return;
      await keeper.bringForward((window) => window.loadURL(`${shownOrigin}/`));
    },
  };
}
