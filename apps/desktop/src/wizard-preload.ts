// The first-run wizard's preload: two calls, checked in the main process.
import { contextBridge, ipcRenderer } from 'electron';
import {
  WIZARD_CHANNELS,
  type WizardAnswer,
  type WizardFacts,
} from './wizard-protocol.ts';

contextBridge.exposeInMainWorld('flowgentoWizard', {
  facts: () => ipcRenderer.invoke(WIZARD_CHANNELS.facts) as Promise<WizardFacts>,
  submit: (answer: WizardAnswer) =>
    ipcRenderer.invoke(WIZARD_CHANNELS.submit, answer) as Promise<{
      problem: string | null;
    }>,
});
