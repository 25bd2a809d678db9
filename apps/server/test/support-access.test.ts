import { request } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  TestClock,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
  tableRowCounts,
} from './harness.ts';
import {
  OWNER,
  REAL_NUMBER,
  addAgent,
  addMember,
  deliverText,
  setupOwner,
} from './flows.ts';

const MINUTE_MS = 60 * 1000;

let t: TestAppliance;
let clock: TestClock;
const app = () => t.running;

beforeEach(async () => {
  clock = new TestClock();
  clock.freeze();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
});
afterEach(() => t.cleanup());

interface Granted {
  grant: { id: string; name: string; expiresAt: number; grantedByEmail: string };
  credential: string;
  credentialExpiresAt: number;
}

interface Me {
  role: string;
  displayName: string;
  support: { grantId: string; grantedByEmail: string; expiresAt: number } | null;
  activeSupport: {
    id: string;
    name: string;
    grantedByEmail: string;
    expiresAt: number;
  }[];
}

interface AuditRow {
  action: string;
  actorId: string | null;
  actorLabel: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

const SAM = { name: 'Sam Support', email: 'sam@vendor.test', reason: 'Ticket 4711' };

function grant(owner: ApiClient, more: Record<string, unknown> = {}) {
  return owner.mutate<Granted>('support.grant', { ...SAM, ...more });
}

async function redeem(credential: string): Promise<ApiClient> {
  const support = new ApiClient(app, 'support-browser/1.0');
  await support.mutate('support.redeem', { credential });
  return support;
}

const rowCounts = () => tableRowCounts(t.running);

function grantRows(): unknown[] {
  return t.running.appliance.store.db
    .prepare('SELECT * FROM support_grants ORDER BY id')
    .all();
}

describe('granting support access', () => {
  it('lasts an hour by default and shows the grant to every member', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);

    const granted = await grant(owner);

    expect(granted.grant.expiresAt).toBe(clock.now() + 60 * MINUTE_MS);
    expect(granted.credential.length).toBeGreaterThanOrEqual(40);
    expect(granted.credentialExpiresAt).toBe(clock.now() + 15 * MINUTE_MS);
    const seen = await agent.query<Me>('auth.me');
    expect(seen.activeSupport).toEqual([
      {
        id: granted.grant.id,
        name: 'Sam Support',
        grantedByEmail: OWNER.email,
        expiresAt: granted.grant.expiresAt,
      },
    ]);
    // Stored as a hash only: the credential itself is nowhere in the database.
    expect(JSON.stringify(grantRows())).not.toContain(granted.credential);
  });

  it.each([
    [{ durationMinutes: 4 }, 'at least 5 minutes'],
    [{ durationMinutes: 24 * 60 + 1 }, 'at most 24 hours'],
    [{ durationMinutes: 30.5 }, 'whole minutes'],
    [{ name: '  ' }, 'Name the support person'],
    [{ email: 'not-an-email' }, 'valid email'],
  ])('refuses %j with a clear message and grants nothing', async (input, message) => {
    const owner = await setupOwner(app);
    const before = rowCounts();

    const error = await expectApiError(grant(owner, input));

    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
    expect(rowCounts()).toEqual(before);
  });

  it('accepts exactly 24 hours', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner, { durationMinutes: 24 * 60 });
    expect(granted.grant.expiresAt).toBe(clock.now() + 24 * 60 * MINUTE_MS);
  });

  it.each(['ADMIN', 'AGENT'] as const)(
    'is for OWNERs only: an %s is refused and only the refusal is audited',
    async (role) => {
      const owner = await setupOwner(app);
      const member = await addMember(app, owner, role, {
        email: `${role.toLowerCase()}@acme.test`,
        password: 'member-password-1',
        displayName: role,
      });
      const before = rowCounts();

      const error = await expectApiError(grant(member));

      expect(error.code).toBe('FORBIDDEN');
      expect(rowCounts()).toEqual({ ...before, audit_log: before['audit_log']! + 1 });
      await expectApiError(member.query('support.list'));
    },
  );
});

