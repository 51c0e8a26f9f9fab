// The ingest worker's entry: like bin/chiso.mjs, TypeScript is compiled in memory by tsx, which a
// worker thread must register for itself (hooks of the server's thread do not reach it).
import { register } from 'tsx/esm/api';

register();
await import('./ingestWorker.ts');
