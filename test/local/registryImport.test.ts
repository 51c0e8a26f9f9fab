import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chiso as runChiso } from '../helpers/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';

const chiso = (args: string[]) => runChiso(args, work);

/** A province the code has never seen: its own communes, history, indicators and framework. */
const PROVINCE = {
  'units.csv': `code,name_vi,name_en,type,aliases
tinh-thu,Tỉnh Thử,Test Province,province,
xa-bac,Xã Bắc Thử,North Test,commune,Bắc Thử
xa-nam,Xã Nam Thử,South Test,commune,
xa-dong,Xã Đông Thử,East Test,commune,
xa-tay,Xã Tây Thử,West Test,commune,
`,
  'registry-events.csv': `date,kind,from,to,share,to_name_vi,to_type,source,verified
2025-07-01,merge,xa-bac;xa-nam,xa-trung-tam,,Xã Trung Tâm Thử,commune,Nghị quyết thử 1/NQ (test),no
2025-07-01,retire,xa-tay,,,,,Quyết định thử 2/QĐ (test),yes
2025-07-01,reparent,xa-trung-tam;xa-dong,tinh-thu,,,,Nghị quyết thử 1/NQ (test),yes
`,
  'indicators.csv': `code,name_vi,name_en,measure,direction,default_target,reported_by
HO_SO_TRUC_TUYEN,Tỷ lệ hồ sơ trực tuyến,Online dossiers,percent,higher,60,commune
HOP_BCD,Số cuộc họp Ban chỉ đạo,Steering meetings,count,higher,4,commune
`,
  'framework.csv': `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to
thu-2025,2025-01-01,,DVC,Dịch vụ công,HO_SO_TRUC_TUYEN,600,ratio,,commune
thu-2025,2025-01-01,,CQS,Chính quyền số,HOP_BCD,400,steps,4:400;2:200,commune
`,
};

let work: string;
let dataDir: string;
let services: QueryServices;
const writeFolder = async (name: string, files: Record<string, string>) => {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-province-'));
  dataDir = join(work, 'data');
  // The server is up before the import, as it would be: it must take the new registry without a restart.
  services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2025-11-01T00:00:00Z') });
});
afterAll(async () => {
  await services.close();
  await rm(work, { recursive: true, force: true });
});

