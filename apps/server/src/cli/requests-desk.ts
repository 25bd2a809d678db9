import { operatorScope } from '@flowgento/access';
import { AuditLog } from '@flowgento/audit';
import { AppError, systemClock, type Logger } from '@flowgento/core';
import { RequestDesk, type ComplianceActing } from '@flowgento/messaging';
import { openAppliance, type OpenedAppliance } from '../appliance.ts';
import { exportDisclosure } from '../compliance-inputs.ts';
import type { ApplianceConfig } from '../config.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { openCliErasure } from './contacts.ts';

export type Values = Record<string, string | boolean | undefined>;

export const workspaceOption = {
  workspace: {
    type: 'string',
    help: "the workspace's id (default: the appliance's first workspace)",
  },
} as const;

/**
 * Opens the appliance for one desk command; the store is closed after. The
 * desk is the one the Requests page uses, so its rules and audit entries
 * are the same from either side.
 */
export async function withDesk<T>(
  values: Values,
  fn: (input: {
    desk: RequestDesk;
    acting: ComplianceActing;
    appliance: OpenedAppliance;
    config: ApplianceConfig;
    logger: Logger;
  }) => Promise<T> | T,
): Promise<T> {
  const { config, logger } = cliContext(values);
  const appliance = await openAppliance(config, logger, undefined, {
    mustExist: true,
    manualCheckpoints: true,
  });
  let vault: { close(): void } | undefined;
  try {
    const store = appliance.store;
    const wanted = typeof values.workspace === 'string' ? values.workspace : undefined;
    const scope = operatorScope(store, wanted);
    const erasure = openCliErasure(appliance, config.dataDir, logger);
    vault = erasure.vault;
    const desk = new RequestDesk(
      store,
      new AuditLog(store),
      systemClock,
      erasure.service,
      (scope) => exportDisclosure(store, scope),
    );
    const acting = { scope, ...CLI_ACTOR };
    return await fn({ desk, acting, appliance, config, logger });
  } finally {
    vault?.close();
    appliance.store.close();
  }
}

export function oneOf<T extends string>(
  values: readonly T[],
  value: string,
  flag: string,
): T {
  const found = values.find((v) => v === value);
  if (!found) throw new AppError('INVALID_INPUT', `--${flag}: use ${values.join(', ')}`);
  return found;
}

export const day = (at: number) => new Date(at).toISOString().slice(0, 10);
