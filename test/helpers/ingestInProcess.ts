/**
 * Ingests files in this process, as a Lambda function does (no worker, no heap limit but the
 * machine's), into a fresh local lake; prints one JSON line: each file's status and error codes,
 * and this process's peak RSS. usage: node --import tsx test/helpers/ingestInProcess.ts FILE…
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { composeIngest } from '../../functions/runtimes/compose.ts';
import { readLocalConfig } from '../../functions/runtimes/config.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'chiso-in-process-'));
const services = await composeIngest(readLocalConfig({ ...process.env, CHISO_DEMO: '0' }, { dataDir }));
const files = [];
for (const file of process.argv.slice(2)) {
  const result = await services.ingest({ bytes: await readFile(file), fileName: basename(file) });
  files.push({ file: basename(file), status: result.status, rows: result.rows, codes: result.errors.map((e) => e.code), message_en: result.errors[0]?.message_en ?? null });
}
await services.close();
await rm(dataDir, { recursive: true, force: true });
const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(await readFile('/proc/self/status', 'utf8'))![1]);
console.log(JSON.stringify({ files, peakRssMb: Math.round(peakKb / 1024) }));
process.exit(0);