describe('redeeming the credential', () => {
  it('gives a read-only session that says whose access it is and until when', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);

    const support = await redeem(granted.credential);

    const me = await support.query<Me>('auth.me');
    expect(me).toMatchObject({
      role: 'SUPPORT',
      displayName: 'Sam Support',
      support: {
        grantId: granted.grant.id,
        grantedByEmail: OWNER.email,
        expiresAt: granted.grant.expiresAt,
      },
    });
    expect(await support.query<unknown[]>('inbox.conversations')).toEqual([]);
    expect((await support.query<unknown[]>('members.list')).length).toBe(1);
    // Nothing that changes the workspace, and no member self-service.
    for (const [path, input] of [
      ['members.invite', { role: 'AGENT', email: 'x@acme.test' }],
      ['inbox.reply', { conversationId: 'c', body: 'hi' }],
      ['support.grant', SAM],
      ['sessions.list', undefined],
    ] as const) {
      const call = path.endsWith('list')
        ? support.query(path)
        : support.mutate(path, input);
      expect((await expectApiError(call)).code, path).toBe('FORBIDDEN');
    }
  });

  it("reads a conversation without clearing the team's unread mark or replying", async () => {
    const owner = await setupOwner(app);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    await deliverText(app(), { text: 'My order never came' });
    const support = await redeem((await grant(owner)).credential);
    const [listed] =
      await support.query<{ id: string; unreadCount: number }[]>('inbox.conversations');
    const before = rowCounts();

    const opened = await support.query<{ messages: { body: string | null }[] }>(
      'inbox.conversation',
      { conversationId: listed!.id },
    );
    await support.mutate('inbox.markRead', { conversationId: listed!.id });
    const reply = await expectApiError(
      support.mutate('inbox.reply', { conversationId: listed!.id, body: 'Hello' }),
    );

    expect(opened.messages.map((m) => m.body)).toEqual(['My order never came']);
    expect(reply.code).toBe('FORBIDDEN');
    const [seen] = await owner.query<{ unreadCount: number }[]>('inbox.conversations');
    expect(seen!.unreadCount).toBe(1);
    // Three calls, three audit rows (two reads and one refusal), nothing else.
    expect(rowCounts()).toEqual({ ...before, audit_log: before['audit_log']! + 3 });
  });

  it('works once: a second redemption is refused and changes nothing', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    await redeem(granted.credential);
    const before = rowCounts();
    const rows = grantRows();

    const error = await expectApiError(redeem(granted.credential));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.reason).toBe('support_credential_unusable');
    expect(rowCounts()).toEqual(before);
    expect(grantRows()).toEqual(rows);
  });

  it('is refused once the credential is past its 15 minutes, unredeemed', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    clock.advance(15 * MINUTE_MS);
    const before = rowCounts();

    const error = await expectApiError(redeem(granted.credential));

    expect(error.reason).toBe('support_credential_unusable');
    expect(rowCounts()).toEqual(before);
  });

  it('is refused after the OWNER revoked the grant', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    await owner.mutate('support.revoke', { grantId: granted.grant.id });

    const error = await expectApiError(redeem(granted.credential));

    expect(error.reason).toBe('support_credential_unusable');
  });
});

