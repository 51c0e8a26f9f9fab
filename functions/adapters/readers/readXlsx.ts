// exceljs's parsers of the workbook, relationships and styles parts, driven here in the order a
// workbook needs them (its index would also load the writers: archiver, jszip, which ingest never
// uses); every part goes through one bounded SAX parser, and the sheets are read here.
import WorkbookXform from 'exceljs/lib/xlsx/xform/book/workbook-xform.js';
import RelationshipsXform from 'exceljs/lib/xlsx/xform/core/relationships-xform.js';
import StyleManager from 'exceljs/lib/xlsx/xform/style/styles-xform.js';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import type { SheetSource } from '../../domain/ingest/extractSubmission.ts';
import type { CellValue, SheetRow } from '../../domain/types.ts';
import { inspectXlsxZip } from './inspectZip.ts';
import { LIMITS } from '../../domain/limits.ts';
import { UNCOMPUTED_FORMULA } from '../../domain/ingest/validateObservation.ts';
import { boundedSax, tooComplex as tooComplexPart } from './boundedSax.ts';

/** A number format that shows a fraction as a percent: "0.0%", but not a literal "\%" or "%" in quotes. */
function isPercentFormat(numFmt: string | undefined): boolean {
  return !!numFmt && numFmt.replace(/"[^"]*"|\\./g, '').includes('%');
}

interface Converted { value: CellValue; error?: boolean }

function convertValue(raw: unknown): Converted {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw === 'number') return Number.isNaN(raw) ? { value: '#NUM!', error: true } : { value: raw };
  if (typeof raw === 'string' || typeof raw === 'boolean' || raw instanceof Date) return { value: raw };
  const v = raw as Record<string, unknown>;
  if ('richText' in v && Array.isArray(v.richText)) return { value: v.richText.map((r: { text?: string }) => r.text ?? '').join('') };
  if ('formula' in v || 'sharedFormula' in v) {
    // The value Excel or LibreOffice last computed and saved; a formula saved without one cannot be trusted.
    if (!('result' in v) || v.result === undefined) return { value: UNCOMPUTED_FORMULA, error: true };
    const result = v.result as unknown;
    if (result && typeof result === 'object' && 'error' in result) return { value: String((result as { error: unknown }).error), error: true };
    return convertValue(result);
  }
  if ('error' in v) return { value: String(v.error), error: true };
  if ('text' in v) return { value: String(v.text) };
  return { value: String(raw) };
}

/** A merged range, 1-based, inclusive. */
export interface MergedRange { top: number; left: number; bottom: number; right: number }

const columnNumber = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** "B5:C9" → its corners; null for anything else. */
export function parseRange(ref: string): MergedRange | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref);
  if (!m) return null;
  const [a, b] = [{ c: columnNumber(m[1]!), r: Number(m[2]) }, { c: columnNumber(m[3]!), r: Number(m[4]) }];
  return { top: Math.min(a.r, b.r), left: Math.min(a.c, b.c), bottom: Math.max(a.r, b.r), right: Math.max(a.c, b.c) };
}

/**
 * The merged ranges of a sheet. They are written after its rows (<mergeCells> follows
 * <sheetData>), so the part is inflated once ahead and scanned as text for them: cheap next to
 * parsing it, and the rows are still streamed afterwards.
 */
