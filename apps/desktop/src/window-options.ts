// The admin window's options, in one place so a test asserts each of them.
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * What the renderer may do: nothing of Node, nothing outside its sandbox,
 * nothing but its own origin. The preload script is the only bridge, and it
 * runs isolated from the page (contextIsolation) inside the sandbox.
 */
export function adminWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'Flowgento Appliance',
    // Shown once the page has painted, so no white flash and no half-loaded UI.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: true,
    },
  };
}

/**
 * The policy the shell adds to every response shown in the admin window. The
 * server sends the same one; a browser enforces both, so a server that ever
 * sent a weaker one would still be held to this.
 */
export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

/** Response headers with the shell's CSP added (header names as Electron gives them). */
export function withAdminCsp(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = { ...headers };
  const name =
    Object.keys(result).find((key) => key.toLowerCase() === 'content-security-policy') ??
    'Content-Security-Policy';
  result[name] = [...(result[name] ?? []), ADMIN_CSP];
  return result;
}
