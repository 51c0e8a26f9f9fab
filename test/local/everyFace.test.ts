/**
 * Trust, part two, item 6: the caps that keep the server alive apply on every face. `chiso ingest`
 * runs each file in the same worker isolation as the server (its heap limit): a file the server
 * refuses as too complex, the CLI refuses too, instead of spending the machine's memory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnServer } from '../helpers/spawnServer.ts';

const BIN = fileURLToPath(new URL('../../bin/chiso.mjs', import.meta.url));
const run = promisify(execFile);
let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'chiso-faces-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

/** A long-layout report of ~110,000 rows (5 MB): more than a 32 MB ingest heap holds. */
function largeReport(): string {
  const units = ['Xã Liên Châu', 'Xã Đại Tự', 'Xã Trung Hà', 'Xã Yên Phương', 'Xã Hồng Châu', 'Xã Tề Lỗ'];
  const indicators = ['DOC_ONLINE', 'STAFF_DIGITAL_ID', 'ONLINE_MEETINGS', 'PROCEDURES_LEVEL34', 'DOSSIERS_ONLINE', 'DOSSIERS_ONE_STOP', 'OFFICIAL_EMAIL', 'CHIP_ID_CARDS', 'VNEID_ACCOUNTS'];
  const rows = ['Đơn vị,Kỳ báo cáo,Chỉ tiêu,Tử số,Mẫu số'];
  for (let y = 1855; y <= 2024; y++) for (let m = 1; m <= 12; m++) for (const u of units) for (const i of indicators) rows.push(`${u},Tháng ${m}/${y},${i},${m},20`);
  return `${rows.join('\n')}\n`;
}

it('chiso ingest refuses a file past the ingest heap (FILE_TOO_COMPLEX) like the server, and still ends', async () => {
  const file = join(work, 'lon.csv');
  await writeFile(file, largeReport());
  // The same limit as the server's worker, made small so that an ordinary large file exceeds it.
  const out = await run(process.execPath, [BIN, 'ingest', file, '--data-dir', join(work, 'data'), '--json'], { env: { ...process.env, CHISO_INGEST_HEAP_MB: '32' }, timeout: 240_000 })
    .catch((e: { code: number; stdout: string }) => e);
  expect((out as { code?: number }).code).toBe(1);
  const [result] = JSON.parse((out as { stdout: string }).stdout) as { status: string; errors: { code: string }[] }[];
  expect(result!.status).toBe('rejected');
  expect(result!.errors.map((e) => e.code)).toEqual(['FILE_TOO_COMPLEX']);
}, 300_000);

/** Workbooks past the readers' caps (counted as they are read), refused the same way on every face. */
const HOSTILE = fileURLToPath(new URL('../helpers/hostile_xlsx.py', import.meta.url));
function capped(): string[] {
  const styles = join(work, 'kieu-dinh-dang.xlsx');
  const title = join(work, 'tieu-de-dai.xlsx');
  execFileSync('python3', [HOSTILE, 'styles', styles, '600000']);
  execFileSync('python3', [HOSTILE, 'long-text', title, '2']);
  return [styles, title];
}

it('chiso ingest and the local server refuse workbooks past the readers\' caps with FILE_TOO_COMPLEX, as the functions do', async () => {
  const files = capped();
  const out = await run(process.execPath, [BIN, 'ingest', ...files, '--data-dir', join(work, 'caps-cli'), '--json'], { timeout: 240_000 })
    .catch((e: { code: number; stdout: string }) => e);
  expect((out as { code?: number }).code).toBe(1);
  const results = JSON.parse((out as { stdout: string }).stdout) as { status: string; errors: { code: string }[] }[];
  expect(results.map((r) => [r.status, r.errors.map((e) => e.code)])).toEqual([['rejected', ['FILE_TOO_COMPLEX']], ['rejected', ['FILE_TOO_COMPLEX']]]);
  const s = await spawnServer(join(work, 'caps-server'), { CHISO_DEMO: '0' });
  try {
    for (const file of files) {
      const res = await fetch(`${s.base}/api/submissions?filename=${encodeURIComponent(basename(file))}`, { method: 'PUT', headers: { Authorization: `Bearer ${s.token}` }, body: await readFile(file) });
      expect(res.status, file).toBe(422);
      expect(((await res.json()) as { errors: { code: string }[] }).errors.map((e) => e.code), file).toEqual(['FILE_TOO_COMPLEX']);
    }
  } finally {
    await s.stop();
  }
}, 300_000);