describe('the end of support access', () => {
  it('refuses a support session one second after expiry, changing nothing but the expiry record', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner, { durationMinutes: 5 });
    const support = await redeem(granted.credential);
    clock.advance(5 * MINUTE_MS - 1000);
    expect(await support.query<unknown[]>('inbox.conversations')).toEqual([]);

    clock.advance(2000);
    const before = rowCounts();
    const error = await expectApiError(support.query('inbox.conversations'));

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.status).toBe(401);
    expect(error.reason).toBe('sign_in_required');
    // The only row written is the audit entry recording that it expired.
    expect(rowCounts()).toEqual({ ...before, audit_log: before['audit_log']! + 1 });
    const audit = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(audit[0]).toMatchObject({
      action: 'support.expired',
      targetId: granted.grant.id,
      actorLabel: `support: Sam Support, granted by ${OWNER.email}`,
    });

    // Noticed once: the next refusal writes nothing at all.
    const after = rowCounts();
    await expectApiError(
      support.query('auth.me').then(() => support.query('members.list')),
    );
    expect(rowCounts()).toEqual(after);
    expect((await owner.query<Me>('auth.me')).activeSupport).toEqual([]);
  });

  it('gives the support browser a cookie that ends when the grant does', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner, { durationMinutes: 90 });
    const reply = await new Promise<string[]>((resolve, reject) => {
      const body = JSON.stringify({ credential: granted.credential });
      const req = request(
        `${app().url}/trpc/support.redeem`,
        {
          method: 'POST',
          ca: app().tls.caCertPem,
          headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
        },
        (res) => {
          res.resume();
          resolve(res.headers['set-cookie'] ?? []);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(reply).toHaveLength(1);
    expect(reply[0]).toContain('HttpOnly');
    expect(reply[0]).toContain('SameSite=Strict');
    expect(reply[0]).toContain(
      `Expires=${new Date(granted.grant.expiresAt).toUTCString()}`,
    );
  });

  it('ends the support session at once when the OWNER revokes', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    const support = await redeem(granted.credential);
    await support.query('inbox.conversations');

    await owner.mutate('support.revoke', { grantId: granted.grant.id });

    const error = await expectApiError(support.query('inbox.conversations'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect((await owner.query<Me>('auth.me')).activeSupport).toEqual([]);
    expect(await owner.query('support.list')).toEqual([]);
    const audit = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(audit[0]).toMatchObject({
      action: 'support.revoked',
      targetId: granted.grant.id,
    });
    // Revoking again finds no active grant and changes nothing.
    const before = rowCounts();
    const again = await expectApiError(
      owner.mutate('support.revoke', { grantId: granted.grant.id }),
    );
    expect(again.code).toBe('NOT_FOUND');
    expect(rowCounts()).toEqual(before);
  });

  it('ends with the authority of the OWNER who granted it: demoted or removed, their grants end', async () => {
    const owner = await setupOwner(app);
    const second = await addMember(app, owner, 'OWNER', {
      email: 'second-owner@acme.test',
      password: 'second-owner-password-1',
      displayName: 'Second Owner',
    });
    const secondId = (await second.query<{ userId: string }>('auth.me')).userId;
    const redeemed = await grant(second);
    const support = await redeem(redeemed.credential);
    const unredeemed = await grant(second, { name: 'Later Support' });
    const kept = await grant(owner, { name: 'Owner Support' });

    await owner.mutate('members.setRole', { userId: secondId, role: 'AGENT' });

    expect((await expectApiError(support.query('inbox.conversations'))).code).toBe(
      'UNAUTHORIZED',
    );
    const late = await expectApiError(
      new ApiClient(app).mutate('support.redeem', { credential: unredeemed.credential }),
    );
    expect(late.reason).toBe('support_credential_unusable');
    const active = (await owner.query<Me>('auth.me')).activeSupport.map((g) => g.id);
    expect(active).toEqual([kept.grant.id]);
    const revoked = (await owner.query<AuditRow[]>('audit.list', { limit: 20 })).filter(
      (row) => row.action === 'support.revoked',
    );
    expect(revoked.map((row) => row.details['reason'])).toEqual([
      'granted_by_former_owner',
      'granted_by_former_owner',
    ]);

    // Removing an OWNER ends theirs the same way.
    const third = await addMember(app, owner, 'OWNER', {
      email: 'third-owner@acme.test',
      password: 'third-owner-password-1',
      displayName: 'Third Owner',
    });
    const thirdId = (await third.query<{ userId: string }>('auth.me')).userId;
    const theirs = await grant(third, { name: 'Their Support' });
    await owner.mutate('members.remove', { userId: thirdId });
    const removed = await expectApiError(
      new ApiClient(app).mutate('support.redeem', { credential: theirs.credential }),
    );
    expect(removed.reason).toBe('support_credential_unusable');
  });

  it("stops the support person's live stream at the next event after revocation", async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    const support = await redeem(granted.credential);
    const workspaceId = (await owner.query<{ workspaceId: string }>('auth.me'))
      .workspaceId;
    const stream = openStream(support.cookie!);
    await stream.connected;

    const event = { type: 'conversation.deleted', conversationId: 'c-1' } as const;
    t.running.services.events.publish(workspaceId, event);
    await stream.waitFor('c-1');
    await owner.mutate('support.revoke', { grantId: granted.grant.id });
    t.running.services.events.publish(workspaceId, { ...event, conversationId: 'c-2' });

    await stream.ended;
    expect(stream.text()).not.toContain('c-2');
  });

  it('ends the grant when the support person signs out', async () => {
    const owner = await setupOwner(app);
    const granted = await grant(owner);
    const support = await redeem(granted.credential);

    await support.mutate('auth.logout');

    expect(await support.query('auth.me')).toBeNull();
    expect((await owner.query<Me>('auth.me')).activeSupport).toEqual([]);
  });
});

