import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isApplianceUrl, isExternalWebUrl } from '../src/navigation.ts';
import {
  electronFingerprint,
  fingerprintOfPem,
  verifyCertificate,
} from '../src/pinning.ts';
import { parseReadyLine } from '../src/ready-line.ts';

describe('the desktop shell rules, tested under Node', () => {
  it('keeps the admin window on the appliance origin only', () => {
    const origin = 'https://127.0.0.1:8443';
    expect(isApplianceUrl('https://127.0.0.1:8443/#/inbox', origin)).toBe(true);
    expect(isApplianceUrl('https://127.0.0.1:9443/', origin)).toBe(false);
    expect(isApplianceUrl('http://127.0.0.1:8443/', origin)).toBe(false);
    expect(isApplianceUrl('javascript:alert(1)', origin)).toBe(false);
    expect(isExternalWebUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalWebUrl('https://example.org/help')).toBe(true);
  });

  it('trusts the appliance host only with a certificate from the appliance CA', () => {
    const ca = 'sha256/abc=';
    const pin = { hostname: '127.0.0.1', caFingerprint: ca };
    expect(
      verifyCertificate(
        { hostname: '127.0.0.1', issuerFingerprint: ca, chromiumVerdict: -202 },
        pin,
      ),
    ).toBe(0);
    expect(
      verifyCertificate(
        { hostname: '127.0.0.1', issuerFingerprint: 'sha256/other=', chromiumVerdict: 0 },
        pin,
      ),
    ).toBe(-2);
    // Another host never inherits the pin; it keeps Chromium's own verdict.
    expect(
      verifyCertificate(
        { hostname: 'evil.test', issuerFingerprint: ca, chromiumVerdict: -202 },
        pin,
      ),
    ).toBe(-2);
    expect(
      verifyCertificate(
        { hostname: 'example.org', issuerFingerprint: undefined, chromiumVerdict: 0 },
        pin,
      ),
    ).toBe(0);
  });

  it("converts the printed CA fingerprint into Electron's form", () => {
    const der = Buffer.from('certificate bytes');
    const hex = createHash('sha256')
      .update(der)
      .digest('hex')
      .toUpperCase()
      .match(/../g)!
      .join(':');
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(electronFingerprint(hex)).toBe(fingerprintOfPem(pem));
    expect(() => electronFingerprint('AB:CD')).toThrow();
  });

  it("recognises the server's ready line and nothing else", () => {
    const line = JSON.stringify({
      msg: 'appliance listening',
      url: 'https://127.0.0.1:8443',
      caFingerprint256: 'AA:BB',
    });
    expect(parseReadyLine(line)).toEqual({
      url: 'https://127.0.0.1:8443',
      caFingerprint256: 'AA:BB',
      lanUrls: [],
      needsSetup: false,
    });
    expect(parseReadyLine('  One-time setup code: ABCD')).toBeNull();
    expect(parseReadyLine('{"msg":"opened the encrypted data folder"}')).toBeNull();
    expect(parseReadyLine('{not json')).toBeNull();
  });
});

describe('the desktop main bundle', () => {
  it('bundles for Electron without pulling SQLite or the server into the main process', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('setCertificateVerifyProc');
    expect(code).not.toMatch(/better-sqlite3|sqlcipher/);
  });
});
