import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { listen } from '../helpers/appServer.ts';
import { chiso } from '../helpers/cli.ts';
import { PROVINCE_FILES, provinceReport } from '../helpers/provinceRegistry.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * The province's data-sharing platform (Nghị định 278/2025/NĐ-CP) reads 2026-Q3 with a machine
 * account made by the CLI: the published results (frozen by the decision, though a correction
 * came later), the current values, the data dictionary and the period's zip; and nothing outside
 * its scope: other queries, other units, pages, links, writes.
 */
type Row = Record<string, string | number | boolean | null>;
let work: string;
let dataDir: string;
let services: QueryServices;
let analyst: string;
let machine: string;
let clock = new Date('2026-10-15T03:00:00Z');
const SCOPE_UNITS = ['xa-yen-lac', 'xa-te-lo'];
const get = (path: string, token: string, init: RequestInit = {}) =>
  services.app.request(path, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
const json = async <T = Row[]>(res: Response | Promise<Response>) => (await (await res).json()) as T;
/** The API's CSV read back: header row → objects of text cells. */
const csvRows = async (res: Response) => parse(Buffer.from(await res.arrayBuffer()).toString('utf8'), { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
/** A JSON cell as the CSV writes it. */
const asCsv = (v: Row[string]) => (v === null ? '' : String(v));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-sharing-'));
  dataDir = join(work, 'data');
  expect((await importRegistry(new FsObjectStore(dataDir), PROVINCE_FILES, clock)).status).toBe('imported');
  services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  const report = provinceReport('Quý III/2026', [
    ['so-noi-vu', 50, true], ['so-tai-chinh', 100, true], ['thanh-tra-tinh', 100, true], ['cong-an-tinh', 100, true],
    ['phuong-viet-tri', 80, true], ['xa-yen-lac', 60, false], ['xa-te-lo', 70, true],
  ]);
  expect((await services.ingest({ bytes: csvBytes(report), fileName: 'tong-hop-quy-III-2026.csv' })).errors).toEqual([]);
  services.runner.lakeChanged();
  const published = await get('/api/publications', analyst, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ period: '2026-Q3', decision_number: '469/QĐ-UBND', decision_date: '2026-10-20', issuing_body: 'Ủy ban nhân dân tỉnh Phú Thọ' }),
  });
  expect(published.status).toBe(201);
  // Xã Tề Lỗ corrects its share after the decision: the published figures stay as published.
  clock = new Date('2026-10-25T03:00:00Z');
  expect((await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', [['xa-te-lo', 90, true]])), fileName: 'te-lo-bo-sung.csv' })).errors).toEqual([]);
  services.runner.lakeChanged();
}, 120_000);
afterAll(async () => {
  await services?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a machine account made by the CLI', () => {
  it('refuses a scope with a query not shared, a query or unit that does not exist, every problem at once, writing nothing', async () => {
    const before = (await services.tokens.list()).length;
    const bad = await chiso(['token', 'create', '--role', 'machine', '--name', 'LGSP', '--queries', 'dti_ranking,unit_submissions,province_scorecard,nope', '--units', 'xa-te-lo,xa-khong-co', '--data-dir', dataDir], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Query province_scorecard sums over every unit');
    expect(bad.stderr).toContain('Truy vấn unit_submissions đọc');
    expect(bad.stderr).toContain('never shared with another system');
    expect(bad.stderr).toContain('không có truy vấn "nope"');
    expect(bad.stderr).toContain('no unit "xa-khong-co"');
    expect((await chiso(['token', 'create', '--role', 'machine', '--name', 'LGSP', '--queries', 'dti_ranking', '--data-dir', dataDir], work)).code).toBe(2);
    expect((await services.tokens.list()).length).toBe(before);
  }, 120_000);

  it('makes a read-only account whose scope is kept with it', async () => {
    const made = await chiso(['token', 'create', '--role', 'machine', '--name', 'Nền tảng chia sẻ dữ liệu tỉnh (LGSP)',
      '--queries', 'dti_ranking,dti_scorecards,unit_report', '--units', SCOPE_UNITS.join(','), '--data-dir', dataDir], work);
    expect(made.stderr).toContain('The token is shown once');
    expect(made.code).toBe(0);
    machine = made.stdout.trim();
    expect(machine).toMatch(/^chiso_machine_/);
    const record = (await services.tokens.list()).find((t) => t.role === 'machine')!;
    expect(record.scope).toEqual({ queries: ['dti_ranking', 'dti_scorecards', 'unit_report'], units: SCOPE_UNITS });
    const listed = await chiso(['token', 'list', '--data-dir', dataDir], work);
    expect(listed.stdout).toContain(`machine\tdti_ranking,dti_scorecards,unit_report @ ${SCOPE_UNITS.join(',')}\tNền tảng chia sẻ dữ liệu tỉnh (LGSP)`);
  }, 120_000);
});

describe('a machine account made on the administrator\'s page', () => {
  it('checks the scope as the CLI does, and keeps it with the account', async () => {
    const admin = await services.tokens.issue({ name: 'Quản trị', role: 'admin', unit: null });
    const create = (fields: Record<string, string>) => services.app.request('/quan-tri/tai-khoan', {
      method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ role: 'machine', name: 'LGSP tỉnh', days: '365', ...fields }),
    });
    const refused = await create({ queries: 'dti_ranking,submission_log', units: 'xa-te-lo' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Truy vấn submission_log đọc');
    expect((await create({ queries: 'dti_ranking', units: 'all' })).status).toBe(200);
    const made = (await services.tokens.list()).filter((t) => t.role === 'machine' && t.name === 'LGSP tỉnh');
    expect(made.map((t) => t.scope)).toEqual([{ queries: ['dti_ranking'], units: 'all' }]);
  });
});

describe('the scope, enforced on the server', () => {
  const refusedWith = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const { error } = await json<{ error: { code: string; message_vi: string; message_en: string } }>(res);
    expect(error.code).toBe(code);
    expect(error.message_vi.length).toBeGreaterThan(10);
    expect(error.message_en.length).toBeGreaterThan(10);
    return error;
  };

  it('lists only the queries of its scope, and refuses any other, known or not', async () => {
    const list = await json<{ name: string; columns: { name: string }[] }[]>(get('/api/queries', machine));
    expect(list.map((q) => q.name)).toEqual(['dti_ranking', 'dti_scorecards', 'unit_report']);
    expect(list[0]!.columns.map((c) => c.name)).not.toContain('total_points_2dp');
    for (const name of ['district_scorecard', 'unit_submissions', 'pending_values', 'no_such_query']) {
      await refusedWith(await get(`/api/queries/${name}?period=2026-Q3`, machine), 403, 'OUT_OF_SCOPE');
    }
    await refusedWith(await get('/api/data/2026-Q3/current/district_scorecard', machine), 403, 'OUT_OF_SCOPE');
  });

  it('refuses a unit outside its scope, and a query whose figures sum over every unit', async () => {
    const other = await refusedWith(await get('/api/queries/unit_report?unit=phuong-viet-tri&period=2026-Q3', machine), 403, 'OUT_OF_SCOPE');
    expect(other.message_vi).toContain('phuong-viet-tri');
    expect((await get('/api/queries/unit_report?unit=xa-te-lo&period=2026-Q3', machine)).status).toBe(200);
    // A scope of some units given a query of the whole province (not through the CLI, which refuses it).
    const summing = await services.tokens.issue({ name: 'summing', role: 'machine', unit: null, scope: { queries: ['province_scorecard'], units: SCOPE_UNITS } });
    const sums = await refusedWith(await get('/api/queries/province_scorecard?period=2026-Q3', summing), 403, 'OUT_OF_SCOPE');
    expect(sums.message_en).toContain('sums over every unit');
    const everyUnit = await services.tokens.issue({ name: 'every unit', role: 'machine', unit: null, scope: { queries: ['province_scorecard'], units: 'all' } });
    expect((await json(get('/api/queries/province_scorecard?period=2026-Q3', everyUnit))).length).toBeGreaterThan(0);
  });

  it('leaves rows of other units and the analysts\' columns out of a ranking of every unit, whatever was asked', async () => {
    const rows = await json(get('/api/queries/dti_ranking?period=2026-Q3&group=', machine));
    expect(rows.map((r) => r.unit).sort()).toEqual([...SCOPE_UNITS].sort());
    expect(Object.keys(rows[0]!)).not.toContain('ranking_group');
    expect(Object.keys(rows[0]!)).not.toContain('total_points_2dp');
    const csv = await csvRows(await get('/api/queries/dti_ranking?period=2026-Q3&format=csv', machine));
    expect(csv.map((r) => r.unit).sort()).toEqual([...SCOPE_UNITS].sort());
    expect((await get('/api/queries/dti_ranking?period=2026-Q3&format=xlsx', machine)).status).toBe(400);
    // The analyst sees every unit.
    expect((await json(get('/api/queries/dti_ranking?period=2026-Q3', analyst))).length).toBe(7);
  });

  it('opens no page, no leader\'s link, no other API, and writes nothing', async () => {
    for (const path of ['/q', '/q/dti_ranking?period=2026-Q3', '/nop', '/quan-tri', '/cong-bo?period=2026-Q3', '/tham-dinh', '/l/abc.def']) {
      await refusedWith(await get(path, machine, { headers: { Accept: 'text/html' } }), 403, 'FORBIDDEN');
    }
    for (const path of ['/api/submissions', '/api/publications', '/api/publications/2026-Q3']) await refusedWith(await get(path, machine), 403, 'FORBIDDEN');
    await refusedWith(await get('/api/publications', machine, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ period: '2026-Q3' }) }), 403, 'READ_ONLY');
    await refusedWith(await get('/api/submissions?filename=a.csv', machine, { method: 'PUT', body: 'x' }), 403, 'READ_ONLY');
    await refusedWith(await get('/api/links', machine, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 403, 'READ_ONLY');
    // It cannot sign in to pages either.
    const login = await services.app.request('/login', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' }, body: new URLSearchParams({ token: machine }) });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect((await services.app.request('/health')).status).toBe(200);
  });

  it('a machine account without a scope reads nothing; a clerk reads no shared data', async () => {
    const bare = await services.tokens.issue({ name: 'no scope', role: 'machine', unit: null });
    await refusedWith(await get('/api/queries/dti_ranking?period=2026-Q3', bare), 403, 'OUT_OF_SCOPE');
    expect(await json(get('/api/queries', bare))).toEqual([]);
    expect((await json<{ datasets: unknown[] }>(get('/api/data', bare))).datasets).toEqual([]);
    const clerk = await services.tokens.issue({ name: 'Văn thư', role: 'staff', unit: 'xa-yen-lac' });
    await refusedWith(await get('/api/data', clerk), 403, 'FORBIDDEN');
    await refusedWith(await get('/api/data/2026-Q3/published/dti_ranking', clerk), 403, 'FORBIDDEN');
  });
});

