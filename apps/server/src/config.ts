import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '@flowgento/core';

const port = z.number().int().min(0).max(65535);
const address = z.union([z.ipv4(), z.ipv6()]);

/**
 * The webhook's own listener: only Meta's two routes, for a reverse proxy or
 * tunnel to publish while the UI and API stay on the LAN. Off unless a port
 * is given. Plain HTTP is allowed on loopback only (the proxy on the same
 * machine terminates the public TLS); any other address needs `tls`, which
 * serves the appliance's own certificate, so customer messages never cross
 * the LAN in clear.
 */
const webhookSchema = z
  .strictObject({
    port: port.nullable().default(null),
    host: address.default('127.0.0.1'),
    tls: z.boolean().default(false),
    /** Keep serving `/webhooks/whatsapp` on the main HTTPS port too. */
    onMainListener: z.boolean().default(true),
    /**
     * Where Meta reaches the webhook, e.g. `https://hooks.example.com`; the
     * WhatsApp page builds the callback URL from it.
     */
    publicUrl: z
      .url({ protocol: /^https$/, error: 'Meta calls only https:// URLs' })
      .nullable()
      .default(null),
    /** Proxies whose X-Forwarded-For this listener believes. */
    trustedProxies: z.array(address).default([]),
  })
  .refine((w) => w.onMainListener || w.port !== null, {
    message: 'the main port is the only way in while webhook.port is off',
    path: ['onMainListener'],
  })
  .refine((w) => w.tls || isLoopback(w.host), {
    message: 'plain HTTP only on a loopback address: set webhook.tls to true',
    path: ['tls'],
  })
  .default({
    port: null,
    host: '127.0.0.1',
    tls: false,
    onMainListener: true,
    publicUrl: null,
    trustedProxies: [],
  });

/** A placeholder the owner confirms: the Flowgento project's security contact. */
export const DEFAULT_SECURITY_CONTACT = 'mailto:security@flowgento.com';

export function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1';
}

/** The whole configuration; every field has an embedded default. */
export const configSchema = z
  .object({
    dataDir: z.string().min(1),
    host: z.string().min(1).default('0.0.0.0'),
    port: port.default(8443),
    /** Plain HTTP that only redirects to HTTPS; null turns it off. */
    httpRedirectPort: port.nullable().default(8080),
    /** Where the database root key lives; by default outside the data folder. */
    keyFile: z.string().min(1).optional(),
    /**
     * The URL agents open (shown with a QR code on the Pairing page), when
     * one address or name is preferred over every LAN address; the desktop
     * app sets it to the address chosen at first run.
     */
    agentUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
    /** Extra host names for the certificate, e.g. the appliance's LAN name. */
    hostnames: z.array(z.string().min(1)).default([]),
    /**
     * Reverse proxies whose `X-Forwarded-For` is believed; by default none,
     * so the client address is always the socket's peer.
     */
    trustedProxies: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
    webhook: webhookSchema,
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
      .default('info'),
    simulator: z
      .strictObject({ enabled: z.boolean().default(true) })
      .default({ enabled: true }),
    /**
     * Continuous backup (a snapshot per generation and daily, every change
     * shipped) to the backup tier; on unless turned off.
     */
    backup: z
      .strictObject({ continuous: z.boolean().default(true) })
      .default({ continuous: true }),
    /**
     * What `/.well-known/security.txt` (RFC 9116) and the disclosure page
     * say. The contact is the Flowgento project's placeholder until the
     * owner confirms the address security reports should go to.
     */
    disclosure: z
      .strictObject({
        contact: z
          .array(
            z
              .string()
              .regex(/^(mailto:|tel:|https:\/\/)\S+$/, 'use mailto:, tel: or https://'),
          )
          .min(1)
          .default([DEFAULT_SECURITY_CONTACT]),
        preferredLanguages: z.string().min(2).default('en'),
        /** Days after each request that `Expires` names (RFC 9116: under a year). */
        expiresDays: z.number().int().min(1).max(364).default(180),
        /** Public https URLs of the policy and of this file, when published. */
        policyUrl: z
          .url({ protocol: /^https$/ })
          .nullable()
          .default(null),
        canonicalUrl: z
          .url({ protocol: /^https$/ })
          .nullable()
          .default(null),
      })
      .default({
        contact: [DEFAULT_SECURITY_CONTACT],
        preferredLanguages: 'en',
        expiresDays: 180,
        policyUrl: null,
        canonicalUrl: null,
      }),
    whatsapp: z
      .strictObject({
        graphApiBaseUrl: z.url().default('https://graph.facebook.com'),
        graphApiVersion: z
          .string()
          .regex(/^v\d+\.\d+$/, 'Use a version such as v23.0')
          .default('v23.0'),
      })
      .default({
        graphApiBaseUrl: 'https://graph.facebook.com',
        graphApiVersion: 'v23.0',
      }),
  })
  .strict()
  .refine(
    (c) =>
      c.webhook.port === null ||
      c.webhook.port === 0 ||
      (c.webhook.port !== c.port && c.webhook.port !== c.httpRedirectPort),
    { message: 'must differ from port and httpRedirectPort', path: ['webhook', 'port'] },
  )
  .refine(
    (c) => c.httpRedirectPort === null || c.port === 0 || c.httpRedirectPort !== c.port,
    {
      message: 'must differ from port',
      path: ['httpRedirectPort'],
    },
  );

