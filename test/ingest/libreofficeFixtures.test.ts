import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempLake, type TempLake } from '../helpers/lake.ts';

/** Spreadsheets written by LibreOffice Calc (scripts/fixtures/make_fixtures.py), not by the tests. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/libreoffice/${name}`, import.meta.url));

let lake: TempLake;
beforeEach(async () => { lake = await tempLake(); });
afterEach(async () => { await lake.cleanup(); });

async function valuesOf(submissionId: string) {
  const rows = await lake.query(`
    SELECT unit, period, indicator_code, value, numerator, denominator, note, source_sheet, source_row
    FROM kpi_values WHERE submission_id = '${submissionId}' ORDER BY unit, period, indicator_code`);
  return rows.map((r) => ({ ...r, value: Math.round((r.value as number) * 1e6) / 1e6 }) as Record<string, unknown> & { value: number });
}

describe('LibreOffice-made reports', () => {
  it('form: merged two-level header, formulas, percent formats, NFD and unaccented names, signature block', async () => {
    const result = await lake.ingest(fixture('form-quy3-2024-lien-chau.xlsx'), 'form-quy3-2024-lien-chau.xlsx');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ status: 'accepted', layout: 'form', rows: 12, partitions: [{ unit: 'xa-lien-chau', period: '2024-Q3' }] });
    const rows = await valuesOf(result.submission_id);
    const byCode = Object.fromEntries(rows.map((r) => [r.indicator_code, r]));
    expect(Object.keys(byCode).sort()).toEqual([
      'CASHLESS_PAYMENTS', 'CHIP_ID_CARDS', 'COMMUNITY_TECH_TEAMS', 'DIGITAL_SIGNATURE', 'DOC_ONLINE', 'DOSSIERS_ONE_STOP',
      'DOSSIERS_ONLINE', 'ONLINE_MEETINGS', 'PROCEDURES_LEVEL34', 'PUBLIC_SERVICE_SW', 'STAFF_DIGITAL_ID', 'VNEID_ACCOUNTS',
    ]);
    expect(byCode.DIGITAL_SIGNATURE).toMatchObject({ value: 1, numerator: null, source_row: 12, source_sheet: 'Biểu 01' });
    expect(byCode.DOC_ONLINE).toMatchObject({ value: 98.333333, numerator: 1180, denominator: 1200, source_row: 13 });
    expect(byCode.STAFF_DIGITAL_ID).toMatchObject({ value: 95.5, source_row: 14 });
    expect(byCode.ONLINE_MEETINGS).toMatchObject({ value: 30, numerator: 12, denominator: 40 });
    expect(byCode.PUBLIC_SERVICE_SW!.value).toBe(1);
    // The sheet states 83,3%: checked against 150/180, and the exact ratio is stored.
    expect(byCode.PROCEDURES_LEVEL34).toMatchObject({ value: 83.333333, numerator: 150, denominator: 180 });
    expect(byCode.DOSSIERS_ONLINE).toMatchObject({ value: 50, numerator: 1234, denominator: 2468, source_row: 19 });
    expect(byCode.DOSSIERS_ONE_STOP!.value).toBe(90);
    expect(byCode.COMMUNITY_TECH_TEAMS).toMatchObject({ value: 100, numerator: 9, denominator: 9 });
    expect(byCode.CHIP_ID_CARDS).toMatchObject({ value: 95.529412, numerator: 8120, denominator: 8500 });
    expect(byCode.VNEID_ACCOUNTS!.value).toBe(72.25);
    expect(byCode.CASHLESS_PAYMENTS!.value).toBe(45);
    // "-" for OFFICIAL_EMAIL means not reported: no row, no error.
    expect(byCode.OFFICIAL_EMAIL).toBeUndefined();
  });

  it('long: unit names, codes and prefixes; periods in several forms; a percent-formatted fraction', async () => {
    const result = await lake.ingest(fixture('long-2024.xlsx'), 'long-2024.xlsx');
    expect(result.errors).toEqual([]);
    expect(result.layout).toBe('long');
    const rows = await valuesOf(result.submission_id);
    expect(rows.map((r) => [r.unit, r.period, r.indicator_code, r.value, r.note])).toEqual([
      ['cong-an-huyen', '2024-Q1', 'CHIP_ID_CARDS', 85, null],
      ['cong-an-huyen', '2024-Q1', 'POPULATION_DB_LINK', 100, null],
      ['phong-noi-vu', '2024-H1', 'OFFICIAL_EMAIL', 98.3, null],
      ['xa-dai-tu', '2024-Q1', 'DIGITAL_SIGNATURE', 1, null],
      ['xa-dai-tu', '2024-Q1', 'DOC_ONLINE', 90, null],
      ['xa-dai-tu', '2024-Q2', 'DOC_ONLINE', 95, null],
      ['xa-dai-tu', '2024-Q3', 'DOC_ONLINE', 97, 'tăng'],
    ]);
    expect(result.partitions).toHaveLength(5);
  });

  it('wide: indicator columns (one with numerator and denominator under it), sections and a total row', async () => {
    const result = await lake.ingest(fixture('wide-quy4-2024.xlsx'), 'wide-quy4-2024.xlsx');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ status: 'accepted', layout: 'wide', rows: 18 });
    const rows = await valuesOf(result.submission_id);
    const table = Object.fromEntries(rows.map((r) => [`${r.unit} ${r.indicator_code}`, r.value]));
    expect(table).toEqual({
      'phong-noi-vu DIGITAL_SIGNATURE': 1, 'phong-noi-vu DOC_ONLINE': 100, 'phong-noi-vu OFFICIAL_EMAIL': 100, 'phong-noi-vu ONLINE_MEETINGS': 60,
      'phong-tu-phap DIGITAL_SIGNATURE': 1, 'phong-tu-phap DOC_ONLINE': 96, 'phong-tu-phap OFFICIAL_EMAIL': 95, 'phong-tu-phap ONLINE_MEETINGS': 45.5,
      'tt-yen-lac DIGITAL_SIGNATURE': 1, 'tt-yen-lac DOC_ONLINE': 96,
      'xa-lien-chau DIGITAL_SIGNATURE': 1, 'xa-lien-chau DOC_ONLINE': 98.333333, 'xa-lien-chau OFFICIAL_EMAIL': 88.5, 'xa-lien-chau ONLINE_MEETINGS': 30,
      'xa-trung-kien DIGITAL_SIGNATURE': 0, 'xa-trung-kien DOC_ONLINE': 80, 'xa-trung-kien OFFICIAL_EMAIL': 90, 'xa-trung-kien ONLINE_MEETINGS': 20,
    });
    expect(new Set(rows.map((r) => r.period))).toEqual(new Set(['2024-Q4']));
  });

  it.each(['long-thang9-utf16.csv', 'long-thang9-semicolon.csv'])('CSV %s: encoding and delimiter detected, decimal commas read', async (name) => {
    const result = await lake.ingest(fixture(name), name);
    expect(result.errors).toEqual([]);
    const rows = await valuesOf(result.submission_id);
    expect(rows.map((r) => [r.unit, r.period, r.indicator_code, r.value])).toEqual([
      ['xa-hong-chau', '2024-09', 'DOSSIERS_ONLINE', 61.5],
      ['xa-hong-chau', '2024-09', 'PUBLIC_SERVICE_SW', 1],
      ['xa-hong-phuong', '2024-09', 'DOSSIERS_ONLINE', 48.25],
    ]);
  });

  it('reports every mistake of a file at once, with sheet, cell and code, and writes nothing', async () => {
    const result = await lake.ingest(fixture('form-errors.xlsx'), 'form-errors.xlsx');
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.code, `${e.column}${e.row}`])).toEqual([
      ['PERCENT_OUT_OF_RANGE', 'E5'],
      ['NUMERATOR_ABOVE_DENOMINATOR', 'C6'],
      ['INDICATOR_UNKNOWN', 'B7'],
      ['NEGATIVE_COUNT', 'C8'],
      ['VALUE_DISAGREES', 'E9'],
      ['BOOLEAN_INVALID', 'E10'],
      ['DUPLICATE_CONFLICT', 'E13'],
    ]);
    expect(result.errors[0]).toMatchObject({ sheet: 'Biểu 01', message_vi: 'Văn bản điện tử — Tỷ lệ 125% vượt quá 100%.', message_en: 'E-documents — 125% is above 100%.' });
    expect(await lake.files('lake/kpi_values/')).toEqual([]);
    const [logged] = await lake.query(`SELECT status, error_count, row_count FROM submissions WHERE submission_id = '${result.submission_id}'`);
    expect(logged).toEqual({ status: 'rejected', error_count: 7, row_count: 0 });
  });

  it.each([
    ['legacy-quy3-2024.xls', 'FORMAT_XLS_LEGACY'],
    ['opendocument-quy3-2024.ods', 'FORMAT_ODS'],
  ])('refuses %s with advice on how to save it', async (name, code) => {
    const result = await lake.ingest(fixture(name), name);
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => e.code)).toEqual([code]);
    expect(result.errors[0]!.message_vi).toMatch(/Lưu thành/);
    expect(await lake.files('lake/kpi_values/')).toEqual([]);
    // The original is kept, even when refused.
    expect(await lake.files('originals/')).toEqual([`originals/${result.submission_id}/${name}`]);
  });
});
