import { createHash } from 'node:crypto';
import { PERMISSION_MATRIX, type CallerRole } from '@flowgento/access';
import { createCallerFactory, appRouter, type ApiContext } from '@flowgento/api';
import { workspaceScope } from '@flowgento/store';
import { buildTextWebhook } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { sessionCookie } from '../src/http/cookies.ts';
import {
  addWorkspaceWithMembers,
  newWamid,
  postSigned,
  type CastMember,
} from './flows.ts';

/**
 * Three workspaces for the randomized isolation test, each with a caller of
 * every role in the matrix (OWNER, ADMIN, AGENT and a SUPPORT person), a WhatsApp number, conversations and invites, all
 * tagged with the workspace's marker so a leak is recognisable by content as
 * well as by id.
 */
export interface IsolatedWorkspace {
  id: string;
  /** Lowercase, so it survives in e-mail addresses too; see MARKER_PATTERN. */
  marker: string;
  members: CastMember[];
  /** Digits all this workspace's customers' WhatsApp ids start with. */
  customerPrefix: string;
}

export const MARKER_PATTERN = /mark\dx[0-9a-f]{8}/g;

const createCaller = createCallerFactory(appRouter);

/** The context the HTTP layer builds, from the same session lookup. */
export function contextFor(app: RunningAppliance, member: CastMember | null): ApiContext {
  const token = member?.cookie.slice(`${sessionCookie.name}=`.length);
  return {
    services: app.services,
    auth: app.services.access.sessions.resolve(token),
    origin: { ip: '127.0.0.1', userAgent: 'flowgento-isolation-test/1.0' },
    cookie: { current: token, set: () => undefined, clear: () => undefined },
  };
}

