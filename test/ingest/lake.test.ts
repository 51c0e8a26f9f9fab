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

describe('a count in a long table (one column for shares, one for counts)', () => {
  beforeEach(async () => { lake = await tempLake(); });
  const HEAD = 'Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số,Tỷ lệ (%)\n';
  it('is read from the share column or the numerator column, never passed over', async () => {
    const inNumerator = await lake.ingest(csvBytes(`${HEAD}xa-lien-chau,Quý II/2024,STEERING_MEETINGS,3,,\n`), 'count-num.csv');
    const inValue = await lake.ingest(csvBytes(`${HEAD}xa-dai-tu,Quý II/2024,STEERING_MEETINGS,,,2\n`), 'count-value.csv');
    const same = await lake.ingest(csvBytes(`${HEAD}xa-te-lo,Quý II/2024,STEERING_MEETINGS,4,,4\n`), 'count-both.csv');
    for (const r of [inNumerator, inValue, same]) expect(r.status, JSON.stringify(r.errors)).toBe('accepted');
    const rows = await lake.query(`SELECT unit, value, numerator, denominator FROM kpi_current WHERE indicator_code = 'STEERING_MEETINGS' AND period = '2024-Q2' ORDER BY unit`);
    expect(rows).toEqual([
      { unit: 'xa-dai-tu', value: 2, numerator: null, denominator: null },
      { unit: 'xa-lien-chau', value: 3, numerator: null, denominator: null },
      { unit: 'xa-te-lo', value: 4, numerator: null, denominator: null },
    ]);
  });

  it('with a denominator, or two different numbers, is refused where it is written and nothing is kept', async () => {
    for (const [line, code, column] of [
      ['xa-lien-chau,Quý I/2024,STEERING_MEETINGS,3,12,', 'COUNT_WITH_DENOMINATOR', 'E'],
      ['xa-lien-chau,Quý I/2024,STEERING_MEETINGS,3,,5', 'COUNT_STATED_TWICE', 'F'],
      ['xa-lien-chau,Quý I/2024,STEERING_MEETINGS,2.5,,', 'NON_INTEGER_COUNT', 'D'],
    ] as const) {
      const r = await lake.ingest(csvBytes(`${HEAD}${line}\n`), `count-${code}.csv`);
      expect(r.status).toBe('rejected');
      expect(r.errors.map((e) => [e.code, e.column, e.row])).toEqual([[code, column, 2]]);
      // Named by its short name, as the clerk knows it, never by its code.
      expect(r.errors[0]!.message_vi).toMatch(/^Họp BCĐ chuyển đổi số — /);
      expect(r.errors[0]!.message_vi).not.toContain('STEERING_MEETINGS');
      expect((await lake.files('lake/kpi_values/')).filter((k) => k.includes(r.submission_id))).toEqual([]);
    }
  });
});

describe('a CSV larger than the slices it is read in', () => {
  beforeEach(async () => { lake = await tempLake(); });
  it('keeps line numbers across quoted cells that span lines, in UTF-16 cut at odd bytes', async () => {
    // 24 months × 3 communes × 5 shares, each with a long note: several 64 KB slices of UTF-16,
    // and a note of three lines in the middle.
    const shares = ['ONLINE_MEETINGS', 'DOSSIERS_ONLINE', 'DOSSIERS_ONE_STOP', 'CHIP_ID_CARDS', 'VNEID_ACCOUNTS'];
    const note = 'Số liệu tổng hợp từ hệ thống một cửa điện tử và sổ theo dõi của bộ phận văn phòng, đã đối chiếu với báo cáo tháng trước. '.repeat(3);
    const lines = ['Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số,Ghi chú'];
    for (let m = 0; m < 24; m++) {
      for (const unit of ['xa-lien-chau', 'xa-dai-tu', 'xa-te-lo']) {
        const month = `Tháng ${(m % 12) + 1}/${2023 + Math.floor(m / 12)}`;
        for (const [k, code] of shares.entries()) lines.push(`${unit},${month},${code},${k + m},100,"${note}(${unit}, ${month})"`);
      }
    }
    lines.splice(90, 1, lines[90]!.replace(/"$/, '\ndòng hai\ndòng ba"'));
    lines.push('xa-dai-tu,Tháng 1/2022,DOSSIERS_ONLINE,11,10,');
    const text = `${lines.join('\n')}\n`;
    const bytes = csvBytes(text, 'utf16le');
    expect(bytes.length).toBeGreaterThan(4 * 64 * 1024);
    const result = await lake.ingest(bytes, 'thang-2024.csv');
    // The one bad row is the last record: its line counts the two breaks inside the note.
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.code, e.row, e.column])).toEqual([['NUMERATOR_ABOVE_DENOMINATOR', lines.length + 2, 'D']]);
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
