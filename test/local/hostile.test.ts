/**
 * Issue 10: hostile input and crashes, against the real server (`npm start`'s process, with its
 * ingest worker), each defect with the input that found it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';
import { csvBytes } from '../helpers/workbook.ts';

const HOSTILE = fileURLToPath(new URL('../helpers/hostile_xlsx.py', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/chiso.mjs', import.meta.url));
const run = promisify(execFile);
let work: string;

beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'chiso-hostile-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const put = (s: RunningServer, token: string, name: string, body: Uint8Array) =>
  fetch(`${s.base}/api/submissions?filename=${encodeURIComponent(name)}`, { method: 'PUT', headers: auth(token), body: body as unknown as BodyInit });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * /health polled every 25 ms by another process (this one is busy sending the upload, which
 * would count its own delays) while `during` runs: the slowest answer, in ms.
 */
/**
 * The bound asserted: parsing runs in the ingest worker, so the server's event loop only receives
 * the body and hands it over. Measured 6–16 ms on a quiet machine; on this two-core machine the
 * sender, the worker and the poller together can delay any process by ~100 ms, so the test allows
 * 250 ms: a parse on the event loop (48 s for the 49 MB line before) still fails it by far.
 */
const HEALTH_BOUND_MS = 250;

async function healthDuring<T>(s: RunningServer, during: Promise<T>): Promise<{ result: T; slowestMs: number }> {
  const poller = spawn(process.execPath, ['--input-type=module', '-e', `
    for (;;) {
      const t = performance.now();
      const res = await fetch(${JSON.stringify(`${s.base}/health`)});
      console.log(res.status === 200 ? (performance.now() - t).toFixed(1) : 'status ' + res.status);
      await new Promise((r) => setTimeout(r, 25));
    }
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  poller.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise((r) => poller.once('exit', r));
  await sleep(300);
  const result = await during;
  poller.kill('SIGKILL');
  await exited;
  expect(out).not.toMatch(/status/);
  // After the poller's own first requests (its client warming up).
  const times = out.trim().split('\n').slice(3).map(Number);
  expect(times.length).toBeGreaterThan(5);
  return { result, slowestMs: Math.max(...times) };
}

/** Every saved query with the demo's parameters answers 200 (the server is whole). */
async function everyQueryAnswers(s: RunningServer): Promise<Record<string, unknown>> {
  const list = (await (await fetch(`${s.base}/api/queries`, { headers: auth(s.token) })).json()) as { name: string; params: { name: string; type: string }[] }[];
  const answers: Record<string, unknown> = {};
  const value = (p: { name: string; type: string }) => ({ period: p.name === 'from' ? '2023-Q1' : '2024-Q4', unit: 'xa-lien-chau', indicator: 'DOC_ONLINE', date: p.name === 'from' ? '2023-01-01' : '2025-12-31' } as Record<string, string>)[p.type] ?? '1';
  for (const q of list) {
    const res = await fetch(`${s.base}/api/queries/${q.name}?${new URLSearchParams(Object.fromEntries(q.params.map((p) => [p.name, value(p)])))}`, { headers: auth(s.token) });
    expect(res.status, q.name).toBe(200);
    answers[q.name] = await res.json();
  }
  return answers;
}

async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('hostile input to a running server', () => {
  let s: RunningServer;
  let dataDir: string;
  let staff: string;

  beforeAll(async () => {
    dataDir = join(work, 'main');
    s = await spawnServer(dataDir, { CHISO_PUBLIC_URL: 'https://chiso.example.test' });
    const { stdout } = await run(process.execPath, [BIN, 'token', 'create', '--role', 'staff', '--name', 'Cán bộ Đại Tự', '--unit', 'xa-dai-tu', '--data-dir', dataDir]);
    staff = stdout.trim();
  }, 90_000);
  afterAll(async () => { await s.stop(); });

  it('refuses a workbook of 14.5 million tiny rich-text shared strings, answering /health all along', async () => {
    const file = join(work, 'rich.xlsx');
    execFileSync('python3', [HOSTILE, 'shared-strings', file, '14500000', 'rich']);
    const { result: res, slowestMs } = await healthDuring(s, put(s, s.token, 'rich.xlsx', await readFile(file)));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['SHARED_STRINGS_TOO_LARGE']);
    console.log(`rich shared strings: slowest /health ${slowestMs.toFixed(0)} ms, peak RSS ${(await s.peakRssMb()).toFixed(0)} MB`);
    expect(slowestMs).toBeLessThan(HEALTH_BOUND_MS);
  }, 120_000);

  it('answers ten parallel 5 MB plain-string workbooks (refused or asked to retry) and stays under 1 GB', async () => {
    const file = join(work, 'plain.xlsx');
    execFileSync('python3', [HOSTILE, 'shared-strings', file, '2400000', 'plain']);
    const bytes = await readFile(file);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => put(s, s.token, `plain-${i}.xlsx`, bytes).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), body: await r.json() as { errors?: { code: string }[] } }))));
    for (const a of answers) {
      expect([422, 200, 503]).toContain(a.status);
      if (a.status === 503) expect(Number(a.retry)).toBeGreaterThan(0);
    }
    // The first is refused for its text; the same bytes again are the same refusal, not a new parse.
    expect(answers.some((a) => a.body.errors?.[0]?.code === 'SHARED_STRINGS_TOO_LARGE')).toBe(true);
    expect((await fetch(`${s.base}/health`)).status).toBe(200);
    const peak = await s.peakRssMb();
    console.log(`after the hostile workbooks: peak RSS ${peak.toFixed(0)} MB`);
    expect(peak).toBeLessThan(1024);
  }, 120_000);

  it('refuses a 49 MB CSV with no line break in well under a second of work, /health answering meanwhile', async () => {
    const { result: res, slowestMs } = await healthDuring(s, put(s, s.token, 'mot-dong.csv', new Uint8Array(49 * 1024 * 1024).fill(0x61)));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('CSV_LINE_TOO_LONG');
    console.log(`49 MB line: slowest /health ${slowestMs.toFixed(0)} ms`);
    expect(slowestMs).toBeLessThan(HEALTH_BOUND_MS);
  }, 60_000);

  it('checks the unit before the duplicate: another unit\'s accepted bytes give a clerk no id and no submitter', async () => {
    const bytes = csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý I/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,7,10\n');
    const first = await put(s, s.token, 'lien-chau.csv', bytes);
    expect(first.status).toBe(201);
    const again = await put(s, staff, 'lien-chau.csv', bytes);
    expect(again.status).toBe(422);
    const body = (await again.json()) as { duplicate_of: string | null; errors: { code: string }[] };
    expect(body.duplicate_of).toBeNull();
    expect(body.errors.map((e) => e.code)).toEqual(['UNIT_NOT_ALLOWED']);
  });

  it('answers impossible dates with 400 on the API and the pages, and exit 2 without a stack in the CLI', async () => {
    const api = await fetch(`${s.base}/api/queries/submission_log?from=2024-02-30&to=2024-03-01`, { headers: auth(s.token) });
    expect(api.status).toBe(400);
    const page = await fetch(`${s.base}/q/submission_log?from=2024-02-30&to=2024-03-01`, { headers: auth(s.token) });
    expect(page.status).toBe(400);
    const cli = await run(process.execPath, [BIN, 'query', 'submission_log', '--param', 'from=2024-02-30', '--data-dir', dataDir]).catch((e: { code: number; stderr: string }) => e);
    expect((cli as { code: number }).code).toBe(2);
    expect((cli as { stderr: string }).stderr).toMatch(/from: .*2024-02-30/);
    expect((cli as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('answers bodies and names that are not what they should be with 400, leaving nothing behind', async () => {
    for (const body of ['null', '[]', '"x"', '{"query":"district_scorecard","params":null}']) {
      const res = await fetch(`${s.base}/api/links`, { method: 'POST', headers: { ...auth(s.token), 'Content-Type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
    const before = await readdir(join(dataDir, 'originals'));
    for (const name of ['..', '.', 'a\u0000b.csv', `${'ệ'.repeat(90)}.csv`]) {
      const res = await put(s, s.token, name, csvBytes('Đơn vị: Xã Liên Châu\n'));
      expect(res.status, JSON.stringify(name)).toBe(400);
    }
    expect(await readdir(join(dataDir, 'originals'))).toEqual(before);
    const login = await fetch(`${s.base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: s.token, next: '/q\r\nSet-Cookie: x=1' }) });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/q');
    expect(login.headers.get('set-cookie')).not.toMatch(/x=1/);
  });

  it('keeps analysts\' pages, charts and downloads out of every cache, and makes links with the configured address', async () => {
    for (const path of ['/q/district_trend?from=2023-Q1&to=2024-Q4', '/q/district_trend/s/0/chart.svg?from=2023-Q1&to=2024-Q4', '/q/district_trend/s/0/data.csv?from=2023-Q1&to=2024-Q4']) {
      const res = await fetch(`${s.base}${path}`, { headers: auth(s.token) });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
    }
    const link = await fetch(`${s.base}/api/links`, { method: 'POST', headers: { ...auth(s.token), 'Content-Type': 'application/json', 'X-Forwarded-Host': 'evil.example' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: '2024-Q4' } }) });
    expect(((await link.json()) as { url: string }).url).toMatch(/^https:\/\/chiso\.example\.test\/l\//);
  });

  it('takes a file written in three chunks a second apart whole, and refuses links, FIFOs and oversized files unread', async () => {
    const uploads = join(dataDir, 'uploads');
    const lines = ['DIGITAL_SIGNATURE,x,,', 'DOC_ONLINE,,9,10', 'STAFF_DIGITAL_ID,,8,10', 'ONLINE_MEETINGS,,7,10', 'PUBLIC_SERVICE_SW,x,,', 'PROCEDURES_LEVEL34,,6,10',
      'DOSSIERS_ONLINE,,5,10', 'DOSSIERS_ONE_STOP,,4,10', 'OFFICIAL_EMAIL,,3,10', 'COMMUNITY_TECH_TEAMS,,2,10', 'CHIP_ID_CARDS,,1,10', 'VNEID_ACCOUNTS,,1,10'];
    const file = join(uploads, 'Tam Hồng Quý I 2025.csv');
    await writeFile(file, '\ufeffĐơn vị: Thị trấn Tam Hồng\nKỳ báo cáo: Quý I/2025\nChỉ tiêu,Kết quả,Tử số,Mẫu số\n');
    for (const chunk of [lines.slice(0, 4), lines.slice(4, 8), lines.slice(8)]) {
      await sleep(1000);
      await appendFile(file, `${chunk.join('\n')}\n`);
    }
    await symlink(join(dataDir, 'state/link-secret'), join(uploads, 'secret.csv'));
    execFileSync('mkfifo', [join(uploads, 'ong.csv')]);
    await writeFile(join(uploads, 'to.xlsx'), '');
    await truncate(join(uploads, 'to.xlsx'), 51 * 1024 * 1024);
    const processed = await waitFor('the chunked file', async () => (await readdir(join(uploads, 'processed'))).find((f) => f.endsWith('Tam Hồng Quý I 2025.csv.txt')));
    expect(await readFile(join(uploads, 'processed', processed), 'utf8')).toMatch(/^ĐÃ NHẬN \/ ACCEPTED\n.*\n12 giá trị/);
    const failed = await waitFor('the refused files', async () => {
      const names = (await readdir(join(uploads, 'failed'))).filter((f) => f.endsWith('.txt'));
      return names.length >= 3 && names;
    });
    const reasons = await Promise.all(failed.map((f) => readFile(join(uploads, 'failed', f), 'utf8')));
    expect(reasons.find((r) => r.includes('secret.csv'))).toMatch(/symbolic link/);
    expect(reasons.find((r) => r.includes('ong.csv'))).toMatch(/special file/);
    expect(reasons.find((r) => r.includes('to.xlsx'))).toMatch(/too large/);
    // The link was moved as a link: the key it points at was never read, never stored.
    const secret = (await readFile(join(dataDir, 'state/link-secret'), 'utf8')).trim();
    for (const dir of await readdir(join(dataDir, 'originals'))) {
      const info = await lstat(join(dataDir, 'originals', dir));
      expect(info.mode & 0o077, dir).toBe(0); // originals are the owner's only: 700 folders, 600 files
      for (const f of await readdir(join(dataDir, 'originals', dir))) {
        expect((await lstat(join(dataDir, 'originals', dir, f))).mode & 0o077).toBe(0);
        expect(await readFile(join(dataDir, 'originals', dir, f), 'utf8')).not.toContain(secret);
      }
    }
  }, 60_000);
});

