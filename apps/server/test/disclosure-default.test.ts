import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';
import { setupOwner } from './flows.ts';
import { disclosureExpiry } from '../src/http/disclosure.ts';

/**
 * An appliance whose owner never set `disclosure.contact` tells the world to
 * write to the software makers' placeholder. That state must be visible: to
 * admins, in /healthz, in the start-up log and on the public pages, which
 * promise nothing the owner did not configure.
 */
const started: TestAppliance[] = [];
const configDir = mkdtempSync(join(tmpdir(), 'fg-disclosure-'));
afterAll(async () => {
  for (const t of started) await t.cleanup();
  rmSync(configDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<TestAppliance> {
  const t = await startTestAppliance({
    FLOWGENTO_AGENT_URL: 'https://appliance.example.test',
    ...env,
  });
  started.push(t);
  return t;
}

const get = async (t: TestAppliance, path: string) =>
  (await httpsRequest(t.running, 'GET', path)).body;

/** The RFC 9116 fields, comments left out. */
function fields(txt: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of txt.trim().split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, value] = line.split(/: (.*)/s) as [string, string];
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

describe('the disclosure contact left at its default', () => {
  it('is named in /healthz, the start-up log, system.info and both public pages, with no promise made', async () => {
    const t = await start();
    const health = JSON.parse(await get(t, '/healthz')) as { warnings?: string[] };
    expect(health.warnings).toEqual(['disclosure_contact_not_set']);
    const warned = t.logs.lines
      .map((line) => JSON.parse(line) as { level: number; reason?: string; msg: string })
      .find((entry) => entry.reason === 'disclosure_contact_not_set');
    expect(warned?.level).toBe(40);
    expect(warned?.msg).toMatch(/security contact not set/);

    const owner = await setupOwner(() => t.running);
    expect(await owner.query('system.info')).toMatchObject({ securityContactSet: false });

    const txt = await get(t, '/.well-known/security.txt');
    expect(txt).toMatch(/^# The owner of this appliance has not set a security contact/);
    const parsed = fields(txt);
    expect(parsed.get('Contact')).toEqual(['mailto:security@flowgento.com']);
    expect(Date.parse(parsed.get('Expires')![0]!)).toBeGreaterThan(Date.now());

    const page = await get(t, '/disclosure');
    expect(page).toContain('has not set a security');
    expect(page).toContain('has not published a disclosure policy');
    for (const promise of [/five working days/, /legal action/, /credit you/]) {
      expect(page).not.toMatch(promise);
    }
  });
});

describe('the disclosure contact set by the owner', () => {
  it('clears every warning and links the policy the owner published', async () => {
    const configFile = join(configDir, 'flowgento.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        disclosure: {
          contact: ['mailto:security@acme.test'],
          policyUrl: 'https://acme.test/security-policy',
        },
      }),
    );
    const t = await start({ FLOWGENTO_CONFIG: configFile });
    expect(JSON.parse(await get(t, '/healthz'))).toEqual({
      status: 'ok',
      simulator: true,
    });
    expect(t.logs.text).not.toContain('disclosure_contact_not_set');
    const owner = await setupOwner(() => t.running);
    expect(await owner.query('system.info')).toMatchObject({ securityContactSet: true });

    const txt = await get(t, '/.well-known/security.txt');
    expect(txt).not.toContain('#');
    expect(fields(txt).get('Contact')).toEqual(['mailto:security@acme.test']);
    expect(fields(txt).get('Policy')).toEqual(['https://acme.test/security-policy']);
    const page = await get(t, '/disclosure');
    expect(page).not.toContain('has not set a security');
    expect(page).toContain('href="https://acme.test/security-policy"');
  });
});

describe('security.txt over time', () => {
  it('keeps the same Expires from one request to the next, under a year ahead', async () => {
    const t = await start();
    const expires = async () =>
      fields(await get(t, '/.well-known/security.txt')).get('Expires')![0]!;
    const first = await expires();
    // Past a second boundary: a date taken from each request would move.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await expires()).toBe(first);
    expect(Date.parse(first)).toBeGreaterThan(Date.now());
    expect(Date.parse(first)).toBeLessThan(Date.now() + 365 * 24 * 3600 * 1000);
  });

  it('moves Expires on before it lapses on an appliance that keeps running', () => {
    const day = 24 * 3600 * 1000;
    const started = Date.parse('2026-01-10T15:00:00Z');
    const expiresAt = disclosureExpiry(180, started);
    const fixed = Date.parse('2026-07-09T00:00:00Z');
    expect(expiresAt(started)).toBe(fixed);
    expect(expiresAt(started + 89 * day)).toBe(fixed);
    const later = expiresAt(started + 90 * day);
    expect(later).toBeGreaterThan(fixed);
    expect(later - (started + 90 * day)).toBeLessThanOrEqual(180 * day);
  });

  it('sends the legacy /security.txt to the well-known file, not the web app', async () => {
    const t = started[0] ?? (await start());
    const legacy = await httpsRequest(t.running, 'GET', '/security.txt');
    expect(legacy.status).toBe(301);
    expect(legacy.headers['location']).toBe('/.well-known/security.txt');
    expect(legacy.body).not.toContain('<html');
  });
});
