import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { settledMedia } from './media-support.ts';
import { schemaProblems, type Schema } from './schema-check.ts';
import { readStoredZip } from './zip-read.ts';

/**
 * An access request answered end to end: logged, verified, exported as a
 * zip whose contact.json follows the published schema, with the customer's
 * files decrypted and notes about other people withheld.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
const ANA = { from: '5511987654321', profileName: 'Ana Souza' };
const BRUNO = { from: '5511912345678', profileName: 'Bruno Lima' };
const schema = JSON.parse(
  readFileSync(
    new URL('../../../docs/schemas/contact-export.schema.json', import.meta.url),
    'utf8',
  ),
) as Schema;

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
});
afterAll(() => t.cleanup());

function download(path: string, cookie: string | undefined) {
  return new Promise<{ status: number; body: Buffer; type: string | undefined }>(
    (resolve, reject) => {
      const req = request(
        `${app().url}${path}`,
        { headers: cookie ? { cookie } : {}, ca: app().tls.caCertPem, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              type: res.headers['content-type'],
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

async function conversationOf(from: string): Promise<string> {
  const list = await owner.query<{ id: string; contact: { waId: string } }[]>(
    'inbox.conversations',
    { assigned: 'all' },
  );
  return list.find((c) => c.contact.waId === from)!.id;
}

describe('an access request', () => {
  it('exports the contact as a zip that follows the schema, files decrypted, notes about others withheld or masked', async () => {
    await simulator().sendCustomerMessage({ ...BRUNO, phoneNumberId, text: 'Hello' });
    await simulator().sendCustomerMessage({ ...ANA, phoneNumberId, text: 'My order?' });
    const photo = randomBytes(40_000);
    await simulator().sendCustomerMedia({
      ...ANA,
      phoneNumberId,
      kind: 'image',
      bytes: photo,
      mimeType: 'image/jpeg',
      caption: 'Broken box',
    });
    expect((await settledMedia(owner)).state).toBe('stored');
    const conversationId = await conversationOf(ANA.from);
    for (const body of [
      'Prefers a call after 5pm',
      'Her brother +55 11 91234-5678 asked too',
      'Same household as bruno lima',
      'Arjun Agent promised a refund',
      'Her lawyer is on +44 7700 900123, dr.k@law.example',
      'Call her on 011 98765-4321',
      // A reviewer's notes: people who are no contact of the workspace.
      'Her husband Marco Rossi (…)',
      'Sister Julia Souza, born 1980-02-03, lives at Rua das Flores 12; jsouza[at]mail.example',
    ]) {
      await agent.mutate('desk.addNote', { conversationId, body });
    }
    // Nothing in its text names anyone: only the agent knows who it is about.
    await agent.mutate('desk.addNote', {
      conversationId,
      body: 'Her mother is unwell, be gentle',
      aboutOther: true,
    });

    await owner.mutate('retention.setRule', { category: 'conversations', days: 365 });
    await owner.mutate('requests.setAuthority', {
      law: 'GDPR',
      name: 'Autoriteit Persoonsgegevens',
      contact: 'https://autoriteitpersoonsgegevens.nl',
    });
    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'GDPR',
      requester: 'Ana Souza by email',
    });
    const early = await download(`/api/requests/${id}/export`, owner.cookie);
    expect(early.status).toBe(412);
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: ANA.from,
    });
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'code sent to the WhatsApp number',
      contactId: contact.id,
    });
    expect((await download(`/api/requests/${id}/export`, agent.cookie)).status).toBe(403);

    const reply = await download(`/api/requests/${id}/export`, owner.cookie);
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('application/zip');
    const files = readStoredZip(reply.body);
    const json = JSON.parse(files.get('contact.json')!.toString('utf8')) as {
      contact: { whatsappNumber: string };
      conversations: {
        messages: { text: string | null; media: { file: string } | null }[];
      }[];
      notes: { text: string | null; redacted: boolean }[];
      sharedWith: { name: string; kind: string }[];
    };
    expect(schemaProblems(schema, json)).toEqual([]);
    expect(json.contact.whatsappNumber).toBe(ANA.from);
    const messages = json.conversations.flatMap((c) => c.messages);
    expect(messages.map((m) => m.text)).toEqual(['My order?', 'Broken box']);
    expect(files.get(messages[1]!.media!.file)!.equals(photo)).toBe(true);
    // The photo opens as a photo on the person's computer.
    expect(messages[1]!.media!.file).toMatch(/^media\/.+-image\.jpg$/);
    expect(json.notes.map((n) => [n.text, n.redacted]).sort()).toEqual(
      [
        ['Prefers a call after 5pm', false],
        [null, true],
        [null, true],
        [null, true],
        ['[staff member] promised a refund', true],
        ['Her lawyer is on [phone number withheld], [e-mail address withheld]', true],
        ['Call her on 011 98765-4321', false],
        ['Her husband [name withheld] (…)', true],
        [
          'Sister [name withheld], born [date withheld], lives at [address withheld]; [e-mail address withheld]',
          true,
        ],
      ].sort(),
    );
    for (const trace of [
      'Bruno',
      'Arjun',
      '7700 900123',
      'law.example',
      'mother',
      'Marco',
      'Rossi',
      'Julia',
      '1980',
      'Flores',
      'jsouza',
    ]) {
      expect(reply.body.includes(trace)).toBe(false);
    }
    expect(json.sharedWith.map((r) => r.kind)).toEqual([
      'messaging_provider',
      'storage_provider',
    ]);
    const summary = files.get('summary.txt')!.toString('utf8');
    expect(summary).toMatch(/Meta Platforms/);
    expect(summary).toMatch(/the text of 3 is withheld because it is about someone else/);
    expect(summary).toContain(
      '4 have details about other people masked (2 names, 1 phone number, ' +
        '2 e-mail addresses, 1 street address, 1 date, 1 staff name)',
    );
    expect(summary).toMatch(/Notes about other people\n.*withheld whole/);
    expect(summary).toContain('  - 1 conversation with 2 messages\n  - 1 file you sent');
    // Art 15(1)(d): the retention in the live rule's own terms.
    expect(summary).toContain(
      'your conversations and their messages: deleted 365 days after the last message',
    );
    // Art 15(1)(e-f): the rights, and whom to complain to.
    expect(summary).toMatch(
      /Your rights\n {2}- to have wrong or incomplete details corrected/,
    );
    expect(summary).toMatch(/to have your data erased/);
    expect(summary).toMatch(/restrict how we use your data/);
    expect(summary).toContain(
      'to complain to the Autoriteit Persoonsgegevens (https://autoriteitpersoonsgegevens.nl) ' +
        'or the data protection ' +
        "authority where you live or work (GDPR), or to the Data Protection Board of India (India's DPDP Act)",
    );
    expect(files.get('summary.html')!.toString('utf8')).toMatch(
      /<h2>Who it was shared with/,
    );

    const { requests } = await owner.query<{
      requests: { id: string; status: string }[];
    }>('requests.list');
    expect(requests.find((r) => r.id === id)?.status).toBe('fulfilled');
  });

  it('a correction replaces the profile name and the audit entry holds no value', async () => {
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: BRUNO.from,
    });
    await owner.mutate('requests.correctContact', {
      contactId: contact.id,
      profileName: 'Bruno L. Costa',
    });
    const fixed = await owner.query<{ profileName: string }>('requests.findContact', {
      waId: BRUNO.from,
    });
    expect(fixed.profileName).toBe('Bruno L. Costa');
    const entry = app()
      .appliance.store.db.prepare(
        `SELECT details_json FROM audit_log WHERE action = 'contact.corrected'`,
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(entry)).toEqual({ fields: 'profileName', requestId: null });
  });

  it("keeps a corrected name when the customer's next message brings WhatsApp's profile name", async () => {
    const RAVI = { from: '919812300001', profileName: 'Bala' };
    await simulator().sendCustomerMessage({ ...RAVI, phoneNumberId, text: 'Hi' });
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: RAVI.from,
    });
    await owner.mutate('requests.correctContact', {
      contactId: contact.id,
      profileName: 'Balakrishnan Iyer',
    });

    await simulator().sendCustomerMessage({ ...RAVI, phoneNumberId, text: 'Thanks' });
    const conversationId = await conversationOf(RAVI.from);
    const { contact: shown, nameCorrectedAt } = await owner.query<{
      contact: { profileName: string };
      nameCorrectedAt: number | null;
    }>('desk.contact', { conversationId });
    expect(shown.profileName).toBe('Balakrishnan Iyer');
    expect(nameCorrectedAt).toEqual(expect.any(Number));
    const found = await owner.query<{ profileName: string }>('requests.findContact', {
      waId: RAVI.from,
    });
    expect(found.profileName).toBe('Balakrishnan Iyer');

    // A contact never corrected still follows WhatsApp's profile name.
    await simulator().sendCustomerMessage({
      from: BRUNO.from.replace(/8$/, '9'),
      profileName: 'Carla',
      phoneNumberId,
      text: 'Hi',
    });
    await simulator().sendCustomerMessage({
      from: BRUNO.from.replace(/8$/, '9'),
      profileName: 'Carla Dias',
      phoneNumberId,
      text: 'Hi again',
    });
    const carla = await owner.query<{ profileName: string }>('requests.findContact', {
      waId: BRUNO.from.replace(/8$/, '9'),
    });
    expect(carla.profileName).toBe('Carla Dias');
  });
});
