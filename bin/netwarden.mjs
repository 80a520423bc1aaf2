#!/usr/bin/env node
// The netwarden CLI runs its TypeScript sources through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../cli/run.ts');
