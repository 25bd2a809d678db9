#!/usr/bin/env node
// Runs the TypeScript CLI directly; tsx compiles it in memory on load.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
