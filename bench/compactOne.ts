/**
 * Compacts one lake in a process of its own and prints one JSON line: its time and the process's
 * peak resident memory (everything: Node, DuckDB, the files' buffers), as the benches report them.
 * node --import tsx bench/compactOne.ts <lake folder>
 */
import { performance } from 'node:perf_hooks';
import { compactLake } from '../functions/adapters/duckdb/compactLake.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: compactOne.ts <lake folder>');
const t = performance.now();
const result = await compactLake(dir);
console.log(JSON.stringify({ ...result, seconds: (performance.now() - t) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
