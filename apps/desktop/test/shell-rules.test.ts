import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { ensureTlsMaterial } from '@flowgento/crypto';
import { isTrustedPageSender, isTrustedSender } from '../src/ipc.ts';
import {
  allowsPermission,
  blocksNavigation,
  isApplianceUrl,
  isExternalWebUrl,
  windowOpenVerdict,
  wizardBlocksNavigation,
  wizardWindowOpenVerdict,
} from '../src/navigation.ts';
import {
  acceptsCertificate,
  electronFingerprint,
  fingerprintOfPem,
  UNTRUSTED_AUTHORITY_ERROR,
} from '../src/pinning.ts';
import { parseReadyLine, parseStatusLine } from '../src/ready-line.ts';
import { ADMIN_CSP, adminWindowOptions, withAdminCsp } from '../src/window-options.ts';
import { testAuthority, testLeaf } from './certificates.ts';

const ORIGIN = 'https://127.0.0.1:8443';

describe('the admin window, as the shell creates it', () => {
  it('runs the page sandboxed and isolated, with no Node and nothing but the preload', () => {
    const options = adminWindowOptions('/app/preload.cjs');
    expect(options.webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: true,
    });
    expect(options.show).toBe(false);
  });

  it('adds a strict CSP to every response, beside the one the server sends', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(ADMIN_CSP).toContain(directive);
    }
    expect(ADMIN_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(withAdminCsp({ 'content-security-policy': ["default-src 'self'"] })).toEqual({
      'content-security-policy': ["default-src 'self'", ADMIN_CSP],
    });
    expect(withAdminCsp(undefined)).toEqual({ 'Content-Security-Policy': [ADMIN_CSP] });
  });
});

describe('where the admin window may go', () => {
  it('navigates only within the appliance origin, the same scheme, host and port', () => {
    expect(blocksNavigation('https://127.0.0.1:8443/#/inbox', ORIGIN)).toBe(false);
    for (const elsewhere of [
      'https://127.0.0.1:9443/',
      'http://127.0.0.1:8443/',
      'https://localhost:8443/',
      'https://example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(blocksNavigation(elsewhere, ORIGIN), elsewhere).toBe(true);
    }
  });

  it('opens no new window; web links and downloads go to the system browser, nothing else anywhere', () => {
    expect(windowOpenVerdict('https://example.org/help', ORIGIN)).toEqual({
      action: 'deny',
      openExternally: 'https://example.org/help',
    });
    expect(windowOpenVerdict(`${ORIGIN}/ca.crt`, ORIGIN)).toEqual({
      action: 'deny',
      openExternally: `${ORIGIN}/ca.crt`,
    });
    for (const refused of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
    ]) {
      expect(windowOpenVerdict(refused, ORIGIN)).toEqual({
        action: 'deny',
        openExternally: null,
      });
    }
    expect(isExternalWebUrl('mailto:someone@example.org')).toBe(false);
    expect(isApplianceUrl('https://127.0.0.1:8443/x', ORIGIN)).toBe(true);
  });

  it('keeps the wizard page where it is: no navigation, no redirect, no window at all', () => {
    for (const target of [
      'file:///opt/flowgento/wizard/index.html',
      'file:///etc/passwd',
      `${ORIGIN}/`,
      'https://example.org/',
    ]) {
      expect(wizardBlocksNavigation(target), target).toBe(true);
    }
    expect(wizardWindowOpenVerdict()).toEqual({ action: 'deny', openExternally: null });
  });

  it('grants no permission but clipboard writes, and those only to the appliance', () => {
    expect(allowsPermission('clipboard-sanitized-write', `${ORIGIN}/`, ORIGIN)).toBe(
      true,
    );
    expect(
      allowsPermission('clipboard-sanitized-write', 'https://evil.test/', ORIGIN),
    ).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      expect(allowsPermission(permission, `${ORIGIN}/`, ORIGIN)).toBe(false);
    }
  });
});