describe('thirty parallel 49 MB uploads from one token', () => {
  it('are answered (most 503 with Retry-After before their bodies are read) with the server\'s peak memory under 1 GB', async () => {
    const s = await spawnServer(join(work, 'burst'), { CHISO_DEMO: '0' });
    try {
      // Bytes that are not a workbook: each admitted one is refused at once, the rest wait their turn.
      const body = new Uint8Array(49 * 1024 * 1024).fill(0x20);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => put(s, s.token, `big-${i}.xlsx`, body)
        .then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), text: await r.text() }))
        .catch(() => ({ status: 0, retry: null, text: '' }))));
      const busy = answers.filter((a) => a.status === 503);
      // The account may have a file running and two waiting: the rest are refused unread.
      expect(busy.length).toBeGreaterThanOrEqual(20);
      for (const a of busy) expect(Number(a.retry)).toBeGreaterThan(0);
      expect(answers.every((a) => a.status === 503 || a.status === 422)).toBe(true);
      expect((await fetch(`${s.base}/health`)).status).toBe(200);
      const peak = await s.peakRssMb();
      console.log(`30 × 49 MB from one token: ${busy.length} answered 503, peak RSS ${peak.toFixed(0)} MB`);
      expect(peak).toBeLessThan(1024);
    } finally {
      await s.stop();
    }
  }, 180_000);
});

