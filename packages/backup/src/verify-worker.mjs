// Entry of a snapshot-verification thread. The workspace runs TypeScript
// through tsx; a worker thread has its own module loader, so it registers tsx
// itself.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker-main.ts');
