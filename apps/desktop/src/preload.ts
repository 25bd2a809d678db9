// The admin window's preload: runs sandboxed and isolated from the page, and
// exposes exactly DesktopApi. The main process checks who sent each call.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type DesktopApi, type DesktopStatus } from './ipc.ts';

const api: DesktopApi = {
  setupCode: () => ipcRenderer.invoke(CHANNELS.setupCode) as Promise<string | null>,
  status: () => ipcRenderer.invoke(CHANNELS.status) as Promise<DesktopStatus>,
};

contextBridge.exposeInMainWorld('flowgentoDesktop', api);
