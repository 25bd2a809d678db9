// Entry of a snapshot-verification process (see verifySnapshotInChild). The
// workspace runs TypeScript through tsx, which a new process registers itself.
import { register } from 'tsx/esm/api';

register();
await import('./verify-child-main.ts');
