import { RejectedFileError } from '../domain/ingest/errors.ts';
import type { CatalogIndex } from '../domain/ingest/ingestContext.ts';
import { LIMITS } from '../domain/limits.ts';
import { readOfficialTable, reconcile, type ComputedUnit, type Reconciliation } from '../domain/registry/reconcileResults.ts';
import type { SheetRow } from '../domain/types.ts';
import { readCsv } from '../adapters/readers/readCsv.ts';
import { readXlsx } from '../adapters/readers/readXlsx.ts';
import { sniffFormat } from '../adapters/readers/sniffFile.ts';
import { PublicationError, type ReadQuery } from './publications.ts';

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

/** The lake's figures for a period, unit by unit: the total (two decimals), the rank, each main criterion. */
export async function computedResults(read: ReadQuery, period: string): Promise<ComputedUnit[]> {
  const [ranking, scorecards] = await Promise.all([read('dti_ranking', { period, group: '' }), read('dti_scorecards', { period })]);
  const criteria = new Map<string, Map<string, number | null>>();
  for (const c of scorecards) {
    const unit = criteria.get(String(c.unit)) ?? criteria.set(String(c.unit), new Map()).get(String(c.unit))!;
    unit.set(String(c.pillar_name), num(c.pillar_points_1000));
  }
  return ranking.map((r) => ({
    unit: String(r.unit), unit_name: String(r.unit_name), rank: num(r.rank), total: num(r.total_points_2dp ?? r.total_points),
    criteria: criteria.get(String(r.unit)) ?? new Map(),
  }));
}

/**
 * An official results table (the annex .xlsx, or a CSV "rank, unit name, total, criteria…")
 * beside what the lake computes for the period. Nothing is written: this only reads and compares.
 */
export async function reconcileFile(input: { bytes: Uint8Array; fileName: string; period: string }, deps: { read: ReadQuery; catalog: CatalogIndex }): Promise<Reconciliation> {
  if (input.bytes.byteLength === 0) throw new PublicationError('FILE_EMPTY', 'tệp rỗng', 'the file is empty');
  if (input.bytes.byteLength > LIMITS.maxFileBytes) throw new PublicationError('FILE_TOO_LARGE', 'tệp quá lớn', 'the file is too large', 413);
  const format = sniffFormat(input.bytes, input.fileName);
  if (format !== 'csv' && format !== 'xlsx') {
    throw new PublicationError('FORMAT', `chỉ nhận bảng kết quả dạng .xlsx hoặc .csv (tệp này: ${format})`, `only an .xlsx or .csv results table is read (this file: ${format})`);
  }
  const sheets: { name: string; rows: SheetRow[] }[] = [];
  try {
    const sources = format === 'csv' ? readCsv(input.bytes, input.fileName) : readXlsx(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength));
    for await (const sheet of sources) {
      const rows: SheetRow[] = [];
      for await (const row of sheet.rows) rows.push(row);
      sheets.push({ name: sheet.name, rows });
    }
  } catch (error) {
    if (error instanceof RejectedFileError) throw new PublicationError(error.error.code, error.error.message_vi, error.error.message_en);
    throw error;
  }
  const computed = await computedResults(deps.read, input.period);
  const criteriaNames = [...new Set(computed.flatMap((u) => [...u.criteria.keys()]))];
  const official = readOfficialTable(sheets, criteriaNames);
  if (official.length === 0) {
    throw new PublicationError('NO_TABLE', 'không thấy bảng kết quả: cần cột "Tên đơn vị" và "Tổng điểm" (hoặc CSV "thứ tự, tên đơn vị, tổng điểm, …")', 'no results table found: it needs "Tên đơn vị" and "Tổng điểm" columns (or a CSV "rank, unit name, total, …")');
  }
  return reconcile(official, computed, deps.catalog, input.period);
}
