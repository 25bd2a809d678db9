import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import type { Logger } from '@flowgento/core';
import { ensureTlsMaterial, type TlsMaterial } from '@flowgento/crypto';
import { NumberSettingsService } from '@flowgento/messaging';
import { workspaceScope } from '@flowgento/store';
import { openAppliance } from '../apps/server/src/appliance.ts';
import { dataPaths } from '../apps/server/src/appliance-state.ts';
import { loadConfig, type ApplianceConfig } from '../apps/server/src/config.ts';

/** The one WhatsApp number the benchmark's webhooks are addressed to. */
export interface BenchNumber {
  workspaceId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  appSecret: string;
}

export interface BenchAppliance {
  config: ApplianceConfig;
  number: BenchNumber;
  /** Unwraps the TLS keys the appliance creates in its data folder. */
  tlsKey: Buffer;
}

/** A fresh data folder under `dir` with one workspace and one number. */
export async function prepareAppliance(
  dir: string,
  logger: Logger,
): Promise<BenchAppliance> {
  const config = loadConfig({
    env: {
      FLOWGENTO_DATA_DIR: join(dir, 'data'),
      FLOWGENTO_KEY_FILE: join(dir, 'keys', 'root.key'),
      FLOWGENTO_PORT: '0',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_HOST: '127.0.0.1',
      FLOWGENTO_SIMULATOR: 'off',
      FLOWGENTO_LOG_LEVEL: 'warn',
    },
  });
  const appliance = await openAppliance(config, logger);
  const { store } = appliance;
  try {
    const workspace = store.workspaces.create('Bench workspace');
    const number: BenchNumber = {
      workspaceId: workspace.id,
      phoneNumberId: '100000000000001',
      displayPhoneNumber: '+1 555 0100 001',
      appSecret: randomBytes(24).toString('hex'),
    };
    const numbers = new NumberSettingsService(
      store,
      appliance.keyRing,
      new AuditLog(store),
      () => undefined,
    );
    numbers.save(
      {
        scope: workspaceScope(workspace.id),
        actor: { type: 'system', label: 'bench' },
        origin: { ip: null, userAgent: null },
      },
      {
        phoneNumberId: number.phoneNumberId,
        businessAccountId: '200000000000001',
        displayPhoneNumber: number.displayPhoneNumber,
        accessToken: randomBytes(24).toString('hex'),
        appSecret: number.appSecret,
        verifyToken: randomBytes(12).toString('hex'),
      },
    );
    return { config, number, tlsKey: appliance.tlsKey };
  } finally {
    store.close();
  }
}

/**
 * The certificate and key the appliance serves, read back once it has
 * started. Only names every appliance certificate holds are requested, so
 * the stored pair is returned as is and never re-issued.
 */
export function applianceTls(bench: BenchAppliance): TlsMaterial {
  return ensureTlsMaterial({
    dir: dataPaths(bench.config.dataDir).tls,
    wrapKey: bench.tlsKey,
    hostnames: [],
    ips: [],
  });
}

export interface StoredCheck {
  stored: number;
  missing: number;
}

/** Reopens the stopped appliance's database and looks for every acknowledged wamid. */
export async function checkStored(
  bench: BenchAppliance,
  acknowledged: Iterable<string>,
  logger: Logger,
): Promise<StoredCheck> {
  const { store } = await openAppliance(bench.config, logger, undefined, {
    mustExist: true,
  });
  try {
    const messages = store.in(workspaceScope(bench.number.workspaceId)).messages;
    let missing = 0;
    for (const wamid of acknowledged) if (!messages.exists(wamid)) missing += 1;
    return { stored: messages.count(), missing };
  } finally {
    store.close();
  }
}
