import { parse } from 'csv-parse/sync';

/** Something wrong in a registry file, where to fix it, in both languages. */
export interface RegistryProblem {
  file: string;
  /** 1-based line of the CSV file (the header is line 1); null for the file as a whole. */
  line: number | null;
  column: string | null;
  vi: string;
  en: string;
}

/** Collects every problem of a set of files, so a province sees all of them at once. */
export class Problems {
  readonly list: RegistryProblem[] = [];
  add(file: string, line: number | null, column: string | null, vi: string, en: string): void {
    this.list.push({ file, line, column, vi, en });
  }
  get count(): number {
    return this.list.length;
  }
}

/** One line: "units.csv dòng 4, cột type: … / line 4, column type: …". */
export function describeProblem(p: RegistryProblem): string {
  const whereVi = [p.file, p.line !== null ? `dòng ${p.line}` : null, p.column ? `cột ${p.column}` : null].filter(Boolean).join(', ');
  const whereEn = [p.line !== null ? `line ${p.line}` : null, p.column ? `column ${p.column}` : null].filter(Boolean).join(', ');
  return `${whereVi}: ${p.vi} / ${whereEn ? `${whereEn}: ` : ''}${p.en}`;
}

export type CsvRow = Record<string, string> & { __line: number };

/**
 * Rows of a CSV registry file with their line numbers; the columns it must have are checked
 * first (a missing one is one problem, not one per line).
 */
export function csvRows(text: string, file: string, required: readonly string[], problems: Problems): CsvRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: false, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    problems.add(file, null, null, `không đọc được tệp CSV (${(error as Error).message})`, `not a readable CSV file (${(error as Error).message})`);
    return [];
  }
  const [header, ...body] = records;
  if (!header) {
    problems.add(file, null, null, 'tệp rỗng', 'the file is empty');
    return [];
  }
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    problems.add(file, 1, missing.join(', '), `thiếu cột ${missing.join(', ')} ở dòng tiêu đề`, `the header lacks ${missing.join(', ')}`);
    return [];
  }
  const rows: CsvRow[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => c === '')) return;
    const row = { __line: i + 2 } as CsvRow;
    header.forEach((name, c) => { row[name] = cells[c] ?? ''; });
    rows.push(row);
  });
  return rows;
}

export const list = (cell: string | undefined) => (cell ?? '').split(';').map((s) => s.trim()).filter(Boolean);