describe('a province loads its own registry and framework with one command', () => {
  it('checks, imports and ranks a province the code has never seen, while the server runs', async () => {
    const analyst = await services.tokens.issue({ name: 'analyst', role: 'analyst', unit: null });
    const ask = (path: string) => services.app.request(path, { headers: { Authorization: `Bearer ${analyst}` } });
    expect((await ask('/api/queries/unit_scorecard?unit=xa-trung-tam&period=2025-Q3')).status).toBe(400); // not a unit yet

    const folder = await writeFolder('tinh-thu', PROVINCE);
    const check = await chiso(['registry', 'check', folder]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('6 đơn vị / units, 5 sự kiện / events (2 chưa xác minh / unverified), 2 chỉ số / indicators, 1 phiên bản khung điểm');
    const imported = await chiso(['registry', 'import', folder, '--data-dir', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Đã nhập phiên bản \d{8}T\d{6}Z-[0-9a-f]{8}/);
    const again = await chiso(['registry', 'import', folder, '--data-dir', dataDir]);
    expect(again.stdout).toContain('đang được dùng');

    // The running server: new units answer, with the registry's history and its unverified flag.
    services.runner.lakeChanged();
    const units = await ask('/api/queries/missing_submissions?period=2025-Q3');
    expect(units.status).toBe(200);
    expect(((await units.json()) as { unit: string }[]).map((r) => r.unit)).toEqual(['xa-dong', 'xa-trung-tam']);
    const old = (await (await ask('/api/queries/missing_submissions?period=2025-Q2')).json()) as { unit: string }[];
    expect(old.map((r) => r.unit)).toEqual(['xa-bac', 'xa-nam', 'xa-dong', 'xa-tay']);

    // A report for the new commune, by its name, and its points under the province's framework.
    const report = csvBytes('Đơn vị: Xã Trung Tâm Thử\nKỳ báo cáo: Quý III/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số,Kết quả\n1,Tỷ lệ hồ sơ trực tuyến,30,40,\n2,Số cuộc họp Ban chỉ đạo,,,3\n');
    const result = await services.ingest({ bytes: report, fileName: 'trung-tam-q3.csv' });
    expect(result.errors).toEqual([]);
    services.runner.lakeChanged();
    const ranking = (await (await ask('/api/queries/dti_ranking?period=2025-Q3')).json()) as Record<string, unknown>[];
    expect(ranking.map((r) => [r.unit, r.total_points, r.registry_status])).toEqual([
      ['xa-trung-tam', 650, 'Đang hoạt động (chưa xác minh văn bản)'], // 30/40 × 600 + 200 (3 meetings ≥ 2)
      ['xa-dong', null, 'Đang hoạt động'], // nothing reported: no total, never a 0
    ]);
    // A unit retired without a successor keeps its history and says so; never guessed onto another.
    const card = (await (await ask('/api/queries/unit_scorecard?unit=xa-tay&period=2025-Q2')).json()) as unknown[];
    expect(card).toHaveLength(2);
    const versions = await chiso(['registry', 'versions', '--data-dir', dataDir]);
    expect(versions.stdout.trim().split('\n')).toHaveLength(1);
    expect(versions.stdout).toMatch(/^\* \d{8}T\d{6}Z-[0-9a-f]{8}/);
  }, 60_000);

  it('refuses a broken registry whole, naming every problem by file, line and column, and keeps the one in force', async () => {
    const current = await readFile(join(dataDir, 'registry/current.json'), 'utf8');
    const broken = await writeFolder('tinh-thu-loi', {
      ...PROVINCE,
      'units.csv': PROVINCE['units.csv'].replace('xa-dong,Xã Đông Thử,East Test,commune', 'xa-dong,Xã Đông Thử,East Test,phuong'),
      'registry-events.csv': `${PROVINCE['registry-events.csv']}2025-07-01,merge,xa-khong-co,xa-trung-tam,,,,Nguồn thử,có\n2025-08-01,rename,xa-dong,xa-dong-moi,,Xã Đông Mới,commune,,maybe\n`,
      'framework.csv': `${PROVINCE['framework.csv']}thu-2026,2025-06-01,,DVC,Dịch vụ công,HO_SO_TRUC_TUYEN,600,steps,4-400,commune\n`,
    });
    const check = await chiso(['registry', 'check', broken]);
    expect(check.code).toBe(1);
    const lines = check.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/units\.csv, dòng 5, cột type: loại "phuong" không thuộc .* \/ line 5, column type: type "phuong"/),
      expect.stringMatching(/registry-events\.csv, dòng 6, cột source: .* \/ line 6, column source: source is empty/),
      expect.stringMatching(/registry-events\.csv, dòng 6, cột verified: .*maybe/),
      expect.stringMatching(/framework\.csv, dòng 4, cột steps: .* \/ line 4, column steps: steps "4-400" must read like/),
    ]));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const refused = await chiso(['registry', 'import', broken, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('không thay đổi gì / the registry has');
    expect(await readFile(join(dataDir, 'registry/current.json'), 'utf8')).toBe(current);
    // The unknown unit and the overlapping framework version are named once the lines read.
    const second = await writeFolder('tinh-thu-loi-2', {
      ...PROVINCE,
      'registry-events.csv': `${PROVINCE['registry-events.csv']}2025-07-01,merge,xa-khong-co,xa-trung-tam,,,,Nguồn thử,yes\n`,
      'framework.csv': `${PROVINCE['framework.csv']}thu-2026,2025-06-01,,DVC,Dịch vụ công,HO_SO_TRUC_TUYEN,600,ratio,,commune\n`,
    });
    const named = await chiso(['registry', 'check', second]);
    expect(named.stderr).toMatch(/registry-events\.csv, dòng 5, cột from: .* unit "xa-khong-co" is not in the registry/);
    expect(named.stderr).toMatch(/framework\.csv, dòng 4, cột valid_from: .* thu-2026 begins 2025-06-01 while thu-2025 is in force/);
  }, 60_000);
});
