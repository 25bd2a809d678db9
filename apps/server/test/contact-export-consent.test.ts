import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import {
  startTestAppliance,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { schemaProblems, type Schema } from './schema-check.ts';
import { readStoredZip } from './zip-read.ts';

/**
 * A person's access export carries their consent (review of issue #8): each
 * purpose with its history (source, time, notice and language, how they
 * withdrew), and `optedOutAt` says when their STOP took effect.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
const CARLA = { from: '5511955500001', profileName: 'Carla Dias' };
const NOTICE = { version: 'v2', language: 'pt', body: 'Enviamos ofertas pelo WhatsApp.' };
const schema = JSON.parse(
  readFileSync(
    new URL('../../../docs/schemas/contact-export.schema.json', import.meta.url),
    'utf8',
  ),
) as Schema;

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
  await owner.mutate('consentRegister.addNotice', NOTICE);
  clock.freeze();
});
afterAll(() => t.cleanup());

function download(path: string, cookie: string) {
  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request(
      `${app().url}${path}`,
      { headers: { cookie }, ca: app().tls.caCertPem, agent: false },
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

interface ExportedConsent {
  purpose: string;
  state: string;
  withdrawnAt: string | null;
  withdrawalChannel: string | null;
  history: {
    state: string;
    kind: string;
    at: string;
    stampedAt: string | null;
    source: string;
    noticeVersion: string | null;
    language: string | null;
    withdrawalChannel: string | null;
  }[];
}

describe('the access export of a customer who opted in, then wrote STOP', () => {
  it('lists their consent with its history, and optedOutAt is the time of the STOP', async () => {
    await simulator().sendCustomerMessage({ ...CARLA, phoneNumberId, text: 'Olá' });
    const list = await owner.query<
      { id: string; contact: { id: string; waId: string } }[]
    >('inbox.conversations', { assigned: 'all' });
    const thread = list.find((c) => c.contact.waId === CARLA.from)!;
    // The opt-in a minute ago, the STOP now.
    clock.advance(-60_000);
    const optedInAt = clock.now();
    await agent.mutate('consent.setMarketing', {
      conversationId: thread.id,
      state: 'opted_in',
      notice: { version: NOTICE.version, language: NOTICE.language },
    });
    clock.advance(60_000);
    const stopSecond = Math.floor(clock.now() / 1000);
    await simulator().sendCustomerMessage({ ...CARLA, phoneNumberId, text: 'PARAR' });
    const stoppedAt = new Date(stopSecond * 1000).toISOString();

    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'DPDP',
      requester: 'Carla Dias at the counter',
    });
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'identity card seen',
      contactId: thread.contact.id,
    });
    const reply = await download(`/api/requests/${id}/export`, owner.cookie!);
    expect(reply.status).toBe(200);
    const files = readStoredZip(reply.body);
    const json = JSON.parse(files.get('contact.json')!.toString('utf8')) as {
      schemaVersion: number;
      contact: { optedOutAt: string | null };
      consent: ExportedConsent[];
    };
    expect(schemaProblems(schema, json)).toEqual([]);
    expect(json.schemaVersion).toBe(2);
    expect(json.contact.optedOutAt).toBe(stoppedAt);
    expect(json.consent).toHaveLength(1);
    expect(json.consent[0]).toMatchObject({
      purpose: 'marketing',
      state: 'opted_out',
      withdrawnAt: stoppedAt,
      withdrawalChannel: 'keyword',
    });
    expect(json.consent[0]!.history).toEqual([
      {
        state: 'opted_in',
        kind: 'change',
        at: new Date(optedInAt).toISOString(),
        stampedAt: null,
        source: 'agent',
        noticeVersion: 'v2',
        language: 'pt',
        withdrawalChannel: null,
      },
      {
        state: 'opted_out',
        kind: 'change',
        at: stoppedAt,
        stampedAt: null,
        source: 'keyword',
        noticeVersion: null,
        language: null,
        withdrawalChannel: 'keyword',
      },
    ]);

    const summary = files.get('summary.txt')!.toString('utf8');
    expect(summary).toContain('Your consent');
    expect(summary).toContain(
      `marketing: withdrawn on ${stoppedAt.slice(0, 10)}; you wrote a stop or start word on WhatsApp; 2 changes listed in contact.json`,
    );
    expect(files.get('summary.html')!.toString('utf8')).toContain(
      '<h2>Your consent</h2>',
    );
  });
});

describe('the access export of a customer whose STOP came in the second of their opt-in', () => {
  it('lists the winning withdrawal last, taking effect after the opt-in it beat', async () => {
    const customer = { from: '5511955500002', profileName: 'Davi Lima' };
    await simulator().sendCustomerMessage({ ...customer, phoneNumberId, text: 'Oi' });
    const list = await owner.query<
      { id: string; contact: { id: string; waId: string } }[]
    >('inbox.conversations', { assigned: 'all' });
    const thread = list.find((c) => c.contact.waId === customer.from)!;
    // The agent records the opt-in half way through a second; WhatsApp
    // stamps the STOP written just after with that whole second.
    const second = Math.floor(Date.now() / 1000);
    clock.advance(second * 1000 + 500 - clock.now());
    const optedInAt = new Date(clock.now()).toISOString();
    await agent.mutate('consent.setMarketing', {
      conversationId: thread.id,
      state: 'opted_in',
      notice: { version: NOTICE.version, language: NOTICE.language },
    });
    await simulator().sendCustomerMessage({ ...customer, phoneNumberId, text: 'PARAR' });

    const register = await owner.query<{
      entries: { state: string }[];
      history: { state: string; occurredAt: number; effectiveAt: number }[];
    }>('consentRegister.entries', { contactId: thread.contact.id });
    expect(register.entries.map((e) => e.state)).toEqual(['opted_out']);
    expect(register.history.map((h) => h.state)).toEqual(['opted_in', 'opted_out']);
    expect(register.history[1]).toMatchObject({
      occurredAt: second * 1000,
      effectiveAt: Date.parse(optedInAt),
    });

    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'DPDP',
      requester: 'Davi Lima by email',
    });
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'identity card seen',
      contactId: thread.contact.id,
    });
    const reply = await download(`/api/requests/${id}/export`, owner.cookie!);
    const json = JSON.parse(
      readStoredZip(reply.body).get('contact.json')!.toString('utf8'),
    ) as { consent: ExportedConsent[] };
    expect(schemaProblems(schema, json)).toEqual([]);
    const [marketing] = json.consent;
    expect(marketing).toMatchObject({ state: 'opted_out', withdrawnAt: optedInAt });
    expect(marketing!.history.map((h) => [h.state, h.at, h.stampedAt])).toEqual([
      ['opted_in', optedInAt, null],
      ['opted_out', optedInAt, new Date(second * 1000).toISOString()],
    ]);
  });
});

describe('the access export of a customer who wrote STOP, then START, never having opted in', () => {
  it('counts the START apart, as a request that gave no consent, not as a change', async () => {
    const customer = { from: '5511955500003', profileName: 'Elisa Rocha' };
    await simulator().sendCustomerMessage({ ...customer, phoneNumberId, text: 'PARAR' });
    clock.advance(2000);
    await simulator().sendCustomerMessage({ ...customer, phoneNumberId, text: 'START' });
    const list = await owner.query<
      { id: string; contact: { id: string; waId: string } }[]
    >('inbox.conversations', { assigned: 'all' });
    const thread = list.find((c) => c.contact.waId === customer.from)!;

    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'DPDP',
      requester: 'Elisa Rocha at the counter',
    });
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'identity card seen',
      contactId: thread.contact.id,
    });
    const reply = await download(`/api/requests/${id}/export`, owner.cookie!);
    const files = readStoredZip(reply.body);
    const json = JSON.parse(files.get('contact.json')!.toString('utf8')) as {
      consent: ExportedConsent[];
    };
    expect(json.consent[0]!.history.map((h) => h.kind).sort()).toEqual([
      'change',
      'request',
    ]);
    expect(files.get('summary.txt')!.toString('utf8')).toMatch(
      /marketing: withdrawn on [0-9-]{10}; you wrote a stop or start word on WhatsApp; 1 change and 1 request that gave no consent, listed in contact\.json/,
    );
  });
});
