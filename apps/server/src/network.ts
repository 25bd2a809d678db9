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

/** This machine's host name, when it is a valid DNS name for a certificate. */
export function machineHostnames(): string[] {
  const name = hostname();
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
  return name.length <= 253 && name.split('.').every((part) => label.test(part))
    ? [name]
    : [];
}