describe('the published results and current values of a period', () => {
  it('gives the decision\'s frozen figures as JSON and CSV, of its units, though a correction came later', async () => {
    const frozen = await json<{ ranking: Row[]; scorecards: Row[] }>(get('/api/publications/2026-Q3', analyst));
    for (const [dataset, all] of [['dti_ranking', frozen.ranking], ['dti_scorecards', frozen.scorecards]] as const) {
      const res = await get(`/api/data/2026-Q3/published/${dataset}`, machine);
      expect(res.headers.get('x-chiso-publication-id')).toBe('2026-Q3-v001');
      const rows = await json(res);
      const expected = all.filter((r) => SCOPE_UNITS.includes(String(r.unit)));
      expect(rows.length).toBe(expected.length);
      expect(rows.length).toBeGreaterThan(1);
      const columns = Object.keys(rows[0]!);
      expect(rows).toEqual(expected.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
      const csv = await csvRows(await get(`/api/data/2026-Q3/published/${dataset}?format=csv`, machine));
      expect(csv).toEqual(rows.map((r) => Object.fromEntries(columns.map((c) => [c, asCsv(r[c]!)]))));
    }
    const ranking = await json(get('/api/data/2026-Q3/published/dti_ranking', machine));
    expect(ranking.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe(820);
    // The current values carry the correction.
    const current = await json(get('/api/data/2026-Q3/current/dti_ranking', machine));
    expect(current.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe(940);
    expect(current.map((r) => r.unit).sort()).toEqual([...SCOPE_UNITS].sort());
    expect((await get('/api/data/2026-Q2/published/dti_ranking', machine)).status).toBe(404);
    expect((await get('/api/data/2026-Q3/published/unit_report', machine)).status).toBe(403);
  });

  it('asks a query of one unit once per unit of the scope, its rows led by the unit', async () => {
    const rows = await json(get('/api/data/2026-Q3/current/unit_report', machine));
    expect(new Set(rows.map((r) => r.unit))).toEqual(new Set(SCOPE_UNITS));
    expect(rows.filter((r) => r.unit === 'xa-te-lo').map((r) => [r.indicator_code, r.value])).toEqual([['DOC', 90], ['SIG', 1]]);
  });

  it('has a dictionary listing every column of each dataset, typed, with units and meaning in vi and en', async () => {
    const doc = await json<{ datasets: { dataset: string; kind: string }[]; columns: { dataset: string; column: string; type: string; unit: string; meaning_vi: string; meaning_en: string }[] }>(get('/api/data/2026-Q3/dictionary', machine));
    expect(doc.datasets.map((d) => d.dataset)).toEqual(['published/dti_ranking', 'published/dti_scorecards', 'current/dti_ranking', 'current/dti_scorecards', 'current/unit_report']);
    for (const d of doc.datasets) {
      const rows = await json(get(`/api/data/2026-Q3/${d.dataset}`, machine));
      expect(doc.columns.filter((c) => c.dataset === d.dataset).map((c) => c.column), d.dataset).toEqual(Object.keys(rows[0]!));
    }
    const col = (dataset: string, column: string) => doc.columns.find((c) => c.dataset === `current/${dataset}` && c.column === column)!;
    expect(col('dti_ranking', 'total_points')).toMatchObject({ type: 'number', unit: 'points', meaning_vi: 'Tổng điểm (/1.000)', meaning_en: 'Total points (of 1,000)' });
    expect(col('dti_ranking', 'rank')).toMatchObject({ unit: 'rank' });
    expect(['integer', 'number']).toContain(col('dti_ranking', 'rank').type);
    expect(col('unit_report', 'numerator')).toMatchObject({ type: 'integer', unit: 'count' });
    expect(col('unit_report', 'unit')).toMatchObject({ type: 'string', unit: '' });
    expect(doc.columns.every((c) => c.meaning_vi && c.meaning_en)).toBe(true);
    const csv = await csvRows(await get('/api/data/2026-Q3/dictionary?format=csv', machine));
    expect(csv.length).toBe(doc.columns.length);
    expect(Object.keys(csv[0]!)).toEqual(['dataset', 'column', 'type', 'unit', 'unit_vi', 'unit_en', 'meaning_vi', 'meaning_en']);
  });
});

describe('the period as one zip', () => {
  it('streams an archive (over HTTP) that python opens: one CSV per dataset, the dictionary, a README; its rows equal the JSON', async () => {
    const server = await listen(services.app);
    try {
      const res = await fetch(`${server.base}/api/data/2026-Q3/export.zip`, { headers: { Authorization: `Bearer ${machine}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="chiso-2026-Q3.zip"');
      const file = join(work, 'export.zip');
      await writeFile(file, Buffer.from(await res.arrayBuffer()));
      const script = `
import json, sys, zipfile, csv, io
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
out = {"names": z.namelist(), "readme": z.read("README.txt").decode("utf-8"), "csv": {}}
for n in z.namelist():
    if n.endswith(".csv"):
        out["csv"][n] = list(csv.DictReader(io.StringIO(z.read(n).decode("utf-8-sig"), newline="")))
out["dictionary"] = json.loads(z.read("dictionary.json").decode("utf-8"))
print(json.dumps(out))`;
      const zip = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as {
        names: string[]; readme: string; csv: Record<string, Record<string, string>[]>; dictionary: { columns: { dataset: string; column: string }[] };
      };
      expect(zip.names).toEqual(['published/dti_ranking.csv', 'published/dti_scorecards.csv', 'current/dti_ranking.csv', 'current/dti_scorecards.csv', 'current/unit_report.csv', 'dictionary.csv', 'dictionary.json', 'README.txt']);
      expect(zip.readme).toContain('Kỳ / Period: 2026-Q3');
      expect(zip.readme).toContain('Tạo lúc / Generated at: 2026-10-25T03:00:00.000Z');
      expect(zip.readme).toContain('Nguồn / Source: chiso, http://127.0.0.1:');
      expect(zip.readme).toContain('Quyết định số 469/QĐ-UBND');
      for (const name of zip.names.filter((n) => n.endsWith('.csv') && n !== 'dictionary.csv')) {
        const rows = await json(get(`/api/data/2026-Q3/${name.replace(/\.csv$/, '')}`, machine));
        expect(rows.length, name).toBeGreaterThan(0);
        expect(zip.csv[name], name).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asCsv(v)]))));
      }
      expect(zip.csv['dictionary.csv']!.length).toBe(zip.dictionary.columns.length);
      expect(zip.csv['published/dti_ranking.csv']!.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe('820');
      expect(zip.csv['current/dti_ranking.csv']!.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe('940');
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('values waiting for approval', () => {
  it('are never given to a machine: the approved value stays in what it reads', async () => {
    clock = new Date('2026-10-26T03:00:00Z');
    await services.settings.setApproval(true, { id: 'a1', name: 'Chị Lan' });
    clock = new Date('2026-10-27T03:00:00Z');
    expect((await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', [['xa-yen-lac', 95, true]])), fileName: 'yen-lac-bo-sung.csv' })).errors).toEqual([]);
    services.runner.lakeChanged();
    const pending = await json(get('/api/queries/pending_values?period=2026-Q3', analyst));
    expect(pending.filter((r) => r.unit === 'xa-yen-lac').map((r) => [r.indicator_code, r.value])).toEqual([['DOC', 95], ['SIG', 1]]);
    const values = await json(get('/api/data/2026-Q3/current/unit_report', machine));
    expect(values.filter((r) => r.unit === 'xa-yen-lac').map((r) => [r.indicator_code, r.value])).toEqual([['DOC', 60], ['SIG', 0]]);
    const asked = await json(get('/api/queries/unit_report?unit=xa-yen-lac&period=2026-Q3', machine));
    expect(asked.map((r) => r.value)).toEqual([60, 0]);
    expect((await get('/api/queries/pending_values?period=2026-Q3', machine)).status).toBe(403);
  });
});

describe('the OpenAPI description', () => {
  it('documents shared data and publications, and is well formed: every path parameter declared, every reference resolved', async () => {
    const doc = await json<{ paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, { description: string }> }>>; components: Record<string, Record<string, unknown>> }>(services.app.request('/api/openapi.json'));
    const paths = Object.keys(doc.paths);
    for (const p of ['/api/data', '/api/data/{period}/published/{dataset}', '/api/data/{period}/current/{dataset}', '/api/data/{period}/dictionary', '/api/data/{period}/export.zip',
      '/api/publications', '/api/publications/{period}', '/api/publications/{period}/annex', '/api/publications/{period}/reconcile']) expect(paths).toContain(p);
    expect(Object.keys(doc.paths['/api/publications']!)).toEqual(['get', 'post']);
    for (const [path, item] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(['get', 'put', 'post', 'delete', 'patch', 'head']).toContain(method);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...inPath].sort());
        expect(declared.every((p) => p.required === true)).toBe(true);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const r of Object.values(op.responses)) expect(typeof r.description).toBe('string');
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(5);
    for (const [, kind, name] of refs) expect(doc.components[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
  });
});
