import {
  DEFAULT_DISCLOSURE,
  type ExportDisclosure,
  type Recipient,
} from '@flowgento/messaging';
import type { Store, WorkspaceScope } from '@flowgento/store';
import type { StorageRouting } from '@flowgento/storage';

/**
 * The storage providers that hold any tier of the workspace, as an export
 * lists them: the name the operator gave, the kind, and where (the region
 * and endpoint host as configured; the local disk is this machine).
 */
export function storageRecipients(
  store: Store,
  storage: StorageRouting,
  scope: WorkspaceScope,
): Recipient[] {
  const seen = new Map<string, Recipient>();
  for (const tier of storage.effectiveRouting(scope)) {
    for (const provider of tier.providers) {
      if (seen.has(provider.id)) continue;
      const record =
        provider.kind === 's3' ? store.storageProviders.get(provider.id) : null;
      const where = [record?.region, provider.endpointHost].filter(Boolean).join(', ');
      seen.set(provider.id, {
        name: provider.name,
        kind: 'storage_provider',
        role:
          provider.kind === 'local'
            ? "this appliance's own disk, holding encrypted files and backups"
            : 'object storage holding encrypted files or backups',
        location: where === '' ? null : where,
      });
    }
  }
  return [...seen.values()];
}

/**
 * The privacy contact, grievance officer, purposes and retention an export
 * states. The consent work keeps the workspace's settings for them; until
 * it is merged the defaults stand. // wired at merge
 */
export function exportDisclosure(
  _store: Store,
  _scope: WorkspaceScope,
): ExportDisclosure {
  return DEFAULT_DISCLOSURE;
}
