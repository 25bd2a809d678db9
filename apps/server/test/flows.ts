import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@flowgento/crypto';
import type { AuthContext, CallerRole } from '@flowgento/access';
import { workspaceScope, type Role } from '@flowgento/store';
import { buildStatusWebhook, buildTextWebhook, signPayload } from '@flowgento/whatsapp';
import { sessionCookie } from '../src/http/cookies.ts';
import type { RunningAppliance } from '../src/server.ts';
import { ApiClient, httpsRequest } from './harness.ts';

export const OWNER = {
  email: 'owner@acme.test',
  password: 'owner-password-1',
  displayName: 'Olivia Owner',
};
export const AGENT = {
  email: 'agent@acme.test',
  password: 'agent-password-1',
  displayName: 'Arjun Agent',
};

export const REAL_NUMBER = {
  phoneNumberId: '106540352242922',
  businessAccountId: '102290129340398',
  displayPhoneNumber: '+1 555 0199',
  accessToken: 'EAAG-test-access-token-0123456789',
  appSecret: 'app-secret-for-tests-0123456789',
  verifyToken: 'verify-token-for-tests',
};

/** Completes first-run setup in the browser's place and returns the OWNER's client. */
export async function setupOwner(app: () => RunningAppliance): Promise<ApiClient> {
  const owner = new ApiClient(app);
  await owner.mutate('auth.setup', {
    setupCode: app().setupCode,
    workspaceName: 'Acme Support',
    ...OWNER,
  });
  return owner;
}

/** Invites an AGENT and accepts the invite; returns the AGENT's signed-in client. */
export function addAgent(
  app: () => RunningAppliance,
  owner: ApiClient,
  who = AGENT,
): Promise<ApiClient> {
  return addMember(app, owner, 'AGENT', who);
}

/** Invites someone with `role` and accepts the invite; returns their signed-in client. */
export async function addMember(
  app: () => RunningAppliance,
  inviter: ApiClient,
  role: Role,
  who: { email: string; password: string; displayName: string },
): Promise<ApiClient> {
  const invite = await inviter.mutate<{ code: string }>('members.invite', {
    role,
    email: who.email,
  });
  const member = new ApiClient(app);
  await member.mutate('auth.acceptInvite', { code: invite.code, ...who });
  return member;
}

/**
 * A second tenant on the same appliance, made the way one would exist, with
 * one signed-in member of `role`.
 */
export async function memberOfAnotherWorkspace(
  app: () => RunningAppliance,
  role: Role,
): Promise<{ client: ApiClient; userId: string }> {
  const store = app().appliance.store;
  const other = store.workspaces.create('Other Co');
  const user = store.users.create({
    email: 'outsider@other.test',
    displayName: 'Oscar Outsider',
    passwordHash: await hashPassword('outsider-password-1'),
  });
  store.in(workspaceScope(other.id)).members.add(user.id, role);
  const client = new ApiClient(app);
  await client.mutate('auth.login', {
    email: 'outsider@other.test',
    password: 'outsider-password-1',
  });
  return { client, userId: user.id };
}

