// Entry of the intake writer thread. The workspace runs TypeScript through
// tsx; a worker thread has its own module loader, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./intake-worker-main.ts');
