import { AppError, isAppError, type Logger } from '@flowgento/core';
import type { StorageProviderRecord, Store } from '@flowgento/store';
import { S3StorageProvider } from './s3-provider.ts';
import { LOCAL_PROVIDER_ID } from './tiers.ts';
import { parseS3Settings, type S3Settings, type S3SettingsInput } from './s3-settings.ts';
import { verifyS3Settings } from './verify-settings.ts';

/** Seals and opens stored secrets: the key ring (structurally messaging's SecretBox). */
export interface SecretSealer {
  wrap(plaintext: string, aad: string): Buffer;
  unwrapText(blob: Buffer, aad: string): string;
}

/** The label a provider's secret key is sealed with, binding it to its row. */
export function storageSecretAad(providerId: string): string {
  return `storage_providers/${providerId}/secret_access_key`;
}

/** A provider as entered; on update an omitted secret key keeps the stored one. */
export interface StorageProviderInput {
  name: string;
  settings: DistributiveOmit<S3SettingsInput, 'secretAccessKey'> & {
    secretAccessKey?: string;
  };
}

/** What an admin may see of a provider: never the secret key. */
export interface StorageProviderView {
  id: string;
  name: string;
  preset: StorageProviderRecord['preset'];
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  verifiedAt: number;
  updatedAt: number;
}

declare const passedLiveCheck: unique symbol;

/** Settings that passed the live check; the only thing `save` accepts. */
export interface VerifiedProvider {
  readonly id: string | undefined;
  readonly name: string;
  readonly settings: S3Settings;
  readonly verifiedAt: number;
  readonly [passedLiveCheck]: true;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const NAME_MAX = 64;

/**
 * The appliance's S3-compatible storage providers. Saving takes two steps so
 * the caller can audit it: `verify` (async: checks the settings as entered,
 * then against the provider itself) and `save` (sync: seals the secret key
 * under the key ring and writes the row, inside the caller's transaction
 * when there is one, beside its audit entry).
 */
export class StorageProviderSettings {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretSealer,
    private readonly logger: Logger,
  ) {}

  async verify(input: StorageProviderInput, id?: string): Promise<VerifiedProvider> {
    const name = providerName(input.name);
    const current = id === undefined ? undefined : this.record(id);
    this.assertNameFree(name, id);
    const kept = input.settings.secretAccessKey === undefined ? current : undefined;
    const settings = parseS3Settings({
      ...input.settings,
      secretAccessKey:
        input.settings.secretAccessKey ?? (kept && this.storedSecret(kept)),
    });
    if (kept) assertSameDestination(kept, settings);

    const facts = {
      providerId: id,
      preset: settings.preset,
      endpoint: settings.endpoint,
      bucket: settings.bucket,
    };
    try {
      await verifyS3Settings(settings);
    } catch (error) {
      // Reason and code only: no error object, so no stack and no SDK request.
      const refusal = isAppError(error)
        ? { code: error.code, reason: error.reason, details: error.details }
        : { code: 'INTERNAL' };
      this.logger.warn({ ...facts, ...refusal }, 'storage provider settings refused');
      throw error;
    }
    this.logger.info(facts, 'storage provider settings verified');
    return { id, name, settings, verifiedAt: this.store.clock.now() } as VerifiedProvider;
  }

  save(verified: VerifiedProvider): StorageProviderView {
    const { settings } = verified;
    return this.store.transaction(() => {
      // Checked again: another save may have taken the name while verifying.
      this.assertNameFree(verified.name, verified.id);
      const saved = this.store.storageProviders.save(
        {
          name: verified.name,
          preset: settings.preset,
          endpoint: settings.endpoint,
          region: settings.region,
          bucket: settings.bucket,
          accessKeyId: settings.accessKeyId,
          wrapSecretAccessKey: (rowId) =>
            this.secrets.wrap(settings.secretAccessKey, storageSecretAad(rowId)),
          verifiedAt: verified.verifiedAt,
        },
        verified.id,
      );
      return view(saved);
    });
  }

  list(): StorageProviderView[] {
    return this.store.storageProviders.list().map(view);
  }

  /** A working provider for a saved row; the caller destroys it when done. */
  open(id: string): S3StorageProvider {
    const record = this.record(id);
    return new S3StorageProvider({
      preset: record.preset,
      endpoint: record.endpoint,
      region: record.region,
      bucket: record.bucket,
      accessKeyId: record.accessKeyId,
      secretAccessKey: this.storedSecret(record),
    });
  }

  remove(id: string): void {
    if (!this.store.storageProviders.remove(id)) throw providerNotFound();
  }

  private record(id: string): StorageProviderRecord {
    const record = this.store.storageProviders.get(id);
    if (!record) throw providerNotFound();
    return record;
  }

  private storedSecret(record: StorageProviderRecord): string {
    return this.secrets.unwrapText(
      record.secretAccessKeyWrapped,
      storageSecretAad(record.id),
    );
  }

  private assertNameFree(name: string, id: string | undefined): void {
    if (this.store.storageProviders.nameTaken(name, id)) {
      throw new AppError('CONFLICT', 'Another storage provider has this name', {
        reason: 'storage_provider_name_taken',
        details: { field: 'name' },
      });
    }
  }
}

function providerName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name.length === 0 || name.length > NAME_MAX) {
    throw new AppError(
      'INVALID_INPUT',
      `A provider's name is 1 to ${NAME_MAX} characters`,
      {
        reason: 'storage_provider_name_invalid',
        details: { field: 'name' },
      },
    );
  }
  // The routing table shows the built-in disk as `local`: no bucket may pass
  // for it, whatever its case. Checked before any request is made.
  if (name.toLowerCase() === LOCAL_PROVIDER_ID) {
    throw new AppError(
      'INVALID_INPUT',
      'The built-in local disk is called local: choose another name',
      { reason: 'provider_name_reserved', details: { field: 'name' } },
    );
  }
  return name;
}

/**
 * A kept secret key goes only where it went before: pointing saved settings
 * at another endpoint or key id needs the secret typed again, so nobody who
 * can edit settings can send requests signed with it to a server of theirs.
 */
function assertSameDestination(kept: StorageProviderRecord, settings: S3Settings): void {
  if (kept.endpoint !== settings.endpoint || kept.accessKeyId !== settings.accessKeyId) {
    throw new AppError(
      'INVALID_INPUT',
      'Enter the secret access key again to change the endpoint or the access key id',
      { reason: 'secret_access_key_required', details: { field: 'secretAccessKey' } },
    );
  }
}

function providerNotFound(): AppError {
  return new AppError('NOT_FOUND', 'No such storage provider', {
    reason: 'storage_provider_not_found',
  });
}

function view(record: StorageProviderRecord): StorageProviderView {
  return {
    id: record.id,
    name: record.name,
    preset: record.preset,
    endpoint: record.endpoint,
    region: record.region,
    bucket: record.bucket,
    accessKeyId: record.accessKeyId,
    verifiedAt: record.verifiedAt,
    updatedAt: record.updatedAt,
  };
}