async function mergedRanges(stream: Readable, limits: typeof LIMITS, sheet: string): Promise<MergedRange[]> {
  const ranges: MergedRange[] = [];
  let carry = '';
  for await (const chunk of stream) {
    const text = carry + (chunk as Buffer).toString('latin1'); // refs are ASCII; any 8-bit view finds them
    let pos = 0;
    for (;;) {
      const at = text.indexOf('<mergeCell ', pos);
      if (at < 0) { carry = text.slice(Math.max(pos, text.length - 16)); break; } // a marker split by the chunk
      const close = text.indexOf('>', at);
      // An element is a few dozen bytes: one that never closes is not carried on (that would be quadratic).
      if (close < 0) { carry = text.length - at < 1024 ? text.slice(at) : ''; break; }
      const ref = /ref="([^"]+)"/.exec(text.slice(at, close))?.[1];
      const range = ref ? parseRange(ref) : null;
      if (range && range.bottom > range.top) {
        if (ranges.length >= limits.maxMergedRanges) throw tooComplex(sheet, `> ${limits.maxMergedRanges.toLocaleString('en')} vùng gộp ô / merged ranges`);
        // Columns past the limit hold nothing a report is read from (a value there is refused as it is read).
        ranges.push({ ...range, right: Math.min(range.right, limits.maxColumns) });
      }
      pos = close + 1;
    }
  }
  return ranges;
}

const tooComplex = (sheet: string, detail: string) => new RejectedFileError(ingestError('FILE_TOO_COMPLEX', { sheet }, { detail }));

/** What merged ranges may still cost in one file, in cells copied or looked at. */
export interface MergeBudget { cells: number }

/**
 * A merged cell reads as a person reads it: its value fills every row of its range below the first
 * (a unit name merged down over its indicator rows names each of them). Only ranges spanning rows
 * are filled; a header merged across columns is the table detector's to read.
 */
async function* fillMerged(rows: AsyncIterable<SheetRow>, ranges: MergedRange[], budget: MergeBudget, sheet: string, limits = LIMITS): AsyncGenerator<SheetRow> {
  if (ranges.length === 0) return yield* rows;
  const byTop = new Map<number, MergedRange[]>();
  for (const r of ranges) {
    const list = byTop.get(r.top);
    if (list) list.push(r);
    else byTop.set(r.top, [r]);
  }
  let open: { range: MergedRange; value: CellValue; percent: boolean; error: boolean }[] = [];
  for await (const row of rows) {
    open = open.filter((o) => o.range.bottom >= row.number);
    for (const o of open) {
      // Every cell of every open range is looked at: that work is what is bounded, whatever the ranges.
      budget.cells -= o.range.right - o.range.left + 1;
      if (budget.cells < 0) throw tooComplex(sheet, `> ${limits.maxMergedCells.toLocaleString('en')} ô trong vùng gộp / cells in merged ranges`);
      for (let c = o.range.left; c <= o.range.right; c++) {
        const at = c - 1;
        if (row.cells[at] !== null && row.cells[at] !== undefined) continue;
        while (row.cells.length < at) row.cells.push(null);
        row.cells[at] = o.value;
        (row.filled ??= []).push(at);
        if (o.percent) (row.percentColumns ??= []).push(at);
        if (o.error) (row.errorColumns ??= []).push(at);
      }
    }
    for (const range of byTop.get(row.number) ?? []) {
      const at = range.left - 1;
      const value = row.cells[at] ?? null;
      if (value !== null) open.push({ range, value, percent: row.percentColumns?.includes(at) ?? false, error: row.errorColumns?.includes(at) ?? false });
    }
    yield row;
  }
}

/** What the cells of one file may still cost: each cell read counts, whatever sheet it is on. */
export interface CellBudget { cells: number }

interface BookContext {
  sharedStrings: string[];
  /** A style's number format by its index (cellXfs), as exceljs's style manager resolves it. */
  numFmt: (styleId: number) => string | undefined;
  date1904: boolean;
}

/** "Z9" → 26; 0 for anything that is not a cell reference. Stops counting past Excel's 16,384 columns. */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const ch = ref.charCodeAt(i);
    if (ch < 65 || ch > 90) break;
    n = n * 26 + ch - 64;
    if (n > 16_384) return n;
  }
  return n;
}

const xmlDecode = (text: string) => text.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' } as Record<string, string>)[e]!);

