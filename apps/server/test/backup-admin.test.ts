import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKUP_SCHEDULE,
  parseKitKey,
  SCHEDULE_FIELDS,
  type ScheduleField,
  type BackupStatus,
  type RecoveryKit,
} from '@flowgento/backup';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  tableDigests,
  type TestAppliance,
} from './harness.ts';
import { addMembersTo, addWorkspaceWithMembers, type CastMember } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';

/**
 * The admin side of backups over HTTPS and at the command line: the
 * OWNER's recovery kit, the retention schedule, and the status screen's
 * query with and without a backup engine.
 */

let t: TestAppliance;
beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterAll(() => t.cleanup());

/**
 * New OWNER, ADMIN and AGENT of `name`: a workspace of its own, or with
 * `home` new members of the appliance's own workspace (the first one made),
 * where backups are decided.
 */
function cast(name: string, where: 'home' | 'own' = 'home') {
  const store = t.running.appliance.store;
  const homeId = store.workspaces.homeId();
  const made =
    where === 'home' && homeId
      ? {
          workspaceId: homeId,
          members: addMembersTo(t.running, store.workspaces.get(homeId)!, [
            'OWNER',
            'ADMIN',
            'AGENT',
          ]),
        }
      : addWorkspaceWithMembers(t.running, name, ['OWNER', 'ADMIN', 'AGENT']);
  const client = (member: CastMember) => {
    const c = new ApiClient(() => t.running);
    c.cookie = member.cookie;
    return c;
  };
  const [owner, admin, agent] = made.members.map(client) as [
    ApiClient,
    ApiClient,
    ApiClient,
  ];
  return { workspaceId: made.workspaceId, owner, admin, agent };
}

const auditRows = (action: string) =>
  t.running.appliance.store.db
    .prepare(
      `SELECT workspace_id AS workspaceId, actor_label AS actorLabel,
         details_json AS details FROM audit_log WHERE action = ? ORDER BY seq`,
    )
    .all(action) as { workspaceId: string | null; actorLabel: string; details: string }[];

describe('the recovery kit', () => {
  it('gives the OWNER the backup key, typed back by parseKitKey, and the key file', async () => {
    const w = cast('Kit owners');
    const kit = await w.owner.mutate<RecoveryKit>('backup.kit');
    const { key, fingerprint } = t.running.appliance.backupKeys.current();

    expect(parseKitKey(kit.backupKey.text).equals(key)).toBe(true);
    expect(kit.backupKey.fingerprint).toBe(fingerprint);
    expect(kit.installationId).toBe(t.running.appliance.state.installationId);
    expect(kit.keyMode).toBe('file');
    const keyFile = readFileSync(t.running.appliance.keyFilePath!, 'utf8').trim();
    expect(kit.rootKey!.hex.replace(/ /g, '')).toBe(keyFile);
    expect(kit.backupTier).toEqual([
      expect.objectContaining({ name: 'local', kind: 'local', bucket: null }),
    ]);
    expect(kit.schedule).toEqual(DEFAULT_BACKUP_SCHEDULE);
    expect(kit.restoreSteps.join(' ')).toMatch(/key file[\s\S]*chmod 600/);

    expect(auditRows('backup.kit_viewed').at(-1)).toMatchObject({
      workspaceId: w.workspaceId,
      details: JSON.stringify({
        via: 'web',
        keyFingerprint: fingerprint,
        includesRootKey: true,
      }),
    });
  });

  it.each(['admin', 'agent'] as const)(
    'refuses an %s with a clear error, shows no key and records the refusal',
    async (role) => {
      const w = cast(`Kit refused to ${role}`);
      const viewed = auditRows('backup.kit_viewed').length;
      const error = await expectApiError(w[role].mutate('backup.kit'));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.reason).toBe('permission_denied');
      expect(error.message).toMatch(/does not allow backup\.kit/);
      expect(auditRows('backup.kit_viewed')).toHaveLength(viewed);
      expect(auditRows('access.denied').at(-1)!.workspaceId).toBe(w.workspaceId);
    },
  );

  it('says in passphrase mode that the passphrase is needed and is not in the kit', async () => {
    const p = await startTestAppliance(
      { FLOWGENTO_SIMULATOR: 'off' },
      { passphrase: 'a long enough test passphrase' },
    );
    try {
      const made = addWorkspaceWithMembers(p.running, 'Passphrase', ['OWNER']);
      const owner = new ApiClient(() => p.running);
      owner.cookie = made.members[0]!.cookie;
      const kit = await owner.mutate<RecoveryKit>('backup.kit');
      expect(kit.keyMode).toBe('passphrase');
      expect(kit.rootKey).toBeNull();
      expect(kit.restoreSteps.join(' ')).toMatch(/passphrase, which is NOT in this kit/);
      expect(JSON.stringify(kit)).not.toContain('a long enough test passphrase');
    } finally {
      await p.cleanup();
    }
  });
});

