import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { ObjectExistsError, type ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

const report = (unit: string, period: string, rows: [string, number, number][]) =>
  csvBytes([`Đơn vị: ${unit}`, `Kỳ báo cáo: ${period}`, 'STT,Mã chỉ số,Tử số,Mẫu số', ...rows.map((r, i) => `${i + 1},${r.join(',')}`)].join('\n'));

let lake: TempLake;
afterEach(async () => { await lake.cleanup(); });

describe('the lake', () => {
  beforeEach(async () => { lake = await tempLake(); });

  it('writes Parquet that DuckDB reads with the right types, statistics and compression', async () => {
    const result = await lake.ingest(report('Xã Liên Châu', 'Quý III/2024', [['DOC_ONLINE', 90, 100], ['OFFICIAL_EMAIL', 30, 40]]), 'lc.csv');
    expect(result.status).toBe('accepted');
    const [file] = await lake.files('lake/kpi_values/');
    expect(file).toBe(`lake/kpi_values/unit=xa-lien-chau/period=2024-Q3/${result.submission_id}.parquet`);
    const types = await lake.query('SELECT column_name, column_type FROM (DESCRIBE kpi_values)');
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      indicator_code: 'VARCHAR', value: 'DOUBLE', numerator: 'BIGINT', denominator: 'BIGINT', note: 'VARCHAR',
      submission_id: 'VARCHAR', source_file: 'VARCHAR', source_sheet: 'VARCHAR', source_row: 'INTEGER',
      submitted_at: 'TIMESTAMP', ingested_at: 'TIMESTAMP', source_column: 'VARCHAR', assessment: 'VARCHAR', unit: 'VARCHAR', period: 'VARCHAR',
    });
    const meta = await lake.query(`SELECT path_in_schema, compression, stats_min_value, stats_max_value
      FROM parquet_metadata('${lake.dir}/${file}') ORDER BY column_id`);
    expect(new Set(meta.map((m) => m.compression))).toEqual(new Set(['SNAPPY']));
    expect(meta.find((m) => m.path_in_schema === 'value')).toMatchObject({ stats_min_value: '75.0', stats_max_value: '90.0' });
    expect(meta.find((m) => m.path_in_schema === 'indicator_code')).toMatchObject({ stats_min_value: 'DOC_ONLINE', stats_max_value: 'OFFICIAL_EMAIL' });
    const [row] = await lake.query(`SELECT submitted_at FROM kpi_values LIMIT 1`);
    expect((row!.submitted_at as Date).toISOString()).toBe('2025-01-15T03:00:00.000Z');
  });

  it('recognises the same bytes sent again and adds nothing', async () => {
    const bytes = report('Xã Liên Châu', 'Quý III/2024', [['DOC_ONLINE', 90, 100]]);
    const first = await lake.ingest(bytes, 'a.csv');
    const filesBefore = await lake.files();
    const second = await lake.ingest(bytes, 'renamed.csv');
    expect(second).toMatchObject({ status: 'accepted', submission_id: first.submission_id, duplicate_of: first.submission_id, rows: 1 });
    expect(await lake.files()).toEqual(filesBefore);
  });

  it('a later accepted report replaces what it states, keeps what it leaves blank, and withdraws only when told; history stays', async () => {
    const early = await lake.ingest(report('Xã Liên Châu', 'Quý III/2024', [['DOC_ONLINE', 90, 100], ['OFFICIAL_EMAIL', 30, 40]]), 'v1.csv');
    lake.setNow(new Date('2025-01-16T03:00:00Z'));
    const late = await lake.ingest(report('Xã Liên Châu', 'Quý III/2024', [['DOC_ONLINE', 95, 100]]), 'v2.csv');
    // A rejected correction later still does not displace the accepted one.
    lake.setNow(new Date('2025-01-17T03:00:00Z'));
    const bad = await lake.ingest(report('Xã Liên Châu', 'Quý III/2024', [['DOC_ONLINE', 120, 100]]), 'v3.csv');
    expect([early.status, late.status, bad.status]).toEqual(['accepted', 'accepted', 'rejected']);
    const current = await lake.query(`SELECT indicator_code, value, submission_id FROM kpi_current WHERE unit = 'xa-lien-chau' AND period = '2024-Q3' ORDER BY indicator_code`);
    expect(current).toEqual([
      { indicator_code: 'DOC_ONLINE', value: 95, submission_id: late.submission_id },
      { indicator_code: 'OFFICIAL_EMAIL', value: 75, submission_id: early.submission_id },
    ]);
    const history = await lake.query(`SELECT count(*) AS n FROM kpi_values WHERE unit = 'xa-lien-chau'`);
    expect(history[0]!.n).toBe(3);
    // Withdrawing is said in words ("rút"): the value is no longer current, its history stays.
    lake.setNow(new Date('2025-01-18T03:00:00Z'));
    const withdraw = await lake.ingest(csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,OFFICIAL_EMAIL,Rút,\n'), 'v4.csv');
    expect(withdraw.status).toBe('accepted');
    const after = await lake.query(`SELECT indicator_code FROM kpi_current WHERE unit = 'xa-lien-chau' AND period = '2024-Q3'`);
    expect(after).toEqual([{ indicator_code: 'DOC_ONLINE' }]);
    const kept = await lake.query(`SELECT count(*) AS n FROM kpi_values WHERE unit = 'xa-lien-chau' AND indicator_code = 'OFFICIAL_EMAIL'`);
    expect(kept[0]!.n).toBe(2);
    const log = await lake.query(`SELECT status FROM submissions ORDER BY submitted_at`);
    expect(log.map((r) => r.status)).toEqual(['accepted', 'accepted', 'rejected', 'accepted']);
  });

  it('a multi-unit file is corrected per unit, period and indicator, not as a whole', async () => {
    const wide = csvBytes('Kỳ báo cáo: Quý III/2024\nĐơn vị,DOC_ONLINE,OFFICIAL_EMAIL\nXã Liên Châu,90,80\nXã Đại Tự,70,60\n');
    const first = await lake.ingest(wide, 'district.csv');
    lake.setNow(new Date('2025-01-20T00:00:00Z'));
    const fix = await lake.ingest(report('Xã Đại Tự', 'Quý III/2024', [['DOC_ONLINE', 3, 4]]), 'dai-tu.csv');
    const current = await lake.query(`SELECT unit, indicator_code, value, submission_id = '${fix.submission_id}' AS from_fix FROM kpi_current ORDER BY unit, indicator_code`);
    expect(current).toEqual([
      { unit: 'xa-dai-tu', indicator_code: 'DOC_ONLINE', value: 75, from_fix: true },
      { unit: 'xa-dai-tu', indicator_code: 'OFFICIAL_EMAIL', value: 60, from_fix: false },
      { unit: 'xa-lien-chau', indicator_code: 'DOC_ONLINE', value: 90, from_fix: false },
      { unit: 'xa-lien-chau', indicator_code: 'OFFICIAL_EMAIL', value: 80, from_fix: false },
    ]);
    expect(first.partitions).toHaveLength(2);
  });
});

