import { createHash } from 'node:crypto';

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
  return `sha256/${createHash('sha256').update(der).digest('base64')}`;
}

export interface PinnedOrigin {
  /** `https://host:port`, exactly as the server announced it. */
  origin: string;
  /** The appliance CA's fingerprint, in Electron's form. */
  caFingerprint: string;
}

/** What Electron's `certificate-error` event carries, reduced to what is judged. */
export interface CertificateErrorRequest {
  url: string;
  certificate: { fingerprint: string; issuerCert?: { fingerprint: string } | null };
}

/**
 * Accept an untrusted certificate only for the appliance's own origin (the
 * same scheme, host and port) and only when the appliance's CA issued it.
 * Every other origin keeps Chromium's refusal: no global
 * ignore-certificate-errors, no trust for another port on the same host.
 */
export function acceptsCertificate(
  request: CertificateErrorRequest,
  pin: PinnedOrigin,
): boolean {
  let origin: string;
  try {
    origin = new URL(request.url).origin;
  } catch {
    return false;
  }
  if (origin !== pin.origin) return false;
  return request.certificate.issuerCert?.fingerprint === pin.caFingerprint;
}