/** exceljs's date test: a format with y, m, d, h, s outside quotes and brackets. */
const isDateFormat = (fmt: string | undefined) => !!fmt && /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
const excelToDate = (v: number, date1904: boolean) => new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/**
 * The rows of one sheet part, read from its SAX events as exceljs's stream reader reads them
 * (the same value for every kind of cell), but without its per-cell objects: a cell is counted
 * against the file's budget and its column checked before anything is made of it (exceljs makes
 * a column object for every column up to a cell's, and for every column a <col> element spans:
 * "ZZZZZZ1" or max="1000000000" would be a third of a billion of them).
 */
async function* sheetRows(part: AsyncIterable<Buffer>, book: BookContext, name: string, budget: CellBudget, limits = LIMITS): AsyncGenerator<SheetRow> {
  let row: SheetRow | null = null;
  let rowNumber = 0;
  let rowNumFmt: string | undefined;
  let column = 0;
  let cell: { col: number; s: number; t: string | undefined; f?: string; v?: string } | null = null;
  let into: 'f' | 'v' | null = null;
  let inlineString = false;
  let phonetic = false;
  let inData = false;
  const tooLarge = (limit: string) => new RejectedFileError(ingestError('SHEET_TOO_LARGE', { sheet: name }, { limit }));
  for await (const events of boundedSax(part, name, limits)) {
    const ready: SheetRow[] = [];
    for (const event of events) {
      if (event.eventType === 'text') {
        if (cell && into) cell[into] = (cell[into] ?? '') + event.value;
        continue;
      }
      const tag = event.value;
      const attrs = tag.attributes as Record<string, string>;
      if (event.eventType === 'opentag') {
        switch (tag.name) {
          case 'sheetData': inData = true; break;
          case 'row':
            if (!inData) break;
            rowNumber = attrs.r ? parseInt(attrs.r, 10) : rowNumber + 1;
            if (!(rowNumber > 0)) throw new Error(`row "${attrs.r}" is not a row number`);
            if (rowNumber > limits.maxRows) throw tooLarge(`${limits.maxRows} dòng / rows`);
            row = { number: rowNumber, cells: [] };
            rowNumFmt = attrs.s ? book.numFmt(parseInt(attrs.s, 10)) : undefined;
            column = 0;
            break;
          case 'c':
            if (!row) break;
            if (--budget.cells < 0) throw tooComplexPart(`> ${limits.maxCells.toLocaleString('en')} ô / cells`, name);
            column = attrs.r ? columnOf(attrs.r) : column + 1;
            if (!(column > 0)) throw new Error(`cell "${attrs.r}" is not a cell reference`);
            if (column > limits.maxColumns) throw tooLarge(`${limits.maxColumns} cột / columns`);
            cell = { col: column, s: parseInt(attrs.s ?? '', 10), t: attrs.t };
            break;
          case 'f': if (cell) { cell.f = ''; into = 'f'; } break;
          case 'v': if (cell) { cell.v = ''; into = 'v'; } break;
          // An inline string is its runs' text together, without East Asian reading hints.
          case 'is': if (cell) { cell.v = ''; inlineString = true; } break;
          case 'rPh': phonetic = true; break;
          case 't': if (cell && !phonetic) { if (!inlineString) cell.v = ''; into = 'v'; } break;
        }
        continue;
      }
      switch (tag.name) {
        case 'f': case 'v': case 't': into = null; break;
        case 'is': inlineString = false; break;
        case 'rPh': phonetic = false; break;
        case 'sheetData': inData = false; break;
        case 'c': {
          if (!row || !cell) break;
          // A cell's own style replaces its row's; style 0 (the default) leaves the row's.
          const numFmt = cell.s ? book.numFmt(cell.s) : rowNumFmt;
          const value = cellValue(cell, numFmt, book);
          if (value !== undefined) {
            const { value: converted, error } = convertValue(value);
            const at = cell.col - 1;
            while (row.cells.length < at) row.cells.push(null);
            row.cells[at] = converted;
            if (error) (row.errorColumns ??= []).push(at);
            else if (typeof converted === 'number' && isPercentFormat(numFmt)) (row.percentColumns ??= []).push(at);
          }
          cell = null;
          into = null;
          inlineString = false;
          break;
        }
        case 'row':
          if (row) ready.push(row);
          row = null;
          break;
      }
    }
    yield* ready;
  }
}