describe('a 2,000,000-row sheet', () => {
  it('is refused with the server\'s peak memory under 500 MB', async () => {
    const file = join(work, 'rows.xlsx');
    execFileSync('python3', [HOSTILE, 'rows', file, '2000000']);
    const s = await spawnServer(join(work, 'rows'), { CHISO_DEMO: '0' });
    try {
      const res = await put(s, s.token, 'hai-trieu-dong.xlsx', await readFile(file));
      expect(res.status).toBe(422);
      const codes = ((await res.json()) as { errors: { code: string }[] }).errors.map((e) => e.code);
      expect(codes.some((c) => c === 'SHEET_TOO_LARGE' || c === 'FILE_TOO_COMPLEX')).toBe(true);
      const peak = await s.peakRssMb();
      console.log(`2,000,000 rows: ${codes.join(', ')}, peak RSS ${peak.toFixed(0)} MB`);
      expect(peak).toBeLessThan(500);
    } finally {
      await s.stop();
    }
  }, 180_000);
});

describe('crashes', () => {
  /** A long report of many partitions: 26 units × 72 months of one indicator, slow enough to kill mid-write. */
  const bigReport = () => {
    const rows = ['Đơn vị,Kỳ báo cáo,Chỉ tiêu,Tử số,Mẫu số'];
    const units = ['Xã Liên Châu', 'Xã Đại Tự', 'Xã Trung Hà', 'Xã Yên Phương', 'Xã Hồng Châu', 'Xã Tề Lỗ'];
    for (let y = 2019; y <= 2024; y++) for (let m = 1; m <= 12; m++) for (const u of units) rows.push(`${u},Tháng ${m}/${y},DOC_ONLINE,${m},20`);
    return csvBytes(`${rows.join('\n')}\n`);
  };
  const kpiFilesOf = async (dataDir: string, id: string | null) => {
    const out: string[] = [];
    const root = join(dataDir, 'lake/kpi_values');
    for (const u of await readdir(root).catch(() => [])) for (const p of await readdir(join(root, u)).catch(() => [])) {
      for (const f of await readdir(join(root, u, p)).catch(() => [])) if (!id || f.startsWith(id)) out.push(join(u, p, f));
    }
    return out;
  };
  const records = async (dataDir: string) => new Set(await readdir(join(dataDir, 'lake/submissions')));

  for (const point of ['after the first partition file', 'around the submission record'] as const) {
    it(`kill -9 ${point}: restarts, quarantines the file, leaves no orphan, answers every saved query as before`, async () => {
      const dataDir = join(work, `kill-${point.replace(/\W+/g, '-')}`);
      let s = await spawnServer(dataDir, { CHISO_RECOVERY_GRACE_MS: '0' });
      const before = await everyQueryAnswers(s);
      const known = await records(dataDir);
      const knownFiles = new Set(await kpiFilesOf(dataDir, null));
      await writeFile(join(dataDir, 'uploads', 'lon.csv'), bigReport());
      if (point === 'after the first partition file') {
        await waitFor('a first partition file', async () => (await kpiFilesOf(dataDir, null)).some((f) => !knownFiles.has(f)), 30_000);
      } else {
        await waitFor('the submission record', async () => [...(await records(dataDir))].some((r) => !known.has(r)), 30_000);
      }
      await s.kill9();
      s = await spawnServer(dataDir, { CHISO_RECOVERY_GRACE_MS: '0' });
      try {
        const after = await everyQueryAnswers(s);
        const committed = [...(await records(dataDir))].filter((r) => !known.has(r)).map((r) => r.replace('.parquet', ''));
        const newFiles = (await kpiFilesOf(dataDir, null)).filter((f) => !knownFiles.has(f));
        if (committed.length === 0) {
          // Not committed: nothing of it remains, nothing of it is read.
          expect(newFiles).toEqual([]);
          expect(after).toEqual(before);
        } else {
          // Committed (the record was written): all of it is there; a correction of a later
          // period may change answers, but every file named by it is whole.
          expect(newFiles.every((f) => committed.some((id) => f.endsWith(`${id}.parquet`)))).toBe(true);
        }
        const failed = await readdir(join(dataDir, 'uploads', 'failed'));
        expect(failed.some((f) => f.endsWith('lon.csv')) || committed.length > 0).toBe(true);
        expect(existsSync(join(dataDir, 'uploads', 'processing', 'lon.csv'))).toBe(false);
      } finally {
        await s.stop();
      }
    }, 180_000);
  }

  it('starts over an empty partition folder, stale temporary files and orphans, and removes them', async () => {
    const dataDir = join(work, 'untidy');
    const first = await spawnServer(dataDir, { CHISO_DEMO: '0' });
    await first.stop();
    const empty = join(dataDir, 'lake/kpi_values/unit=xa-lien-chau/period=2024-Q4');
    await mkdir(empty, { recursive: true });
    const orphanDir = join(dataDir, 'lake/kpi_values/unit=xa-dai-tu/period=2024-Q3');
    await mkdir(orphanDir, { recursive: true });
    await writeFile(join(orphanDir, '20250101T000000000Z-deadbeef.parquet'), 'half');
    await writeFile(join(dataDir, 'lake/.tmp-abcdef'), 'half');
    const old = new Date(Date.now() - 3600_000);
    for (const f of [join(orphanDir, '20250101T000000000Z-deadbeef.parquet'), join(dataDir, 'lake/.tmp-abcdef')]) await utimes(f, old, old);
    const s = await spawnServer(dataDir, { CHISO_DEMO: '0' });
    try {
      expect(s.output()).toMatch(/recovered: 1 temporary, 1 uncommitted partition files/);
      expect(existsSync(empty)).toBe(false);
      expect(existsSync(join(dataDir, 'lake/.tmp-abcdef'))).toBe(false);
      expect((await fetch(`${s.base}/api/queries/district_scorecard?period=2024-Q4`, { headers: auth(s.token) })).status).toBe(200);
    } finally {
      await s.stop();
    }
  }, 120_000);
});
