/**
 * Hostile bodies against a real local server (`npm start`'s process), measured from other
 * processes: how long each refusal takes, the server's peak RSS, and the slowest /health answer
 * while it happens. usage: npm run bench:hostile   (prints a table, then JSON)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'chiso-bench-hostile-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'functions/runtimes/local/start.ts'], {
  cwd: root, env: { ...process.env, PORT: '0', CHISO_DATA_DIR: dataDir, CHISO_DEMO: process.env.CHISO_DEMO ?? '0' }, stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
server.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
const { base, token } = await new Promise<{ base: string; token: string }>((resolve, reject) => {
  let out = '';
  server.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const url = /chiso: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    const t = /analyst token: (\S+)/.exec(out);
    if (url && t) resolve({ base: url[1]!, token: t[1]! });
  });
  server.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
});
const host = new URL(base).host;
const rssMb = async (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;

/** /health every 25 ms from another process; `slowest()` since the last reset. */
const poller = spawn(process.execPath, ['--input-type=module', '-e', `
  for (;;) { const t = performance.now(); const r = await fetch(${JSON.stringify(`${base}/health`)}); await r.arrayBuffer();
    console.log(r.status === 200 ? (performance.now() - t).toFixed(1) : 'status ' + r.status); await new Promise((r) => setTimeout(r, 25)); }`], { stdio: ['ignore', 'pipe', 'inherit'] });
let samples: number[] = [];
poller.stdout!.on('data', (c: Buffer) => { for (const l of c.toString().trim().split('\n')) samples.push(l.startsWith('status') ? Infinity : Number(l)); });
await new Promise((r) => setTimeout(r, 1000));

/** A raw request: the head, then optionally a body of `bodyBytes` (declared or chunked); resolves at the answer's status line. */
function raw(head: string, body?: { bytes: number; chunked: boolean }): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) { resolve({ status: Number(got.slice(9, 12)), ms: performance.now() - t }); socket.destroy(); }
    });
    socket.on('close', () => resolve({ status: 0, ms: performance.now() - t }));
    socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
    if (!body) return;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < body.bytes && !socket.destroyed) {
        sent += chunk.length;
        const ok = body.chunked ? socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n') : socket.write(chunk);
        if (!ok) return socket.once('drain', pump);
      }
      if (body.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

interface Row { case: string; answers: string; slowest_refusal_ms: number | null; slowest_answer_ms: number; slowest_health_ms: number; rss_mb: number }
const rows: Row[] = [];
async function measure(name: string, run: () => Promise<{ status: number; ms: number }[]>) {
  samples = [];
  const answers = await run();
  await new Promise((r) => setTimeout(r, 300));
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  rows.push({
    case: name,
    answers: [...counts].map(([s, n]) => `${n}×${s}`).join(' '),
    slowest_refusal_ms: answers.some((a) => a.status === 413 || a.status === 503) ? Math.round(Math.max(...answers.filter((a) => a.status === 413 || a.status === 503).map((a) => a.ms))) : null,
    slowest_answer_ms: Math.round(Math.max(...answers.map((a) => a.ms))),
    slowest_health_ms: Math.round(Math.max(0, ...samples)),
    rss_mb: Math.round(await rssMb('VmRSS')),
  });
}

const MB = 1024 * 1024;
const form = (length: string) => `POST /login HTTP/1.1\nHost: ${host}\nContent-Type: application/x-www-form-urlencoded\n${length}\n`;
await measure('POST /login, 200 MB declared', async () => [await raw(form(`Content-Length: ${200 * MB}`), { bytes: 200 * MB, chunked: false })]);
await measure('POST /login, 200 MB chunked', async () => [await raw(form('Transfer-Encoding: chunked'), { bytes: 200 * MB, chunked: true })]);
const put = (name: string) => `PUT /api/submissions?filename=${name} HTTP/1.1\nHost: ${host}\nAuthorization: Bearer ${token}\nContent-Length: ${49 * MB}\n`;
await measure('30 parallel 49 MB PUTs, one token', async () => Promise.all(Array.from({ length: 30 }, (_, i) => raw(put(`big-${i}.xlsx`), { bytes: 49 * MB, chunked: false }))));
await measure('PUT 60 MB declared', async () => [await raw(put('huge.xlsx').replace(`${49 * MB}`, `${60 * MB}`), { bytes: 60 * MB, chunked: false })]);

// A large, valid CSV (long layout: every unit × month × indicator), accepted whole.
const units = ['Xã Liên Châu', 'Xã Đại Tự', 'Xã Trung Hà', 'Xã Yên Phương', 'Xã Hồng Châu', 'Xã Tề Lỗ'];
const indicators = ['DOC_ONLINE', 'STAFF_DIGITAL_ID', 'ONLINE_MEETINGS', 'PROCEDURES_LEVEL34', 'DOSSIERS_ONLINE', 'DOSSIERS_ONE_STOP', 'OFFICIAL_EMAIL', 'CHIP_ID_CARDS', 'VNEID_ACCOUNTS'];
const lines = ['Đơn vị,Kỳ báo cáo,Chỉ tiêu,Tử số,Mẫu số'];
for (let y = 2005; y <= 2024; y++) for (let m = 1; m <= 12; m++) for (const u of units) for (const i of indicators) lines.push(`${u},Tháng ${m}/${y},${i},${m},20`);
const csv = Buffer.from(`\ufeff${lines.join('\n')}\n`);
await measure(`one large CSV (${(csv.length / MB).toFixed(1)} MB, ${lines.length - 1} rows)`, async () => {
  const t = performance.now();
  const res = await fetch(`${base}/api/submissions?filename=lon.csv`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: csv });
  await res.arrayBuffer();
  await new Promise((r) => setTimeout(r, 3000)); // compaction follows the answer a second later
  return [{ status: res.status, ms: performance.now() - t }];
});

const peak = await rssMb('VmHWM');
poller.kill('SIGKILL');
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await rm(dataDir, { recursive: true, force: true });
console.table(rows);
console.log(`server peak RSS: ${peak.toFixed(0)} MB (bound 1024); slowest /health: ${Math.max(...rows.map((r) => r.slowest_health_ms))} ms (bound 250)`);
console.log(JSON.stringify({ rows, peak_rss_mb: Math.round(peak) }));
