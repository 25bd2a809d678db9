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
  hostname: string;
  /** The appliance CA's fingerprint, in Electron's form. */
  caFingerprint: string;
}

/**
 * Trust a certificate only for the appliance's own host, and only when it was
 * issued by the appliance's CA. Every other host keeps Chromium's own verdict.
 */
export function verifyCertificate(
  request: {
    hostname: string;
    issuerFingerprint: string | undefined;
    chromiumVerdict: number;
  },
  pin: PinnedOrigin,
): number {
  const TRUST = 0;
  const REJECT = -2;
  if (request.hostname !== pin.hostname)
    return request.chromiumVerdict === 0 ? TRUST : REJECT;
  return request.issuerFingerprint === pin.caFingerprint ? TRUST : REJECT;
}
