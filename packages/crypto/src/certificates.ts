import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, DAY_MS } from '@flowgento/core';
import {
  issueCertificateAuthority,
  issueServerCertificate,
  loadCertificateAuthority,
  type CertificateAuthority,
  type IssuedCertificate,
} from './certificate-issue.ts';
import { unwrapSecretText, wrapSecret } from './envelope.ts';
import { ensurePrivateDir, writeFileAtomic } from './files.ts';
import { sha256 } from './hashing.ts';
import { normalizeSubjectNames, type SubjectNames } from './tls-names.ts';

/** What the HTTPS server and its clients need. Only `serverKeyPem` is secret. */
export interface TlsMaterial {
  caCertPem: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** 'AB:CD:…': uppercase, colon-separated SHA-256 of the CA certificate's DER. */
  caFingerprint256: string;
  /** base64 SHA-256 of the server certificate's SPKI DER, for Chromium's SPKI pinning. */
  serverSpkiSha256: string;
}

export interface EnsureTlsMaterialInput {
  /** e.g. `<dataDir>/tls`; created private (0700). */
  dir: string;
  /** Wraps the private keys at rest (the 'tls' subkey, not the database key). */
  wrapKey: Buffer;
  /** DNS names; 'localhost' is always added. */
  hostnames: string[];
  /** IP addresses; '127.0.0.1' and '::1' are always added. */
  ips: string[];
  now?: Date;
}

const RENEW_WITHIN_MS = 30 * DAY_MS;
const CA_KEY_AAD = 'tls/ca.key';
const SERVER_KEY_AAD = 'tls/server.key';
const PUBLIC_FILE_MODE = 0o644;
const PRIVATE_FILE_MODE = 0o600;

