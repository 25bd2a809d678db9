// The one bridge between the admin page and the shell: a typed channel map
// (the preload script exposes exactly these) and the check every message
// passes in the main process. No Node imports: the sandboxed preload uses it.

/** What the page may ask the shell; nothing else crosses. */
export interface DesktopApi {
  /** The one-time setup code while nobody owns the appliance, so the admin need not type it. */
  setupCode(): Promise<string | null>;
  /** What the tray shows. */
  status(): Promise<DesktopStatus>;
}

export interface DesktopStatus {
  state: 'starting' | 'running' | 'restarting' | 'paused' | 'failed';
  agentsOnline: number | null;
  lastBackupAt: number | null;
  /** Where agents on the LAN open the appliance. */
  agentUrls: string[];
  caFingerprint256: string | null;
}

export const CHANNELS: { [K in keyof DesktopApi]: `flowgento:${string}` } = {
  setupCode: 'flowgento:setup-code',
  status: 'flowgento:status',
};

/** Who sent a message, as the main process sees it (`IpcMainInvokeEvent`). */
export interface IpcSender {
  webContentsId: number;
  /** The URL of the frame that sent it; undefined once that frame is gone. */
  frameUrl: string | undefined;
  isMainFrame: boolean;
}

/**
 * A message is answered only when it comes from the admin window's own
 * contents, from its top frame, while that frame shows the appliance's
 * origin. A page that navigated elsewhere, a subframe, or any other
 * webContents gets nothing.
 */
export function isTrustedSender(
  sender: IpcSender,
  expected: { webContentsId: number | null; origin: string | null },
): boolean {
  if (expected.webContentsId === null || expected.origin === null) return false;
  if (sender.webContentsId !== expected.webContentsId || !sender.isMainFrame)
    return false;
  if (!sender.frameUrl) return false;
  try {
    return new URL(sender.frameUrl).origin === expected.origin;
  } catch {
    return false;
  }
}

/**
 * The same check for a local page (the first-run wizard): a file: URL has
 * the opaque origin "null", so the exact page URL is compared instead.
 */
export function isTrustedPageSender(
  sender: IpcSender,
  expected: { webContentsId: number; pageUrl: string },
): boolean {
  return (
    sender.webContentsId === expected.webContentsId &&
    sender.isMainFrame &&
    sender.frameUrl === expected.pageUrl
  );
}