export type ApplianceConfig = z.infer<typeof configSchema>;

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over everything else. */
  overrides?: Partial<Record<'dataDir' | 'port' | 'keyFile' | 'configFile', string>>;
}

/**
 * Embedded defaults, then the config file (`<dataDir>/flowgento.config.json`
 * or FLOWGENTO_CONFIG), then environment variables, then flags. Every error
 * names the field and where the value came from.
 */
export function loadConfig(sources: ConfigSources = {}): ApplianceConfig {
  const env = sources.env ?? process.env;
  const flags = sources.overrides ?? {};
  const dataDir = resolve(flags.dataDir ?? env['FLOWGENTO_DATA_DIR'] ?? './data');
  const file =
    flags.configFile ??
    env['FLOWGENTO_CONFIG'] ??
    resolve(dataDir, 'flowgento.config.json');
  const fromFile = readConfigFile(
    file,
    Boolean(flags.configFile ?? env['FLOWGENTO_CONFIG']),
  );

  const merged: Record<string, unknown> = { ...fromFile, dataDir };
  const portText = flags.port ?? env['FLOWGENTO_PORT'];
  if (portText !== undefined) {
    merged['port'] = parsePort(portText, flags.port ? '--port' : 'FLOWGENTO_PORT');
  }
  const keyFile = flags.keyFile ?? env['FLOWGENTO_KEY_FILE'];
  if (keyFile) merged['keyFile'] = resolve(keyFile);
  const httpPort = env['FLOWGENTO_HTTP_PORT'];
  if (httpPort !== undefined) {
    merged['httpRedirectPort'] =
      httpPort === 'off' ? null : parsePort(httpPort, 'FLOWGENTO_HTTP_PORT');
  }
  if (env['FLOWGENTO_HOST']) merged['host'] = env['FLOWGENTO_HOST'];
  if (env['FLOWGENTO_AGENT_URL']) merged['agentUrl'] = env['FLOWGENTO_AGENT_URL'];
  const proxies = env['FLOWGENTO_TRUSTED_PROXIES'];
  if (proxies !== undefined) merged['trustedProxies'] = parseList(proxies);
  merged['webhook'] = webhookFromEnv(env, merged['webhook']);
  if (env['FLOWGENTO_LOG_LEVEL']) merged['logLevel'] = env['FLOWGENTO_LOG_LEVEL'];
  const simulator = env['FLOWGENTO_SIMULATOR'];
  if (simulator !== undefined) {
    merged['simulator'] = { enabled: parseSwitch(simulator, 'FLOWGENTO_SIMULATOR') };
  }
  const backup = env['FLOWGENTO_BACKUP'];
  if (backup !== undefined) {
    merged['backup'] = { continuous: parseSwitch(backup, 'FLOWGENTO_BACKUP') };
  }

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    const from = existsSync(file)
      ? `${file} and FLOWGENTO_* variables`
      : 'FLOWGENTO_* variables';
    throw new AppError(
      'CONFIG_INVALID',
      `Configuration is invalid (from ${from}):\n${lines.join('\n')}`,
    );
  }
  return parsed.data;
}

/** FLOWGENTO_WEBHOOK_* over the file's `webhook` object. */
function webhookFromEnv(env: NodeJS.ProcessEnv, fromFile: unknown): unknown {
  const webhook: Record<string, unknown> =
    fromFile && typeof fromFile === 'object' ? { ...fromFile } : {};
  const port = env['FLOWGENTO_WEBHOOK_PORT'];
  if (port !== undefined) {
    webhook['port'] = port === 'off' ? null : parsePort(port, 'FLOWGENTO_WEBHOOK_PORT');
  }
  if (env['FLOWGENTO_WEBHOOK_HOST']) webhook['host'] = env['FLOWGENTO_WEBHOOK_HOST'];
  const tls = env['FLOWGENTO_WEBHOOK_TLS'];
  if (tls !== undefined) webhook['tls'] = parseSwitch(tls, 'FLOWGENTO_WEBHOOK_TLS');
  const onMain = env['FLOWGENTO_WEBHOOK_ON_MAIN'];
  if (onMain !== undefined) {
    webhook['onMainListener'] = parseSwitch(onMain, 'FLOWGENTO_WEBHOOK_ON_MAIN');
  }
  const publicUrl = env['FLOWGENTO_WEBHOOK_PUBLIC_URL'];
  if (publicUrl !== undefined) webhook['publicUrl'] = publicUrl || null;
  const proxies = env['FLOWGENTO_WEBHOOK_TRUSTED_PROXIES'];
  if (proxies !== undefined) webhook['trustedProxies'] = parseList(proxies);
  return fromFile === undefined && Object.keys(webhook).length === 0
    ? undefined
    : webhook;
}

function readConfigFile(path: string, required: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (required) throw new AppError('CONFIG_INVALID', `Config file not found: ${path}`);
    return {};
  }
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('the top level must be an object');
    }
    return value as Record<string, unknown>;
  } catch (error) {
    throw new AppError(
      'CONFIG_INVALID',
      `Config file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function parsePort(text: string, source: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new AppError(
      'CONFIG_INVALID',
      `${source} must be a whole number from 0 to 65535, got "${text}"`,
    );
  }
  return value;
}

/** A comma-separated list; blanks are dropped, so an empty value means none. */
function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseSwitch(text: string, source: string): boolean {
  const value = text.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new AppError('CONFIG_INVALID', `${source} must be on or off, got "${text}"`);
}
