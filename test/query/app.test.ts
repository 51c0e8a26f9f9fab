import { tableFromIPC } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';

let dir: string;
let services: QueryServices;
let app: QueryServices['app'];
let analyst: string;
let clerk: string;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  // A private copy of the demo lake: these tests submit files into it.
  dir = await mkdtemp(join(tmpdir(), 'chiso-app-'));
  await cp(inject('demoLake'), dir, { recursive: true });
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2025-02-01T00:00:00Z') });
  app = services.app;
  analyst = await services.tokens.issue({ name: 'analyst', role: 'analyst', unit: null });
  clerk = await services.tokens.issue({ name: 'Liên Châu clerk', role: 'staff', unit: 'xa-lien-chau' });
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the API through app.request()', () => {
  it('asks for a bearer token, and refuses a wrong one', async () => {
    expect((await app.request('/api/queries')).status).toBe(401);
    const wrong = await app.request('/api/queries', { headers: auth('chiso_analyst_forged') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    expect((await app.request('/health')).status).toBe(200);
  });

  it('lists the saved queries with their parameters', async () => {
    const res = await app.request('/api/queries', { headers: auth(analyst) });
    const list = (await res.json()) as { name: string; params: { name: string; type: string }[] }[];
    expect(list.map((q) => q.name)).toEqual(['approval_log', 'approval_queue', 'district_scorecard', 'district_trend', 'dti_appraisal_queue', 'dti_ranking', 'dti_scorecards', 'dti_trend', 'indicator_trend', 'missing_submissions', 'pending_values', 'pending_warnings', 'periods_with_data', 'province_scorecard', 'quality_warnings', 'reporting_timeliness', 'submission_decisions', 'submission_log', 'timeliness_trend', 'unit_periods', 'unit_ranking', 'unit_registry', 'unit_report', 'unit_scorecard', 'unit_submissions', 'unit_trend', 'unit_values', 'value_provenance']);
    expect(list.find((q) => q.name === 'unit_report')!.params.map((p) => [p.name, p.type])).toEqual([['unit', 'unit'], ['period', 'period']]);
  });

  it('answers a bad parameter with 400 and a message in both languages, never SQL', async () => {
    for (const query of ['period=2024-Q5', "period=2024-Q4'; DROP TABLE units; --", 'period=2024-Q4&extra=1', '']) {
      const res = await app.request(`/api/queries/district_scorecard?${query}`, { headers: auth(analyst) });
      expect(res.status, query).toBe(400);
      const body = await res.text();
      expect(body).toContain('INVALID_PARAMS');
      expect(body).not.toMatch(/SELECT|kpi_current|Error:|at /);
    }
    const unit = await app.request('/api/queries/unit_report?unit=xa-khong-co&period=2024-Q4', { headers: auth(analyst) });
    expect(((await unit.json()) as { error: { details: { message_vi: string }[] } }).error.details[0]!.message_vi).toContain('xa-khong-co');
    expect((await app.request('/api/queries/nope', { headers: auth(analyst) })).status).toBe(404);
    expect((await app.request('/api/queries/unit_ranking?period=2024-Q4&format=pdf', { headers: auth(analyst) })).status).toBe(400);
  });

  it('serves JSON, CSV that Excel opens, XLSX and Arrow of the same rows', async () => {
    const url = '/api/queries/unit_report?unit=xa-lien-chau&period=2024-Q4';
    const json = (await (await app.request(url, { headers: auth(analyst) })).json()) as Record<string, unknown>[];
    expect(json).toHaveLength(15);
    const csvRes = await app.request(`${url}&format=csv`, { headers: auth(analyst) });
    expect(csvRes.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvRes.headers.get('content-disposition')).toContain('unit_report_xa-lien-chau_2024-Q4.csv');
    const csv = Buffer.from(await csvRes.arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('"Tỷ lệ văn bản đi, đến được xử lý trên phần mềm Quản lý văn bản và điều hành"');
    const xlsx = new ExcelJS.Workbook();
    await xlsx.xlsx.load(await (await app.request(`${url}&format=xlsx`, { headers: auth(analyst) })).arrayBuffer());
    const sheet = xlsx.getWorksheet('unit_report')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Mã chỉ số');
    expect(sheet.rowCount).toBe(16);
    expect(sheet.getRow(3).getCell(4).value).toBeCloseTo(json[1]!.value as number, 9);
    const arrow = tableFromIPC(new Uint8Array(await (await app.request(`${url}&format=arrow`, { headers: auth(analyst) })).arrayBuffer()));
    expect(arrow.numRows).toBe(15);
    expect(arrow.getChild('value')!.get(1)).toBeCloseTo(json[1]!.value as number, 9);
    expect(String(arrow.schema.fields.find((f) => f.name === 'numerator')!.type)).toBe('Int64');
  });

  it('uses ETags keyed by query, parameters and lake version; a new submission invalidates them', async () => {
    const url = '/api/queries/unit_report?unit=xa-te-lo&period=2024-Q4';
    const first = await app.request(url, { headers: auth(analyst) });
    const etag = first.headers.get('etag')!;
    expect((await app.request(url, { headers: { ...auth(analyst), 'If-None-Match': etag } })).status).toBe(304);
    const other = await app.request('/api/queries/unit_report?unit=xa-te-lo&period=2024-Q3', { headers: auth(analyst) });
    expect(other.headers.get('etag')).not.toBe(etag);
    const put = await app.request('/api/submissions?filename=te-lo-q4.csv', {
      method: 'PUT', headers: auth(analyst),
      body: csvBytes('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,OFFICIAL_EMAIL,39,40\n'),
    });
    expect(put.status).toBe(201);
    const after = await app.request(url, { headers: { ...auth(analyst), 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    const rows = (await after.json()) as { indicator_code: string; value: number | null }[];
    expect(rows.find((r) => r.indicator_code === 'OFFICIAL_EMAIL')!.value).toBe(97.5);
  });

  it('takes a report over HTTP and answers as the CLI does; the same bytes again add nothing', async () => {
    const body = csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Tháng 1/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n');
    const res = await app.request('/api/submissions?filename=lien-chau-t1.csv', { method: 'PUT', headers: auth(clerk), body });
    expect(res.status).toBe(201);
    const result = (await res.json()) as { status: string; submission_id: string; partitions: unknown[] };
    expect(result).toMatchObject({ status: 'accepted', partitions: [{ unit: 'xa-lien-chau', period: '2025-01' }] });
    const again = await app.request('/api/submissions?filename=copy.csv', { method: 'PUT', headers: auth(clerk), body });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { duplicate_of: string }).duplicate_of).toBe(result.submission_id);
    const bad = await app.request('/api/submissions?filename=bad.csv', { method: 'PUT', headers: auth(clerk), body: csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Tháng 1/2025\nSTT,Chỉ tiêu,Tỷ lệ\n1,DOC_ONLINE,125%\n') });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('PERCENT_OUT_OF_RANGE');
    expect((await app.request('/api/submissions', { method: 'PUT', headers: auth(clerk), body })).status).toBe(400);
    // Over the limit, declared or not: refused before the file is read whole.
    const big = new Uint8Array(51 * 1024 * 1024);
    const tooBig = await app.request('/api/submissions?filename=big.csv', { method: 'PUT', headers: auth(clerk), body: new ReadableStream({ start(ctrl) { ctrl.enqueue(big); ctrl.close(); } }), duplex: 'half' } as RequestInit);
    expect(tooBig.status).toBe(413);
  });

  it('keeps staff to their own unit and their own submissions', async () => {
    const other = await app.request('/api/submissions?filename=dai-tu.csv', {
      method: 'PUT', headers: auth(clerk),
      body: csvBytes('Đơn vị: Xã Đại Tự\nKỳ báo cáo: Tháng 1/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n'),
    });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['UNIT_NOT_ALLOWED']);
    const mine = (await (await app.request('/api/submissions', { headers: auth(clerk) })).json()) as { source_file: string }[];
    expect(mine.map((s) => s.source_file).sort()).toEqual(['bad.csv', 'dai-tu.csv', 'lien-chau-t1.csv']);
    const all = (await (await app.request('/api/submissions', { headers: auth(analyst) })).json()) as unknown[];
    expect(all.length).toBeGreaterThan(20);
    expect((await app.request('/api/queries/unit_ranking?period=2024-Q4', { headers: auth(clerk) })).status).toBe(403);
    const someoneElses = all[all.length - 1] as { submission_id: string };
    expect((await app.request(`/api/submissions/${someoneElses.submission_id}`, { headers: auth(clerk) })).status).toBe(404);
    expect((await app.request(`/api/submissions/${someoneElses.submission_id}`, { headers: auth(analyst) })).status).toBe(200);
  });

  it('describes itself in OpenAPI and sets security headers on every response', async () => {
    const res = await app.request('/api/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/queries/district_scorecard');
    // A query kept to administrators is described as such, with its refusal.
    const audit = (doc.paths as Record<string, { get: { 'x-audience'?: string[]; responses: Record<string, unknown> } }>)['/api/queries/admin_audit']!.get;
    expect(audit['x-audience']).toEqual(['admin']);
    expect(Object.keys(audit.responses)).toContain('403');
    expect((doc.paths as Record<string, { get: Record<string, unknown> }>)['/api/queries/district_scorecard']!.get['x-audience']).toBeUndefined();
    for (const r of [res, await app.request('/nope'), await app.request('/api/queries')]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});

describe('a large JSON answer, streamed the first time', () => {
  it('equals the whole body sent from the cache afterwards, gzipped or not, and survives a client that leaves', async () => {
    const { parseSavedQuery } = await import('../../functions/domain/queries/savedQueries.ts');
    const text = `/*
title: { vi: Nhiều dòng, en: Many rows }
description: { vi: Kiểm thử, en: Test }
params: []
columns:
  - { name: i, vi: Số, en: Number }
  - { name: t, vi: Chữ, en: Text }
*/
SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'Xã "số" ' || i::VARCHAR || ' — Tiếng Việt' END AS t FROM range(30000) r(i) ORDER BY i`;
    services.queries.set('many_rows', parseSavedQuery(text, 'sql/many_rows.sql'));
    try {
      // A client that stops reading after the first chunk leaves nothing half-cached behind.
      const aborted = await app.request('/api/queries/many_rows', { headers: { ...auth(analyst), 'Accept-Encoding': 'gzip' } });
      const reader = aborted.body!.getReader();
      await reader.read();
      await reader.cancel();
      const { gunzipSync } = await import('node:zlib');
      const first = await app.request('/api/queries/many_rows', { headers: { ...auth(analyst), 'Accept-Encoding': 'gzip' } });
      expect(first.headers.get('content-encoding')).toBe('gzip');
      const streamed = gunzipSync(Buffer.from(await first.arrayBuffer())).toString('utf8');
      const rows = JSON.parse(streamed) as { i: number; t: string | null }[];
      expect(rows).toHaveLength(30000);
      expect(rows[7]).toEqual({ i: 7, t: null });
      expect(rows[29999]).toEqual({ i: 29999, t: 'Xã "số" 29999 — Tiếng Việt' });
      const cached = await app.request('/api/queries/many_rows', { headers: { ...auth(analyst), 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(Buffer.from(await cached.arrayBuffer())).toString('utf8')).toBe(streamed);
      const plain = await app.request('/api/queries/many_rows', { headers: auth(analyst) });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(streamed);
    } finally {
      services.queries.delete('many_rows');
    }
  });

  it('a query that fails on its 20,000th row answers a plain 500, not half a body', async () => {
    const { parseSavedQuery } = await import('../../functions/domain/queries/savedQueries.ts');
    services.queries.set('fails_late', parseSavedQuery(`/*
title: { vi: Lỗi muộn, en: Late failure }
description: { vi: Kiểm thử, en: Test }
params: []
columns:
  - { name: i, vi: Số, en: Number }
*/
SELECT CASE WHEN i = 20000 THEN error('row 20000') ELSE i END AS i FROM range(30000) r(i)`, 'sql/fails_late.sql'));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await app.request('/api/queries/fails_late', { headers: { ...auth(analyst), 'Accept-Encoding': 'gzip' } });
      expect(res.status).toBe(500);
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    } finally {
      quiet.mockRestore();
      services.queries.delete('fails_late');
    }
  });
});
