// Runs one TypeScript file under Node with tsx's loader, passing on the
// remaining arguments: `node scripts/run-ts.mjs <file.ts> [args...]`.
import { resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node scripts/run-ts.mjs <file.ts> [args...]\n');
  process.exit(2);
}

register();
await import(pathToFileURL(resolve(file)).href);
