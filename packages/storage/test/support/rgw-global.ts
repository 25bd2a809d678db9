import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { killSharedGateway, stopSharedGateway } from './rgw-daemons.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's shared RADOS Gateway lives, once a file starts it. */
    fgSharedRgwDir: string;
  }
}

/**
 * Global set-up of `vitest run`: one RADOS Gateway for the whole run instead
 * of one per test file (Ceph takes about 12 s to start; eleven files need
 * it). The gateway starts only when a file first asks for it (`useRgw`), so
 * a run without S3 tests never pays for it; it stops here, by PID.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'fg-rgw-shared-'));
  project.provide('fgSharedRgwDir', root);
  const onExit = () => killSharedGateway(root);
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    await stopSharedGateway(root);
  };
}