describe('a write that fails half-way', () => {
  it('takes back what it wrote and reports the submission rejected', async () => {
    let kpiPuts = 0;
    lake = await tempLake({
      store: (fs): ObjectStore => ({
        get: (k) => fs.get(k),
        delete: (k) => fs.delete(k),
        list: (p) => fs.list(p),
        put: async (key, body, options) => {
          if (key.startsWith('lake/kpi_values/') && ++kpiPuts === 2) throw new Error('disk full');
          return fs.put(key, body, options);
        },
      }),
    });
    const wide = csvBytes('Kỳ báo cáo: Quý III/2024\nĐơn vị,DOC_ONLINE\nXã Liên Châu,90\nXã Đại Tự,70\nThị trấn Tam Hồng,60\n');
    const result = await lake.ingest(wide, 'district.csv');
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => e.code)).toEqual(['WRITE_FAILED']);
    expect(await lake.files('lake/kpi_values/')).toEqual([]);
    expect(await lake.query('SELECT status FROM submissions')).toEqual([{ status: 'rejected' }]);
    // Not remembered as received: the same file sent again is processed again.
    expect(await lake.files('state/sha256/')).toEqual([]);
  });
});

describe('FsObjectStore', () => {
  it('never replaces an object written with ifAbsent, and leaves no temporary files', async () => {
    lake = await tempLake();
    const store = new FsObjectStore(lake.dir);
    await store.put('lake/x/Báo cáo Quý III.parquet', 'one', { ifAbsent: true });
    await expect(store.put('lake/x/Báo cáo Quý III.parquet', 'two', { ifAbsent: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect(Buffer.from((await store.get('lake/x/Báo cáo Quý III.parquet'))!).toString()).toBe('one');
    expect(await lake.files('lake/')).toEqual(['lake/x/Báo cáo Quý III.parquet']);
    await expect(store.put('../escape', 'x')).rejects.toThrow(/leaves the store/);
  });
});
