import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION_MATRIX, roleAllows, type CallerRole } from '@flowgento/access';
import { procedureCatalog, type ProcedureEntry } from '@flowgento/api';
import type { RunningAppliance } from '../src/server.ts';
import {
  httpsRequest,
  startTestAppliance,
  type TestAppliance,
  tableRowCounts,
} from './harness.ts';
import { addWorkspaceWithMembers, restoreMember, type CastMember } from './flows.ts';

/**
 * Walks every procedure of the router and calls it over HTTPS as anonymous,
 * as each role of workspace A and as the OWNER of workspace B. What each
 * caller should get is derived from the procedure's declaration and the
 * matrix, so procedures added later are checked without touching this file.
 */

const procedures = procedureCatalog();
const roles = Object.keys(PERMISSION_MATRIX) as CallerRole[];

/** Not valid input for any procedure: an allowed call stops at input parsing. */
const PROBE = 'permission-matrix-probe';

type Outcome = 'allowed' | 'UNAUTHORIZED' | 'FORBIDDEN';

function expectedOutcome(procedure: ProcedureEntry, role: CallerRole | null): Outcome {
  const requires = procedure.requires;
  if (requires === undefined) return 'FORBIDDEN';
  if (requires === 'public') return 'allowed';
  if (role === null) return 'UNAUTHORIZED';
  if (requires === 'signed-in') return 'allowed';
  // Member self-service is for members; a support person has no account.
  if (requires === 'authenticated') return role === 'SUPPORT' ? 'FORBIDDEN' : 'allowed';
  return roleAllows(role, requires) ? 'allowed' : 'FORBIDDEN';
}

/** The tRPC error code a call answered with, or null when it succeeded. */
async function callOverHttps(
  app: RunningAppliance,
  procedure: ProcedureEntry,
  cookie: string | undefined,
): Promise<{ code: string | null; reason: string | null }> {
  const headers: Record<string, string> = {
    'user-agent': 'flowgento-test/1.0',
    ...(cookie ? { cookie } : {}),
  };
  const input = encodeURIComponent(JSON.stringify(PROBE));
  if (procedure.type === 'subscription') {
    return subscribe(app, `/trpc/${procedure.path}?input=${input}`, headers);
  }
  const reply =
    procedure.type === 'query'
      ? await httpsRequest(app, 'GET', `/trpc/${procedure.path}?input=${input}`, {
          headers,
        })
      : await httpsRequest(app, 'POST', `/trpc/${procedure.path}`, {
          body: JSON.stringify(PROBE),
          headers: {
            ...headers,
            'content-type': 'application/json',
            'x-flowgento-request': '1',
          },
        });
  const json = JSON.parse(reply.body) as {
    error?: { data: { code: string; reason: string | null } };
  };
  return { code: json.error?.data.code ?? null, reason: json.error?.data.reason ?? null };
}

/** How long an open event stream must stay quiet to count as allowed. */
const STREAM_QUIET_MS = 300;

/**
 * Subscriptions answer over Server-Sent Events with status 200 either way: a
 * refusal is a `serialized-error` event right after `connected`, an allowed
 * stream just stays open. Quiet for STREAM_QUIET_MS means allowed.
 */
function subscribe(
  app: RunningAppliance,
  path: string,
  headers: Record<string, string>,
): Promise<{ code: string | null; reason: string | null }> {
  return new Promise((resolve, reject) => {
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const req = request(
      `${app.url}${path}`,
      { headers, ca: app.tls.caCertPem, agent: false },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
          if (error) {
            const data = JSON.parse(error[1]!) as {
              data: { code: string; reason: string | null };
            };
            finish({ code: data.data.code, reason: data.data.reason });
          } else if (text.includes('event: connected') && !timer) {
            timer = setTimeout(
              () => finish({ code: null, reason: null }),
              STREAM_QUIET_MS,
            );
          }
        });
      },
    );
    const finish = (result: { code: string | null; reason: string | null }) => {
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

let t: TestAppliance;
let cast: Map<string, CastMember>;

/**
 * Appliance-wide procedures, called from a workspace set-up did not make
 * (backup.setSchedule too, but the walk's empty input is refused first).
 */
const APPLIANCE_WIDE = new Set(['backup.kit']);
const outsideHome = (path: string, caller: string) =>
  APPLIANCE_WIDE.has(path) && caller.endsWith('of Workspace B');
const auditRows = () =>
  t.running.appliance.store.db.prepare('SELECT count(*) FROM audit_log').pluck().get();

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const a = addWorkspaceWithMembers(t.running, 'Workspace A', roles);
  const b = addWorkspaceWithMembers(t.running, 'Workspace B', ['OWNER']);
  cast = new Map([...a.members, ...b.members].map((m) => [m.label, m]));
});
afterAll(() => t.cleanup());

const callers: { label: string; role: CallerRole | null }[] = [
  { label: 'anonymous', role: null },
  ...roles.map((role) => ({ label: `${role} of Workspace A`, role })),
  { label: 'OWNER of Workspace B', role: 'OWNER' },
];

