import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvBytes } from '../helpers/workbook.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dataDir: string;
let server: ChildProcess;
let base: string;
let token: string;
let output = '';

/** `npm start` as a user runs it, on a port the OS picks, in a fresh data folder. */
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chiso-start-'));
  server = spawn(process.execPath, ['--import', 'tsx', 'functions/runtimes/local/start.ts'], {
    cwd: root, env: { ...process.env, PORT: '0', CHISO_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /analyst token: (\S+)/.exec(output);
      const url = /chiso: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && url) { clearTimeout(timer); token = m[1]!; base = url[1]!; resolve(); }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    server.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('loads the demo district, binds loopback, and prints the URLs and the analyst token', async () => {
    expect(output).toMatch(/29 tệp được nhận, 2 bị từ chối/);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const rows = (await (await fetch(`${base}/api/queries/missing_submissions?period=2024-Q4`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { unit: string }[];
    expect(rows.map((r) => r.unit)).toEqual(['xa-yen-phuong']);
    // The printed leaders' links open the scorecard and the DTI ranking without any login.
    const link = /district scorecard 2024-Q4: (\S+)/.exec(output)![1]!;
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Bảng điểm chuyển đổi số toàn huyện');
    const ranking = await fetch(/DTI ranking 2026-Q3: (\S+)/.exec(output)![1]!);
    expect(ranking.status).toBe(200);
    expect(await ranking.text()).toContain('Xếp hạng chỉ số chuyển đổi số (DTI)');
    // One object per token (state/tokens/<sha256>.json): each, and their folder, readable by the owner only.
    const fs = await import('node:fs/promises');
    const tokenFiles = await fs.readdir(join(dataDir, 'state/tokens'));
    expect(tokenFiles.length).toBeGreaterThan(0);
    expect((await fs.stat(join(dataDir, 'state/tokens'))).mode & 0o077).toBe(0);
    for (const f of tokenFiles) expect((await fs.stat(join(dataDir, 'state/tokens', f))).mode & 0o077).toBe(0);
  });

  it('ingests a file dropped in the upload folder once it has stopped changing, and says what became of it', async () => {
    const started = Date.now();
    await writeFile(join(dataDir, 'uploads', 'Báo cáo Yên Phương Quý IV.csv'), csvBytes('Đơn vị: Xã Yên Phương\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,90,100\n'));
    let processed: string[] = [];
    while (Date.now() - started < 8000) {
      processed = (await readdir(join(dataDir, 'uploads', 'processed'))).filter((f) => f.endsWith('.txt'));
      if (processed.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsed = Date.now() - started;
    expect(processed).toHaveLength(1);
    expect(elapsed).toBeLessThan(5000); // two seconds without change, then the ingest
    expect(await readFile(join(dataDir, 'uploads', 'processed', processed[0]!), 'utf8')).toMatch(/^ĐÃ NHẬN \/ ACCEPTED/);
    const rows = (await (await fetch(`${base}/api/queries/missing_submissions?period=2024-Q4`, { headers: { Authorization: `Bearer ${token}` } })).json()) as unknown[];
    expect(rows).toEqual([]);
  });
});