describe('backups belong to the appliance, not to any one workspace', () => {
  it("refuses the kit and the schedule to another workspace's OWNER, changing nothing", async () => {
    cast('Home');
    const other = cast('Another company', 'own');
    // The refusals themselves are recorded (access.denied); nothing else moves.
    const before = tableDigests(t.running, ['audit_log']);
    for (const call of [
      () => other.owner.mutate('backup.kit'),
      () =>
        other.owner.mutate('backup.setSchedule', {
          ...DEFAULT_BACKUP_SCHEDULE,
          changesDays: 3,
        }),
    ]) {
      const error = await expectApiError(call());
      expect(error).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'appliance_scope_required',
      });
    }
    expect(tableDigests(t.running, ['audit_log'])).toEqual(before);
  });
});

describe('the backup schedule', () => {
  it('starts at the default, and an ADMIN changes it with one audited entry', async () => {
    const w = cast('Schedule admins');
    const status = await w.agent
      .mutate('backup.setSchedule', DEFAULT_BACKUP_SCHEDULE)
      .catch((e: unknown) => e);
    expect(status).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await w.admin.query<{ schedule: unknown }>('backup.status')).schedule,
    ).toEqual(DEFAULT_BACKUP_SCHEDULE);

    const next = { changesDays: 3, dailyDays: 14, monthlyMonths: 6, snapshotHourUtc: 4 };
    expect(await w.admin.mutate('backup.setSchedule', next)).toEqual(next);
    expect(
      (await w.owner.query<{ schedule: unknown }>('backup.status')).schedule,
    ).toEqual(next);
    expect(auditRows('backup.schedule_changed').at(-1)).toMatchObject({
      workspaceId: w.workspaceId,
      details: JSON.stringify({
        from: 'changes 7d, daily 30d, monthly 12mo, 02:00 UTC',
        to: 'changes 3d, daily 14d, monthly 6mo, 04:00 UTC',
      }),
    });

    // The schedule already in force: nothing is written.
    const digests = tableDigests(t.running);
    expect(await w.owner.mutate('backup.setSchedule', next)).toEqual(next);
    expect(tableDigests(t.running)).toEqual(digests);
  });

  it.each([
    [{ changesDays: 0 }, 'changesDays'],
    [{ dailyDays: 1 }, 'dailyDays'],
    [{ monthlyMonths: 121 }, 'monthlyMonths'],
    [{ snapshotHourUtc: 24 }, 'snapshotHourUtc'],
    [{ snapshotHourUtc: 2.5 }, 'snapshotHourUtc'],
    [{ changesDays: null }, 'changesDays'],
  ])('refuses %o naming %s, changing nothing', async (change, field) => {
    const w = cast(`Bad schedule ${field}`);
    const digests = tableDigests(t.running, ['audit_log']);
    const before = auditRows('backup.schedule_changed').length;
    const error = await expectApiError(
      w.owner.mutate('backup.setSchedule', { ...DEFAULT_BACKUP_SCHEDULE, ...change }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    // Named as the form labels it, with what it takes.
    expect(error.message).toMatch(
      new RegExp(
        `^${SCHEDULE_FIELDS[field as ScheduleField].label.replace(/[()]/g, '\\$&')} must `,
      ),
    );
    expect(error.message).not.toContain(field);
    expect(error.message).not.toMatch(/at .*\.ts|zod/i);
    expect(tableDigests(t.running, ['audit_log'])).toEqual(digests);
    expect(auditRows('backup.schedule_changed')).toHaveLength(before);
  });
});

