import { createHash, randomBytes, X509Certificate, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { ensureTlsMaterial, unwrapSecretText, type TlsMaterial } from '../src/index.ts';
import { caughtAppError, modeOf, useTempDir } from './support.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const wrapKey = randomBytes(32);
const issuedAt = new Date('2030-03-01T12:00:00Z');

describe('ensureTlsMaterial', () => {
  const tempDir = useTempDir();
  const tlsDir = (): string => path.join(tempDir(), 'data', 'tls');

  function ensure(
    options: { hostnames?: string[]; ips?: string[]; now?: Date; key?: Buffer } = {},
  ) {
    return ensureTlsMaterial({
      dir: tlsDir(),
      wrapKey: options.key ?? wrapKey,
      hostnames: options.hostnames ?? [],
      ips: options.ips ?? [],
      now: options.now ?? issuedAt,
    });
  }

  it('creates a local CA that may only sign certificates, valid ten years', () => {
    const ca = forge.pki.certificateFromPem(ensure().caCertPem);
    expect(ca.subject.getField('CN').value).toBe('Flowgento Appliance Local CA');
    expect(ca.getExtension('basicConstraints')).toMatchObject({
      cA: true,
      critical: true,
    });
    expect(ca.getExtension('keyUsage')).toMatchObject({
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: false,
    });
    expect(
      ca.validity.notAfter.getUTCFullYear() - ca.validity.notBefore.getUTCFullYear(),
    ).toBe(10);
  });

  it('issues a SHA-256 server certificate from the CA for every requested name', () => {
    const material = ensure({ hostnames: ['Flowgento.LAN'], ips: ['192.168.1.20'] });
    const server = new X509Certificate(material.serverCertPem);
    const ca = new X509Certificate(material.caCertPem);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    for (const host of ['localhost', 'flowgento.lan'])
      expect(server.checkHost(host)).toBe(host);
    for (const ip of ['127.0.0.1', '::1', '192.168.1.20'])
      expect(server.checkIP(ip)).toBe(ip);

    const parsed = forge.pki.certificateFromPem(material.serverCertPem);
    expect(parsed.siginfo.algorithmOid).toBe(forge.pki.oids['sha256WithRSAEncryption']);
    expect(parsed.getExtension('basicConstraints')).toMatchObject({ cA: false });
    expect(parsed.getExtension('keyUsage')).toMatchObject({
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: false,
    });
    expect(parsed.getExtension('extKeyUsage')).toMatchObject({ serverAuth: true });
    expect(parseInt(parsed.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    const lifetime =
      parsed.validity.notAfter.getTime() - parsed.validity.notBefore.getTime();
    expect(lifetime).toBe(397 * DAY_MS);
  });

  it('reports the CA fingerprint and the server SPKI hash in the formats clients expect', () => {
    const material = ensure();
    const caDer = new X509Certificate(material.caCertPem).raw;
    const fingerprint = createHash('sha256').update(caDer).digest('hex').toUpperCase();
    expect(material.caFingerprint256).toBe(fingerprint.match(/../g)?.join(':'));

    const spki = createPublicKey(material.serverKeyPem).export({
      type: 'spki',
      format: 'der',
    });
    const spkiHash = createHash('sha256').update(spki).digest('base64');
    expect(material.serverSpkiSha256).toBe(spkiHash);
  });

  it('stores private keys wrapped in owner-only files, certificates world-readable', () => {
    const material = ensure();
    const file = (name: string): string => path.join(tlsDir(), name);
    expect(fs.readdirSync(tlsDir()).sort()).toEqual([
      'ca.crt',
      'ca.key.enc',
      'server.crt',
      'server.key.enc',
    ]);
    expect(modeOf(tlsDir())).toBe(0o700);
    expect([modeOf(file('ca.crt')), modeOf(file('server.crt'))]).toEqual([0o644, 0o644]);
    expect([modeOf(file('ca.key.enc')), modeOf(file('server.key.enc'))]).toEqual([
      0o600, 0o600,
    ]);

    const serverKeyBlob = fs.readFileSync(file('server.key.enc'));
    expect(serverKeyBlob.toString('latin1')).not.toContain('PRIVATE KEY');
    expect(unwrapSecretText(wrapKey, serverKeyBlob, 'tls/server.key')).toBe(
      material.serverKeyPem,
    );
    const caKeyBlob = fs.readFileSync(file('ca.key.enc'));
    expect(unwrapSecretText(wrapKey, caKeyBlob, 'tls/ca.key')).toContain('PRIVATE KEY');
  });

  it('reuses the stored CA and server certificate on later calls', () => {
    const first = ensure({ hostnames: ['flowgento.lan'] });
    const again = ensure({
      hostnames: ['flowgento.lan'],
      now: new Date(issuedAt.getTime() + DAY_MS),
    });
    const fewerNames = ensure({ hostnames: [] });
    expect(again).toEqual(first);
    expect(fewerNames).toEqual(first);
  });

  it('re-issues the server certificate from the same CA when a requested name is missing', () => {
    const first = ensure();
    const widened = ensure({ hostnames: ['flowgento.lan'], ips: ['10.0.0.5'] });
    expectReissuedBySameCa(first, widened);
    const server = new X509Certificate(widened.serverCertPem);
    expect(server.checkHost('flowgento.lan')).toBe('flowgento.lan');
    expect(server.checkIP('10.0.0.5')).toBe('10.0.0.5');
  });

  it('keeps the server certificate while more than 30 days remain, then re-issues it', () => {
    const first = ensure();
    // Valid until issuedAt - 1 h + 397 days.
    expect(ensure({ now: new Date(issuedAt.getTime() + 366 * DAY_MS) })).toEqual(first);
    const renewed = ensure({ now: new Date(issuedAt.getTime() + 368 * DAY_MS) });
    expectReissuedBySameCa(first, renewed);
  });

  it('re-issues the server certificate when its key file is lost', () => {
    const first = ensure();
    fs.rmSync(path.join(tlsDir(), 'server.key.enc'));
    expectReissuedBySameCa(first, ensure());
  });

  it('never replaces a CA whose key cannot be unwrapped', async () => {
    const first = ensure();
    const error = await caughtAppError(() => ensure({ key: randomBytes(32) }));
    expect(error.code).toBe('INTERNAL');
    expect(error.reason).toBe('tls_ca_unusable');
    expect(fs.readFileSync(path.join(tlsDir(), 'ca.crt'), 'utf8')).toBe(first.caCertPem);
  });

  it('refuses host names and IP addresses that are not valid', async () => {
    for (const names of [
      { hostnames: ['bad host'] },
      { ips: ['300.1.1.1'] },
      { ips: ['010.0.0.1'] },
    ]) {
      const error = await caughtAppError(() => ensure(names));
      expect(error.code).toBe('INVALID_INPUT');
    }
  });
});

function expectReissuedBySameCa(before: TlsMaterial, after: TlsMaterial): void {
  expect(after.caCertPem).toBe(before.caCertPem);
  expect(after.caFingerprint256).toBe(before.caFingerprint256);
  expect(after.serverCertPem).not.toBe(before.serverCertPem);
  expect(after.serverSpkiSha256).not.toBe(before.serverSpkiSha256);
  const server = new X509Certificate(after.serverCertPem);
  expect(server.verify(new X509Certificate(before.caCertPem).publicKey)).toBe(true);
}
