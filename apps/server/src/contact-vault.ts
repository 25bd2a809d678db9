import { join } from 'node:path';
import { AppError } from '@flowgento/core';
import { CONTACT_VAULT_FILE, ContactVault } from '@flowgento/store';
import type { OpenedAppliance } from './appliance.ts';

/**
 * Opens the contact vault beside the database (see `ContactVault`), keyed
 * from the appliance's first backup key: that one never changes, and a
 * restore from the recovery kit brings it back, so the vault still opens.
 */
export function openContactVault(
  appliance: Pick<OpenedAppliance, 'store' | 'backupKeys'>,
  dataDir: string,
): ContactVault {
  const [first] = appliance.store.backupSettings.keys();
  if (!first) {
    throw new AppError('INTERNAL', 'This appliance has no backup key yet', {
      reason: 'backup_key_missing',
    });
  }
  const { key } = appliance.backupKeys.byFingerprint(first.fingerprint);
  try {
    return ContactVault.open(join(dataDir, CONTACT_VAULT_FILE), key);
  } finally {
    key.fill(0);
  }
}
