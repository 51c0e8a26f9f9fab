import { parseBooleanText } from './parseBoolean.ts';
import { parseNumberText, type ParsedNumber } from './parseNumber.ts';
import { cleanText } from './normalizeText.ts';
import type { CellValue, SheetRow } from '../types.ts';

/** The text a person sees in a cell, for messages and for matching names. */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cleanText(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** A numeric cell with a percent format holds a fraction: 0.955 shown as 95.5% means 95.5. */
export function cellNumber(row: SheetRow, column: number): ParsedNumber {
  const value = row.cells[column];
  if (value === null || value === undefined) return { kind: 'blank' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'invalid' };
    const percent = row.percentColumns?.includes(column) ?? false;
    return { kind: 'number', value: percent ? roundFloat(value * 100) : value, percent };
  }
  if (typeof value === 'string') return parseNumberText(value);
  return { kind: 'invalid' };
}

/** 1/0 for a yes/no answer written as a boolean cell, 1/0, "x", "Có", "Không" … */
export function cellBoolean(row: SheetRow, column: number): 0 | 1 | 'blank' | 'invalid' {
  const value = row.cells[column];
  if (value === null || value === undefined) return 'blank';
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value === 1 ? 1 : value === 0 ? 0 : 'invalid';
  if (typeof value === 'string') return parseBooleanText(value);
  return 'invalid';
}

/** 0.955 * 100 is 95.49999999999999 in binary floating point; people mean 95.5. */
export function roundFloat(x: number): number {
  return Math.abs(x) < 1e6 ? Math.round(x * 1e9) / 1e9 : Number(x.toPrecision(15));
}
