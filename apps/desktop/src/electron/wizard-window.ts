// Electron glue for the local first-run and unlock page. The checks live in
// wizard-protocol.ts and passphrase.ts; this file only carries messages.
import { pathToFileURL } from 'node:url';
import { BrowserWindow, ipcMain } from 'electron';
import { isTrustedPageSender } from '../ipc.ts';
import { adminWindowOptions } from '../window-options.ts';
import type { NetworkSettings } from '../network-choice.ts';
import {
  checkFirstRunAnswer,
  checkNetworkAnswer,
  WIZARD_CHANNELS,
  type FirstRunChoice,
  type WizardAnswer,
  type WizardFacts,
} from '../wizard-protocol.ts';

export type WizardResult =
  | { kind: 'first-run'; choice: FirstRunChoice }
  | { kind: 'unlock'; passphrase: string }
  | { kind: 'network'; network: NetworkSettings }
  | { kind: 'closed' };

/**
 * Shows the wizard page and resolves with the admin's checked answer. In
 * unlock and recover modes, `unlockProblem` says why a passphrase (or typed
 * root key) does not open the data folder; it is answered on the page and
 * asked again.
 */
export function runWizard(options: {
  pagePath: string;
  preloadPath: string;
  facts: WizardFacts;
  unlockProblem(secret: string): Promise<string | null>;
}): Promise<WizardResult> {
  const pageUrl = pathToFileURL(options.pagePath).href;
  const window = new BrowserWindow({
    ...adminWindowOptions(options.preloadPath),
    width: 640,
    height: 720,
    minWidth: 480,
    minHeight: 560,
    title: 'Set up Flowgento Appliance',
  });
  const contents = window.webContents;
  // The page has no links; it never navigates anywhere.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());

  const trusted = (event: Electron.IpcMainInvokeEvent) =>
    isTrustedPageSender(
      {
        webContentsId: event.sender.id,
        frameUrl: event.senderFrame?.url,
        isMainFrame: event.senderFrame === event.sender.mainFrame,
      },
      { webContentsId: contents.id, pageUrl },
    );

  return new Promise((resolve) => {
    let done = false;
    const finish = (result: WizardResult) => {
      if (done) return;
      done = true;
      ipcMain.removeHandler(WIZARD_CHANNELS.facts);
      ipcMain.removeHandler(WIZARD_CHANNELS.submit);
      if (!window.isDestroyed()) window.close();
      resolve(result);
    };
    ipcMain.handle(WIZARD_CHANNELS.facts, (event) => {
      if (!trusted(event)) throw new Error('Refused: not the wizard');
      return options.facts;
    });
    ipcMain.handle(WIZARD_CHANNELS.submit, async (event, answer: WizardAnswer) => {
      if (!trusted(event)) throw new Error('Refused: not the wizard');
      if (answer.kind === 'unlock') {
        const problem = await options.unlockProblem(answer.passphrase);
        if (problem) return { problem };
        finish({ kind: 'unlock', passphrase: answer.passphrase });
        return { problem: null };
      }
      if (answer.kind === 'network') {
        const network = checkNetworkAnswer(answer, options.facts);
        if ('problem' in network) return { problem: network.problem };
        finish({ kind: 'network', network: network.network });
        return { problem: null };
      }
      const checked = checkFirstRunAnswer(answer, options.facts);
      if ('problem' in checked) return { problem: checked.problem };
      finish({ kind: 'first-run', choice: checked.choice });
      return { problem: null };
    });
    window.on('closed', () => finish({ kind: 'closed' }));
    void window.loadURL(pageUrl);
  });
}
