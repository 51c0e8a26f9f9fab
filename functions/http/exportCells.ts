import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import type { Plain } from './tableRows.ts';

/**
 * How a result is written for a person opening it in Excel, beside the machine's way.
 * The API and the CLI keep the stable column names and the raw values (scripts and the AWS e2e
 * compare them); the pages' downloads default to the saved query's Vietnamese headers and
 * values as people read them (Có/Không, local times, unit types in words).
 */
export interface ExportOptions {
  /** Header row: the machine names ("codes"), or the saved query's labels in vi or en. */
  headers: 'codes' | 'vi' | 'en';
  /** Values for people: yes/no in words, timestamps in local time, unit types in words, numbers rounded (CSV). */
  human: boolean;
  /** CSV for Excel set to vi-VN: semicolon between cells and a decimal comma. */
  excelVi?: boolean;
  /** A stored UTC instant as local "YYYY-MM-DD HH:mm" (the deployment's clock). */
  localTime?: (at: string) => string;
}

/** The API's and the CLI's CSV: machine names and raw values. */
export const MACHINE: ExportOptions = { headers: 'codes', human: false };

/** A page's download, from its query string: Vietnamese by default, `lang=en`, `headers=codes`, `excel=vi`. */
export function pageExportOptions(query: (name: string) => string | undefined, localTime: (at: string) => string): ExportOptions {
  const codes = query('headers') === 'codes';
  return { headers: codes ? 'codes' : query('lang') === 'en' ? 'en' : 'vi', human: !codes, excelVi: query('excel') === 'vi', localTime };
}

export function headerOf(query: SavedQuery, name: string, headers: ExportOptions['headers']): string {
  if (headers === 'codes') return name;
  const meta = query.columns.find((c) => c.name === name);
  return meta ? meta[headers] : name;
}

const UNIT_TYPES: Record<string, [string, string]> = {
  commune: ['Xã', 'Commune'], town: ['Thị trấn', 'Town'], ward: ['Phường', 'Ward'], department: ['Phòng, ban', 'Office'],
  police: ['Công an', 'Police'], district: ['Huyện', 'District'], province: ['Tỉnh', 'Province'],
};

const MEASURES: Record<string, [string, string]> = { percent: ['Tỷ lệ (%)', 'Share (%)'], boolean: ['Có/Không', 'Yes/No'], count: ['Số lượng', 'Count'] };

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A cell's text or value for a person: what a page shows, in the download's language. */
export function humanValue(value: Plain, column: string, opts: ExportOptions, row?: Record<string, Plain>): Plain {
  if (!opts.human || value === null) return value;
  const vi = opts.headers !== 'en';
  const yesNo = typeof value === 'boolean' || (typeof value === 'number' && MEASURED.has(column) && row?.measure === 'boolean');
  if (yesNo) return Number(value) >= 1 ? (vi ? 'Có' : 'Yes') : (vi ? 'Không' : 'No');
  if (typeof value === 'string') {
    if (column === 'measure' && MEASURES[value]) return MEASURES[value]![vi ? 0 : 1];
    if (column === 'unit_type' && UNIT_TYPES[value]) return UNIT_TYPES[value]![vi ? 0 : 1];
    if (ISO_INSTANT.test(value) && opts.localTime) return opts.localTime(value);
  }
  return value;
}

/** Whether a column holds percentages (0–100): by its row's measure, or a label that says so. */
export function percentColumn(query: SavedQuery, name: string): boolean {
  const meta = query.columns.find((c) => c.name === name);
  return !!meta && (/%/.test(meta.vi) || /%/.test(meta.en));
}

/** Columns whose unit is the row's indicator's measure (percent, yes/no, count). */
export const MEASURED = new Set(['value', 'target', 'previous_value']);
