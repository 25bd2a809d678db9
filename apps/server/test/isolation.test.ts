import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAllows, type CallerRole } from '@flowgento/access';
import {
  appRouter,
  procedureCatalog,
  type ProcedureEntry,
  type Requirement,
} from '@flowgento/api';
import { z } from 'zod';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { restoreMember, startGraphRecorder, type CastMember } from './flows.ts';
import {
  buildWorlds,
  callPath,
  foreignTokens,
  snapshot,
  topUpConversations,
  type IsolatedWorkspace,
  type Snapshot,
} from './isolation-world.ts';

/**
 * Randomized tenant isolation: many calls by members of three workspaces,
 * aimed at identifiers taken from all three, must never return another
 * workspace's identifiers or text, nor change another workspace's rows.
 *
 * Calls go through tRPC's caller with the context the HTTP layer builds
 * (session looked up from the cookie value), because HTTPS would make ten
 * thousand calls too slow. Left out of the draw, and why:
 * - subscriptions: they stream ids of the caller's own workspace only and are
 *   walked in permission-matrix.test.ts;
 * - public mutations (setup, sign-in, accepting an invite): they act before
 *   any workspace is known and each costs a password hash.
 *
 * Reproduce a failure with ISOLATION_SEED=<seed from the test name>.
 */
const SEED = Number(process.env['ISOLATION_SEED'] ?? 20261204);
const CALLS = 10_000;
/**
 * Procedures that, when let through, start worker threads that load the
 * code (about a second a call here, half this test's time): a few such
 * calls show what they answer, and further draws of them are drawn again.
 * Refused calls of them still count as any other.
 */
const RUNS_AT_MOST: Readonly<Record<string, number>> = { 'audit.verify': 5 };

/** mulberry32: small, fast and the same on every machine for a seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

interface Draw {
  random: () => number;
  pick<T>(items: readonly T[]): T;
  marker: string;
  now: Snapshot;
}

/**
 * A value for one input field, from the procedure's own schema: fields named
 * like ids get identifiers of any workspace, digit patterns get phone number
 * ids and customers' WhatsApp ids of any workspace, text carries the caller's
 * marker. A procedure added later gets inputs without changes here.
 */
function valueFor(key: string, schema: JsonSchema, draw: Draw): unknown {
  if (schema.anyOf) return valueFor(key, draw.pick(schema.anyOf), draw);
  if (schema.enum) return draw.pick(schema.enum);
  switch (schema.type) {
    case 'object':
      return objectFor(schema, draw);
    case 'boolean':
      return draw.random() < 0.5;
    case 'null':
      return null;
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? min + 100, min + 100);
      return min + Math.floor(draw.random() * (max - min + 1));
    }
    case 'string':
      return stringFor(key, schema, draw);
    default:
      return draw.marker;
  }
}

function stringFor(key: string, schema: JsonSchema, draw: Draw): string {
  const digits = /^\^\[0-9\]\{(\d+),(\d+)\}\$$/.exec(schema.pattern ?? '');
  if (digits) {
    if (draw.random() < 0.6) return draw.pick(draw.now.digits);
    const length = Number(digits[1]) + Math.floor(draw.random() * 4);
    return Array.from({ length }, () => Math.floor(draw.random() * 10)).join('');
  }
  if (schema.format === 'email') {
    return `someone${Math.floor(draw.random() * 1e6)}@${draw.marker}.test`;
  }
  if (/id$/i.test(key)) {
    return draw.random() < 0.9 ? draw.pick(draw.now.ids) : 'no-such-id';
  }
  const text = `${draw.marker} says ${Math.floor(draw.random() * 1e9).toString(36)}`;
  const min = schema.minLength ?? 0;
  return text.padEnd(min, 'x').slice(0, schema.maxLength ?? text.length);
}

function objectFor(schema: JsonSchema, draw: Draw): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const value: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.properties ?? {})) {
    if (required.has(key) || draw.random() < 0.7) value[key] = valueFor(key, field, draw);
  }
  return value;
}

