/**
 * "One input must never take the server down" (Trust 11; Trust, part two, 6 and 8), against the
 * real server: bodies limited by route before they are read, room in the ingest queue taken before
 * an upload is received, a full disk answered 507 with nothing half-kept. No timing is asserted
 * beyond "answered at all" (generous bounds): the machine may be saturated.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';

interface RawAnswer { status: number; head: string; body: string }

/**
 * An HTTP/1.1 request over a plain socket, so the test decides what is sent: the head only (a
 * declared body that never comes), or chunks. Resolves with the answer, or null when none came.
 */
function raw(base: string, head: string, options: { chunks?: Buffer[]; waitMs?: number } = {}) {
  const { hostname, port } = new URL(base);
  const socket: Socket = connect(Number(port), hostname);
  socket.on('error', () => undefined); // the server may close while the test still writes
  let data = Buffer.alloc(0);
  const answer = new Promise<RawAnswer | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), options.waitMs ?? 15_000);
    const check = () => {
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (data.length < end + 4 + length) return;
      clearTimeout(timer);
      resolve({ status: Number(text.slice(9, 12)), head: text.slice(0, end), body: data.subarray(end + 4, end + 4 + length).toString('utf8') });
    };
    socket.on('data', (c: Buffer) => { data = Buffer.concat([data, c]); check(); });
    socket.on('close', () => { clearTimeout(timer); check(); resolve(null); });
  });
  socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
  void (async () => {
    for (const chunk of options.chunks ?? []) {
      if (socket.destroyed) return;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      await new Promise((r) => setImmediate(r));
    }
    if (options.chunks && !socket.destroyed) socket.write('0\r\n\r\n');
  })();
  return { answer, close: () => socket.destroy() };
}

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'chiso-limits-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('bodies limited before they are read', () => {
  let s: RunningServer;
  beforeAll(async () => { s = await spawnServer(join(work, 'data'), { CHISO_DEMO: '0' }); }, 90_000);
  afterAll(async () => { await s.stop(); });
  const host = () => new URL(s.base).host;

  it('refuses a sign-in form declaring 200 MB with 413, unread (no byte of it sent)', async () => {
    const r = raw(s.base, `POST /login HTTP/1.1\nHost: ${host()}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: ${200 * 1024 * 1024}\n`);
    const answer = await r.answer;
    r.close();
    expect(answer?.status).toBe(413);
    expect(JSON.parse(answer!.body).error.code).toBe('BODY_TOO_LARGE');
  });

  it('cuts a chunked sign-in form at 64 KB with 413', async () => {
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(32 * 1024, 0x61)); // 1 MB in all
    const r = raw(s.base, `POST /login HTTP/1.1\nHost: ${host()}\nContent-Type: application/x-www-form-urlencoded\nTransfer-Encoding: chunked\n`, { chunks });
    const answer = await r.answer;
    r.close();
    expect(answer?.status).toBe(413);
  });

  it('caps a links JSON body at 64 KB', async () => {
    const res = await fetch(`${s.base}/api/links`, { method: 'POST', headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: 'x'.repeat(200_000) } }) });
    expect(res.status).toBe(413);
  });

  it('answers a third upload from one account 503 with Retry-After before its body is sent, and takes the room back', async () => {
    const head = (name: string) => `PUT /api/submissions?filename=${name} HTTP/1.1\nHost: ${host()}\nAuthorization: Bearer ${s.token}\nContent-Length: ${49 * 1024 * 1024}\n`;
    // Two uploads whose 49 MB bodies are still "on their way": they hold the account's room.
    const held = [raw(s.base, head('a.xlsx')), raw(s.base, head('b.xlsx'))];
    await new Promise((r) => setTimeout(r, 1000));
    const third = raw(s.base, head('c.xlsx'));
    const answer = await third.answer;
    third.close();
    expect(answer?.status).toBe(503);
    expect(Number(/retry-after:\s*(\d+)/i.exec(answer!.head)?.[1])).toBeGreaterThan(0);
    // The senders give up: their room is given back, and a real file is taken.
    for (const h of held) h.close();
    const csv = 'Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý I/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,7,10\n';
    let status = 0;
    for (let i = 0; i < 50 && status !== 201; i++) {
      status = (await fetch(`${s.base}/api/submissions?filename=lc.csv`, { method: 'PUT', headers: { Authorization: `Bearer ${s.token}` }, body: csv })).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(201);
  }, 60_000);
});

describe('a full disk', () => {
  const mountDir = () => join(work, 'small-disk');
  let mounted = false;
  beforeAll(async () => {
    await mkdir(mountDir(), { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountDir()], { stdio: 'ignore' });
      mounted = true;
    } catch {
      console.warn('SKIPPED: a full disk needs a small tmpfs, and mounting one is not permitted here (run as root)');
    }
  });
  afterAll(async () => { if (mounted) execFileSync('umount', ['-l', mountDir()]); });

  it('answers uploads 507 with a message in both languages and a log line, and keeps nothing of them', async (ctx) => {
    if (!mounted) return ctx.skip();
    const dataDir = join(mountDir(), 'data');
    const s = await spawnServer(dataDir, { CHISO_DEMO: '0' });
    try {
      // Fill the disk but for ~1 MB: the next 3 MB original cannot be kept.
      const free = Number(execFileSync('df', ['--output=avail', '-B1', mountDir()]).toString().trim().split('\n')[1]);
      await writeFile(join(mountDir(), 'filler'), Buffer.alloc(Math.max(0, free - 1024 * 1024)));
      const before = await readdir(join(dataDir, 'lake/submissions')).catch(() => []);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${s.base}/api/submissions?filename=bao-cao-${i}.xlsx`, { method: 'PUT', headers: { Authorization: `Bearer ${s.token}` }, body: Buffer.alloc(3 * 1024 * 1024, i + 1) });
        expect(res.status).toBe(507);
        const body = (await res.json()) as { error: { code: string; message_vi: string; message_en: string } };
        expect(body.error.code).toBe('STORAGE_FULL');
        expect(body.error.message_vi).toMatch(/đầy/);
        expect(body.error.message_en).toMatch(/full/);
      }
      expect(s.output()).toMatch(/disk full/);
      expect(await readdir(join(dataDir, 'lake/submissions')).catch(() => [])).toEqual(before);
      const originals = existsSync(join(dataDir, 'originals')) ? await readdir(join(dataDir, 'originals')) : [];
      expect(originals).toEqual([]);
      const temps = execFileSync('find', [dataDir, '-name', '.tmp-*']).toString().trim();
      expect(temps).toBe('');
      expect((await fetch(`${s.base}/health`)).status).toBe(200);
    } finally {
      await s.stop();
      await rm(join(mountDir(), 'filler'), { force: true });
    }
  }, 120_000);
});