describe('the router walk', () => {
  it('finds queries, mutations and subscriptions, each declaring a requirement', () => {
    expect(new Set(procedures.map((p) => p.type))).toEqual(
      new Set(['query', 'mutation', 'subscription']),
    );
    const undeclared = procedures.filter((p) => p.requires === undefined);
    expect(undeclared.map((p) => p.path)).toEqual([]);
  });

  const cases = procedures.flatMap((procedure) =>
    callers.map((caller) => ({
      name: `${procedure.path} (${procedure.type}) as ${caller.label}: ${expectedOutcome(procedure, caller.role)}`,
      procedure,
      caller,
    })),
  );

  it.each(cases)('$name', async ({ procedure, caller }) => {
    const member = caller.role === null ? undefined : cast.get(caller.label);
    const expected = expectedOutcome(procedure, caller.role);
    const auditBefore = auditRows();

    const answer = await callOverHttps(t.running, procedure, member?.cookie);

    if (expected === 'allowed' && outsideHome(procedure.path, caller.label)) {
      // Backups hold every workspace: only the appliance's own one decides them.
      expect(answer).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'appliance_scope_required',
      });
    } else if (expected === 'allowed') {
      expect(answer.code).not.toBe('UNAUTHORIZED');
      expect(answer.code).not.toBe('FORBIDDEN');
    } else {
      expect(answer.code).toBe(expected);
      expect(answer.reason).toBe(
        expected === 'FORBIDDEN' ? 'permission_denied' : 'sign_in_required',
      );
      // A member's refusal is audited once; an anonymous one is not.
      expect(auditRows()).toBe(Number(auditBefore) + (member ? 1 : 0));
    }
    if (member) cast.set(member.label, restoreMember(t.running, member));
  });
});

const rowCounts = () => tableRowCounts(t.running);

function latestAuditEntry() {
  return t.running.appliance.store.db
    .prepare(
      `SELECT workspace_id AS workspaceId, actor_type AS actorType, actor_id AS actorId,
         action, outcome, target_type AS targetType, target_id AS targetId, ip,
         user_agent AS userAgent, details_json AS details
       FROM audit_log ORDER BY seq DESC LIMIT 1`,
    )
    .get() as Record<string, unknown>;
}

describe('a refused call', () => {
  const refusals = procedures.flatMap((procedure) =>
    roles
      .filter((role) => expectedOutcome(procedure, role) === 'FORBIDDEN')
      .map((role) => ({ name: `${procedure.path} as ${role}`, procedure, role })),
  );

  it('exists for some role, or the matrix would grant everything', () => {
    expect(refusals.length).toBeGreaterThan(0);
  });

  it.each(refusals)(
    '$name changes no table but for one access.denied audit row',
    async ({ procedure, role }) => {
      const member = cast.get(`${role} of Workspace A`)!;
      const before = rowCounts();

      const answer = await callOverHttps(t.running, procedure, member.cookie);

      expect(answer.code).toBe('FORBIDDEN');
      expect(rowCounts()).toEqual({ ...before, audit_log: before['audit_log']! + 1 });
      expect(latestAuditEntry()).toEqual({
        workspaceId: member.workspaceId,
        actorType: 'user',
        actorId: member.userId,
        action: 'access.denied',
        outcome: 'failure',
        targetType: 'procedure',
        targetId: procedure.path,
        ip: '127.0.0.1',
        userAgent: 'flowgento-test/1.0',
        details: JSON.stringify({
          requires: procedure.requires,
          role,
          reason: 'permission_denied',
          ...(member.grantId ? { grantId: member.grantId } : {}),
        }),
      });
    },
  );

  it('stops an AGENT inviting with well-formed input: no invite, one audit row', async () => {
    const agent = cast.get('AGENT of Workspace A')!;
    const before = rowCounts();
    const reply = await httpsRequest(t.running, 'POST', '/trpc/members.invite', {
      body: JSON.stringify({ role: 'AGENT', email: 'friend@acme.test' }),
      headers: {
        cookie: agent.cookie,
        'content-type': 'application/json',
        'x-flowgento-request': '1',
      },
    });
    expect(reply.status).toBe(403);
    expect(rowCounts()).toEqual({ ...before, audit_log: before['audit_log']! + 1 });
  });

  it('is only logged when the caller is anonymous, without the cookie it sent', async () => {
    const denied = procedures.find((p) => expectedOutcome(p, null) === 'UNAUTHORIZED')!;
    const before = rowCounts();
    const stale = 'fg_session=not-a-live-session-token-0123456789';

    expect((await callOverHttps(t.running, denied, stale)).code).toBe('UNAUTHORIZED');

    expect(rowCounts()).toEqual(before);
    const logged = t.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['reason'] === 'sign_in_required');
    expect(logged.at(-1)).toMatchObject({ path: denied.path, ip: '127.0.0.1' });
    expect(t.logs.text).not.toContain('not-a-live-session-token');
  });
});
