import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import type { RunningAppliance } from '../src/server.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { readStoredZip } from './zip-read.ts';

/** The request desk from the command line, against a running appliance. */
let t: TestAppliance;
let owner: ApiClient;
const app = (): RunningAppliance => t.running;
const cli = (args: string[]) => runCli([...args, ...folderFlags(t)], { TZ: 'UTC' });

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
});
afterAll(() => t.cleanup());

describe('flowgento requests', () => {
  it('logs a request by the day it was received, even before set-up, not years back', async () => {
    // An appliance set up today takes a letter that came ten days ago.
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    const received = day(Date.now() - 10 * DAY_MS);
    const log = (receivedOn: string) =>
      cli([
        'requests',
        'log',
        '--kind',
        'access',
        '--law',
        'DPDP',
        '--requester',
        'Letter from Asha',
        '--received-on',
        receivedOn,
      ]);
    const logged = await log(received);
    expect(logged.stderr).toBe('');
    const dueOn = day(Date.parse(`${received}T12:00:00Z`) + 90 * DAY_MS);
    expect(logged.stdout).toMatch(new RegExp(`, due ${dueOn}$`, 'm'));
    const { requests } = await owner.query<{
      requests: { requester: string; receivedAt: number }[];
    }>('requests.list');
    const asha = requests.filter((r) => r.requester === 'Letter from Asha');
    expect(asha.map((r) => day(r.receivedAt))).toEqual([received]);

    const tooEarly = await log('1970-01-01');
    expect(tooEarly.code).not.toBe(0);
    expect(tooEarly.stderr).toMatch(/more than a year ago/);
    const badDay = await log('2026-02-30');
    expect(badDay.stderr).toMatch(/--received-on: give a date as YYYY-MM-DD/);
    const after = await owner.query<{ requests: unknown[] }>('requests.list');
    expect(after.requests).toHaveLength(requests.length);
  });

  it('logs a request, lists it, exports its verified contact and closes it', async () => {
    const logged = await cli([
      'requests',
      'log',
      '--kind',
      'access',
      '--law',
      'DPDP',
      '--requester',
      'Ravi by phone',
    ]);
    expect(logged.stderr).toBe('');
    expect(logged.code).toBe(0);
    const id = /request (\S+), due/.exec(logged.stdout)![1]!;

    const listed = await cli(['requests', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+DPDP\\s+access\\s+open`));
    expect((await cli(['requests', 'due'])).stdout).toContain(
      'Nothing due within 7 days',
    );

    const unverified = await cli([
      'requests',
      'export',
      '--request',
      id,
      '--out',
      join(t.dir, 'x.zip'),
    ]);
    expect(unverified.code).not.toBe(0);
    expect(unverified.stderr).toMatch(/Verify the requester's identity first/);

    const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
      'whatsapp.connectSimulator',
    );
    await app().simulator!.sendCustomerMessage({
      phoneNumberId,
      from: '919812345678',
      profileName: 'Ravi',
      text: 'Please send my data',
    });
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: '919812345678',
    });
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'OTP',
      contactId: contact.id,
    });

    const out = join(t.dir, 'ravi.zip');
    const exported = await cli(['requests', 'export', '--request', id, '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 1 message and 0 files');
    const files = readStoredZip(readFileSync(out));
    expect(files.get('contact.json')!.toString()).toContain('Please send my data');
    expect((await cli(['requests', 'list'])).stdout).toMatch(/access\s+fulfilled/);
  });

  it('refuses an unknown kind and names the flag', async () => {
    const bad = await cli([
      'requests',
      'log',
      '--kind',
      'delete',
      '--law',
      'GDPR',
      '--requester',
      'X',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--kind: use access, correction/);
  });
});
