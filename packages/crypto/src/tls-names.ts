import { AppError } from '@flowgento/core';

/** The names a server certificate answers to (its subjectAltName entries). */
export interface SubjectNames {
  hostnames: string[];
  ips: string[];
}

// The desktop app and local browsers reach the appliance by these, whatever is asked.
const ALWAYS_HOSTNAMES = ['localhost'];
const ALWAYS_IPS = ['127.0.0.1', '::1'];

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Lower-cases, validates, dedupes and completes the requested names. */
export function normalizeSubjectNames(hostnames: string[], ips: string[]): SubjectNames {
  return {
    hostnames: unique([...ALWAYS_HOSTNAMES, ...hostnames].map(normalizeHostname)),
    ips: unique([...ALWAYS_IPS, ...ips].map(normalizeIp)),
  };
}

function normalizeHostname(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  if (!HOSTNAME.test(lower)) throw invalidName(`"${name}" is not a valid host name`);
  return lower;
}

/**
 * The canonical text of an IP address (`0:0::1` becomes `::1`). The WHATWG
 * URL parser validates both families; IPv4 must already be in dotted-quad
 * form, because the parser would read `010.0.0.1` as octal.
 */
function normalizeIp(ip: string): string {
  const text = ip.trim();
  const isV6 = text.includes(':');
  const host = urlHost(isV6 ? `[${text}]` : text);
  const canonical = host?.replace(/^\[|\]$/g, '');

  const valid = isV6
    ? host?.startsWith('[') === true
    : IPV4.test(text) && canonical === text;
  if (!valid || canonical === undefined)
    throw invalidName(`"${ip}" is not a valid IP address`);
  return canonical;
}

function urlHost(host: string): string | undefined {
  try {
    return new URL(`https://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function invalidName(message: string): AppError {
  return new AppError('INVALID_INPUT', `${message} for the TLS certificate`, {
    reason: 'tls_name_invalid',
  });
}
