import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';

/**
 * `GET /api/requests/<id>/export` says why an export cannot start (review of
 * issue #8: every failure read `refused`): an unknown request is not found,
 * an agent is forbidden, an export held back by a rule names the rule and
 * is audited as one, and a failure of the appliance is a plain 500 whose
 * cause stays in the log.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let contactId: string;
const app = (): RunningAppliance => t.running;

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  const from = '5511966600001';
  await app().simulator!.sendCustomerMessage({
    phoneNumberId,
    from,
    profileName: 'Eva Prado',
    text: 'Hello',
  });
  contactId = (await owner.query<{ id: string }>('requests.findContact', { waId: from }))
    .id;
});
afterAll(() => t.cleanup());

interface Reply {
  status: number;
  type: string | undefined;
  text: string;
  error: { code: string; message: string; reason: string } | undefined;
}

function exportOf(requestId: string, cookie: string) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      `${app().url}/api/requests/${requestId}/export`,
      { headers: { cookie }, ca: app().tls.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = res.headers['content-type']?.startsWith('application/json')
            ? (JSON.parse(text) as { error?: Reply['error'] })
            : {};
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            text,
            error: json.error,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function logRequest(kind: 'access' | 'erasure', verify: boolean) {
  const { id } = await owner.mutate<{ id: string }>('requests.log', {
    kind,
    law: 'DPDP',
    requester: 'Eva Prado by email',
  });
  if (verify) {
    await owner.mutate('requests.verify', {
      requestId: id,
      method: 'code sent to the WhatsApp number',
      contactId,
    });
  }
  return id;
}

const count = (sql: string, ...params: unknown[]) =>
  app()
    .appliance.store.db.prepare(sql)
    .pluck()
    .get(...params) as number;

describe('an export that cannot start', () => {
  it('is not found for a request that does not exist', async () => {
    const reply = await exportOf('no-such-request', owner.cookie!);
    expect(reply.status).toBe(404);
    expect(reply.error).toEqual({
      code: 'NOT_FOUND',
      message: 'Request not found',
      reason: 'request_not_found',
    });
  });

  it('is forbidden to an agent, and audited as a permission failure', async () => {
    const id = await logRequest('access', true);
    const reply = await exportOf(id, agent.cookie!);
    expect(reply.status).toBe(403);
    expect(reply.error).toMatchObject({ code: 'FORBIDDEN', reason: 'permission_denied' });
    expect(
      count(
        `SELECT count(*) FROM audit_log WHERE action = 'access.denied'
         AND target_id = 'requests.export'`,
      ),
    ).toBe(1);
  });

  it('is held back by a rule, named and audited as such, while unverified, not an access request, or closed', async () => {
    const unverified = await logRequest('access', false);
    const erasure = await logRequest('erasure', true);
    const closed = await logRequest('access', true);
    expect((await exportOf(closed, owner.cookie!)).status).toBe(200);

    const held = [
      [unverified, 'not_verified', "Verify the requester's identity first"],
      [erasure, 'not_an_access_request', 'Only an access request is exported'],
      [closed, 'request_closed', 'The request is already closed'],
    ] as const;
    for (const [id, reason, message] of held) {
      const reply = await exportOf(id, owner.cookie!);
      expect(reply.status, reason).toBe(412);
      expect(reply.error).toEqual({ code: 'PRECONDITION_FAILED', message, reason });
    }
    const audited = app()
      .appliance.store.db.prepare(
        `SELECT json_extract(details_json, '$.rule') FROM audit_log
         WHERE action = 'rule.refused' AND target_id = 'requests.export' ORDER BY seq`,
      )
      .pluck()
      .all();
    expect(audited).toEqual(held.map(([, reason]) => reason));
    expect(
      count(`SELECT count(*) FROM audit_log WHERE action = 'contact.exported'`),
    ).toBe(1);
  });

  it('is a 500 without its cause when the appliance fails, and the request stays unfulfilled', async () => {
    const id = await logRequest('access', true);
    const db = app().appliance.store.db;
    db.exec(`CREATE TEMP TRIGGER block_audit BEFORE INSERT ON main.audit_log
      BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END;`);
    let reply: Reply;
    try {
      reply = await exportOf(id, owner.cookie!);
    } finally {
      db.exec('DROP TRIGGER temp.block_audit');
    }
    expect(reply.status).toBe(500);
    expect(reply.error).toMatchObject({ code: 'INTERNAL', reason: 'internal' });
    expect(reply.error?.message).toMatch(/^The export failed on the appliance/);
    expect(reply.text).not.toMatch(/audit log unavailable|SqliteError|\.ts:\d+|\n\s+at /);
    expect(t.logs.text).toMatch(/contact export failed/);
    expect(t.logs.text).toMatch(/audit log unavailable/);

    const { requests } = await owner.query<{
      requests: { id: string; status: string }[];
    }>('requests.list');
    // Still waiting for its export, not fulfilled by one that never happened.
    expect(requests.find((r) => r.id === id)?.status).toBe('verified');
    // Once the appliance is well again, the same request exports.
    expect((await exportOf(id, owner.cookie!)).status).toBe(200);
  });
});
