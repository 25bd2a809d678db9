import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase32, totpCode, totpStep } from '@flowgento/access';
import { procedureCatalog } from '@flowgento/api';
import { hashPassword } from '@flowgento/crypto';
import { workspaceScope } from '@flowgento/store';
import { buildTextWebhook } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import {
  ApiClient,
  ApiError,
  startTestAppliance,
  tableDigests,
  type TestAppliance,
} from './harness.ts';
import {
  addMembersTo,
  addWorkspaceWithMembers,
  newWamid,
  postSigned,
  type CastMember,
} from './flows.ts';

/**
 * The audit promise, held against every API call that changes something:
 * a successful call writes exactly one entry of the kind it declares, with
 * who, where from and which request; a failed call writes none of that kind
 * and changes nothing; and when the entry cannot be written, the change is
 * undone with it (the entry shares the change's transaction).
 */

let t: TestAppliance;
const app = () => t.running;

beforeAll(async () => {
  // The simulator is on: `whatsapp.connectSimulator` needs it.
  t = await startTestAppliance({});
});
afterAll(() => t.cleanup());

/**
 * A call ready to make: by a signed-in member (`caller`: the entry must
 * name them and their workspace), or by an anonymous `client` (sign-in,
 * invites, support links) with what the entry must name instead.
 */
type Arranged = (
  { caller: Signed } | { client: ApiClient; actorId?: string; workspaceId: string | null }
) & {
  input?: unknown;
  /** A call of the same procedure that fails, or why there is none. */
  failing: { client?: ApiClient; input?: unknown } | { none: string };
};

type Scenario = () => Promise<Arranged>;

/** A new workspace with an OWNER, an ADMIN and an AGENT, each a signed-in client. */
let worldCount = 0;
function world() {
  worldCount += 1;
  const made = addWorkspaceWithMembers(app(), `Audit world ${worldCount}`, [
    'OWNER',
    'ADMIN',
    'AGENT',
  ]);
  const [owner, admin, agent] = made.members.map(clientOf) as [Signed, Signed, Signed];
  return { workspaceId: made.workspaceId, owner, admin, agent };
}

/**
 * New OWNER, ADMIN and AGENT of the appliance's own workspace (the first
 * one made): backups are decided there, for every workspace.
 */
function homeWorld() {
  const store = app().appliance.store;
  const home = store.workspaces.get(store.workspaces.homeId() ?? world().workspaceId)!;
  const members = addMembersTo(app(), home, ['OWNER', 'ADMIN', 'AGENT']);
  const [owner, admin, agent] = members.map(clientOf) as [Signed, Signed, Signed];
  return { workspaceId: home.id, owner, admin, agent };
}

interface Signed {
  client: ApiClient;
  member: CastMember;
}

function clientOf(member: CastMember): Signed {
  const client = new ApiClient(app);
  client.cookie = member.cookie;
  return { client, member };
}

/** A member who can sign in with a password (the cast members cannot). */
async function memberWithPassword(workspaceId: string) {
  const store = app().appliance.store;
  const email = `signin-${randomUUID().slice(0, 8)}@audit.test`;
  const password = 'a-long-password-1';
  const passwordHash = await hashPassword(password);
  const user = store.transaction(() => {
    const created = store.users.create({ email, displayName: 'Sign In', passwordHash });
    store.in(workspaceScope(workspaceId)).members.add(created.id, 'ADMIN');
    return created;
  });
  return { email, password, userId: user.id };
}

/** Turns two-factor sign-in on for a signed-in client; returns the secret. */
async function enableTwoFactor(client: ApiClient): Promise<Buffer> {
  const { secret } = await client.mutate<{ secret: string }>('twoFactor.begin');
  const key = fromBase32(secret);
  await client.mutate('twoFactor.confirm', { code: codeFor(key) });
  return key;
}

// A code is accepted once, and only if newer than the last one accepted:
// each key's codes walk forward from the step before the current one.
const nextStep = new Map<string, number>();
function codeFor(key: Buffer): string {
  const id = key.toString('hex');
  const step = nextStep.get(id) ?? totpStep(Date.now()) - 1;
  nextStep.set(id, step + 1);
  return totpCode(key, step);
}

/** Gives the OWNER's workspace a number and one conversation; returns its id. */
const NOTICE = { version: 'v1', language: 'en', body: 'We send offers on WhatsApp.' };

