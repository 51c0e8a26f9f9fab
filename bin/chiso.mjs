#!/usr/bin/env node
// The CLI is TypeScript run as is: tsx compiles it in memory (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/runtimes/cli.ts');
process.exitCode = await main(process.argv.slice(2));
