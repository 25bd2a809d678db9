import { readFileSync } from 'node:fs';
import { AuditLog } from '@flowgento/audit';
import { AppError, type Logger } from '@flowgento/core';
import {
  STORAGE_TIERS,
  StorageProviderSettings,
  StorageRouting,
  isStorageTier,
  type StorageProviderInput,
  type TierRouting,
} from '@flowgento/storage';
import { openAppliance, type OpenedAppliance } from '../appliance.ts';
import type { ApplianceConfig } from '../config.ts';
import type { Command, CommandGroup } from './commands.ts';
import { CLI_ACTOR, cliContext, requireText } from './context.ts';
import { say } from './output.ts';

type Values = Record<string, string | boolean | undefined>;

/** Where `add-s3` finds the secret key when no file is given; never a flag value. */
export const SECRET_ENV = 'FLOWGENTO_S3_SECRET_ACCESS_KEY';

/** How a bucket is named on the command line (`add-s3`, `restore --source s3`). */
export const S3_FLAGS: Command['options'] = {
  preset: { type: 'string', help: 'r2, e2 or s3' },
  'account-id': { type: 'string', help: 'r2: the Cloudflare account id' },
  endpoint: { type: 'string', help: 'e2, s3: the https:// endpoint' },
  region: { type: 'string', help: 'e2 (optional), s3: the region' },
  bucket: { type: 'string', help: 'the bucket, which must exist' },
  'access-key-id': { type: 'string', help: 'the access key id' },
  'secret-access-key-file': {
    type: 'string',
    help: `a file holding the secret key (else $${SECRET_ENV})`,
  },
};

/** Runs `work` on the opened appliance's storage settings, then closes it. */
async function withStorage(
  values: Values,
  work: (
    routing: StorageRouting,
    settings: StorageProviderSettings,
    appliance: OpenedAppliance,
  ) => Promise<void> | void,
): Promise<number> {
  const { config, logger } = cliContext(values);
  const appliance = await openAppliance(config, logger, undefined, {
    mustExist: true,
    // The running appliance's backup engine must be the only checkpointer.
    manualCheckpoints: true,
  });
  try {
    const { routing, settings } = storageOf(appliance, config, logger);
    await work(routing, settings, appliance);
    return 0;
  } finally {
    appliance.store.close();
  }
}

function storageOf(appliance: OpenedAppliance, config: ApplianceConfig, logger: Logger) {
  const settings = new StorageProviderSettings(
    appliance.store,
    appliance.keyRing,
    logger,
  );
  const routing = new StorageRouting(
    appliance.store,
    settings,
    new AuditLog(appliance.store),
    config.dataDir,
  );
  return { settings, routing };
}

const providers: Command = {
  summary: 'List the storage providers and when each last passed its check',
  details: [
    'The built-in local disk (under the data folder) is always there. Each saved',
    'S3-compatible provider shows its preset, endpoint, bucket and when its live',
    'check last passed (a provider is saved only after it passes). Secret keys are',
    'never shown.',
  ],
  options: {},
  run: (values) =>
    withStorage(values, (routing, settings) => {
      const saved = new Map(settings.list().map((p) => [p.id, p]));
      const rows = routing.providers().map((p) => {
        const full = saved.get(p.id);
        return full
          ? [
              p.name,
              full.preset,
              `${full.endpoint}/${full.bucket}`,
              passed(full.verifiedAt),
            ]
          : [p.name, 'local', 'data folder', 'built in'];
      });
      table(['name', 'kind', 'where', 'last check'], rows);
    }),
};

const addS3: Command = {
  summary: 'Add an S3-compatible provider (Cloudflare R2, iDrive e2, any S3)',
  details: [
    'Checks the settings, then the provider itself: the bucket must exist, and a',
    'small probe object is written, listed, read back and deleted. Only then is the',
    'provider saved, its secret key sealed under the key ring, and the change',
    'audited as storage.provider_added. Nothing is routed to it until a tier lists',
    'it (`flowgento storage tier`, or an OWNER on the Storage page).',
    `The secret access key comes from ${SECRET_ENV}, or from the file`,
    'given with --secret-access-key-file; it is never taken as a flag value (shell',
    'history, process lists) and never printed.',
    'r2: --account-id (32 hex digits). e2: --endpoint, --region optional.',
    's3: --endpoint and --region.',
  ],
  options: {
    name: { type: 'string', help: 'a name for the provider (1 to 64 characters)' },
    ...S3_FLAGS,
  },
  run: (values) =>
    withStorage(values, async (routing, settings) => {
      const input = providerInput(values);
      const verified = await settings.verify(input);
      const added = routing.addProvider(CLI_ACTOR, verified);
      say(
        `Added ${added.name} (${verified.settings.endpoint}/${verified.settings.bucket}):`,
      );
      say('  live check passed; list it in a tier with `flowgento storage tier`.');
    }),
};