/**
 * A cell's value as exceljs's workbook reader gives it (cell-xform.js); undefined for a cell with
 * none. Its stream reader parses every cached formula result but a string as a number, so an
 * error result (t="e") and the empty <v></v> openpyxl writes for every formula came out NaN:
 * "#NUM!". Here a cached error stays that error, and an empty <v> is no cached value, except on
 * a string result (t="str"), where it is the "" Excel and LibreOffice save for a formula giving "".
 */
function cellValue(c: { t: string | undefined; f?: string; v?: string }, numFmt: string | undefined, book: BookContext): unknown {
  if (c.f !== undefined) {
    const value: { formula: string; result?: unknown } = { formula: c.f };
    if (c.t === 'str' && c.v !== undefined) value.result = xmlDecode(c.v);
    else if (c.v) value.result = c.t === 'e' ? { error: c.v } : c.t === 'b' ? parseInt(c.v, 10) !== 0 : parseFloat(c.v);
    return value;
  }
  if (c.v === undefined) return undefined;
  // An empty <v/> on a number is no value (parsed, it would be NaN); an empty string is a string.
  if (c.v === '' && (c.t === undefined || c.t === 'n' || c.t === 'e' || c.t === 'b' || c.t === 'd')) return undefined;
  switch (c.t) {
    case 's': return book.sharedStrings[parseInt(c.v, 10)];
    case 'inlineStr': case 'str': return xmlDecode(c.v);
    case 'e': return { error: c.v };
    case 'b': return parseInt(c.v, 10) !== 0;
    default: return isDateFormat(numFmt) ? excelToDate(parseFloat(c.v), book.date1904) : parseFloat(c.v);
  }
}

/** The parts of a package, by name, opened at will: yauzl reads the zip's central directory. */
async function openPackage(bytes: Buffer) {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? reject(err) : resolve(z!)));
  });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName.replace(/^\//, ''), entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
  return {
    has: (name: string) => entries.has(name),
    open: (name: string) => new Promise<Readable>((resolve, reject) => {
      const entry = entries.get(name);
      if (!entry) return reject(new Error(`the package has no ${name}`));
      zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error(`unreadable ${name}`)) : resolve(stream)));
    }),
    close: () => zip.close(),
  };
}

/**
 * The shared strings as plain text (a rich-text run's formatting is not needed to read a value),
 * refused past a count or a total length checked as each string is read, before it is kept.
 */
async function readSharedStrings(stream: Readable, limits = LIMITS): Promise<string[]> {
  const strings: string[] = [];
  let chars = 0;
  let text: string[] | null = null;
  let inT = false;
  let inPhonetic = false;
  for await (const events of boundedSax(stream, 'sharedStrings.xml', limits)) {
    for (const { eventType, value } of events as { eventType: string; value: { name: string } | string }[]) {
      if (eventType === 'opentag') {
        const name = (value as { name: string }).name;
        if (name === 'si') text = [];
        else if (name === 't') inT = true;
        else if (name === 'rPh') inPhonetic = true; // East Asian reading hints, not the cell's text
      } else if (eventType === 'text') {
        if (inT && !inPhonetic && text) {
          chars += (value as string).length;
          if (chars > limits.maxSharedStringChars) throw tooMuchText(`> ${limits.maxSharedStringChars.toLocaleString('en')} ký tự / characters`);
          text.push(value as string);
        }
      } else if (eventType === 'closetag') {
        const name = (value as { name: string }).name;
        if (name === 't') inT = false;
        else if (name === 'rPh') inPhonetic = false;
        else if (name === 'si' && text) {
          if (strings.length >= limits.maxSharedStrings) throw tooMuchText(`> ${limits.maxSharedStrings.toLocaleString('en')} chuỗi / strings`);
          strings.push(text.join(''));
          text = null;
        }
      }
    }
  }
  return strings;
}