describe('the pinned certificate', () => {
  // Real certificates: the appliance's own CA and leaf, made as the server
  // makes them, and a second CA for forgeries and strangers.
  const tls = ensureTlsMaterial({
    dir: join(mkdtempSync(join(tmpdir(), 'fg-pin-')), 'tls'),
    wrapKey: randomBytes(32),
    hostnames: [],
    ips: [],
  });
  const pin = {
    origin: ORIGIN,
    caFingerprint: electronFingerprint(tls.caFingerprint256),
  };
  // As Electron hands it over: PEM and the fingerprint Chromium computed.
  const chain = (leaf: string, ca = tls.caCertPem) => ({
    data: leaf,
    fingerprint: fingerprintOfPem(leaf),
    issuerCert: { data: ca, fingerprint: fingerprintOfPem(ca) },
  });
  const untrusted = (
    certificate: ReturnType<typeof chain>,
    url = `${ORIGIN}/trpc/x`,
  ) => ({
    url,
    error: UNTRUSTED_AUTHORITY_ERROR,
    certificate,
  });
  // A CA the test holds the key of, pinned in the cases that need a leaf
  // the appliance would never issue (expired, another host).
  const own = testAuthority();
  const ownPin = { origin: ORIGIN, caFingerprint: fingerprintOfPem(own.certPem) };
  const attacker = testAuthority();

  it("is accepted for the appliance's exact origin when the appliance CA signed it", () => {
    expect(acceptsCertificate(untrusted(chain(tls.serverCertPem)), pin)).toBe(true);
    expect(
      acceptsCertificate(
        untrusted(chain(testLeaf({ issuer: own, ip: '127.0.0.1' }), own.certPem)),
        ownPin,
      ),
    ).toBe(true);
  });

  it('is refused when another key signed a leaf that names the appliance CA as issuer', () => {
    const applianceCa = {
      certPem: tls.caCertPem,
      cert: forge.pki.certificateFromPem(tls.caCertPem),
      key: attacker.key,
    };
    const forged = testLeaf({ issuer: applianceCa, signer: attacker, ip: '127.0.0.1' });
    expect(acceptsCertificate(untrusted(chain(forged)), pin)).toBe(false);
    // Nor with the attacker's own CA presented as the issuer.
    const stranger = testLeaf({ issuer: attacker, ip: '127.0.0.1' });
    expect(acceptsCertificate(untrusted(chain(stranger, attacker.certPem)), pin)).toBe(
      false,
    );
  });

  it('is refused when expired, not yet valid, or made for another host', () => {
    const hour = 3_600_000;
    const expired = testLeaf({
      issuer: own,
      ip: '127.0.0.1',
      notBefore: new Date(Date.now() - 48 * hour),
      notAfter: new Date(Date.now() - hour),
    });
    const future = testLeaf({
      issuer: own,
      ip: '127.0.0.1',
      notBefore: new Date(Date.now() + hour),
      notAfter: new Date(Date.now() + 48 * hour),
    });
    const otherHost = testLeaf({ issuer: own, ip: '10.0.0.9', dns: 'other.test' });
    for (const leaf of [expired, future, otherHost]) {
      expect(acceptsCertificate(untrusted(chain(leaf, own.certPem)), ownPin)).toBe(false);
    }
  });

  it('is refused for any error but the unknown authority, another origin, or no issuer', () => {
    const good = chain(tls.serverCertPem);
    for (const error of [
      'net::ERR_CERT_DATE_INVALID',
      'net::ERR_CERT_COMMON_NAME_INVALID',
      'net::ERR_CERT_REVOKED',
      '',
    ]) {
      expect(acceptsCertificate({ ...untrusted(good), error }, pin), error).toBe(false);
    }
    for (const url of ['https://127.0.0.1:9443/', 'https://localhost:8443/', 'garbage']) {
      expect(acceptsCertificate(untrusted(good, url), pin), url).toBe(false);
    }
    expect(
      acceptsCertificate(
        { ...untrusted(good), certificate: { ...good, issuerCert: null } },
        pin,
      ),
    ).toBe(false);
    expect(
      acceptsCertificate(untrusted({ ...chain(tls.serverCertPem), data: 'junk' }), pin),
    ).toBe(false);
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
});

describe('who may talk to the shell', () => {
  const expected = { webContentsId: 7, origin: ORIGIN };
  const fromAdmin = {
    webContentsId: 7,
    frameUrl: `${ORIGIN}/#/inbox`,
    isMainFrame: true,
  };

  it('answers the admin window top frame on the appliance origin only', () => {
    expect(isTrustedSender(fromAdmin, expected)).toBe(true);
    expect(isTrustedSender({ ...fromAdmin, webContentsId: 8 }, expected)).toBe(false);
    expect(isTrustedSender({ ...fromAdmin, isMainFrame: false }, expected)).toBe(false);
    expect(
      isTrustedSender({ ...fromAdmin, frameUrl: 'https://evil.test/' }, expected),
    ).toBe(false);
    expect(isTrustedSender({ ...fromAdmin, frameUrl: undefined }, expected)).toBe(false);
    // Before the window or the origin exists, nobody is answered.
    expect(isTrustedSender(fromAdmin, { webContentsId: null, origin: ORIGIN })).toBe(
      false,
    );
  });

  it('answers the wizard only from its exact page', () => {
    const page = 'file:///opt/flowgento/wizard/index.html';
    const sender = { webContentsId: 3, frameUrl: page, isMainFrame: true };
    expect(isTrustedPageSender(sender, { webContentsId: 3, pageUrl: page })).toBe(true);
    expect(
      isTrustedPageSender(
        { ...sender, frameUrl: 'file:///tmp/evil.html' },
        { webContentsId: 3, pageUrl: page },
      ),
    ).toBe(false);
  });
});

describe("the server's lines the shell reads", () => {
  it('recognises the ready line and nothing else', () => {
    const line = JSON.stringify({
      msg: 'appliance listening',
      url: ORIGIN,
      caFingerprint256: 'AA:BB',
      lanUrls: ['https://192.168.1.20:8443'],
      needsSetup: true,
    });
    expect(parseReadyLine(line)).toEqual({
      url: ORIGIN,
      caFingerprint256: 'AA:BB',
      lanUrls: ['https://192.168.1.20:8443'],
      needsSetup: true,
    });
    expect(parseReadyLine('  One-time setup code: ABCD')).toBeNull();
    expect(parseReadyLine('{"msg":"opened the encrypted data folder"}')).toBeNull();
    expect(parseReadyLine('{not json')).toBeNull();
    expect(
      parseStatusLine('{"msg":"appliance status","agentsOnline":2,"lastBackupAt":5}'),
    ).toEqual({ agentsOnline: 2, lastBackupAt: 5 });
  });
});

describe('the desktop bundles', () => {
  it('bundle for Electron without SQLite or the server in the main process, and preloads that need only electron', async () => {
    const { build } = await import('esbuild');
    const bundle = async (file: string) => {
      const result = await build({
        entryPoints: [new URL(`../src/${file}`, import.meta.url).pathname],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        external: ['electron'],
        write: false,
      });
      return result.outputFiles[0]!.text;
    };
    const main = await bundle('main.ts');
    expect(main).toContain('certificate-error');
    expect(main).not.toMatch(/better-sqlite3|sqlcipher|ignore-certificate-errors/);
    for (const preload of ['preload.ts', 'wizard-preload.ts']) {
      const code = await bundle(preload);
      const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(new Set(required)).toEqual(new Set(['electron']));
    }
  });
});
