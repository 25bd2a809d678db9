// Entry of the shipping-lag bench's writer thread. The bench runs TypeScript
// through tsx; a worker thread has its own module loader, so it registers tsx.
import { register } from 'tsx/esm/api';

register();
await import('./lag-writer-main.ts');
