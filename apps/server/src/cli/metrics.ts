import { MetricsTokens } from '@flowgento/access';
import { AuditLog } from '@flowgento/audit';
import { systemClock } from '@flowgento/core';
import { openAppliance } from '../appliance.ts';
import type { Command, CommandGroup } from './commands.ts';
import { CLI_ACTOR, cliContext, requireText } from './context.ts';
import { say } from './output.ts';

type Values = Record<string, string | boolean | undefined>;

/** Runs `work` on the opened appliance's metrics tokens, then closes it. */
async function withTokens(
  values: Values,
  work: (tokens: MetricsTokens) => void,
): Promise<number> {
  const { config, logger } = cliContext(values);
  const appliance = await openAppliance(config, logger, undefined, { mustExist: true });
  try {
    work(new MetricsTokens(appliance.store, new AuditLog(appliance.store), systemClock));
    return 0;
  } finally {
    appliance.store.close();
  }
}

const token: Command = {
  summary: 'Make a bearer token for scraping /metrics',
  details: [
    'Prints a new token once; the appliance keeps only its SHA-256. Give it to the',
    'scraper as `Authorization: Bearer <token>` for https://<appliance>/metrics',
    '(Prometheus: `authorization: { credentials: <token> }`, and the appliance CA',
    'as its tls_config ca_file). Works while the appliance runs. Audited as',
    'metrics.token_created.',
  ],
  options: { name: { type: 'string', help: 'what the token is for (e.g. prometheus)' } },
  run: (values) =>
    withTokens(values, (tokens) => {
      const created = tokens.create(CLI_ACTOR, requireText(values, 'name'));
      say(`Token ${created.record.name} (${created.record.id}), shown only now:`);
      say(`  ${created.token}`);
    }),
};

const tokens: Command = {
  summary: 'List the /metrics tokens, never the tokens themselves',
  details: ['One row per token: its id, name, when it was made and last used.'],
  options: {},
  run: (values) =>
    withTokens(values, (all) => {
      const rows = all.list();
      if (rows.length === 0)
        say('No metrics tokens: make one with `flowgento metrics token`.');
      for (const t of rows) {
        const used = t.lastUsedAt ? new Date(t.lastUsedAt).toISOString() : 'never used';
        say(`${t.id}  ${t.name}  made ${new Date(t.createdAt).toISOString()}  ${used}`);
      }
    }),
};

const revoke: Command = {
  summary: 'Revoke a /metrics token',
  details: ['Its next scrape is refused. Audited as metrics.token_revoked.'],
  options: { id: { type: 'string', help: 'the token id (see `metrics tokens`)' } },
  run: (values) =>
    withTokens(values, (all) => {
      const revoked = all.revoke(CLI_ACTOR, requireText(values, 'id'));
      say(`Revoked ${revoked.name}.`);
    }),
};

export const metrics: CommandGroup = {
  summary: 'Tokens for the /metrics endpoint (Prometheus)',
  subcommands: { token, tokens, revoke },
};