export function newWamid(): string {
  return `wamid.TEST${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** Posts a customer's text message as Meta would, signed with `appSecret`. */
export async function deliverText(
  app: RunningAppliance,
  input: {
    text: string;
    from?: string;
    waMessageId?: string;
    appSecret?: string;
    timestampSeconds?: number;
  },
) {
  const body = Buffer.from(
    JSON.stringify(
      buildTextWebhook({
        phoneNumberId: REAL_NUMBER.phoneNumberId,
        displayPhoneNumber: REAL_NUMBER.displayPhoneNumber,
        waMessageId: input.waMessageId ?? newWamid(),
        from: input.from ?? '15550001111',
        profileName: 'Carla Customer',
        text: input.text,
        timestampSeconds: input.timestampSeconds,
      }),
    ),
  );
  return postSigned(app, body, input.appSecret ?? REAL_NUMBER.appSecret);
}

export async function deliverStatus(
  app: RunningAppliance,
  waMessageId: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
) {
  const body = Buffer.from(
    JSON.stringify(
      buildStatusWebhook({
        phoneNumberId: REAL_NUMBER.phoneNumberId,
        displayPhoneNumber: REAL_NUMBER.displayPhoneNumber,
        waMessageId,
        status,
        recipientId: '15550001111',
        ...(status === 'failed'
          ? { error: { code: 131026, title: 'Message undeliverable' } }
          : {}),
      }),
    ),
  );
  return postSigned(app, body, REAL_NUMBER.appSecret);
}

export function postSigned(app: RunningAppliance, body: Buffer, appSecret: string) {
  return httpsRequest(app, 'POST', '/webhooks/whatsapp', {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(appSecret, body),
    },
  });
}

/** A loopback stand-in for graph.facebook.com that records every send. */
export async function startGraphRecorder(): Promise<{
  baseUrl: string;
  sends: {
    path: string;
    authorization: string | undefined;
    body: Record<string, unknown>;
  }[];
  close(): Promise<void>;
}> {
  const sends: {
    path: string;
    authorization: string | undefined;
    body: Record<string, unknown>;
  }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<
        string,
        unknown
      >;
      sends.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body['to'], wa_id: body['to'] }],
          messages: [{ id: newWamid() }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sends,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One signed-in person of a test: who they are and the cookie their browser holds. */
export interface CastMember {
  label: string;
  /** The member's user id; for SUPPORT, the id of the OWNER who granted access. */
  userId: string;
  workspaceId: string;
  role: CallerRole;
  cookie: string;
  /** For SUPPORT: the grant the session works under. */
  grantId?: string;
}

/**
 * A workspace with its members made directly in the store (the API creates
 * only the first workspace), each signed in through a real session. The
 * accounts have no usable password: they exist to call the API. A SUPPORT
 * caller is a support person who redeemed a grant of the first OWNER, so
 * `roles` must list an OWNER before SUPPORT.
 */
export function addWorkspaceWithMembers(
  app: RunningAppliance,
  name: string,
  roles: readonly CallerRole[],
): { workspaceId: string; members: CastMember[] } {
  const store = app.appliance.store;
  const workspace = store.transaction(() => store.workspaces.create(name));
  return { workspaceId: workspace.id, members: addMembersTo(app, workspace, roles) };
}

/** New members of an existing workspace, each signed in, one per role. */
export function addMembersTo(
  app: RunningAppliance,
  workspace: { id: string; name: string },
  roles: readonly CallerRole[],
): CastMember[] {
  const store = app.appliance.store;
  const name = workspace.name;
  return roles.map((role, index) => {
    if (role === 'SUPPORT') {
      return supportCaller(app, {
        label: `SUPPORT of ${name}`,
        userId: '',
        workspaceId: workspace.id,
        role,
        cookie: '',
      });
    }
    const user = store.transaction(() => {
      const created = store.users.create({
        email: `${role.toLowerCase()}${index}.${randomUUID().slice(-8)}@${slug(name)}.test`,
        displayName: `${name} ${role}`,
        passwordHash: 'no password: signed in by the test',
      });
      store.in(workspaceScope(workspace.id)).members.add(created.id, role);
      return created;
    });
    const member: CastMember = {
      label: `${role} of ${name}`,
      userId: user.id,
      workspaceId: workspace.id,
      role,
      cookie: '',
    };
    return signIn(app, member);
  });
}

/**
 * Puts a cast member back as they were (member with their role, a live
 * session) after a call that was allowed to sign them out, demote or remove
 * them, so the next call tests the role the test means.
 */
export function restoreMember(app: RunningAppliance, member: CastMember): CastMember {
  const token = member.cookie.slice(`${sessionCookie.name}=`.length);
  const auth = app.services.access.sessions.resolve(token);
  if (auth?.role === member.role && auth.workspaceId === member.workspaceId)
    return member;
  if (member.role === 'SUPPORT') return supportCaller(app, member);
  const role: Role = member.role;
  const store = app.appliance.store;
  const members = store.in(workspaceScope(member.workspaceId)).members;
  store.transaction(() => {
    const current = members.get(member.userId);
    if (!current) members.add(member.userId, role);
    else if (current.role !== role) members.setRole(member.userId, role);
  });
  return signIn(app, member);
}

function signIn(app: RunningAppliance, member: CastMember): CastMember {
  const session = app.services.access.sessions.issue(member.userId, member.workspaceId, {
    ip: '127.0.0.1',
    userAgent: 'flowgento-test/1.0',
  });
  member.cookie = `${sessionCookie.name}=${session.token}`;
  return member;
}

/**
 * Signs `member` in as a support person: the workspace's first OWNER grants
 * an hour of support access and the credential is redeemed, as the link's
 * recipient would.
 */
export function supportCaller(app: RunningAppliance, member: CastMember): CastMember {
  const store = app.appliance.store;
  const scope = workspaceScope(member.workspaceId);
  const owner = store
    .in(scope)
    .members.list()
    .find((m) => m.role === 'OWNER');
  if (!owner) throw new Error('a SUPPORT caller needs an OWNER to grant access');
  const granter: AuthContext = {
    userId: owner.userId,
    email: owner.email,
    displayName: owner.displayName,
    workspaceId: member.workspaceId,
    workspaceName: '',
    role: 'OWNER',
    scope,
    sessionIdHash: '',
  };
  const origin = { ip: '127.0.0.1', userAgent: 'flowgento-test/1.0' };
  const support = app.services.access.support;
  const { grant, credential } = support.grant(
    granter,
    { name: 'Sam Support', email: null, reason: null, durationMinutes: 60 },
    origin,
  );
  const session = support.redeem(credential, origin);
  member.userId = owner.userId;
  member.grantId = grant.id;
  member.cookie = `${sessionCookie.name}=${session.token}`;
  return member;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
