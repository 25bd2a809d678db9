import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { REAL_NUMBER, addAgent, deliverText, postSigned, setupOwner } from './flows.ts';

let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
const app = () => t.running;
const count = (sql: string) =>
  t.running.appliance.store.db.prepare(sql).pluck().get() as number;

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  agent = await addAgent(app, owner);
});
afterEach(() => t.cleanup());

interface AuditRow {
  action: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

describe('deleting a conversation', () => {
  it('lets an ADMIN or OWNER delete it with its messages, audited; an AGENT cannot', async () => {
    await deliverText(app(), { text: 'one' });
    await deliverText(app(), { text: 'two' });
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');

    const refused = await expectApiError(
      agent.mutate('inbox.delete', { conversationId: conversation!.id }),
    );
    expect(refused.status).toBe(403);
    expect(count('SELECT count(*) FROM messages')).toBe(2);

    await owner.mutate('inbox.delete', { conversationId: conversation!.id });
    expect(count('SELECT count(*) FROM messages')).toBe(0);
    expect(count('SELECT count(*) FROM conversations')).toBe(0);
    const audit = await owner.query<AuditRow[]>('audit.list', { limit: 5 });
    expect(audit[0]).toMatchObject({
      action: 'conversation.deleted',
      targetId: conversation!.id,
    });
  });
});

describe('the audit log', () => {
  it('records WhatsApp settings changes by field name, never the secret values', async () => {
    const [number] = await owner.query<{ id: string }[]>('whatsapp.numbers');
    await owner.mutate('whatsapp.save', {
      ...REAL_NUMBER,
      numberId: number!.id,
      accessToken: 'EAAG-rotated-token-987654321',
      appSecret: undefined,
      verifyToken: undefined,
    });
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'whatsapp.settings_changed',
      details: { changed: 'accessToken' },
    });
    expect(JSON.stringify(entry)).not.toContain('rotated-token');
  });

  it('writes no entry for an action that was refused, only the refusal', async () => {
    // The last OWNER removing themselves is refused by a rule, not a permission.
    const actions = `SELECT count(*) FROM audit_log WHERE action != 'rule.refused'`;
    const refusals = `SELECT count(*) FROM audit_log WHERE action = 'rule.refused'`;
    const before = { actions: count(actions), refusals: count(refusals) };
    const me = await owner.query<{ userId: string }>('auth.me');
    await expectApiError(owner.mutate('members.remove', { userId: me.userId }));
    expect(count(actions)).toBe(before.actions);
    expect(count(refusals)).toBe(before.refusals + 1);
  });

  it('cannot be edited or deleted, even through the database connection', () => {
    const db = t.running.appliance.store.db;
    expect(() => db.prepare(`UPDATE audit_log SET action = 'x'`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});

describe('errors Meta reports in value.errors', () => {
  it('keeps them for the number and acknowledges the delivery', async () => {
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: REAL_NUMBER.businessAccountId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: {
                    display_phone_number: REAL_NUMBER.displayPhoneNumber,
                    phone_number_id: REAL_NUMBER.phoneNumberId,
                  },
                  errors: [
                    {
                      code: 131051,
                      title: 'Unsupported message type',
                      message: 'Message type unknown',
                      error_data: { details: 'x' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    expect((await postSigned(app(), body, REAL_NUMBER.appSecret)).status).toBe(200);
    expect(count('SELECT count(*) FROM whatsapp_errors WHERE code = 131051')).toBe(1);
    expect(count('SELECT count(*) FROM messages')).toBe(0);
  });
});