interface TlsPaths {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

interface LoadedCa {
  certPem: string;
  x509: X509Certificate;
  authority: CertificateAuthority;
}

interface LoadedServer {
  certPem: string;
  keyPem: string;
  x509: X509Certificate;
}

/**
 * Returns the appliance's TLS material, creating a local CA and a server
 * certificate on first use. The CA is never replaced, since clients trust it;
 * the server certificate is re-issued by the same CA when a requested name is
 * missing, it expires within 30 days, or its stored files do not fit together.
 */
export function ensureTlsMaterial(input: EnsureTlsMaterialInput): TlsMaterial {
  const now = input.now ?? new Date();
  const names = normalizeSubjectNames(input.hostnames, input.ips);
  const paths = tlsPaths(input.dir);
  ensurePrivateDir(input.dir);

  const ca = loadCa(paths, input.wrapKey) ?? createCa(paths, input.wrapKey, now);
  const stored = loadServer(paths, input.wrapKey, ca);
  const server =
    stored && isCurrent(stored.x509, names, now)
      ? stored
      : createServer(paths, input.wrapKey, ca, names, now);

  return {
    caCertPem: ca.certPem,
    serverKeyPem: server.keyPem,
    serverCertPem: server.certPem,
    caFingerprint256: ca.x509.fingerprint256,
    serverSpkiSha256: sha256(
      server.x509.publicKey.export({ type: 'spki', format: 'der' }),
    ).toString('base64'),
  };
}

/** The wrapped private keys in a TLS folder and the label each is bound to. */
export function tlsWrappedKeys(dir: string): { file: string; aad: string }[] {
  const paths = tlsPaths(dir);
  return [
    { file: paths.caKey, aad: CA_KEY_AAD },
    { file: paths.serverKey, aad: SERVER_KEY_AAD },
  ];
}

function tlsPaths(dir: string): TlsPaths {
  return {
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key.enc'),
    serverCert: path.join(dir, 'server.crt'),
    serverKey: path.join(dir, 'server.key.enc'),
  };
}

function loadCa(paths: TlsPaths, wrapKey: Buffer): LoadedCa | undefined {
  // ca.crt is written last, so its presence marks a CA whose creation finished.
  if (!fs.existsSync(paths.caCert)) return undefined;
  try {
    const certPem = fs.readFileSync(paths.caCert, 'utf8');
    const keyPem = unwrapSecretText(wrapKey, fs.readFileSync(paths.caKey), CA_KEY_AAD);
    return toLoadedCa({ certPem, keyPem });
  } catch (cause) {
    throw new AppError(
      'INTERNAL',
      `The local TLS certificate authority in ${path.dirname(paths.caCert)} cannot ` +
        'be used: its certificate or key is missing, damaged or wrapped under another ' +
        'key. It is never replaced automatically, because clients trust it.',
      { reason: 'tls_ca_unusable', cause },
    );
  }
}

function createCa(paths: TlsPaths, wrapKey: Buffer, now: Date): LoadedCa {
  const issued = issueCertificateAuthority(now);
  writeFileAtomic(
    paths.caKey,
    wrapSecret(wrapKey, issued.keyPem, CA_KEY_AAD),
    PRIVATE_FILE_MODE,
  );
  writeFileAtomic(paths.caCert, issued.certPem, PUBLIC_FILE_MODE);
  return toLoadedCa(issued);
}

function toLoadedCa(issued: IssuedCertificate): LoadedCa {
  const x509 = new X509Certificate(issued.certPem);
  if (!x509.ca || !x509.checkPrivateKey(createPrivateKey(issued.keyPem))) {
    throw new Error('The CA certificate and key do not belong together');
  }
  const authority = loadCertificateAuthority(issued.certPem, issued.keyPem);
  return { certPem: issued.certPem, x509, authority };
}

/**
 * The stored server pair, or undefined when anything about it is off: unlike
 * the CA it is cheap to replace, so damage is repaired rather than reported.
 */
function loadServer(
  paths: TlsPaths,
  wrapKey: Buffer,
  ca: LoadedCa,
): LoadedServer | undefined {
  try {
    const certPem = fs.readFileSync(paths.serverCert, 'utf8');
    const keyPem = unwrapSecretText(
      wrapKey,
      fs.readFileSync(paths.serverKey),
      SERVER_KEY_AAD,
    );
    const x509 = new X509Certificate(certPem);

    const signedByCa = x509.checkIssued(ca.x509) && x509.verify(ca.x509.publicKey);
    const keyMatches = x509.checkPrivateKey(createPrivateKey(keyPem));
    return signedByCa && keyMatches ? { certPem, keyPem, x509 } : undefined;
  } catch {
    return undefined;
  }
}

function isCurrent(x509: X509Certificate, names: SubjectNames, now: Date): boolean {
  const validFrom = Date.parse(x509.validFrom);
  const validTo = Date.parse(x509.validTo);
  // A certificate from the future means the clock was wrong when it was issued.
  if (!(validFrom <= now.getTime()) || !(validTo - now.getTime() > RENEW_WITHIN_MS)) {
    return false;
  }
  const hostOptions = { subject: 'never', wildcards: false } as const;
  return (
    names.hostnames.every((host) => x509.checkHost(host, hostOptions) !== undefined) &&
    names.ips.every((ip) => x509.checkIP(ip) !== undefined)
  );
}

function createServer(
  paths: TlsPaths,
  wrapKey: Buffer,
  ca: LoadedCa,
  names: SubjectNames,
  now: Date,
): LoadedServer {
  const issued = issueServerCertificate(ca.authority, names, now);
  // Key before certificate: after a crash in between, loadServer sees the mismatch.
  const wrappedKey = wrapSecret(wrapKey, issued.keyPem, SERVER_KEY_AAD);
  writeFileAtomic(paths.serverKey, wrappedKey, PRIVATE_FILE_MODE);
  writeFileAtomic(paths.serverCert, issued.certPem, PUBLIC_FILE_MODE);
  return {
    certPem: issued.certPem,
    keyPem: issued.keyPem,
    x509: new X509Certificate(issued.certPem),
  };
}