/** The JSON schema of a procedure's input, or null for a procedure without one. */
function inputSchemaOf(path: string): JsonSchema | null {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { inputs: z.ZodType[] } }
  >;
  const procedure = procedures[path];
  const parser = procedure?._def.inputs[0];
  if (!parser) return null;
  return z.toJSONSchema(parser, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function deniedAs(
  requires: Requirement | undefined,
  role: CallerRole | null,
): string | null {
  if (requires === 'public') return null;
  if (role === null) return 'UNAUTHORIZED';
  if (requires === undefined) return 'FORBIDDEN';
  if (requires === 'signed-in') return null;
  if (requires === 'authenticated') return role === 'SUPPORT' ? 'FORBIDDEN' : null;
  if (roleAllows(role, requires)) return null;
  return 'FORBIDDEN';
}

let t: TestAppliance;
let graph: Awaited<ReturnType<typeof startGraphRecorder>>;
let worlds: IsolatedWorkspace[];

beforeAll(async () => {
  graph = await startGraphRecorder();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  // Replies go to a loopback recorder that answers like the Graph API.
  t.config.whatsapp.graphApiBaseUrl = graph.baseUrl;
  await t.restart();
  worlds = await buildWorlds(t.running, seeded(SEED));
});
afterAll(async () => {
  await t.cleanup();
  await graph.close();
});

describe('tenant isolation under random calls', () => {
  it(`makes ${CALLS} calls across three workspaces (seed ${SEED}) with no cross-workspace read or write`, async () => {
    const app = t.running;
    const random = seeded(SEED);
    const pick = <T>(items: readonly T[]): T =>
      items[Math.floor(random() * items.length)]!;
    const pool: (ProcedureEntry & { schema: JsonSchema | null })[] = procedureCatalog()
      .filter((p) => p.type !== 'subscription')
      .filter((p) => !(p.requires === 'public' && p.type === 'mutation'))
      .map((p) => ({ ...p, schema: inputSchemaOf(p.path) }));
    const callers: (CastMember | null)[] = [null, ...worlds.flatMap((w) => w.members)];

    const leaks: string[] = [];
    const crossWrites: string[] = [];
    const wrongDecisions: string[] = [];
    let aimedAtOthers = 0;
    let withInput = 0;
    let allowed = 0;
    const ran = new Map<string, number>();
    let now = snapshot(app, worlds);
    const changes = app.appliance.store.db.prepare('SELECT total_changes()').pluck();
    const totalChanges = () => changes.get() as number;

    for (let call = 0; call < CALLS; call += 1) {
      if (call % 500 === 0) {
        // Nothing may have changed behind the per-call checks' back.
        expect(snapshot(app, worlds).digests).toEqual(now.digests);
        for (const world of worlds) await topUpConversations(app, world, 8);
        now = snapshot(app, worlds);
      }
      const caller = pick(callers);
      if (caller) {
        const cookie = caller.cookie;
        restoreMember(app, caller);
        if (caller.cookie !== cookie) now = snapshot(app, worlds);
      }
      const own = caller?.workspaceId ?? null;
      const letThrough = (p: ProcedureEntry) =>
        deniedAs(p.requires, caller?.role ?? null) === null;
      const runsLeft = (p: ProcedureEntry) =>
        !letThrough(p) || (ran.get(p.path) ?? 0) < (RUNS_AT_MOST[p.path] ?? CALLS);
      let procedure = pick(pool);
      while (!runsLeft(procedure)) procedure = pick(pool);
      if (letThrough(procedure))
        ran.set(procedure.path, (ran.get(procedure.path) ?? 0) + 1);
      const marker = worlds.find((w) => w.id === own)?.marker ?? 'anonymous';
      const input = procedure.schema
        ? valueFor('input', procedure.schema, { random, pick, marker, now })
        : undefined;
      if (input !== undefined) withInput += 1;
      const label = `#${call} ${procedure.path} by ${caller?.label ?? 'anonymous'} with ${JSON.stringify(input)}`;
      if (foreignTokens(JSON.stringify(input) ?? '', now, own).length > 0) {
        aimedAtOthers += 1;
      }

      // The access log writes a moment after a read: written here, before
      // and after each call, its rows count as the call's own change.
      app.services.accessLog.flush();
      const changesBefore = totalChanges();
      let text: string;
      let code: string | null = null;
      try {
        text = JSON.stringify(await callPath(app, caller, procedure.path, input)) ?? '';
        allowed += 1;
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        code = error.code;
        text = error.message;
      }

      app.services.accessLog.flush();

      const expectedDenial = deniedAs(procedure.requires, caller?.role ?? null);
      const gotDenial = code === 'UNAUTHORIZED' || code === 'FORBIDDEN' ? code : null;
      if (expectedDenial !== null && gotDenial !== expectedDenial) {
        wrongDecisions.push(`${label}: expected ${expectedDenial}, got ${code}`);
      }
      // Calls run on the main connection and nothing else writes meanwhile
      // (no simulator, no webhooks until the next top-up), so a call that
      // changed no row there cannot have changed any workspace.
      if (totalChanges() !== changesBefore) {
        const after = snapshot(app, worlds);
        for (const world of worlds) {
          const digest = after.digests.get(world.id);
          if (world.id !== own && digest !== now.digests.get(world.id)) {
            crossWrites.push(`${label} changed ${world.marker}`);
          }
        }
        now = after;
      }
      // Checked after the write, so a value the caller just stored is theirs.
      const seen = foreignTokens(text, now, own);
      if (seen.length > 0) leaks.push(`${label} returned ${seen.join(', ')}`);
    }

    expect(wrongDecisions.slice(0, 5)).toEqual([]);
    expect(leaks.slice(0, 5)).toEqual([]);
    expect(crossWrites.slice(0, 5)).toEqual([]);
    // The draw really aimed at other workspaces (a call without input cannot),
    // and enough calls got through.
    expect(aimedAtOthers).toBeGreaterThan(withInput / 3);
    expect(allowed).toBeGreaterThan(CALLS / 10);
  }, 120_000);
});

describe('lookups by outside identifiers', () => {
  it("refuses another workspace's phone number id as taken, without saying whose", async () => {
    const app = t.running;
    const [first, second] = worlds as [IsolatedWorkspace, IsolatedWorkspace];
    const theirs = app.appliance.store.routing
      .allNumbers()
      .find((n) => n.workspaceId === first.id)!;
    const before = snapshot(app, worlds);

    const error = await callPath(app, second.members[0]!, 'whatsapp.save', {
      phoneNumberId: theirs.phoneNumberId,
      businessAccountId: '123456789',
      displayPhoneNumber: '+1 555 0123',
      accessToken: 'another-access-token',
      appSecret: 'another-app-secret',
      verifyToken: 'another-verify-token',
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('CONFLICT');
    expect(foreignTokens((error as TRPCError).message, before, second.id)).toEqual([]);
    expect(snapshot(app, worlds).digests.get(first.id)).toBe(
      before.digests.get(first.id),
    );
  });
});
