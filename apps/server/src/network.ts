import { hostname, networkInterfaces } from 'node:os';

/** IPv4 addresses of this machine on the LAN (not loopback), for URLs and the certificate. */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) out.push(entry.address);
    }
  }
  return out;
}

export function machineHostname(): string {
  return hostname();
}