/** The contact a conversation is with. */
function contactOf(conversationId: string): string {
  return app()
    .appliance.store.db.prepare('SELECT contact_id FROM conversations WHERE id = ?')
    .pluck()
    .get(conversationId) as string;
}

async function conversationIn(w: ReturnType<typeof world>): Promise<string> {
  const suffix = String(worldCount).padStart(4, '0');
  const number = {
    phoneNumberId: `77100${suffix}`,
    businessAccountId: `77200${suffix}`,
    displayPhoneNumber: `+1 555 01${suffix}`,
    accessToken: `token-${suffix}-0123456789`,
    appSecret: `secret-${suffix}-0123456789`,
    verifyToken: `verify-${suffix}`,
  };
  await w.owner.client.mutate('whatsapp.save', number);
  const body = Buffer.from(
    JSON.stringify(
      buildTextWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId: newWamid(),
        from: `1555${suffix}000`,
        profileName: 'Carla Customer',
        text: 'Where is my order?',
      }),
    ),
  );
  const reply = await postSigned(app(), body, number.appSecret);
  expect(reply.status).toBe(200);
  const [conversation] = app()
    .appliance.store.in(workspaceScope(w.workspaceId))
    .conversations.list();
  return conversation!.id;
}

const MISSING_ID = '01890000-0000-7000-8000-000000000000';

/**
 * A breach in a world whose OWNER has read one conversation (so the access
 * log holds a contact), with every access written before the call.
 */
async function breachIn(w: ReturnType<typeof world>): Promise<string> {
  const conversationId = await conversationIn(w);
  await w.owner.client.query('inbox.conversation', { conversationId });
  const { id } = await w.owner.client.mutate<{ id: string }>('breaches.record', {
    title: 'Laptop stolen',
    awareAt: Date.now() - 60_000,
    occurredAt: null,
    nature: 'An unlocked laptop with the inbox open was stolen',
    categories: 'messages, numbers',
    systems: 'agent laptop',
    measures: 'sessions revoked',
    contactPoint: 'privacy@audit.test',
  });
  app().services.accessLog.flush();
  return id;
}

const affectedInput = (breachId: string) => ({
  breachId,
  from: 0,
  to: Date.now() + 60_000,
  memberIds: [],
  actions: ['read'],
});
/** A data request logged by the world's ADMIN. */
async function requestIn(
  w: ReturnType<typeof world>,
  input: { kind: string; law: string },
): Promise<{ id: string }> {
  return w.admin.client.mutate<{ id: string }>('requests.log', {
    ...input,
    requester: 'Carla Customer',
  });
}

function contactIn(w: ReturnType<typeof world>, conversationId: string): string {
  return app()
    .appliance.store.in(workspaceScope(w.workspaceId))
    .conversations.get(conversationId)!.contact.id;
}