describe('the audit of support access', () => {
  it('names the support person and the granting OWNER on every call, reads included', async () => {
    const owner = await setupOwner(app);
    const ownerId = (await owner.query<{ userId: string }>('auth.me')).userId;
    const granted = await grant(owner);
    const support = await redeem(granted.credential);

    await support.query('inbox.conversations');
    await support.query('audit.list', { limit: 1 });
    await expectApiError(
      support.mutate('members.invite', { role: 'AGENT', email: null }),
    );

    const audit = (await owner.query<AuditRow[]>('audit.list', { limit: 5 })).reverse();
    const label = `support: Sam Support, granted by ${OWNER.email}`;
    expect(audit.map((row) => [row.action, row.targetId])).toEqual([
      ['support.granted', granted.grant.id],
      ['support.redeemed', granted.grant.id],
      ['support.used', 'inbox.conversations'],
      ['support.used', 'audit.list'],
      ['access.denied', 'members.invite'],
    ]);
    for (const row of audit.slice(1)) {
      expect(row.actorLabel).toBe(label);
      expect(row.actorId).toBe(ownerId);
    }
    expect(audit.at(-2)?.details).toMatchObject({ grantId: granted.grant.id });
    expect(audit.at(-1)?.details).toMatchObject({
      grantId: granted.grant.id,
      role: 'SUPPORT',
    });
    expect(audit[0]).toMatchObject({
      actorLabel: OWNER.email,
      details: { supportName: 'Sam Support', reason: 'Ticket 4711' },
    });
    expect(t.logs.text).not.toContain(granted.credential);

    // A call that fails is written down as failed, not as done.
    await expectApiError(support.query('audit.list', { limit: -5 }));
    const last = t.running.appliance.store.db
      .prepare(
        `SELECT action, target_id AS target, outcome FROM audit_log ORDER BY seq DESC LIMIT 1`,
      )
      .get();
    expect(last).toEqual({
      action: 'support.used',
      target: 'audit.list',
      outcome: 'failure',
    });
  });
});

/** An SSE subscription to `inbox.events`, read as text. */
function openStream(cookie: string) {
  let text = '';
  let onData = () => undefined as void;
  let connect!: () => void;
  let end!: () => void;
  const connected = new Promise<void>((resolve) => (connect = resolve));
  const ended = new Promise<void>((resolve) => (end = resolve));
  const req = request(
    `${app().url}/trpc/inbox.events`,
    { headers: { cookie }, ca: app().tls.caCertPem, agent: false },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('event: connected')) connect();
        onData();
      });
      res.on('end', end);
      res.on('close', end);
    },
  );
  req.end();
  afterEach(() => req.destroy());
  return {
    connected,
    ended,
    text: () => text,
    waitFor: (needle: string) =>
      new Promise<void>((resolve) => {
        onData = () => (text.includes(needle) ? resolve() : undefined);
        onData();
      }),
  };
}
