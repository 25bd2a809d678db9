import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import type { RunningAppliance } from '../src/server.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';

/**
 * Verify, extend and refuse from the command line: the same rules as the
 * Requests page, the same audit entries, and a refused step changes nothing.
 */
let t: TestAppliance;
let owner: ApiClient;
const app = (): RunningAppliance => t.running;
const cli = (args: string[]) => runCli([...args, ...folderFlags(t)], { TZ: 'UTC' });
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

interface RequestRow {
  id: string;
  status: string;
  contactId: string | null;
  verifiedAt: number | null;
  dueAt: number;
  extendedUntil: number | null;
  closedAt: number | null;
}
interface AuditRow {
  action: string;
  actorLabel: string | null;
}

const requestsNow = async () =>
  (await owner.query<{ requests: RequestRow[] }>('requests.list')).requests;
const requestNow = async (id: string) => (await requestsNow()).find((r) => r.id === id)!;
const auditActions = async () =>
  (await owner.query<AuditRow[]>('audit.list', { limit: 200 })).map((e) => e.action);

async function logged(law: 'GDPR' | 'DPDP', receivedAt?: number): Promise<string> {
  const { id } = await owner.mutate<{ id: string }>('requests.log', {
    kind: 'access',
    law,
    requester: 'Meera by e-mail',
    ...(receivedAt === undefined ? {} : { receivedAt }),
  });
  return id;
}

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  // Set up two months ago, so a request received 40 days ago can be logged.
  app()
    .appliance.store.db.prepare('UPDATE workspaces SET created_at = created_at - ?')
    .run(60 * DAY_MS);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  await app().simulator!.sendCustomerMessage({
    phoneNumberId,
    from: '919811112222',
    profileName: 'Meera',
    text: 'What do you hold about me?',
  });
});
afterAll(() => t.cleanup());

describe('flowgento requests verify', () => {
  it('links the contact by WhatsApp number and records how identity was checked', async () => {
    const id = await logged('DPDP');
    const done = await cli([
      'requests',
      'verify',
      '--request',
      id,
      '--method',
      'OTP to the number',
      '--number',
      '+91 98111 12222',
    ]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Verified request ${id}`);

    const request = await requestNow(id);
    expect(request.verifiedAt).not.toBeNull();
    expect(request.contactId).toBe(
      (
        await owner.query<{ id: string }>('requests.findContact', {
          waId: '919811112222',
        })
      ).id,
    );
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'request.verified',
      actorLabel: CLI_ACTOR.actor.label,
    });
    // Looking the person up is an access to their data, as from the page.
    const { entries } = await owner.query<{ entries: { via: string; action: string }[] }>(
      'accessLog.list',
      { number: '919811112222' },
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ via: 'cli.requests.verify', action: 'search' }),
    );
  });

  it('refuses a malformed or unknown number, or no method, and changes nothing', async () => {
    const id = await logged('DPDP');
    const before = await requestNow(id);
    const audit = await auditActions();
    const base = ['requests', 'verify', '--request', id];

    const letters = await cli([...base, '--method', 'OTP', '--number', '98-ABC']);
    expect(letters.code).toBe(2);
    expect(letters.stderr).toMatch(/--number: digits only/);
    const unknown = await cli([...base, '--method', 'OTP', '--number', '441234567890']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No contact has this WhatsApp number/);
    const noMethod = await cli([...base, '--method', '  ', '--number', '919811112222']);
    expect(noMethod.code).toBe(2);
    expect(noMethod.stderr).toMatch(/--method is required/);

    expect(await requestNow(id)).toEqual(before);
    expect(await auditActions()).toEqual(audit);
  });
});

describe('flowgento requests extend', () => {
  it('extends a GDPR request when the requester was told within the first month', async () => {
    const id = await logged('GDPR');
    const until = day(Date.now() + 75 * DAY_MS);
    const done = await cli([
      'requests',
      'extend',
      '--request',
      id,
      '--told-on',
      day(Date.now()),
      '--until',
      until,
      '--reason',
      'Ten years of conversations to gather',
    ]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`now due ${until}`);
    const request = await requestNow(id);
    expect(day(request.dueAt)).toBe(until);
    expect(request.extendedUntil).not.toBeNull();
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'request.extended',
      actorLabel: CLI_ACTOR.actor.label,
    });
  });

  it('refuses a late notice, a DPDP request, too long or a bad date, and changes nothing', async () => {
    const received = Date.now() - 40 * DAY_MS;
    const gdpr = await logged('GDPR', received);
    const dpdp = await logged('DPDP');
    const before = await requestsNow();
    const audit = await auditActions();
    const extend = (id: string, toldOn: string, until: string) =>
      cli([
        'requests',
        'extend',
        '--request',
        id,
        '--told-on',
        toldOn,
        '--until',
        until,
        '--reason',
        'Volume',
      ]);
    const inTwoMonths = day(Date.now() + 40 * DAY_MS);

    const late = await extend(gdpr, day(Date.now() - DAY_MS), inTwoMonths);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/told of an extension within the first month/);
    const tooLong = await extend(
      gdpr,
      day(received + DAY_MS),
      day(Date.now() + 80 * DAY_MS),
    );
    expect(tooLong.stderr).toMatch(/at most two months/);
    const notGdpr = await extend(dpdp, day(Date.now()), inTwoMonths);
    expect(notGdpr.stderr).toMatch(/Only a GDPR request can be extended/);
    const badDate = await extend(gdpr, '2026-02-30', inTwoMonths);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--told-on: give a date as YYYY-MM-DD/);

    expect(await requestsNow()).toEqual(before);
    expect(await auditActions()).toEqual(audit);
  });
});

describe('flowgento requests refuse', () => {
  it('closes a DPDP request as refused, names the Board and prints the notice', async () => {
    const id = await logged('DPDP');
    const done = await cli([
      'requests',
      'refuse',
      '--request',
      id,
      '--reason',
      'We hold no data about this person',
    ]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('can complain to the Data Protection Board of India');
    expect(done.stdout).toContain('We hold no data about this person');
    expect((await requestNow(id)).status).toBe('refused');
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'request.refused',
      actorLabel: CLI_ACTOR.actor.label,
    });
  });

  it('refuses without a reason, or under GDPR with no authority named, and changes nothing', async () => {
    const gdpr = await logged('GDPR');
    const before = await requestsNow();
    const audit = await auditActions();

    const noReason = await cli(['requests', 'refuse', '--request', gdpr]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason is required/);
    const noAuthority = await cli([
      'requests',
      'refuse',
      '--request',
      gdpr,
      '--reason',
      'Manifestly unfounded',
    ]);
    expect(noAuthority.code).toBe(1);
    expect(noAuthority.stderr).toMatch(/Name your lead supervisory authority/);
    const unknown = await cli([
      'requests',
      'refuse',
      '--request',
      'nope',
      '--reason',
      'x',
    ]);
    expect(unknown.stderr).toMatch(/Request not found/);

    expect(await requestsNow()).toEqual(before);
    expect(await auditActions()).toEqual(audit);
  });
});
