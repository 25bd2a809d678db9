// Electron glue for the local first-run and unlock page. The decisions live
// in wizard-answers.ts (what each answer does) and navigation.ts (where the
// page may go); this file only carries messages.
import { pathToFileURL } from 'node:url';
import { BrowserWindow, ipcMain } from 'electron';
import { isTrustedPageSender } from '../ipc.ts';
import { wizardBlocksNavigation, wizardWindowOpenVerdict } from '../navigation.ts';
import { adminWindowOptions } from '../window-options.ts';
import { wizardAnswers, type WizardResult } from '../wizard-answers.ts';
import {
  WIZARD_CHANNELS,
  type WizardAnswer,
  type WizardFacts,
} from '../wizard-protocol.ts';

export type { WizardResult };

/**
 * Shows the wizard page and resolves with the admin's checked answer. In
 * unlock and recover modes, `unlockProblem` says why a passphrase (or typed
 * root key) does not open the data folder; it is answered on the page and
 * asked again, a limited number of times.
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
  const guard = (event: Electron.Event, url: string) => {
    if (wizardBlocksNavigation(url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.setWindowOpenHandler(() => ({ action: wizardWindowOpenVerdict().action }));
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
  const answers = wizardAnswers(options.facts, (secret) => options.unlockProblem(secret));

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
      const { problem, done: result } = await answers.submit(answer);
      if (result) finish(result);
      return { problem };
    });
    window.on('closed', () => finish({ kind: 'closed' }));
    void window.loadURL(pageUrl);
  });
}
