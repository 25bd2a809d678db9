import type { IncomingMessage } from 'node:http';

/** The session cookie: never readable by script, never sent cross-site. */
export const sessionCookie = {
  name: 'fg_session',
  serialize(value: string, expiresAt: number): string {
    return (
      `${this.name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; ` +
      `Expires=${new Date(expiresAt).toUTCString()}`
    );
  },
  clear(): string {
    return `${this.name}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
  },
};

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
