import ExcelJS from 'exceljs';

export type CellSpec =
  | string | number | boolean | null | Date
  | { formula: string; result?: number | string | { error: string }; numFmt?: string }
  | { value: number | string; numFmt: string };

export interface SheetSpec {
  name: string;
  rows: CellSpec[][];
  merges?: string[];
  state?: 'visible' | 'hidden';
}

/** A real .xlsx written by exceljs's writer, the way the tests make their own spreadsheets. */
export async function buildXlsx(sheets: SheetSpec[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
    spec.rows.forEach((cells, r) => {
      cells.forEach((cell, c) => {
        if (cell === null || cell === undefined) return;
        const target = sheet.getCell(r + 1, c + 1);
        if (typeof cell === 'object' && !(cell instanceof Date)) {
          if ('formula' in cell) {
            target.value = { formula: cell.formula, result: cell.result } as ExcelJS.CellFormulaValue;
            if (cell.numFmt) target.numFmt = cell.numFmt;
          } else {
            target.value = cell.value;
            target.numFmt = cell.numFmt;
          }
        } else {
          target.value = cell;
        }
      });
    });
    for (const range of spec.merges ?? []) sheet.mergeCells(range);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A CSV in the given encoding, optionally with its byte-order mark. */
export function csvBytes(text: string, encoding: 'utf8' | 'utf16le' | 'utf16be' = 'utf8', bom = true): Uint8Array<ArrayBuffer> {
  if (encoding === 'utf8') return new Uint8Array(Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]));
  const le = Buffer.from(text, 'utf16le');
  if (encoding === 'utf16le') return new Uint8Array(Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), le]));
  const be = Buffer.from(le);
  be.swap16();
  return new Uint8Array(Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), be]));
}
