import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chiso as runChiso } from './helpers/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvBytes } from './helpers/workbook.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/libreoffice/${name}`, import.meta.url));

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const chiso = (args: string[]) => runChiso(args, dir);

describe('npx chiso ingest', () => {
  it('prints the contract JSON and exits 0 when every file is accepted', async () => {
    const { code, stdout } = await chiso(['ingest', fixture('form-quy3-2024-lien-chau.xlsx'), fixture('wide-quy4-2024.xlsx'), '--data-dir', join(dir, 'a'), '--json']);
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ file: 'form-quy3-2024-lien-chau.xlsx', status: 'accepted', rows: 12, partitions: [{ unit: 'xa-lien-chau', period: '2024-Q3' }], errors: [] });
    expect(results[0].submission_id).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect(results[1].partitions).toHaveLength(5);
  });

  it('exits 1 when any file is rejected, and says which cell to fix in both languages', async () => {
    const bad = join(dir, 'Báo cáo Quý III.csv');
    await writeFile(bad, csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tỷ lệ (%)\n1,DOC_ONLINE,125%\n'));
    const { code, stdout } = await chiso(['ingest', fixture('long-2024.xlsx'), bad, '--data-dir', join(dir, 'b')]);
    expect(code).toBe(1);
    expect(stdout).toContain('✓ long-2024.xlsx');
    expect(stdout).toContain('✗ Báo cáo Quý III.csv');
    expect(stdout).toContain("Trang 'Báo cáo Quý III.csv', dòng 4, cột C: Văn bản điện tử — Tỷ lệ 125% vượt quá 100%.");
    expect(stdout).toContain("Sheet 'Báo cáo Quý III.csv', row 4, column C: E-documents — 125% is above 100%.");
    expect(stdout).toContain('1/2');
  });

  it('reports a missing file as rejected, and a bad command line with exit 2', async () => {
    const missing = await chiso(['ingest', join(dir, 'nope.xlsx'), '--data-dir', join(dir, 'c'), '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)[0].errors[0].code).toBe('FILE_NOT_FOUND');
    expect((await chiso(['ingest'])).code).toBe(2);
    expect((await chiso(['frobnicate'])).code).toBe(2);
  });
});

describe('npx chiso token', () => {
  it('makes codes that expire, lists them with holder, expiry and last use, and revokes one by id', async () => {
    const data = join(dir, 'tokens');
    const made = await chiso(['token', 'create', '--role', 'staff', '--name', 'Văn thư Liên Châu', '--unit', 'xa-lien-chau', '--expires-in-days', '30', '--data-dir', data]);
    expect(made.code).toBe(0);
    const code = made.stdout.trim();
    expect(code).toMatch(/^chiso_staff_/);
    expect((await chiso(['token', 'create', '--role', 'analyst', '--name', 'Chị Lan', '--data-dir', data])).code).toBe(0);
    expect((await chiso(['token', 'create', '--role', 'analyst', '--name', 'x', '--expires-in-days', '0', '--data-dir', data])).code).toBe(2);

    const listed = JSON.parse((await chiso(['token', 'list', '--json', '--data-dir', data])).stdout) as { id: string; name: string; role: string; unit: string | null; created_at: string; expires_at: string; last_used_at: string | null; revoked_at: string | null; status: string }[];
    expect(listed.map((t) => t.name)).toEqual(['Văn thư Liên Châu', 'Chị Lan']);
    const [clerk, analyst] = listed;
    expect(clerk).toMatchObject({ role: 'staff', unit: 'xa-lien-chau', last_used_at: null, revoked_at: null, status: 'active' });
    expect(Date.parse(clerk!.expires_at) - Date.parse(clerk!.created_at)).toBe(30 * 86_400_000);
    expect(Date.parse(analyst!.expires_at) - Date.parse(analyst!.created_at)).toBe(365 * 86_400_000); // a year by default
    expect(JSON.stringify(listed)).not.toContain(code); // and no hash either
    expect(listed[0]).not.toHaveProperty('sha256');

    const revoked = await chiso(['token', 'revoke', clerk!.id, '--data-dir', data]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('đã thu hồi / revoked');
    const table = (await chiso(['token', 'list', '--data-dir', data])).stdout;
    expect(table).toMatch(new RegExp(`${clerk!.id}\\tstaff\\txa-lien-chau\\tVăn thư Liên Châu\\t.*\\trevoked`));
    expect(table).toMatch(new RegExp(`${analyst!.id}\\tanalyst\\t-\\tChị Lan\\t.*\\tactive`));
    expect((await chiso(['token', 'revoke', 'ffffffffffff', '--data-dir', data])).code).toBe(1);
    expect((await chiso(['token', 'revoke', '--data-dir', data])).code).toBe(2);
  });
});
