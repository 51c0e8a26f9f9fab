import { columnLetter } from './columnLetter.ts';
import type { NameMatcher } from './matchName.ts';
import { normalizeKey } from './normalizeText.ts';
import { cellText } from './readCell.ts';
import type { Indicator, Layout, SheetRow } from '../types.ts';

export type Role =
  | 'stt' | 'indicatorName' | 'indicatorCode' | 'unit' | 'period'
  | 'numerator' | 'denominator' | 'value' | 'note' | 'ignored'
  | 'maxPoints' | 'selfPoints' | 'appraisedPoints';

export type ValuePart = 'numerator' | 'denominator' | 'value' | 'note';

export interface TableColumn {
  index: number;
  letter: string;
  header: string;
  role: Role | null;
  /** Wide layout: the indicator this column belongs to, and which part of it it holds. */
  indicator?: Indicator;
  part?: ValuePart;
  /** Its role or indicator comes from the upper row of a two-row header. */
  fromUpper?: boolean;
}

export interface DetectedTable {
  layout: Layout;
  /** Index (into the rows given) of the first header row, and how many header rows there are. */
  headerStart: number;
  headerRows: number;
  columns: TableColumn[];
}

/** Header words people write, after normalizeKey. Short tails allow "Tỷ lệ (%)", "Tử số (1)". */
const ROLE_PATTERNS: [Role, RegExp][] = [
  ['ignored', /^(dvt|don vi tinh|ke hoach|chi tieu ke hoach|muc tieu|chi tieu giao|nguoi bao cao|nguon|nguon so lieu)( \S+){0,3}$/],
  ['stt', /^(stt|tt|so tt|so thu tu|no)$/],
  ['indicatorCode', /^(ma chi so|ma chi tieu|ma so|ma|ma tieu chi|indicator code|indicator_code|code)$/],
  ['indicatorName', /^(ten chi so|ten chi tieu|chi so|chi tieu|noi dung|noi dung chi tieu|tieu chi|ten tieu chi|indicator|indicator name|chi so chi so thanh phan|chi so thanh phan|component)$/],
  // The self-assessment form of a DTI: STT | Chỉ số / chỉ số thành phần | Điểm tối đa | Cách xác định | Điểm tự chấm | Giải trình / tài liệu kiểm chứng.
  ['maxPoints', /^(diem toi da|diem chuan|thang diem|max points|maximum points)$/],
  ['selfPoints', /^(diem tu cham|diem tu danh gia|tu cham diem|diem don vi tu cham|self assessed points|self assessment)$/],
  ['appraisedPoints', /^(diem tham dinh|diem danh gia cua tinh|diem tinh cham|diem tham dinh cua tinh|appraised points|appraisal)$/],
  ['ignored', /^(cach xac dinh|cach tinh|phuong phap tinh|phuong phap xac dinh|method)( \S+){0,3}$/],
  ['note', /^(giai trinh|tai lieu kiem chung|giai trinh tai lieu kiem chung|giai trinh va tai lieu kiem chung|evidence)$/],
  ['unit', /^(don vi|ten don vi|ma don vi|don vi bao cao|co quan don vi|co quan|xa thi tran|ten xa thi tran|unit|unit code|unit name)$/],
  ['period', /^(ky bao cao|ky|thoi gian|thoi ky|thoi gian bao cao|period)$/],
  ['numerator', /^(tu so|so dat|so luong dat|numerator)( \S+){0,3}$/],
  ['denominator', /^(mau so|tong so|denominator)( \S+){0,3}$/],
  ['value', /^(ty le|gia tri|ket qua|value|ket qua thuc hien|ket qua dat duoc)( \S+){0,3}$/],
  ['note', /^(ghi chu|note|notes)( \S+){0,2}$/],
];

export function headerRole(text: string): Role | null {
  const key = normalizeKey(text);
  if (!key) return null;
  for (const [role, pattern] of ROLE_PATTERNS) if (pattern.test(key)) return role;
  return null;
}

const VALUE_PARTS = new Set<Role>(['numerator', 'denominator', 'value', 'note']);

