import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { readStoredZip } from './zip-read.ts';

/**
 * The compliance parts meet: an export and a refusal name the people the
 * privacy settings name and the retention the rules set, the record of
 * processing lists those rules, and exports land in the access log.
 */
let t: TestAppliance;
let owner: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
const ANA = { from: '5511987654321', profileName: 'Ana Souza' };
const PRIVACY = { name: 'Priya Rao', email: 'privacy@example.org', phone: null };
const GRIEVANCE = { name: 'Girish Menon', email: 'grievance@example.org', phone: null };

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
  await owner.mutate('privacy.save', {
    droppedMedia: [],
    maskCardNumbers: false,
    maskIdentityNumbers: false,
    dropProfileNames: false,
    privacyContact: PRIVACY,
    grievanceOfficer: GRIEVANCE,
  });
  await owner.mutate('retention.setRule', { category: 'conversations', days: 400 });
  await simulator().sendCustomerMessage({ ...ANA, phoneNumberId, text: 'My order?' });
});
afterAll(() => t.cleanup());

function download(path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app().url}${path}`,
      { headers: { cookie: owner.cookie! }, ca: app().tls.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function verifiedRequest(kind: 'access' | 'correction'): Promise<string> {
  const { id } = await owner.mutate<{ id: string }>('requests.log', {
    kind,
    law: 'DPDP',
    requester: 'Ana Souza by email',
  });
  const contact = await owner.query<{ id: string }>('requests.findContact', {
    waId: ANA.from,
  });
  await owner.mutate('requests.verify', {
    requestId: id,
    method: 'code sent to the WhatsApp number',
    contactId: contact.id,
  });
  return id;
}

describe('the privacy settings and retention rules in what people receive', () => {
  it("an export's summary names the privacy contact, the grievance officer and the rules", async () => {
    const id = await verifiedRequest('access');
    const reply = await download(`/api/requests/${id}/export`);
    expect(reply.status).toBe(200);
    const summary = readStoredZip(reply.body).get('summary.txt')!.toString('utf8');
    expect(summary).toMatch(/Privacy contact\n {2}- Priya Rao, privacy@example\.org/);
    expect(summary).toMatch(
      /Grievance officer\n {2}- Girish Menon, grievance@example\.org/,
    );
    expect(summary).toMatch(
      /your conversations and their messages: deleted 400 days after/,
    );
    expect(summary).not.toMatch(/not named yet/);
  });

  it('a refusal notice names the grievance officer to write to', async () => {
    const id = await verifiedRequest('correction');
    const refused = await owner.mutate<{ notice: string }>('requests.refuse', {
      requestId: id,
      reason: 'The name given is the one on the account',
    });
    expect(refused.notice).toMatch(
      /write to us about this decision: Girish Menon, grievance@example\.org/,
    );
  });

  it('the record of processing lists the retention rules beside the audit log', async () => {
    const { record } = await owner.query<{
      record: { retention: { category: string; period: string }[] };
    }>('privacy.record');
    expect(record.retention.map((r) => r.category)).toEqual(
      expect.arrayContaining(['Conversations and their messages', 'Audit log']),
    );
    expect(
      record.retention.find((r) => r.category === 'Conversations and their messages')
        ?.period,
    ).toMatch(/^400 days/);
  });
});

describe('a GDPR refusal', () => {
  it('takes an authority only with a full name and a way to reach it', async () => {
    for (const input of [
      { name: 'abc', contact: 'https://www.cnil.fr' },
      { name: 'Commission Nationale', contact: 'abc' },
      { name: 'Commission Nationale', contact: '' },
    ]) {
      const error = await expectApiError(
        owner.mutate('requests.setAuthority', { law: 'GDPR', ...input }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^(Give the authority its full name|Contact: )/);
    }
    const { authorities } = await owner.query<{ authorities: { GDPR: string | null } }>(
      'requests.list',
    );
    expect(authorities.GDPR).toBeNull();
  });

  it('names the privacy contact, the authority and how to reach it, and the courts', async () => {
    await owner.mutate('requests.setAuthority', {
      law: 'GDPR',
      name: 'Commission Nationale de l’Informatique et des Libertés',
      contact: 'https://www.cnil.fr',
    });
    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'GDPR',
      requester: 'Ana Souza by email',
    });
    const { notice } = await owner.mutate<{ notice: string }>('requests.refuse', {
      requestId: id,
      reason: 'Manifestly excessive: the fourth request this month',
    });
    expect(notice).toContain(
      'write to us about this decision: Priya Rao, privacy@example.org',
    );
    expect(notice).not.toContain('Girish');
    expect(notice).toContain(
      'complain to the Commission Nationale de l’Informatique et des Libertés (https://www.cnil.fr)',
    );
    expect(notice).toMatch(/right to seek a judicial remedy before the courts/);
  });
});

describe('the audit log in the record of processing', () => {
  const auditLines = async () =>
    (
      await owner.query<{
        record: { retention: { category: string; period: string }[] };
      }>('privacy.record')
    ).record.retention.filter((r) => /audit log/i.test(`${r.category} ${r.period}`));

  it('shows one effective period: a longer workspace rule wins over the 12 months, and says so', async () => {
    await owner.mutate('retention.setRule', { category: 'audit_log', days: 400 });
    await owner.mutate('retention.setRule', { category: 'security_log', days: 200 });
    const lines = await auditLines();
    expect(lines.filter((l) => l.category.startsWith('Audit log'))).toEqual([
      {
        category: 'Audit log',
        period: expect.stringMatching(
          /^400 days \(this workspace's retention rule/,
        ) as string,
      },
    ]);
    expect(lines.filter((l) => l.period.startsWith('12 months'))).toEqual([]);
    // What the engine does: the security_log rule cuts the access log only;
    // sign-ins and refusals are audit entries, kept with the audit log.
    expect(lines.filter((l) => /sign-ins|access log/i.test(l.category))).toEqual([
      {
        category: 'Security logs (sign-ins, refusals, access log)',
        period:
          'access log 200 days; sign-ins and refusals 400 days, as part of the audit log',
      },
    ]);
    await owner.mutate('retention.removeRule', { category: 'security_log' });
  });

  it('keeps the appliance period when the workspace rule is shorter', async () => {
    await owner.mutate('retention.setRule', { category: 'audit_log', days: 365 });
    const [audit] = (await auditLines()).filter((l) =>
      l.category.startsWith('Audit log'),
    );
    expect(audit?.period).toBe(
      "12 months (the appliance's audit retention; this workspace's rule of 365 days is shorter)",
    );
    await owner.mutate('retention.removeRule', { category: 'audit_log' });
  });
});

describe('the record of processing, as the appliance really runs', () => {
  it('names the cipher in use, every log and the backups, and each storage provider as the export does', async () => {
    const { record, markdown } = await owner.query<{
      record: {
        safeguards: string[];
        retention: { category: string; period: string }[];
        recipients: { name: string; role: string }[];
        transfers: string[];
      };
      markdown: string;
    }>('privacy.record');
    // A new appliance writes AEGIS-256 pages; SQLCipher only names old files.
    expect(record.safeguards[0]).toMatch(/AEGIS-256/);
    expect(markdown).not.toMatch(/SQLCipher/);

    const periods = new Map(record.retention.map((r) => [r.category, r.period]));
    expect(periods.get('Security logs (sign-ins, refusals, access log)')).toMatch(
      /^access log kept until a retention rule is set .*; sign-ins and refusals \d+ months/,
    );
    // The default schedule applies until the operator saves one.
    expect(periods.get('Backups')).toBe(
      'changes 7 days, daily snapshots 30 days, monthly snapshots 12 months',
    );

    const id = await verifiedRequest('access');
    const summary = readStoredZip((await download(`/api/requests/${id}/export`)).body)
      .get('summary.txt')!
      .toString('utf8');
    const shared = summary.split('Who it was shared with\n')[1]!.split('\n\n')[0]!;
    const exportNames = [...shared.matchAll(/^ {2}- ([^:]+):/gm)].map((m) => m[1]);
    expect(exportNames.length).toBeGreaterThan(1);
    expect(record.recipients.map((r) => r.name)).toEqual(exportNames);
    // Art 30(1)(e): each recipient is a transfer line too, under its name.
    expect(record.transfers.map((line) => line.split(/[,:]/)[0])).toEqual(
      exportNames.map((name) => name!.split(/[,:]/)[0]),
    );
    // No rule on contacts here: the record says so rather than leaving them out.
    expect(periods.get('Contacts (WhatsApp number and profile name)')).toBe(
      'no limit set',
    );
    expect(periods.get('Consent register')).toBe(
      'no limit set; deleted with their contact',
    );
  });
});

describe('exports in the access log', () => {
  it('a contact export and a register export are found by the number typed', async () => {
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: ANA.from,
    });
    await owner.mutate('consentRegister.addNotice', {
      version: '2026-01',
      language: 'en',
      body: 'We send offers on WhatsApp.',
    });
    await owner.mutate('consentRegister.recordOptIn', {
      contactId: contact.id,
      purpose: 'marketing',
      source: 'admin',
      noticeVersion: '2026-01',
      language: 'en',
    });
    await owner.mutate('consentRegister.export', { format: 'csv' });

    const log = await owner.query<{ entries: { action: string; via: string }[] }>(
      'accessLog.list',
      { number: '+55 11 98765-4321' },
    );
    const seen = log.entries.map((e) => `${e.action} ${e.via}`);
    expect(seen).toContain('export requests.export');
    expect(seen).toContain('export consent.register_export');
    expect(seen).toContain('search requests.find_contact');
    const other = await owner.query<{ entries: unknown[] }>('accessLog.list', {
      number: '+1 555 000 0000',
    });
    expect(other.entries).toEqual([]);
  });
});
