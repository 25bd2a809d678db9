import { deriveSubkey } from '@flowgento/crypto';

/** The four keys derived from one root key. */
export interface Subkeys {
  databaseKey: Buffer;
  secretsKey: Buffer;
  tlsKey: Buffer;
  backupKey: Buffer;
}

export function subkeysOf(rootKey: Buffer, installationId: string): Subkeys {
  return {
    databaseKey: deriveSubkey(rootKey, 'database', installationId),
    secretsKey: deriveSubkey(rootKey, 'secrets', installationId),
    tlsKey: deriveSubkey(rootKey, 'tls', installationId),
    backupKey: deriveSubkey(rootKey, 'backup', installationId),
  };
}
