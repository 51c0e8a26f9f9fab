// The compaction thread's entry: TypeScript is compiled in memory by tsx, which a worker thread
// must register for itself (as ingestWorker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./compactWorker.ts');
