import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '@flowgento/audit';
import { KeyRing } from '@flowgento/messaging';
import { migrate, openEncryptedDatabase, Store, workspaceScope } from '@flowgento/store';
import {
  LocalDiskProvider,
  StorageProviderSettings,
  StorageRouting,
  storageSecretAad,
  type WorkspaceActing,
} from '../src/index.ts';
import { AppError } from '@flowgento/core';
import { capturedLogger } from './support/logs.ts';

let dir: string;
let store: Store;
let ring: KeyRing;
let routing: StorageRouting;

const operator = {
  actor: { type: 'system', label: 'cli' },
  origin: { ip: null, userAgent: 'test' },
} as const;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fg-routing-'));
  const db = openEncryptedDatabase({
    path: path.join(dir, 'flowgento.db'),
    key: randomBytes(32),
  });
  migrate(db);
  store = new Store(db);
  ring = new KeyRing(store, randomBytes(32));
  ring.prepare();
  const settings = new StorageProviderSettings(store, ring, capturedLogger().logger);
  routing = new StorageRouting(store, settings, new AuditLog(store), dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A saved provider, as if its live check had passed (no network here). */
function provider(name: string, bucket: string, endpoint = 'https://s3.example.test') {
  return store.storageProviders.save({
    name,
    preset: 's3-compatible',
    endpoint,
    region: 'us-east-1',
    bucket,
    accessKeyId: `AK-${name}`,
    verifiedAt: 1,
    wrapSecretAccessKey: (id) => ring.wrap(`secret-${name}`, storageSecretAad(id)),
  }).id;
}

function member(workspaceName: string): WorkspaceActing {
  const workspace = store.workspaces.create(workspaceName);
  return {
    scope: workspaceScope(workspace.id),
    actor: { type: 'user', id: 'u', label: 'owner@test' },
    origin: { ip: '127.0.0.1', userAgent: 'test' },
  };
}

const names = (routes: ReturnType<StorageRouting['effectiveRouting']>) =>
  Object.fromEntries(
    routes.map((r) => [
      r.tier,
      `${r.source}: ${r.providers.map((p) => p.name).join(',')}`,
    ]),
  );

/** The AppError a synchronous call throws. */
function refused(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('Expected an AppError, but nothing was thrown');
}

const actions = () =>
  store.db.prepare('SELECT action FROM audit_log ORDER BY seq').pluck().all();

describe('storage routing', () => {
  it('sends every tier to the local disk when nothing is configured', async () => {
    const { scope } = member('Fresh');

    expect(names(routing.effectiveRouting(scope))).toEqual({
      'media-hot': 'default: local',
      'media-archive': 'default: local',
      backup: 'default: local',
    });
    const [media] = routing.providersFor(scope, 'media-hot');
    const [backup] = routing.providersFor(scope, 'backup');
    expect(media).toBeInstanceOf(LocalDiskProvider);
    expect((media as LocalDiskProvider).root).toBe(path.join(dir, 'objects'));
    expect((backup as LocalDiskProvider).root).toBe(path.join(dir, 'backup-objects'));
    await media!.put('a/b', Buffer.from('hello'));
  });

  it("applies a workspace's override to that workspace only", () => {
    const r2 = provider('R2', 'media');
    const a = member('A');
    const b = member('B');

    routing.setOverride(a, 'media-hot', [r2, 'local']);

    expect(names(routing.effectiveRouting(a.scope))['media-hot']).toBe(
      'override: R2,local',
    );
    expect(names(routing.effectiveRouting(b.scope))['media-hot']).toBe('default: local');
    expect(routing.providersFor(b.scope, 'media-hot')[0]).toBeInstanceOf(
      LocalDiskProvider,
    );
    expect(actions()).toEqual(['storage.override_changed']);
  });

  it('uses the appliance default where a workspace has no override', () => {
    const e2 = provider('e2', 'backups');
    const a = member('A');

    routing.setDefault(operator, 'backup', [e2]);

    expect(names(routing.effectiveRouting(a.scope)).backup).toBe('default: e2');
    routing.setOverride(a, 'backup', ['local']);
    routing.clearOverride(a, 'backup');
    expect(names(routing.effectiveRouting(a.scope)).backup).toBe('default: e2');
    expect(actions()).toEqual([
      'storage.tier_changed',
      'storage.override_changed',
      'storage.override_changed',
    ]);
  });

  it('refuses a backup tier that starts on the bucket media-hot starts on', () => {
    const media = provider('R2', 'media');
    const sameBucket = provider('R2 again', 'media');
    const a = member('A');
    routing.setOverride(a, 'media-hot', [media]);

    for (const first of [media, sameBucket]) {
      const error = refused(() => routing.setOverride(a, 'backup', [first]));
      expect(error.reason).toBe('backup_same_as_media');
    }
    routing.setOverride(a, 'backup', [provider('Other bucket', 'backups')]);
    expect(actions()).toEqual(['storage.override_changed', 'storage.override_changed']);
  });

  it('refuses a backup fallback on a media target, and the same host spelled with its root dot', () => {
    const media = provider('R2', 'media');
    const dotted = provider('R2 dotted', 'media', 'https://s3.example.test.');
    const elsewhere = provider('Other bucket', 'backups');
    const a = member('A');
    routing.setOverride(a, 'media-hot', [media]);

    for (const list of [[dotted], [elsewhere, media], [elsewhere, dotted]]) {
      expect(refused(() => routing.setOverride(a, 'backup', list)).reason).toBe(
        'backup_same_as_media',
      );
    }
    // The refusal says which provider clashes with which, and where.
    expect(
      refused(() => routing.setOverride(a, 'backup', [elsewhere, dotted])),
    ).toMatchObject({
      message:
        'The backup tier\'s provider "R2 dotted" stores to the same bucket "media" at ' +
        's3.example.test. as "R2" of the media-hot tier; backups must be kept apart ' +
        'from media: choose another provider or bucket for one of them',
      details: {
        backupProvider: 'R2 dotted',
        mediaProvider: 'R2',
        mediaTier: 'media-hot',
      },
    });
    // Nor can media move onto where backups already are.
    routing.setOverride(a, 'backup', [elsewhere]);
    expect(
      refused(() => routing.setOverride(a, 'media-archive', [elsewhere])).reason,
    ).toBe('backup_same_as_media');
  });

  it('writes nothing when a list is set to what it already is', () => {
    const e2 = provider('e2', 'backups');
    const a = member('A');
    routing.setDefault(operator, 'backup', [e2]);
    routing.setDefault(operator, 'backup', [e2]);
    routing.setOverride(a, 'backup', ['local']);
    routing.setOverride(a, 'backup', ['local']);
    expect(actions()).toEqual(['storage.tier_changed', 'storage.override_changed']);
  });

  it('refuses a default that would put backups on the media target of some workspace', () => {
    const media = provider('R2', 'media');
    const a = member('A');
    routing.setOverride(a, 'media-hot', [media]);

    const error = refused(() => routing.setDefault(operator, 'backup', [media]));

    expect(error.reason).toBe('backup_same_as_media');
    expect(error.details).toMatchObject({ workspaceId: a.scope.workspaceId });
    expect(store.storageTiers.defaults()).toEqual({});
  });

  it('refuses to remove a provider while a default or an override lists it', () => {
    const r2 = provider('R2', 'media');
    const e2 = provider('e2', 'backups');
    routing.setDefault(operator, 'media-archive', [r2]);
    routing.setOverride(member('A'), 'backup', [e2]);

    for (const id of [r2, e2]) {
      expect(refused(() => routing.removeProvider(operator, id)).reason).toBe(
        'storage_provider_in_use',
      );
    }
    routing.setDefault(operator, 'media-archive', ['local']);
    routing.removeProvider(operator, r2);
    expect(routing.providers().map((p) => p.name)).toEqual(['local', 'e2']);
    expect(actions().at(-1)).toBe('storage.provider_removed');
  });

  it('refuses unknown and repeated providers, and empty lists', () => {
    const a = member('A');
    const refusal = (ids: string[]) =>
      refused(() => routing.setOverride(a, 'media-hot', ids)).reason;

    expect(refusal(['nope'])).toBe('storage_provider_not_found');
    expect(refusal(['local', 'local'])).toBe('storage_provider_repeated');
    expect(refusal([])).toBe('storage_tier_list_invalid');
    expect(refused(() => routing.clearOverride(a, 'backup')).reason).toBe(
      'storage_override_not_set',
    );
    expect(actions()).toEqual([]);
  });

  it('shows providers by name, kind and endpoint host, never keys', () => {
    provider('R2', 'media', 'https://abc.r2.cloudflarestorage.com');

    expect(routing.providers()).toEqual([
      { id: 'local', name: 'local', kind: 'local', endpointHost: null },
      {
        id: expect.any(String) as string,
        name: 'R2',
        kind: 's3',
        endpointHost: 'abc.r2.cloudflarestorage.com',
      },
    ]);
  });
});
