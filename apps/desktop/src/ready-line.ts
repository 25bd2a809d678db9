/** What the server child announces once it listens (its pino line). */
export interface ServerReady {
  url: string;
  caFingerprint256: string;
  /** Where agents on the LAN reach it (empty when it listens on loopback only). */
  lanUrls: string[];
  /** Nobody owns the appliance yet: the first-run wizard creates the OWNER. */
  needsSetup: boolean;
}

/** Parses one stdout line of the server child; null for any other line. */
export function parseReadyLine(line: string): ServerReady | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (value['msg'] !== 'appliance listening') return null;
    const { url, caFingerprint256, lanUrls, needsSetup } = value;
    if (typeof url !== 'string' || typeof caFingerprint256 !== 'string') return null;
    return {
      url,
      caFingerprint256,
      lanUrls: Array.isArray(lanUrls)
        ? lanUrls.filter((item): item is string => typeof item === 'string')
        : [],
      needsSetup: needsSetup === true,
    };
  } catch {
    return null;
  }
}

/** What the server reports every few seconds for the tray. */
export interface ServerStatus {
  agentsOnline: number;
  /** Epoch milliseconds of the newest snapshot in the backup tier, or null. */
  lastBackupAt: number | null;
}

export function parseStatusLine(line: string): ServerStatus | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (value['msg'] !== 'appliance status') return null;
    const { agentsOnline, lastBackupAt } = value;
    if (typeof agentsOnline !== 'number') return null;
    return {
      agentsOnline,
      lastBackupAt: typeof lastBackupAt === 'number' ? lastBackupAt : null,
    };
  } catch {
    return null;
  }
}
