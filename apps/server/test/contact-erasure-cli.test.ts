import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, folderFlags } from './cli-run.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { contactNumbers } from './sealed.ts';

/** `flowgento contacts erase`, the operator's way to the same erasure. */

let t: TestAppliance;
let flags: string[];

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(t.running, { text: 'please forget me', from: '15550002222' });
  await deliverText(t.running, { text: 'keep me', from: '15550003333' });
  flags = folderFlags(t);
  await t.stop();
}, 60_000);

afterAll(() => t.cleanup());

const erase = (number: string, workspace = 'Acme') =>
  runCli([
    'contacts',
    'erase',
    '--workspace',
    workspace,
    '--number',
    number,
    '--reason',
    'letter of 3 May',
    ...flags,
  ]);

describe('flowgento contacts erase', () => {
  it('refuses an unknown number, then erases a known one and the appliance starts without it', async () => {
    const workspace = await workspaceName();
    const unknown = await erase('15559999999', workspace);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No contact with that number');

    const done = await erase('+1 555 000 2222', workspace);
    expect(done.stderr).toBe('');
    expect(done.stdout).toContain(
      'Erased the contact: 1 message in 1 conversation, 0 media files.',
    );

    await t.start();
    const numbers = contactNumbers(t.running.appliance.store);
    expect(numbers).toEqual(['15550003333']);
  }, 60_000);
});

async function workspaceName(): Promise<string> {
  await t.start();
  const [workspace] = t.running.appliance.store.workspaces.list();
  await t.stop();
  return workspace!.name;
}