const remove: Command = {
  summary: 'Remove a storage provider that no tier lists',
  details: [
    'Refused while the default list of a tier or any workspace override lists the',
    'provider: change those first. Objects already in its bucket stay there.',
    'Audited as storage.provider_removed.',
  ],
  options: { name: { type: 'string', help: 'the provider to remove' } },
  run: (values) =>
    withStorage(values, (routing) => {
      const name = requireText(values, 'name');
      const id = routing.idOfName(name);
      if (id === 'local') {
        throw new AppError('INVALID_INPUT', 'The built-in local disk cannot be removed');
      }
      routing.removeProvider(CLI_ACTOR, id);
      say(`Removed ${name}.`);
    }),
};

const tier: Command = {
  summary: "Set a tier's appliance-wide providers, in priority order",
  details: [
    `Tiers: ${STORAGE_TIERS.join(', ')}. Each lists 1 to 4 providers by name, the`,
    'first preferred, the others its failovers; `local` is the built-in local disk.',
    'Workspaces without an override of the tier follow it. Refused when any backup',
    'provider would be a bucket (or local folder) a media tier uses, in the',
    'defaults or in any workspace. Audited as storage.tier_changed.',
  ],
  options: {
    tier: { type: 'string', help: STORAGE_TIERS.join(' | ') },
    providers: {
      type: 'string',
      help: 'provider names, comma-separated (e.g. r2,local)',
    },
  },
  run: (values) =>
    withStorage(values, (routing) => {
      const name = requireText(values, 'tier');
      if (!isStorageTier(name)) {
        throw new AppError(
          'INVALID_INPUT',
          `--tier is one of ${STORAGE_TIERS.join(', ')}`,
        );
      }
      const names = requireText(values, 'providers')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      routing.setDefault(
        CLI_ACTOR,
        name,
        names.map((n) => routing.idOfName(n)),
      );
      say(`The ${name} tier now goes to ${names.join(', then ')} by default.`);
    }),
};

const routingCommand: Command = {
  summary: 'Show where every workspace stores each tier',
  details: [
    'One row per workspace and tier: the providers in order, and whether they are',
    "the appliance default or the workspace's own override.",
  ],
  options: {},
  run: (values) =>
    withStorage(values, (routing) => {
      const rows = [
        ...routing.defaults().map((r) => ['(appliance default)', ...cells(r)]),
        ...routing
          .everyWorkspace()
          .flatMap(({ workspace, routing: tiers }) =>
            tiers.map((r) => [workspace.name, ...cells(r)]),
          ),
      ];
      table(['workspace', 'tier', 'from', 'providers'], rows);
    }),
};

export const storage: CommandGroup = {
  summary: 'Storage providers and which tier goes where',
  subcommands: {
    providers,
    'add-s3': addS3,
    remove,
    tier,
    routing: routingCommand,
  },
};

const PRESETS = { r2: 'r2', e2: 'e2', s3: 's3-compatible' } as const;

function providerInput(values: Values): StorageProviderInput {
  const settings = s3SettingsFromFlags(values);
  const name = requireText(values, 'name');
  return { name, settings };
}

/**
 * The bucket's settings as the flags give them, unchecked (`parseS3Settings`
 * checks them); the secret key from a file or the environment only.
 */
export function s3SettingsFromFlags(values: Values): StorageProviderInput['settings'] {
  const preset = requireText(values, 'preset');
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new AppError('INVALID_INPUT', '--preset is r2, e2 or s3');
  }
  const text = (flag: string) => (typeof values[flag] === 'string' ? values[flag] : '');
  const credentials = {
    bucket: requireText(values, 'bucket'),
    accessKeyId: requireText(values, 'access-key-id'),
    secretAccessKey: secretKey(values),
  };
  const settings = (() => {
    switch (PRESETS[preset as keyof typeof PRESETS]) {
      case 'r2':
        return {
          preset: 'r2',
          accountId: requireText(values, 'account-id'),
          ...credentials,
        };
      case 'e2':
        return {
          preset: 'e2',
          endpoint: requireText(values, 'endpoint'),
          ...(text('region') && { region: text('region') }),
          ...credentials,
        };
      case 's3-compatible':
        return {
          preset: 's3-compatible',
          endpoint: requireText(values, 'endpoint'),
          region: requireText(values, 'region'),
          ...credentials,
        };
    }
  })() as StorageProviderInput['settings'];
  return settings;
}

function secretKey(values: Values): string {
  const file = values['secret-access-key-file'];
  const secret =
    typeof file === 'string'
      ? readSecretFile(file)
      : (process.env[SECRET_ENV] ?? '').trim();
  if (secret === '') {
    throw new AppError(
      'INVALID_INPUT',
      `Give the secret access key in ${SECRET_ENV} or with --secret-access-key-file`,
      { reason: 'secret_access_key_required' },
    );
  }
  return secret;
}

function readSecretFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `--secret-access-key-file: cannot read ${file} (give a readable file holding only the key)`,
      { reason: 'secret_access_key_file_unreadable' },
    );
  }
}

function cells(r: TierRouting): string[] {
  return [r.tier, r.source, r.providers.map((p) => p.name).join(' > ')];
}

function passed(at: number): string {
  return `passed ${new Date(at).toISOString()}`;
}

/** Prints rows under a header, each column as wide as its widest cell. */
function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  say(line(header));
  for (const row of rows) say(line(row));
}
