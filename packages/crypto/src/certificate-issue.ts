import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { DAY_MS, HOUR_MS } from '@flowgento/core';
import type { SubjectNames } from './tls-names.ts';

/** A certificate and its private key, both PEM; the key in PKCS#8. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

/** The local CA in the form node-forge signs with. */
export interface CertificateAuthority {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const CA_COMMON_NAME = 'Flowgento Appliance Local CA';
const ORGANIZATION = 'Flowgento Appliance';
const CA_VALIDITY_YEARS = 10;
// Browsers refuse server certificates valid for more than 398 days.
const SERVER_VALIDITY_MS = 397 * DAY_MS;
// Backdated so a client whose clock runs a little slow still accepts a new certificate.
const CLOCK_SKEW_MS = HOUR_MS;
const RSA_BITS = 2048;

// node-forge's IDs for subjectAltName entries (GeneralName tags in RFC 5280).
const DNS_NAME = 2;
const IP_ADDRESS = 7;

/** A new self-signed CA that can sign certificates and CRLs, valid ten years. */
export function issueCertificateAuthority(now: Date): IssuedCertificate {
  const keys = forge.pki.rsa.generateKeyPair({ bits: RSA_BITS });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();

  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;

  const subject = [
    { name: 'commonName', value: CA_COMMON_NAME },
    { name: 'organizationName', value: ORGANIZATION },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: toPkcs8Pem(keys.privateKey),
  };
}

/** A server certificate for `names`, signed by `ca`, valid 397 days. */
export function issueServerCertificate(
  ca: CertificateAuthority,
  names: SubjectNames,
  now: Date,
): IssuedCertificate {
  const keys = forge.pki.rsa.generateKeyPair({ bits: RSA_BITS });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();

  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + SERVER_VALIDITY_MS);

  cert.setSubject([
    { name: 'commonName', value: names.hostnames[0] ?? 'localhost' },
    { name: 'organizationName', value: ORGANIZATION },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(names) },
    { name: 'subjectKeyIdentifier' },
    // Given as bytes: forge's `keyIdentifier: true` would use this cert's own key.
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: toPkcs8Pem(keys.privateKey),
  };
}

/** Parses the stored CA certificate and its (already unwrapped) key. */
export function loadCertificateAuthority(
  certPem: string,
  keyPem: string,
): CertificateAuthority {
  return {
    cert: forge.pki.certificateFromPem(certPem),
    key: forge.pki.privateKeyFromPem(keyPem),
  };
}

function altNames(names: SubjectNames): object[] {
  return [
    ...names.hostnames.map((value) => ({ type: DNS_NAME, value })),
    ...names.ips.map((ip) => ({ type: IP_ADDRESS, ip })),
  ];
}

/**
 * 16 random bytes with the top bit cleared, so the DER INTEGER is positive
 * (RFC 5280 §4.1.2.2), and the next bit set, so no leading zero byte is lost.
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function toPkcs8Pem(key: forge.pki.rsa.PrivateKey): string {
  return forge.pki.privateKeyInfoToPem(
    forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)),
  );
}