/** Reads a header of one or two rows into columns. The upper row of two may be merged across. */
function readHeader(levels: SheetRow[], indicators: NameMatcher<Indicator>): TableColumn[] {
  const width = Math.max(...levels.map((r) => r.cells.length));
  const top = levels[0]!;
  const leafRow = levels[levels.length - 1]!;
  const columns: TableColumn[] = [];
  let carried = '';
  for (let c = 0; c < width; c++) {
    const topText = cellText(top.cells[c]);
    const leafText = levels.length > 1 ? cellText(leafRow.cells[c]) : '';
    // A merged upper cell is stored in its first column only: carry it over the columns below it.
    if (topText) carried = topText;
    else if (!leafText) carried = '';
    const parent = levels.length > 1 ? (topText || carried) : '';
    const leaf = levels.length > 1 ? leafText : topText;
    const header = [parent, leaf].filter(Boolean).filter((t, i, a) => a.indexOf(t) === i).join(' / ');
    const column: TableColumn = { index: c, letter: columnLetter(c), header, role: null };
    const leafRole = leaf ? headerRole(leaf) : null;
    const leafIndicator = leaf && !leafRole ? indicators.matchExactly(leaf) : null;
    const parentRole = parent ? headerRole(parent) : null;
    const parentIndicator = parent && !parentRole ? indicators.matchExactly(parent) : null;
    if (leafIndicator) {
      Object.assign(column, { indicator: leafIndicator, part: 'value' });
    } else if (parentIndicator && (!leaf || (leafRole && VALUE_PARTS.has(leafRole)))) {
      Object.assign(column, { indicator: parentIndicator, part: (leafRole as ValuePart | null) ?? 'value', fromUpper: true });
    } else {
      column.role = leaf ? leafRole : parentRole;
      column.fromUpper = !leaf && parentRole !== null;
    }
    columns.push(column);
  }
  return columns;
}

function layoutOf(columns: TableColumn[]): Layout | null {
  const has = (role: Role) => columns.some((c) => c.role === role);
  const indicatorKey = has('indicatorName') || has('indicatorCode');
  const valueColumn = has('value') || has('numerator');
  const indicatorsAcross = new Set(columns.filter((c) => c.indicator).map((c) => c.indicator!.code)).size;
  if (has('unit') && (indicatorsAcross >= 2 || (indicatorsAcross === 1 && !indicatorKey))) return 'wide';
  if (has('unit') && indicatorKey && valueColumn) return 'long';
  if (indicatorKey && (has('selfPoints') || has('appraisedPoints'))) return 'assessment';
  if (indicatorKey && valueColumn) return 'form';
  return null;
}

function looksLikeHeaderRow(row: SheetRow, indicators: NameMatcher<Indicator>): boolean {
  let labels = 0;
  for (const cell of row.cells) {
    if (typeof cell === 'number') return false;
    const text = cellText(cell);
    if (!text) continue;
    if (headerRole(text) || indicators.matchExactly(text)) labels++;
  }
  return labels > 0;
}

/**
 * Finds the table's header among the first rows of a sheet and decides the layout:
 * form (a row per indicator), long (a row per unit × period × indicator) or wide (a row per
 * unit, a column per indicator). Title rows, "Đơn vị: …" lines and the like come before it.
 */
export function detectTable(rows: SheetRow[], indicators: NameMatcher<Indicator>): DetectedTable | null {
  for (let i = 0; i < rows.length; i++) {
    const single = readHeader([rows[i]!], indicators);
    const next = rows[i + 1];
    if (next && looksLikeHeaderRow(next, indicators)) {
      const double = readHeader([rows[i]!, next], indicators);
      const layout = layoutOf(double);
      // The upper row must name something; a "Kỳ báo cáo: …" line above a header does not.
      if (layout && double.some((c) => c.fromUpper)) return { layout, headerStart: i, headerRows: 2, columns: double };
    }
    const layout = layoutOf(single);
    if (layout) return { layout, headerStart: i, headerRows: 1, columns: single };
  }
  return null;
}

/**
 * "(1) (2) (3)=(1)/(2)" or "A B 1 2": the column-numbering row printed under many headers. Its
 * marks run in sequence (1, 2, 3 … or A, B, C …, a run of letters then one of numbers): a first
 * data row of short cells ("1, DOC, 600, 550, x") is not one, and must never be skipped.
 */
export function isNumberingRow(row: SheetRow): boolean {
  let filled = 0;
  let previous: { kind: 'number' | 'letter'; value: number } | null = null;
  for (const cell of row.cells) {
    if (cell === null || cell === undefined || cell === '') continue;
    const m = /^\(?([0-9]{1,3}|[a-zA-Z])\)?(\s*[=x*/+-].*)?$/.exec(cellText(cell));
    if (!m) return false;
    const mark = m[1]!;
    const current = /^[0-9]+$/.test(mark)
      ? { kind: 'number' as const, value: Number(mark) }
      : { kind: 'letter' as const, value: mark.toUpperCase().charCodeAt(0) };
    // Each mark follows the one before it; a new run may start only where the kind changes.
    if (previous && previous.kind === current.kind && current.value !== previous.value + 1) return false;
    if (previous && previous.kind !== current.kind && previous.kind === 'number') return false;
    previous = current;
    filled++;
  }
  return filled >= 2;
}
