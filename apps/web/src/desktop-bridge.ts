import { useEffect, useState } from 'react';

/**
 * The desktop app's preload API (`window.flowgentoDesktop`, declared in
 * apps/desktop/src/ipc.ts): present only in the admin window of the desktop
 * app, absent in any browser. Only the part the web UI uses is named here.
 */
interface DesktopBridge {
  setupCode(): Promise<string | null>;
}

function desktopBridge(): DesktopBridge | null {
  return (window as { flowgentoDesktop?: DesktopBridge }).flowgentoDesktop ?? null;
}

/** The one-time setup code when the desktop app holds it, so the OWNER need not type it. */
export function useDesktopSetupCode(): string | null {
  const [code, setCode] = useState<string | null>(null);
  useEffect(() => {
    const bridge = desktopBridge();
    if (!bridge) return;
    bridge.setupCode().then(setCode, () => setCode(null));
  }, []);
  return code;
}