/** Calls a procedure by its dotted path, as the HTTP adapter would. */
export function callPath(
  app: RunningAppliance,
  member: CastMember | null,
  path: string,
  input: unknown,
): Promise<unknown> {
  let target: unknown = createCaller(contextFor(app, member));
  for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

export async function buildWorlds(
  app: RunningAppliance,
  random: () => number,
): Promise<IsolatedWorkspace[]> {
  const worlds: IsolatedWorkspace[] = [];
  for (const index of [1, 2, 3]) {
    const marker = `mark${index}x${Math.floor(random() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}`;
    // Every caller role of the matrix, OWNER first: it grants SUPPORT's access.
    const made = addWorkspaceWithMembers(
      app,
      `Workspace ${marker}`,
      Object.keys(PERMISSION_MATRIX) as CallerRole[],
    );
    const world: IsolatedWorkspace = {
      id: made.workspaceId,
      marker,
      members: made.members,
      customerPrefix: `${index}${index}0077`,
    };
    const owner = made.members[0]!;
    await callPath(app, owner, 'whatsapp.save', {
      phoneNumberId: `${index}${index}0066000000${index}`,
      businessAccountId: `${index}${index}0055000000${index}`,
      displayPhoneNumber: `+1 555 010${index}`,
      accessToken: `access-token-${marker}`,
      appSecret: `app-secret-${marker}`,
      verifyToken: `verify-token-${marker}`,
    });
    for (let invite = 0; invite < 2; invite += 1) {
      await callPath(app, owner, 'members.invite', {
        role: invite === 0 ? 'AGENT' : 'ADMIN',
        email: `invitee${invite}@${marker}.test`,
      });
    }
    worlds.push(world);
    await topUpConversations(app, world, 8);
  }
  return worlds;
}

/**
 * Delivers signed customer messages until the workspace has `count`
 * conversations again (random deletes thin them out), through the real
 * webhook path with the number's current settings.
 */
export async function topUpConversations(
  app: RunningAppliance,
  world: IsolatedWorkspace,
  count: number,
): Promise<void> {
  const scoped = app.appliance.store.in(workspaceScope(world.id));
  const number = scoped.numbers.list()[0];
  if (!number) return;
  const appSecret = app.services.numbers.unwrap(number, 'appSecret');
  let have = scoped.conversations.list().length;
  for (let attempt = 0; have < count && attempt < count * 2; attempt += 1) {
    const from = `${world.customerPrefix}${String(have + attempt * 100).padStart(6, '0')}`;
    for (const text of [`Hello from ${world.marker}`, `Order ${world.marker} late`]) {
      const body = Buffer.from(
        JSON.stringify(
          buildTextWebhook({
            phoneNumberId: number.phoneNumberId,
            displayPhoneNumber: number.displayPhoneNumber,
            waMessageId: newWamid(),
            from,
            profileName: `Customer ${world.marker}`,
            text,
          }),
        ),
      );
      const reply = await postSigned(app, body, appSecret);
      if (reply.status !== 200) throw new Error(`webhook refused: ${reply.body}`);
    }
    have = scoped.conversations.list().length;
  }
}

/** Columns whose values identify a row to an outsider. */
const IDENTIFYING = new Set([
  'id',
  'user_id',
  'phone_number_id',
  'wa_id',
  'wa_message_id',
]);

export interface Snapshot {
  /** workspace id → digest of every row it owns (audit rows by count). */
  digests: Map<string, string>;
  /** identifier or marker → the workspace that owns it. */
  owners: Map<string, string>;
  /**
   * Every identifier a workspace's rows mention, in any column: a value a
   * member typed (say, another workspace's phone number id as their own
   * business account id) is then theirs to read back, not a leak.
   */
  mentionsOf(workspaceId: string): Set<string>;
  /** Every identifier owned by some workspace, to aim calls at. */
  ids: string[];
  /** The digit-only identifiers (phone number ids, customers' WhatsApp ids). */
  digits: string[];
}

/** Rows as arrays, through the store's statement cache (these SQL texts are the test's own). */
function rowsOf(app: RunningAppliance, sql: string): Iterable<unknown[]> {
  return app.appliance.store.statement(sql).raw(true).iterate() as Iterable<unknown[]>;
}

/**
 * Reads every workspace-owned row of every table (found in the schema, so
 * tables added later are included) and digests it per workspace. The audit
 * log only grows, so its rows are counted rather than hashed.
 */
export function snapshot(app: RunningAppliance, worlds: IsolatedWorkspace[]): Snapshot {
  const texts = new Map(worlds.map((w) => [w.id, [] as string[]]));
  const owners = new Map<string, string>();
  for (const world of worlds) {
    owners.set(world.id, world.id);
    owners.set(world.marker, world.id);
  }
  const keep = (workspaceId: unknown, text: string) =>
    texts.get(String(workspaceId))?.push(text);

  // Rows that belong to a workspace without a workspace_id column of their own.
  for (const row of rowsOf(app, 'SELECT id, name, created_at FROM workspaces')) {
    keep(row[0], row.join('\u0001'));
  }
  const users = `SELECT m.workspace_id, u.* FROM users u JOIN members m ON m.user_id = u.id
    ORDER BY u.rowid, m.workspace_id`;
  for (const row of rowsOf(app, users)) keep(row[0], row.join('\u0001'));

  const audit = 'SELECT workspace_id, count(*) FROM audit_log GROUP BY workspace_id';
  for (const [workspaceId, count] of rowsOf(app, audit)) {
    keep(workspaceId, `audit_log rows: ${String(count)}`);
  }
  for (const { table, columns } of workspaceTables(app)) {
    const workspaceColumn = columns.indexOf('workspace_id');
    const identifying = columns.flatMap((c, i) => (IDENTIFYING.has(c) ? [i] : []));
    for (const row of rowsOf(app, `SELECT * FROM "${table}" ORDER BY rowid`)) {
      const workspaceId = String(row[workspaceColumn]);
      const cells = row.map((v) =>
        Buffer.isBuffer(v) ? v.toString('base64') : String(v),
      );
      keep(workspaceId, `${table}\u0001${cells.join('\u0001')}`);
      for (const index of identifying) owners.set(cells[index]!, workspaceId);
    }
  }

  const mentions = new Map<string, Set<string>>();
  const identifiers = [...owners.keys()].filter((key) => !/^mark\dx/.test(key));
  return {
    digests: new Map(
      [...texts].map(([id, rows]) => [
        id,
        createHash('sha1').update(rows.join('\n')).digest('hex'),
      ]),
    ),
    owners,
    mentionsOf(workspaceId) {
      let found = mentions.get(workspaceId);
      if (!found) {
        found = new Set(tokensIn(texts.get(workspaceId)?.join('\n') ?? ''));
        mentions.set(workspaceId, found);
      }
      return found;
    },
    ids: identifiers.filter((id) => !/^\d+$/.test(id)),
    digits: identifiers.filter((id) => /^\d+$/.test(id)),
  };
}

let tablesCache: { table: string; columns: string[] }[] | undefined;

/** The tables with a workspace_id column, and their columns in order. */
function workspaceTables(app: RunningAppliance) {
  if (tablesCache) return tablesCache;
  const db = app.appliance.store.db;
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
       AND name != 'audit_log'`,
    )
    .pluck()
    .all() as string[];
  tablesCache = tables
    .map((table) => ({
      table,
      columns: (
        db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]
      ).map((column) => column.name),
    }))
    .filter(({ columns }) => columns.includes('workspace_id'));
  return tablesCache;
}

/** Identifiers and markers in a text: ids, digit ids, wamids, markers. */
function tokensIn(text: string): string[] {
  return [
    ...(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ??
      []),
    ...(text.match(/\d{5,}/g) ?? []),
    ...(text.match(/wamid\.[A-Za-z0-9]+/g) ?? []),
    ...(text.match(MARKER_PATTERN) ?? []),
  ];
}

/**
 * The tokens in a response that belong to a workspace other than the
 * caller's and that the caller's own rows do not mention: each one is a leak.
 */
export function foreignTokens(
  text: string,
  now: Snapshot,
  callerWorkspace: string | null,
): string[] {
  return tokensIn(text).filter((token) => {
    const owner = now.owners.get(token);
    if (owner === undefined || owner === callerWorkspace) return false;
    return callerWorkspace === null || !now.mentionsOf(callerWorkspace).has(token);
  });
}
