import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendText } from './headers.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built web UI. Unknown paths get index.html (the UI routes in the
 * browser); nothing outside the build folder is reachable.
 */
export function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    sendText(
      res,
      503,
      'The web UI is not built. Run `npm run build:web` (npm start does it).',
    );
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(res, 400, 'Malformed path');
    return;
  }
  const candidate = normalize(join(root, decoded));
  const inside = candidate.startsWith(root + sep);
  const file =
    inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : index;
  const body = readFileSync(file);
  const immutable = file !== index && file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
}