describe('backup status', () => {
  it('says backups are not running when no engine is wired', async () => {
    const w = cast('Status without engine');
    const reply = await w.admin.query<{
      running: boolean;
      status: unknown;
      keyFingerprint: string;
    }>('backup.status');
    expect(reply.running).toBe(false);
    expect(reply.status).toBeNull();
    expect(reply.keyFingerprint).toBe(t.running.appliance.backupKeys.fingerprint());
  });

  it('passes on what the engine reports', async () => {
    const status: BackupStatus = {
      generation: 'g-1',
      lastSnapshotAt: 1_700_000_000_000,
      nextSnapshotAt: 1_700_086_400_000,
      lastShippedAt: 1_700_000_050_000,
      lagMs: 1200,
      pendingSegments: 2,
      restorableFrom: 1_699_000_000_000,
      restorableTo: 1_700_000_050_000,
      points: [{ at: 1_699_500_000_000, kind: 'daily' }],
      lastError: null,
      lagHistory: [{ at: 1_700_000_000_000, lagMs: 800 }],
    };
    const e = await startTestAppliance(
      { FLOWGENTO_SIMULATOR: 'off' },
      { backupStatus: { status: () => status } },
    );
    try {
      const made = addWorkspaceWithMembers(e.running, 'With engine', ['ADMIN']);
      const admin = new ApiClient(() => e.running);
      admin.cookie = made.members[0]!.cookie;
      expect(await admin.query('backup.status')).toMatchObject({ running: true, status });
    } finally {
      await e.cleanup();
    }
  });
});

describe('flowgento backup kit and backup schedule', () => {
  it('writes the kit to a file only its owner can read, and audits it', async () => {
    const out = join(t.dir, 'kit.txt');
    const result = await runCli(['backup', 'kit', '--out', out, ...folderFlags(t)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('DATABASE ROOT KEY');
    expect(text).toContain('TO RESTORE ON A NEW MACHINE');
    // The two lines under the heading, typed back as they are printed.
    const keyLines = text.split('BACKUP KEY\n')[1]!.split('\n').slice(0, 2).join('\n');
    const { key } = t.running.appliance.backupKeys.current();
    expect(parseKitKey(keyLines).equals(key)).toBe(true);
    expect(auditRows('backup.kit_viewed').at(-1)).toMatchObject({
      workspaceId: null,
      actorLabel: CLI_ACTOR.actor.label,
    });
  });

  it('shows the schedule without flags, changes it with them, and names a bad flag', async () => {
    const shown = await runCli(['backup', 'schedule', ...folderFlags(t)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Backup schedule: changes \d+d/);

    const changed = await runCli([
      'backup',
      'schedule',
      '--changes-days',
      '5',
      '--daily-days',
      '40',
      ...folderFlags(t),
    ]);
    expect(changed.stderr).toBe('');
    expect(changed.stdout).toContain('Backup schedule changed: changes 5d, daily 40d');
    expect(t.running.services.backup.schedule.current()).toMatchObject({
      changesDays: 5,
      dailyDays: 40,
    });

    const bad = await runCli([
      'backup',
      'schedule',
      '--daily-days',
      '2',
      ...folderFlags(t),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--daily-days must be at least --changes-days');
    const late = await runCli(['backup', 'schedule', '--hour', '24', ...folderFlags(t)]);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('--hour must be a whole number from 0 to 23');
    expect(late.stderr).not.toContain('snapshotHourUtc');
    const word = await runCli([
      'backup',
      'schedule',
      '--hour',
      'noon',
      ...folderFlags(t),
    ]);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('--hour must be a whole number');
    expect(t.running.services.backup.schedule.current()).toMatchObject({ dailyDays: 40 });
    // Five command-line runs, each a process of its own: about 3 s each.
  }, 60_000);
});
