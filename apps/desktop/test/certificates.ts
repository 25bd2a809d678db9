// Real X.509 certificates for the pinning tests: a CA, leaves it signs, and
// forgeries that only claim it as their issuer.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestAuthority {
  certPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function keyPair(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.PublicKey;
} {
  // Node's native generator: forge's own takes seconds per key.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(
      pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ),
    publicKey: forge.pki.publicKeyFromPem(
      pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

const HOUR = 3_600_000;

export function testAuthority(
  commonName = 'Flowgento Appliance Local CA',
): TestAuthority {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - HOUR);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * HOUR);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), cert, key: keys.privateKey };
}

/**
 * A server certificate naming `issuer` as its issuer, signed by `signer`'s
 * key (the issuer's own, or, for a forgery, another one).
 */
export function testLeaf(options: {
  issuer: TestAuthority;
  signer?: TestAuthority;
  ip?: string;
  dns?: string;
  notBefore?: Date;
  notAfter?: Date;
}): string {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - HOUR);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 24 * HOUR);
  cert.setSubject([{ name: 'commonName', value: options.dns ?? 'localhost' }]);
  cert.setIssuer(options.issuer.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...(options.dns ? [{ type: 2, value: options.dns }] : []),
        ...(options.ip ? [{ type: 7, ip: options.ip }] : []),
      ],
    },
  ]);
  cert.sign((options.signer ?? options.issuer).key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
