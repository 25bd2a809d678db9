import { createHash, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Electron names a certificate's fingerprint `sha256/<base64 of SHA-256 of
 * the DER>`; the appliance prints the CA's as colon-separated hex. This turns
 * the printed form into Electron's.
 */
export function electronFingerprint(colonHex: string): string {
  const hex = colonHex.replace(/:/g, '');
  if (!/^[0-9A-Fa-f]{64}$/.test(hex)) throw new Error('Not a SHA-256 fingerprint');
  return `sha256/${Buffer.from(hex, 'hex').toString('base64')}`;
}

export function fingerprintOfPem(pem: string): string {
  const der = Buffer.from(
    pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  return fingerprintOfDer(der);
}

function fingerprintOfDer(der: Buffer): string {
  return `sha256/${createHash('sha256').update(der).digest('base64')}`;
}

export interface PinnedOrigin {
  /** `https://host:port`, exactly as the server announced it. */
  origin: string;
  /** The appliance CA's fingerprint, in Electron's form. */
  caFingerprint: string;
}

/**
 * What Electron's `certificate-error` event carries, reduced to what is
 * judged: `data` is the PEM Chromium was shown, never trusted for its
 * fingerprint fields alone.
 */
export interface CertificateErrorRequest {
  url: string;
  /** Chromium's net error, e.g. `net::ERR_CERT_AUTHORITY_INVALID`. */
  error: string;
  certificate: { data: string; issuerCert?: { data: string } | null };
}

/**
 * The only error a certificate from the appliance's own, not system-trusted,
 * CA should cause. Any other (a date, a name, a revoked or weak certificate)
 * keeps Chromium's refusal.
 */
export const UNTRUSTED_AUTHORITY_ERROR = 'net::ERR_CERT_AUTHORITY_INVALID';

/**
 * Accept an untrusted certificate only for the appliance's own origin (the
 * same scheme, host and port), only when the one error is the unknown
 * authority, and only when the presented issuer IS the pinned CA (SHA-256 of
 * its DER) and that CA's key really signed the leaf, which is valid now and
 * names the host. The CA certificate is public (`/ca.crt`), so matching the
 * issuer's fingerprint alone would accept any leaf claiming that issuer.
 * Every other origin keeps Chromium's refusal: no global
 * ignore-certificate-errors, no trust for another port on the same host.
 */
export function acceptsCertificate(
  request: CertificateErrorRequest,
  pin: PinnedOrigin,
  now: Date = new Date(),
): boolean {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return false;
  }
  if (url.origin !== pin.origin) return false;
  if (request.error !== UNTRUSTED_AUTHORITY_ERROR) return false;

  const leaf = parseCertificate(request.certificate.data);
  const ca = parseCertificate(request.certificate.issuerCert?.data);
  if (!leaf || !ca) return false;
  if (fingerprintOfDer(ca.raw) !== pin.caFingerprint || !ca.ca) return false;
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return false;

  const time = now.getTime();
  if (time < Date.parse(leaf.validFrom) || time > Date.parse(leaf.validTo)) return false;
  return namesHost(leaf, url.hostname);
}

function parseCertificate(pem: string | undefined): X509Certificate | null {
  if (!pem) return null;
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

function namesHost(leaf: X509Certificate, hostname: string): boolean {
  // URL keeps IPv6 literals in brackets; the certificate holds the address.
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return leaf.checkIP(host) !== undefined;
  return leaf.checkHost(host, { subject: 'never' }) !== undefined;
}
