import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadContactVault } from '@flowgento/backup';
import { silentLogger } from '@flowgento/core';
import { ContactVault } from '@flowgento/store';
import {
  LocalDiskProvider,
  OrderedTierStore,
  type TierProviders,
} from '@flowgento/storage';
import { coalesced, vaultBackup, vaultBarrier } from '../src/contact-vault.ts';

/**
 * What the backup engine awaits before each upload (`beforeUpload`): the
 * vault's copy in the backup tier must hold every contact key made so far,
 * or the upload waits. A real vault file and a real local backup folder;
 * the folder is first a plain file, so every write into it fails.
 */

const INSTALLATION = 'installation-1';
let dir: string;
let tierRoot: string;
let backupKey: Buffer;
let vault: ContactVault;
let providers: TierProviders;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-vault-barrier-'));
  tierRoot = join(dir, 'backup-objects');
  backupKey = randomBytes(32);
  vault = ContactVault.open(join(dir, 'contact-keys.db'), backupKey);
  const provider = new LocalDiskProvider(tierRoot);
  providers = { providersOf: () => [{ providerId: 'local', provider }] };
});

afterEach(() => {
  vault.close();
  rmSync(dir, { recursive: true, force: true });
});

function barrier() {
  const copier = vaultBackup({
    vault,
    // The one part of an opened appliance the copier reads.
    appliance: {
      backupKeys: { current: () => ({ key: Buffer.from(backupKey) }) },
      state: { installationId: INSTALLATION },
    } as unknown as Parameters<typeof vaultBackup>[0]['appliance'],
    tier: () => ({ objects: new OrderedTierStore(providers), providers }),
    logger: silentLogger(),
  });
  return {
    copier,
    before: vaultBarrier({ vault, copier, backUp: coalesced(copier) }),
  };
}

/** The vault as a restore would fetch it from the tier, opened. */
async function vaultInTier(): Promise<ContactVault> {
  const bytes = await downloadContactVault({
    providers,
    backupKey,
    installationId: INSTALLATION,
  });
  if (!bytes) throw new Error('no vault in the backup tier');
  const path = join(dir, `fetched-${randomBytes(4).toString('hex')}.db`);
  ContactVault.place(path, bytes);
  return ContactVault.open(path, backupKey);
}

describe('the vault barrier before a backup upload', () => {
  it('holds the upload back while the vault cannot be copied, and lets it go once the tier holds the new key', async () => {
    const key = vault.contactKey('ws-1', 'contact-1', true)!;
    writeFileSync(tierRoot, 'not a folder');
    const { before } = barrier();
    await expect(before()).rejects.toMatchObject({ reason: 'contact_vault_not_copied' });

    rmSync(tierRoot);
    await before();
    const fetched = await vaultInTier();
    try {
      expect(fetched.contactKey('ws-1', 'contact-1', false)).toEqual(key);
    } finally {
      fetched.close();
    }
  });

  it('copies again for a key made on another connection (the intake thread), and not without a change', async () => {
    vault.contactKey('ws-1', 'contact-1', true);
    const { before, copier } = barrier();
    await before();
    await before();
    expect(copier.started()).toBe(1);

    const intake = ContactVault.open(join(dir, 'contact-keys.db'), backupKey);
    const key = intake.contactKey('ws-1', 'contact-2', true)!;
    intake.close();
    await before();
    expect(copier.started()).toBe(2);
    const fetched = await vaultInTier();
    try {
      expect(fetched.contactKey('ws-1', 'contact-2', false)).toEqual(key);
    } finally {
      fetched.close();
    }
  });

  it('lets an upload go at once while the vault is empty', async () => {
    const { before, copier } = barrier();
    await before();
    expect(copier.started()).toBe(0);
  });
});