const tooMuchText = (detail: string) => new RejectedFileError(ingestError('SHARED_STRINGS_TOO_LARGE', {}, { detail }));

/** A relationship's target as a part name: "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml". */
const partName = (target: string) => (target.startsWith('/') ? target.slice(1) : `xl/${target}`).replace(/\/\.\//g, '/');

/**
 * Streams the visible sheets of an .xlsx, a row at a time, after the package itself has been
 * checked. The zip's directory comes first, so the workbook part (sheet names, order, which are
 * hidden), the shared strings and the styles are read before any sheet, whatever order the
 * writer put them in (openpyxl writes the sheets first). Hidden sheets hold lookup lists, not
 * reports: they are never opened.
 */
export async function* readXlsx(bytes: Buffer, limits = LIMITS): AsyncGenerator<SheetSource> {
  await inspectXlsxZip(bytes, limits);
  let pkg: Awaited<ReturnType<typeof openPackage>> | null = null;
  try {
    pkg = await openPackage(bytes);
    const whole = async (name: string) => boundedSax(await pkg!.open(name), name, limits, limits.maxPartTags);
    const rels = pkg.has('xl/_rels/workbook.xml.rels')
      ? ((await new RelationshipsXform().parse(await whole('xl/_rels/workbook.xml.rels'))) as { Id: string; Target: string }[])
      : [];
    const workbookXform = new WorkbookXform();
    await workbookXform.parse(await whole('xl/workbook.xml'));
    const model = (workbookXform.model ?? {}) as { sheets?: { id: number; name: string; rId: string; state?: string }[] };
    const sharedStringsPart = rels.find((r) => /sharedStrings\.xml$/i.test(r.Target));
    const sharedStrings = sharedStringsPart && pkg.has(partName(sharedStringsPart.Target))
      ? await readSharedStrings(await pkg.open(partName(sharedStringsPart.Target)), limits)
      : [];
    const styles = new StyleManager();
    const stylesPart = rels.find((r) => /styles\.xml$/i.test(r.Target));
    if (stylesPart && pkg.has(partName(stylesPart.Target))) await styles.parse(await whole(partName(stylesPart.Target)));
    else styles.init();
    const properties = (workbookXform as { map?: { workbookPr?: { model?: { date1904?: boolean } } } }).map?.workbookPr;
    const book: BookContext = {
      sharedStrings,
      numFmt: (id) => (Number.isNaN(id) ? undefined : (styles.getStyleModel(id) as { numFmt?: string } | null)?.numFmt),
      date1904: !!properties?.model?.date1904,
    };
    const budget: MergeBudget = { cells: limits.maxMergedCells };
    const cells: CellBudget = { cells: limits.maxCells };
    let sheetsRead = 0;
    for (const sheet of model.sheets ?? []) {
      if (sheet.state === 'hidden' || sheet.state === 'veryHidden') continue;
      const rel = rels.find((r) => r.Id === sheet.rId);
      if (!rel || !pkg.has(partName(rel.Target))) throw new Error(`sheet "${sheet.name}" has no part`);
      const part = partName(rel.Target);
      if (++sheetsRead > limits.maxSheets) throw tooComplex(sheet.name, `> ${limits.maxSheets} trang tính / sheets`);
      const ranges = await mergedRanges(await pkg.open(part), limits, sheet.name);
      const rows = sheetRows(await pkg.open(part), book, sheet.name, cells, limits);
      yield { name: sheet.name, rows: fillMerged(rows, ranges, budget, sheet.name, limits) };
    }
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    throw new RejectedFileError(ingestError('FILE_CORRUPT', {}, { detail: error instanceof Error ? error.message : String(error) }));
  } finally {
    pkg?.close();
  }
}