const scenarios: Record<string, Scenario> = {
  'audit.verify': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      failing: {
        none: 'a check of the chain always completes; a broken chain is its result',
      },
    });
  },
  'auth.acceptInvite': async () => {
    const w = world();
    const { code } = await w.owner.client.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    const who = { displayName: 'New Agent', email: `new-${code.slice(0, 6)}@audit.test` };
    return {
      client: new ApiClient(app),
      input: { code, ...who, password: 'a-long-password-1' },
      workspaceId: w.workspaceId,
      failing: {
        input: { code: 'NOT-A-REAL-CODE', ...who, password: 'a-long-password-1' },
      },
    };
  },
  'auth.login': async () => {
    const w = world();
    const who = await memberWithPassword(w.workspaceId);
    return {
      client: new ApiClient(app),
      input: { email: who.email, password: who.password },
      actorId: who.userId,
      workspaceId: w.workspaceId,
      failing: { input: { email: who.email, password: 'not-the-password' } },
    };
  },
  'auth.loginSecondFactor': async () => {
    const w = world();
    const who = await memberWithPassword(w.workspaceId);
    const first = new ApiClient(app);
    await first.mutate('auth.login', { email: who.email, password: who.password });
    const key = await enableTwoFactor(first);
    const client = new ApiClient(app);
    const step = await client.mutate<{ secondFactor: { challenge: string } }>(
      'auth.login',
      { email: who.email, password: who.password },
    );
    return {
      client,
      input: { challenge: step.secondFactor.challenge, code: codeFor(key) },
      actorId: who.userId,
      workspaceId: w.workspaceId,
      failing: { input: { challenge: step.secondFactor.challenge, code: '000000' } },
    };
  },
  'auth.logout': () => {
    const w = world();
    return Promise.resolve({
      caller: w.agent,
      failing: { client: new ApiClient(app) },
    });
  },
  'auth.setup': () =>
    Promise.resolve({
      client: new ApiClient(app),
      workspaceId: null,
      failing: { none: 'checked on a fresh appliance of its own, below' },
    }),
  'backup.kit': () => {
    const w = homeWorld();
    return Promise.resolve({
      caller: w.owner,
      // The kit holds the backup key: an ADMIN is refused, and shown nothing.
      failing: { client: w.admin.client },
    });
  },
  'backup.setSchedule': () => {
    const w = homeWorld();
    // Appliance-wide: each call moves the schedule off what the last one set.
    const current = app().services.backup.schedule.current();
    const changesDays = current.changesDays === 6 ? 5 : 6;
    return Promise.resolve({
      caller: w.admin,
      input: { ...current, changesDays },
      failing: { input: { ...current, changesDays, dailyDays: changesDays - 1 } },
    });
  },
  'retention.setRule': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { category: 'conversations', days: 90 },
      // Security logs are kept 180 days at least (CERT-In).
      failing: { input: { category: 'security_log', days: 90 } },
    });
  },
  'retention.removeRule': async () => {
    const w = world();
    await w.owner.client.mutate('retention.setRule', { category: 'media', days: 60 });
    return {
      caller: w.admin,
      input: { category: 'media' },
      failing: { client: w.agent.client },
    };
  },
  'retention.run': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { dryRun: false },
      failing: { client: w.agent.client },
    });
  },
  'retention.placeHold': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.admin,
      input: { conversationId, reason: 'Court order 12/2026' },
      failing: { input: { conversationId: MISSING_ID, reason: 'Court order 12/2026' } },
    };
  },
  'retention.releaseHold': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    const hold = await w.owner.client.mutate<{ id: string }>('retention.placeHold', {
      conversationId,
      reason: 'Tax inquiry',
    });
    return {
      caller: w.admin,
      input: { holdId: hold.id, reason: 'The tax inquiry is closed' },
      failing: { input: { holdId: MISSING_ID, reason: 'The tax inquiry is closed' } },
    };
  },
  'consent.setMarketing': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.agent,
      input: { conversationId, state: 'opted_out' },
      failing: { input: { conversationId: MISSING_ID, state: 'opted_out' } },
    };
  },
  'consent.setKeywords': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { stop: ['stop', 'basta'], start: ['start'] },
      // A workspace whose customers could not opt out is refused.
      failing: { input: { stop: [], start: ['start'] } },
    });
  },
  'consentRegister.addNotice': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { version: 'v1', language: 'en', body: 'We send offers on WhatsApp.' },
      failing: { client: w.agent.client },
    });
  },
  'consentRegister.savePurpose': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { purpose: 'surveys', description: 'Surveys after a purchase' },
      // marketing is built in and cannot be redefined.
      failing: { input: { purpose: 'marketing', description: 'Offers' } },
    });
  },
  'consentRegister.recordOptIn': async () => {
    const w = world();
    const contactId = contactOf(await conversationIn(w));
    await w.owner.client.mutate('consentRegister.addNotice', NOTICE);
    const input = {
      contactId,
      purpose: 'marketing',
      source: 'admin',
      noticeVersion: 'v1',
      language: 'en',
    };
    return {
      caller: w.admin,
      input,
      failing: { input: { ...input, noticeVersion: 'v2' } },
    };
  },
  'consentRegister.importOptIns': async () => {
    const w = world();
    await w.owner.client.mutate('consentRegister.addNotice', NOTICE);
    const input = {
      purpose: 'marketing',
      noticeVersion: 'v1',
      language: 'en',
      waIds: ['919800000101', '919800000102'],
    };
    return {
      caller: w.admin,
      input,
      failing: { input: { ...input, language: 'hi' } },
    };
  },
  'consentRegister.withdraw': async () => {
    const w = world();
    const contactId = contactOf(await conversationIn(w));
    return {
      caller: w.owner,
      input: { contactId, purpose: 'marketing' },
      failing: { input: { contactId: MISSING_ID, purpose: 'marketing' } },
    };
  },
  'consentRegister.export': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { format: 'csv' },
      failing: { client: w.agent.client, input: { format: 'csv' } },
    });
  },
  'privacy.save': () => {
    const w = world();
    const input = {
      droppedMedia: ['sticker'],
      maskCardNumbers: true,
      maskIdentityNumbers: false,
      dropProfileNames: false,
      privacyContact: { name: 'Priya', email: 'privacy@example.com', phone: null },
      grievanceOfficer: null,
    };
    return Promise.resolve({
      caller: w.owner,
      input,
      failing: { client: w.agent.client, input },
    });
  },
  'templates.sync': async () => {
    const w = world();
    await w.owner.client.mutate('whatsapp.connectSimulator');
    return {
      caller: w.admin,
      failing: { client: w.agent.client },
    };
  },
  'inbox.assign': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.admin,
      input: { conversationId, assigneeId: w.agent.member.userId },
      failing: { input: { conversationId: MISSING_ID, assigneeId: null } },
    };
  },
  'inbox.take': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.agent,
      input: { conversationId },
      failing: { input: { conversationId: MISSING_ID } },
    };
  },
  'inbox.release': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    await w.agent.client.mutate('inbox.take', { conversationId });
    return {
      caller: w.agent,
      input: { conversationId },
      failing: { input: { conversationId: MISSING_ID } },
    };
  },
  'inbox.delete': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.owner,
      input: { conversationId },
      failing: { input: { conversationId: MISSING_ID } },
    };
  },
  'contacts.erase': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    const { contact } = app()
      .appliance.store.in(workspaceScope(w.workspaceId))
      .conversations.get(conversationId)!;
    return {
      caller: w.admin,
      input: { contactId: contact.id, reason: 'erasure request by email' },
      failing: { input: { contactId: MISSING_ID, reason: 'erasure request by email' } },
    };
  },
  'desk.setStatus': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.agent,
      input: { conversationId, status: 'resolved' },
      failing: { input: { conversationId: MISSING_ID, status: 'resolved' } },
    };
  },
  'desk.addNote': async () => {
    const w = world();
    const conversationId = await conversationIn(w);
    return {
      caller: w.agent,
      input: { conversationId, body: 'Prefers a call after 5pm' },
      failing: { input: { conversationId: MISSING_ID, body: 'Lost' } },
    };
  },
  'accessLog.verify': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      failing: { client: w.agent.client },
    });
  },
  'breaches.record': () => {
    const w = world();
    const input = {
      title: 'Backup drive lost',
      awareAt: Date.now() - 3_600_000,
      occurredAt: null,
      nature: 'A backup drive was lost in transit',
      categories: 'messages',
      systems: 'backups',
      measures: 'backup key rotated',
      contactPoint: 'privacy@audit.test',
    };
    return Promise.resolve({
      caller: w.admin,
      input,
      failing: { input: { ...input, awareAt: Date.now() + 3_600_000 } },
    });
  },
  'breaches.markDone': async () => {
    const w = world();
    const breachId = await breachIn(w);
    const done = { duty: 'cert_in', at: Date.now(), reference: 'CERTIn-2026-001' };
    return {
      caller: w.owner,
      input: { breachId, ...done },
      failing: { input: { breachId: MISSING_ID, ...done } },
    };
  },
  'breaches.editDrafts': async () => {
    const w = world();
    const breachId = await breachIn(w);
    return {
      caller: w.owner,
      input: { breachId, fields: { 'board.reasons': 'A laptop left unlocked' } },
      failing: { input: { breachId, fields: { 'board.salary': 'not a field' } } },
    };
  },
  'breaches.findAffected': async () => {
    const w = world();
    const breachId = await breachIn(w);
    return {
      caller: w.owner,
      input: affectedInput(breachId),
      failing: { input: affectedInput(MISSING_ID) },
    };
  },
  'breaches.exportReport': async () => {
    const w = world();
    const breachId = await breachIn(w);
    return {
      caller: w.admin,
      input: { breachId },
      failing: { input: { breachId: MISSING_ID } },
    };
  },
  'breaches.exportNotices': async () => {
    const w = world();
    const breachId = await breachIn(w);
    await w.owner.client.mutate('breaches.findAffected', affectedInput(breachId));
    return {
      caller: w.owner,
      input: { breachId },
      failing: { input: { breachId: MISSING_ID } },
    };
  },
  'requests.log': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { kind: 'access', law: 'GDPR', requester: 'Carla Customer' },
      failing: {
        input: { kind: 'access', law: 'GDPR', requester: 'C', receivedAt: 9e15 },
      },
    });
  },
  'requests.verify': async () => {
    const w = world();
    const { id } = await requestIn(w, { kind: 'access', law: 'DPDP' });
    const contactId = contactIn(w, await conversationIn(w));
    return {
      caller: w.admin,
      input: { requestId: id, method: 'passport seen', contactId },
      failing: {
        input: { requestId: id, method: 'passport seen', contactId: MISSING_ID },
      },
    };
  },
  'requests.extend': async () => {
    const w = world();
    const { id } = await requestIn(w, { kind: 'access', law: 'GDPR' });
    const now = Date.now();
    const input = {
      requestId: id,
      toldAt: now,
      until: now + 50 * 86_400_000,
      reason: 'Many files',
    };
    return {
      caller: w.admin,
      input,
      failing: { input: { ...input, until: now + 200 * 86_400_000 } },
    };
  },
  'requests.refuse': async () => {
    const w = world();
    const gdpr = await requestIn(w, { kind: 'erasure', law: 'GDPR' });
    const dpdp = await requestIn(w, { kind: 'erasure', law: 'DPDP' });
    return {
      caller: w.admin,
      input: { requestId: dpdp.id, reason: 'Invoices must be kept by law' },
      // No GDPR authority is named in a new workspace: the refusal waits.
      failing: { input: { requestId: gdpr.id, reason: 'Invoices must be kept' } },
    };
  },
  'requests.fulfil': async () => {
    const w = world();
    const grievance = await requestIn(w, { kind: 'grievance', law: 'DPDP' });
    const access = await requestIn(w, { kind: 'access', law: 'DPDP' });
    return {
      caller: w.admin,
      input: { requestId: grievance.id },
      failing: { input: { requestId: access.id } },
    };
  },
  'requests.setAuthority': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: {
        law: 'GDPR',
        name: 'Irish Data Protection Commission',
        contact: 'https://www.dataprotection.ie',
      },
      failing: { client: w.agent.client },
    });
  },
  'requests.correctContact': async () => {
    const w = world();
    const contactId = contactIn(w, await conversationIn(w));
    return {
      caller: w.admin,
      input: { contactId, profileName: 'Carla Correct' },
      failing: { input: { contactId: MISSING_ID, profileName: 'Lost' } },
    };
  },
  'members.invite': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      input: { role: 'AGENT', email: 'invitee@audit.test' },
      failing: { input: { role: 'OWNER', email: null } },
    });
  },
  'members.revokeInvite': async () => {
    const w = world();
    await w.owner.client.mutate('members.invite', { role: 'AGENT', email: null });
    const [invite] = await w.owner.client.query<{ id: string }[]>(
      'members.pendingInvites',
    );
    return {
      caller: w.owner,
      input: { inviteId: invite!.id },
      failing: { input: { inviteId: MISSING_ID } },
    };
  },
  'members.setRole': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { userId: w.agent.member.userId, role: 'ADMIN' },
      failing: { input: { userId: MISSING_ID, role: 'ADMIN' } },
    });
  },
  'members.remove': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { userId: w.agent.member.userId },
      failing: { input: { userId: MISSING_ID } },
    });
  },
  'members.leave': () => {
    const w = world();
    return Promise.resolve({
      caller: w.agent,
      // The only OWNER cannot leave the workspace without one.
      failing: { client: w.owner.client },
    });
  },
  'sessions.revoke': async () => {
    const w = world();
    const other = clientOf({ ...w.owner.member });
    app().services.access.sessions.issue(w.owner.member.userId, w.workspaceId, {
      ip: '127.0.0.1',
      userAgent: 'another browser',
    });
    const sessions =
      await other.client.query<{ id: string; current: boolean }[]>('sessions.list');
    const target = sessions.find((s) => !s.current)!;
    return {
      caller: w.owner,
      input: { sessionId: target.id },
      failing: { input: { sessionId: MISSING_ID } },
    };
  },
  'sessions.revokeAll': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      failing: { client: new ApiClient(app) },
    });
  },
  'storage.setOverride': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { tier: 'media-archive', providerIds: ['local'] },
      failing: { input: { tier: 'media-archive', providerIds: [MISSING_ID] } },
    });
  },
  'storage.clearOverride': async () => {
    const w = world();
    await w.owner.client.mutate('storage.setOverride', {
      tier: 'media-archive',
      providerIds: ['local'],
    });
    return {
      caller: w.owner,
      input: { tier: 'media-archive' },
      // A tier without an override has nothing to clear.
      failing: { input: { tier: 'backup' } },
    };
  },
  'support.grant': () => {
    const w = world();
    return Promise.resolve({
      caller: w.owner,
      input: { name: 'Sam Support', email: '', reason: 'ticket 42', durationMinutes: 60 },
      failing: { client: w.admin.client },
    });
  },
  'support.redeem': async () => {
    const w = world();
    const { credential } = await w.owner.client.mutate<{ credential: string }>(
      'support.grant',
      { name: 'Sam Support', email: '', reason: '', durationMinutes: 60 },
    );
    return {
      client: new ApiClient(app),
      input: { credential },
      actorId: w.owner.member.userId,
      workspaceId: w.workspaceId,
      failing: { input: { credential: 'not-a-credential' } },
    };
  },
  'support.revoke': async () => {
    const w = world();
    const { grant } = await w.owner.client.mutate<{ grant: { id: string } }>(
      'support.grant',
      { name: 'Sam Support', email: '', reason: '', durationMinutes: 60 },
    );
    return {
      caller: w.owner,
      input: { grantId: grant.id },
      failing: { input: { grantId: MISSING_ID } },
    };
  },
  'twoFactor.confirm': async () => {
    const w = world();
    const { secret } = await w.admin.client.mutate<{ secret: string }>('twoFactor.begin');
    return {
      caller: w.admin,
      input: { code: codeFor(fromBase32(secret)) },
      failing: { input: { code: '000000' } },
    };
  },
  'twoFactor.disable': async () => {
    const w = world();
    const key = await enableTwoFactor(w.admin.client);
    return {
      caller: w.admin,
      input: { code: codeFor(key) },
      failing: { input: { code: '000000' } },
    };
  },
  'twoFactor.regenerateRecoveryCodes': async () => {
    const w = world();
    const key = await enableTwoFactor(w.admin.client);
    return {
      caller: w.admin,
      input: { code: codeFor(key) },
      failing: { input: { code: '000000' } },
    };
  },
  'twoFactor.setRequired': async () => {
    const w = world();
    await enableTwoFactor(w.owner.client);
    return {
      caller: w.owner,
      input: { required: true },
      failing: { client: w.admin.client },
    };
  },
  'whatsapp.save': () => {
    const w = world();
    const number = {
      phoneNumberId: '881000000001',
      businessAccountId: '882000000001',
      displayPhoneNumber: '+1 555 0188',
      accessToken: 'token-save-0123456789',
      appSecret: 'secret-save-0123456789',
      verifyToken: 'verify-save',
    };
    return Promise.resolve({
      caller: w.owner,
      input: number,
      failing: { input: { ...number, numberId: MISSING_ID } },
    });
  },
  'whatsapp.connectSimulator': () => {
    const w = world();
    return Promise.resolve({
      caller: w.admin,
      failing: { client: w.agent.client },
    });
  },
};

