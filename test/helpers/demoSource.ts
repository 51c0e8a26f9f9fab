import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { loadDefaultCatalog } from '../../functions/adapters/files/catalogFiles.ts';

/**
 * The demo files read independently of chiso's readers (exceljs's in-memory reader, csv-parse),
 * so that expected query results are computed from the sources, not from the lake.
 */
export interface SourceValue { unit: string; period: string; indicator: string; value: number; numerator: number | null; denominator: number | null }

const catalog = loadDefaultCatalog();
const demo = (f: string) => new URL(`../../demo/${f}`, import.meta.url);
const byName = new Map(catalog.indicators.map((i) => [i.nameVi, i.code]));
const quarterEnd = (p: string) => new Date(Date.UTC(Number(p.slice(0, 4)), Number(p.slice(-1)) * 3, 0)).toISOString().slice(0, 10);
/** Names repeat across the 2025 reform (the old and the new Xã Liên Châu): the unit of that name on the quarter's last day. */
const unitByName = (name: string, period: string) => catalog.units.find((u) => u.nameVi === name
  && (!u.validFrom || u.validFrom <= quarterEnd(period)) && (!u.validTo || u.validTo >= quarterEnd(period)))?.code;
const QUARTER: Record<string, string> = { I: 'Q1', II: 'Q2', III: 'Q3', IV: 'Q4' };

async function communes(file: string, period: string): Promise<SourceValue[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(demo(file).pathname);
  const ws = wb.worksheets[0]!;
  const out: SourceValue[] = [];
  const columns: { code: string; col: number; counts: boolean }[] = [];
  ws.getRow(4).eachCell((cell, col) => {
    const code = byName.get(String(cell.value));
    // A merged header repeats its text in every column it spans: the first column is the indicator's.
    if (code && !columns.some((c) => c.code === code)) columns.push({ code, col, counts: ws.getRow(5).getCell(col).value === 'Tử số' });
  });
  for (let r = 6; r <= ws.rowCount; r++) {
    const unit = unitByName(String(ws.getRow(r).getCell(2).value), period);
    if (!unit) continue;
    for (const { code, col, counts } of columns) {
      const cell = ws.getRow(r).getCell(col).value;
      if (counts) {
        const num = Number(cell);
        const den = Number(ws.getRow(r).getCell(col + 1).value);
        out.push({ unit, period, indicator: code, value: (num / den) * 100, numerator: num, denominator: den });
      } else {
        // A count (meetings) is its number; a yes/no is "x" or "Không".
        out.push({ unit, period, indicator: code, value: typeof cell === 'number' ? cell : cell === 'x' ? 1 : 0, numerator: null, denominator: null });
      }
    }
  }
  return out;
}

function offices(file: string, period: string): SourceValue[] {
  const rows = parse(readFileSync(demo(file)), { bom: true, columns: true }) as Record<string, string>[];
  return rows.map((r) => {
    const num = r['Tử số'] ? Number(r['Tử số']) : null;
    const den = r['Mẫu số'] ? Number(r['Mẫu số']) : null;
    const stated = r['Tỷ lệ (%)'] ?? '';
    const value = num !== null && den !== null ? (num / den) * 100 : /^\d+$/.test(stated) ? Number(stated) : stated === 'Có' ? 1 : 0;
    return { unit: r['Mã đơn vị']!, period, indicator: r['Mã chỉ số']!, value, numerator: num, denominator: den };
  });
}

/** Every value the accepted demo files hold, the later Liên Châu report replacing what it states of its quarter. */
export async function demoValues(): Promise<SourceValue[]> {
  const manifest = JSON.parse(readFileSync(demo('manifest.json'), 'utf8')) as { file: string; expect: string }[];
  let values: SourceValue[] = [];
  for (const { file, expect } of manifest) {
    if (expect !== 'accepted') continue;
    if (file.startsWith('tu-cham-diem') || file.startsWith('tham-dinh')) continue; // points, not values
    const m = /quy-(I|II|III|IV)-(\d{4})/.exec(file)!;
    const period = `${m[2]}-${QUARTER[m[1]!]}`;
    if (file.startsWith('tong-hop')) values.push(...(await communes(file, period)));
    else if (file.startsWith('phong-ban')) values.push(...offices(file, period));
    else if (/^xa-.*\.xlsx$/.test(file)) {
      // A unit's own form (the Liên Châu correction, Tề Lỗ's late report): "Đơn vị: …" in A5, rows from 9.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(demo(file).pathname);
      const ws = wb.worksheets[0]!;
      const unit = unitByName(String(ws.getCell('A5').value).replace(/^Đơn vị:\s*/, ''), period)!;
      for (let r = 9; r <= ws.rowCount; r++) {
        const row = ws.getRow(r);
        const code = byName.get(String(row.getCell(2).value));
        if (!code) continue;
        // A correction replaces, indicator by indicator, what it states.
        values = values.filter((v) => !(v.unit === unit && v.period === period && v.indicator === code));
        const num = row.getCell(3).value as number | null;
        const den = row.getCell(4).value as number | null;
        const stated = row.getCell(5).value;
        const value = num !== null && den !== null ? (num / den) * 100 : typeof stated === 'number' ? stated : stated === 'x' ? 1 : 0;
        values.push({ unit, period, indicator: code, value, numerator: num, denominator: den });
      }
    } else throw new Error(`demo file not understood by the test: ${file}`);
  }
  return values;
}

export const targets = new Map(catalog.indicators.map((i) => [i.code, i.defaultTarget]));
export { catalog as demoCatalog };
