import { tableFromIPC } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSavedQuery } from '../../functions/domain/queries/savedQueries.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';

let dir: string;
let services: QueryServices;
let analyst: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-formats-'));
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2025-02-01T00:00:00Z') });
  analyst = await services.tokens.issue({ name: 'analyst', role: 'analyst', unit: null });
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

type Row = { i: number; t: string | null };
const expected = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ i, t: i % 7 === 0 ? null : `Xã "số" ${i}, — Tiếng Việt` }));

/** A saved query of n rows under its own name: its first request finds nothing cached. */
function addQuery(name: string, n: number): void {
  services.queries.set(name, parseSavedQuery(`/*
title: { vi: Nhiều dòng, en: Many rows }
description: { vi: Kiểm thử, en: Test }
params: []
columns:
  - { name: i, vi: Số, en: Number }
  - { name: t, vi: Chữ, en: Text }
*/
SELECT i::INTEGER AS i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'Xã "số" ' || i::VARCHAR || ', — Tiếng Việt' END AS t FROM range(${n}) r(i) ORDER BY i`, `sql/${name}.sql`));
}

/** The rows a body holds, read as its reader would read it. */
async function rowsOf(format: string, body: Buffer): Promise<Row[]> {
  switch (format) {
    case 'json': return JSON.parse(body.toString('utf8')) as Row[];
    case 'csv': {
      const lines = body.toString('utf8').replace(/^\ufeff/, '').split('\r\n');
      expect(lines.shift()).toBe('i,t');
      expect(lines.pop()).toBe('');
      return lines.map((line) => {
        const [, i, t] = /^(\d+),(.*)$/.exec(line)!;
        return { i: Number(i), t: t === '' ? null : t!.replace(/^"|"$/g, '').replace(/""/g, '"') };
      });
    }
    case 'xlsx': {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(new Uint8Array(body).buffer);
      const sheet = book.worksheets[0]!;
      const rows: Row[] = [];
      sheet.eachRow((row, number) => {
        if (number === 1) return;
        rows.push({ i: Number(row.getCell(1).value), t: (row.getCell(2).value as string | null) ?? null });
      });
      return rows;
    }
    default: {
      const table = tableFromIPC(new Uint8Array(body));
      return table.toArray().map((r) => ({ i: Number(r.i), t: r.t as string | null }));
    }
  }
}

describe('every format, compressed and plain, first request and cached, small and streamed', () => {
  for (const n of [50, 9_000]) {
    for (const format of ['json', 'csv', 'xlsx', 'arrow']) {
      for (const gzip of [false, true]) {
        it(`${format}, ${n} rows, ${gzip ? 'gzip' : 'plain'}: each body parses to the same rows`, { timeout: 120_000 }, async () => {
          const name = `rows_${n}_${format}_${gzip ? 'gz' : 'plain'}`;
          addQuery(name, n);
          try {
            const want = expected(n);
            for (const request of ['first', 'cached']) {
              const headers: Record<string, string> = { Authorization: `Bearer ${analyst}` };
              if (gzip) headers['Accept-Encoding'] = 'gzip';
              const res = await services.app.request(`/api/queries/${name}?format=${format}`, { headers });
              expect(res.status, `${request}: ${res.status === 200 ? "" : await res.clone().text()}`).toBe(200);
              const raw = Buffer.from(await res.arrayBuffer());
              const body = res.headers.get('content-encoding') === 'gzip' ? gunzipSync(raw) : raw;
              const rows = await rowsOf(format, body);
              expect(rows.length, request).toBe(n);
              expect(rows, request).toEqual(want);
            }
          } finally {
            services.queries.delete(name);
          }
        });
      }
    }
  }
});
