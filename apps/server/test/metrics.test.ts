import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFlags, runCli } from './cli-run.ts';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * `/metrics` for a scraper on the LAN: nothing without a token the operator
 * made at the command line, the providers' health with one, and nothing
 * again once the token is revoked.
 */

let t: TestAppliance;
beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterAll(() => t?.cleanup());

const metrics = (cli: string[]) => runCli(['metrics', ...cli, ...folderFlags(t)]);
const scrape = (headers: Record<string, string> = {}, method = 'GET') =>
  httpsRequest(t.running, method, '/metrics', { headers });
const auditActions = () =>
  t.running.appliance.store.db
    .prepare(`SELECT action FROM audit_log WHERE action LIKE 'metrics.%' ORDER BY seq`)
    .pluck()
    .all();

describe('/metrics', () => {
  it('answers 401 without a token, or with one nobody made, and shows nothing', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Bearer fgm_not-a-token' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]) {
      const reply = await scrape(headers);
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="flowgento-metrics"');
      expect(reply.body).not.toContain('flowgento_');
    }
    expect((await scrape({}, 'POST')).status).toBe(405);
  });

  it('shows provider health to a token made with the CLI, until it is revoked', async () => {
    // One backup object on the built-in local disk, so it has a history.
    const stored = await t.running.services.objects.put(
      'appliance',
      'backup',
      'snapshots/one.db',
      () => Buffer.from('snapshot bytes'),
    );
    expect(stored.providerId).toBe('local');

    const made = await metrics(['token', '--name', 'prometheus']);
    expect(made.code).toBe(0);
    const token = /fgm_[A-Za-z0-9_-]+/.exec(made.stdout)?.[0];
    expect(token).toBeDefined();

    const reply = await scrape({ authorization: `Bearer ${token}` });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(
      'text/plain; version=0.0.4; charset=utf-8',
    );
    expect(reply.body).toContain('# TYPE flowgento_storage_provider_up gauge');
    expect(reply.body).toContain(
      'flowgento_storage_provider_up{provider="local",kind="local"} 1',
    );
    expect(reply.body).toContain(
      'flowgento_storage_provider_operations_total{provider="local",kind="local",outcome="success"} 1',
    );

    const listed = await metrics(['tokens']);
    expect(listed.stdout).toContain('prometheus');
    expect(listed.stdout).not.toContain(token!);
    const id = listed.stdout.trim().split(/\s+/)[0]!;
    expect((await metrics(['revoke', '--id', id])).code).toBe(0);
    expect((await scrape({ authorization: `Bearer ${token}` })).status).toBe(401);

    expect(auditActions()).toEqual(['metrics.token_created', 'metrics.token_revoked']);
    expect(t.logs.text).not.toContain(token!);
  });

  it('refuses a name that is too long and an unknown token id, writing nothing', async () => {
    const long = await metrics(['token', '--name', 'x'.repeat(65)]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("A token's name is 1 to 64 characters");
    const unknown = await metrics(['revoke', '--id', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No metrics token nope');
    expect(auditActions()).toEqual(['metrics.token_created', 'metrics.token_revoked']);
  });
});

describe('/metrics with continuous backup on', () => {
  it('shows how far backups are behind, what waits in the spool and the snapshot age', async () => {
    const b = await startTestAppliance({
      FLOWGENTO_SIMULATOR: 'off',
      FLOWGENTO_BACKUP: 'on',
    });
    try {
      await b.running.backup!.flush();
      const made = await runCli(['metrics', 'token', '--name', 'ops', ...folderFlags(b)]);
      const token = /fgm_[A-Za-z0-9_-]+/.exec(made.stdout)?.[0];
      const reply = await httpsRequest(b.running, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('flowgento_backup_pending_segments 0');
      expect(reply.body).toContain('flowgento_backup_failing 0');
      const age = /flowgento_backup_snapshot_age_seconds ([0-9.]+)/.exec(reply.body);
      expect(Number(age?.[1])).toBeLessThan(60);
      // Backup uploads count in the backup provider's health like any other.
      expect(reply.body).toContain(
        'flowgento_storage_provider_state{provider="local",kind="local",state="up"} 1',
      );
    } finally {
      await b.cleanup();
    }
  });
});
