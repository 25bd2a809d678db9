import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContactVault,
  openForContact,
  sealForContact,
  SHREDDED_TEXT,
} from '../src/index.ts';

const dirs: string[] = [];
function vaultPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-vault-'));
  dirs.push(dir);
  return join(dir, 'contact-keys.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the contact vault', () => {
  it('keeps a contact key across reopening, and an erased one is gone for good', () => {
    const path = vaultPath();
    const backupKey = randomBytes(32);
    let vault = ContactVault.open(path, backupKey);
    const key = vault.contactKey('ws-1', 'c-1', true)!;
    const sealed = sealForContact(key, 'prefers calls after five', 'notes/n-1/body');
    expect(sealed).not.toContain('prefers');
    vault.close();

    vault = ContactVault.open(path, backupKey);
    const again = vault.contactKey('ws-1', 'c-1', false)!;
    expect(openForContact(again, sealed, 'notes/n-1/body')).toBe(
      'prefers calls after five',
    );
    // Bound to its row: the same value under another row's label is refused.
    expect(() => openForContact(again, sealed, 'notes/n-2/body')).toThrow();

    vault.destroyContactKey('ws-1', 'c-1');
    expect(vault.contactKey('ws-1', 'c-1', false)).toBeUndefined();
    expect(openForContact(undefined, sealed, 'notes/n-1/body')).toBe(SHREDDED_TEXT);
    vault.close();
    // The file holds no trace of the key's bytes after the erasure.
    expect(readFileSync(path).includes(key)).toBe(false);
  });

  it('hashes a number the same after reopening, per workspace, and never stores it', () => {
    const path = vaultPath();
    const backupKey = randomBytes(32);
    const vault = ContactVault.open(path, backupKey);
    const hash = vault.hashNumber('ws-1', '5511900000001');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(vault.hashNumber('ws-2', '5511900000001')).not.toBe(hash);
    vault.record({
      workspaceId: 'ws-1',
      numberHash: hash,
      erasedAt: 1,
      actor: 'system',
      reason: 'test',
    });
    vault.close();

    const reopened = ContactVault.open(path, backupKey);
    expect(reopened.hashNumber('ws-1', '5511900000001')).toBe(hash);
    expect([...reopened.erasedNumbers().get('ws-1')!.keys()]).toEqual([hash]);
    expect(reopened.bytes().includes(Buffer.from('5511900000001'))).toBe(false);
    reopened.close();
  });

  it('is made only when first written, and then refuses another backup key, leaving the file as it was', () => {
    const path = vaultPath();
    const vault = ContactVault.open(path, randomBytes(32));
    // Nothing is made until something is written.
    expect(existsSync(path)).toBe(false);
    vault.contactKey('ws-1', 'c-1', true);
    vault.close();
    const before = readFileSync(path);
    expect(() => ContactVault.open(path, randomBytes(32))).toThrow(/cannot be opened/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