const audited = procedureCatalog().flatMap((p) =>
  p.type === 'mutation' && p.audits && 'writes' in p.audits
    ? [{ path: p.path, writes: p.audits.writes }]
    : [],
);

const lastSeq = (running: RunningAppliance) =>
  (running.appliance.store.db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as
    number | null) ?? 0;

function entriesAfter(running: RunningAppliance, seq: number) {
  return running.appliance.store.db
    .prepare(
      `SELECT action, outcome, workspace_id AS workspaceId, actor_id AS actorId, ip,
         user_agent AS userAgent, request_id AS requestId
       FROM audit_log WHERE seq > ? ORDER BY seq`,
    )
    .all(seq) as {
    action: string;
    outcome: string;
    workspaceId: string | null;
    actorId: string | null;
    ip: string | null;
    userAgent: string | null;
    requestId: string | null;
  }[];
}

/** Makes every audit write on the appliance's connection fail, for a moment. */
function blockAuditWrites(running: RunningAppliance): () => void {
  const db = running.appliance.store.db;
  db.exec(`CREATE TEMP TRIGGER block_audit BEFORE INSERT ON main.audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END;`);
  return () => db.exec('DROP TRIGGER temp.block_audit');
}

function call(client: ApiClient, path: string, input: unknown) {
  return client.mutate(path, input);
}

