import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTrustedPageSender, isTrustedSender } from '../src/ipc.ts';
import {
  allowsPermission,
  blocksNavigation,
  isApplianceUrl,
  isExternalWebUrl,
  windowOpenVerdict,
} from '../src/navigation.ts';
import {
  acceptsCertificate,
  electronFingerprint,
  fingerprintOfPem,
} from '../src/pinning.ts';
import { parseReadyLine, parseStatusLine } from '../src/ready-line.ts';
import { ADMIN_CSP, adminWindowOptions, withAdminCsp } from '../src/window-options.ts';

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
  const ca = 'sha256/abc=';
  const pin = { origin: ORIGIN, caFingerprint: ca };
  const issuedBy = (fingerprint: string) => ({
    fingerprint: 'sha256/leaf=',
    issuerCert: { fingerprint },
  });

  it("is accepted for the appliance's exact origin when the appliance CA issued it", () => {
    expect(
      acceptsCertificate({ url: `${ORIGIN}/trpc/x`, certificate: issuedBy(ca) }, pin),
    ).toBe(true);
  });

  it('is refused for another port, another host, another CA or no issuer', () => {
    const cases = [
      { url: 'https://127.0.0.1:9443/', certificate: issuedBy(ca) },
      { url: 'https://evil.test:8443/', certificate: issuedBy(ca) },
      { url: `${ORIGIN}/`, certificate: issuedBy('sha256/other=') },
      { url: `${ORIGIN}/`, certificate: { fingerprint: ca } },
      { url: 'garbage', certificate: issuedBy(ca) },
    ];
    for (const request of cases) expect(acceptsCertificate(request, pin)).toBe(false);
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