async function checkScenario(
  running: RunningAppliance,
  path: string,
  writes: readonly string[],
  arranged: Arranged,
) {
  const { input, failing } = arranged;
  const client = 'caller' in arranged ? arranged.caller.client : arranged.client;
  const expected =
    'caller' in arranged
      ? {
          actorId: arranged.caller.member.userId,
          workspaceId: arranged.caller.member.workspaceId,
        }
      : { actorId: arranged.actorId, workspaceId: arranged.workspaceId };
  const refusals = new Set([
    'access.denied',
    'rule.refused',
    'auth.login.failed',
    'two_factor.code_rejected',
  ]);

  // What any attempt may count, before its outcome is known: failed sign-ins,
  // and guesses at a sign-in challenge (counted in their own transaction on
  // purpose, so no failure can give a guess back).
  const counters = ['login_throttle', 'login_challenges'];

  // 1. A failed call: none of the declared entries, and no change but a refusal's record.
  if (!('none' in failing)) {
    const before = lastSeq(running);
    const digests = tableDigests(running, ['audit_log', ...counters]);
    const error = await call(failing.client ?? client, path, failing.input ?? input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${path} should fail with the failing call`).toBeInstanceOf(ApiError);
    const written = entriesAfter(running, before);
    expect(written.filter((e) => writes.includes(e.action))).toEqual([]);
    for (const entry of written) {
      expect(refusals.has(entry.action), entry.action).toBe(true);
      expect(entry.outcome).toBe('failure');
    }
    expect(tableDigests(running, ['audit_log', ...counters])).toEqual(digests);
  }

  // 2. The entry cannot be written: the call fails and nothing changes at all.
  const before = lastSeq(running);
  const digests = tableDigests(running, counters);
  const unblock = blockAuditWrites(running);
  let blocked: unknown;
  try {
    blocked = await call(client, path, input).then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    unblock();
  }
  expect(blocked, `${path} must not succeed without its audit entry`).toBeInstanceOf(
    ApiError,
  );
  expect((blocked as ApiError).code).toBe('INTERNAL_SERVER_ERROR');
  expect((blocked as ApiError).message).not.toMatch(/audit|sqlite|at .*\.ts/i);
  expect(lastSeq(running)).toBe(before);
  const after = tableDigests(running, counters);
  const changed = Object.keys(digests).filter((table) => digests[table] !== after[table]);
  expect(changed, 'tables changed by a call whose entry failed').toEqual([]);

  // 3. The call succeeds: exactly one entry, of a declared kind, fully attributed.
  await call(client, path, input);
  const written = entriesAfter(running, before);
  expect(written.map((e) => e.action)).toHaveLength(1);
  const entry = written[0]!;
  expect(writes).toContain(entry.action);
  expect(entry.outcome).toBe('success');
  expect(entry.workspaceId).toBe(expected.workspaceId ?? entry.workspaceId);
  if (expected.actorId) expect(entry.actorId).toBe(expected.actorId);
  expect(entry.ip).toBe('127.0.0.1');
  expect(entry.userAgent).toBe('flowgento-test/1.0');
  expect(entry.requestId).toMatch(/^[0-9a-f]{16}$/);
  expect(entry.requestId).toBe(client.lastRequestId);
}

describe('every audited API call, in one transaction with its entry', () => {
  it('has a scenario for each mutation that declares entries', () => {
    expect(Object.keys(scenarios).sort()).toEqual(audited.map((p) => p.path).sort());
  });

  it.each(audited.filter((p) => p.path !== 'auth.setup'))(
    '$path writes exactly one of its entries, none when it fails, and nothing without one',
    async ({ path, writes }) => {
      const arranged = await scenarios[path]!();
      await checkScenario(app(), path, writes, arranged);
    },
  );

  it('auth.setup, on a fresh appliance, does the same', async () => {
    const fresh = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    try {
      const input = {
        setupCode: fresh.running.setupCode,
        workspaceName: 'Setup Co',
        displayName: 'Olivia Owner',
        email: 'owner@setup.test',
        password: 'owner-password-1',
      };
      await checkScenario(fresh.running, 'auth.setup', ['workspace.created'], {
        client: new ApiClient(() => fresh.running),
        input,
        workspaceId: null,
        failing: { input: { ...input, setupCode: 'WRONG-CODE-0000' } },
      });
    } finally {
      await fresh.cleanup();
    }
  });
});
