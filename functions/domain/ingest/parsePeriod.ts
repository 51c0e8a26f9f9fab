import { dayBefore } from '../dates.ts';
import { normalizeKey } from './normalizeText.ts';

/**
 * Periods are canonical strings: 2024 (year), 2024-H1 (half), 2024-Q3 (quarter), 2024-09 (month),
 * 2024-M9 (the first nine months, January to September: the "9 tháng đầu năm" report).
 * People write them as "Quý III/2024", "6 tháng đầu năm 2024", "Tháng 9/2024", "Năm 2024" …
 */
export const CANONICAL_PERIOD = /^(\d{4})(?:-(H[12]|Q[1-4]|M9|0[1-9]|1[0-2]))?$/;
/** The nine-month report's part: a period of its own, from 1 January to 30 September. */
export const NINE_MONTHS = 'M9';

const ROMAN_QUARTER: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
const YEAR = '((?:19|20)\\d{2})';

interface PeriodRule {
  pattern: RegExp;
  build: (m: RegExpMatchArray) => string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');
const month = (m: string, y: string) => {
  const n = Number(m);
  return n >= 1 && n <= 12 ? `${y}-${pad(n)}` : null;
};

/** Most specific first: "6 tháng đầu năm 2024" must not be read as the year 2024. */
const RULES: PeriodRule[] = [
  { pattern: new RegExp(`\\b(?:quy|q) ?(iv|iii|ii|i|[1-4]) (?:nam )?${YEAR}\\b`, 'g'), build: (m) => `${m[2]}-Q${ROMAN_QUARTER[m[1]!]}` },
  { pattern: new RegExp(`\\b${YEAR} ?q([1-4])\\b`, 'g'), build: (m) => `${m[1]}-Q${m[2]}` },
  { pattern: new RegExp(`\\b(?:6 thang|nua) (dau|cuoi) (?:nam )?${YEAR}\\b`, 'g'), build: (m) => `${m[2]}-H${m[1] === 'dau' ? 1 : 2}` },
  { pattern: new RegExp(`\\b6 thang (?:nam )?${YEAR}\\b`, 'g'), build: (m) => `${m[1]}-H1` },
  { pattern: new RegExp(`\\b9 thang (?:dau )?(?:nam )?${YEAR}\\b`, 'g'), build: (m) => `${m[1]}-M9` },
  { pattern: new RegExp(`\\b${YEAR} ?m9\\b`, 'g'), build: (m) => `${m[1]}-M9` },
  { pattern: new RegExp(`\\bh([12]) (?:nam )?${YEAR}\\b`, 'g'), build: (m) => `${m[2]}-H${m[1]}` },
  { pattern: new RegExp(`\\b${YEAR} ?h([12])\\b`, 'g'), build: (m) => `${m[1]}-H${m[2]}` },
  { pattern: new RegExp(`\\b(?:thang|t) ?(\\d{1,2}) (?:nam )?${YEAR}\\b`, 'g'), build: (m) => month(m[1]!, m[2]!) },
  { pattern: new RegExp(`\\b(?:ca )?nam ${YEAR}\\b`, 'g'), build: (m) => m[1]! },
];

/** Whole-cell forms that are too loose to look for inside a sentence: "09/2024", "2024-09", "2024". */
const WHOLE_RULES: PeriodRule[] = [
  { pattern: new RegExp(`^(\\d{1,2}) ${YEAR}$`), build: (m) => month(m[1]!, m[2]!) },
  { pattern: new RegExp(`^${YEAR} (\\d{2})$`), build: (m) => month(m[2]!, m[1]!) },
  { pattern: new RegExp(`^${YEAR}$`), build: (m) => m[1]! },
];

/** Spans of other periods: "9 tháng đầu năm", a date "ngày 05 tháng 10 năm 2024". */
const NOISE = [
  /\bngay \d{1,2} thang \d{1,2} nam \d{4}\b/g,
  /\b\d{1,2} \d{1,2} \d{4}\b/g,
];
const UNSUPPORTED = /\b(?:[1-9]|1[0-2]) thang (?:dau|cuoi) nam\b/;

export interface FoundPeriods {
  periods: string[];
  /** What is left of the text once the periods are taken out (normalized). */
  rest: string;
  /** A period was written that is not one of the canonical kinds ("9 tháng đầu năm 2024"). */
  unsupported: string | null;
}

/** Every period named in a piece of text (a title, a label, a file name). */
export function findPeriods(text: string, options: { wholeCell?: boolean } = {}): FoundPeriods {
  const direct = text.trim().toUpperCase();
  if (CANONICAL_PERIOD.test(direct)) return { periods: [direct], rest: '', unsupported: null };
  let key = normalizeKey(text);
  for (const noise of NOISE) key = key.replace(noise, ' ');
  const unsupportedMatch = key.match(UNSUPPORTED);
  if (unsupportedMatch && !/\b6 thang|\b9 thang dau/.test(unsupportedMatch[0])) {
    return { periods: [], rest: key, unsupported: text.trim() };
  }
  const found = new Set<string>();
  for (const rule of RULES) {
    key = key.replace(rule.pattern, (...args) => {
      const built = rule.build(args.slice(0, -2) as unknown as RegExpMatchArray);
      if (built) found.add(built);
      return ' ';
    });
  }
  let rest = key.trim();
  if (options.wholeCell && found.size === 0) {
    for (const rule of WHOLE_RULES) {
      const m = rest.match(rule.pattern);
      const built = m && rule.build(m);
      if (built) { found.add(built); rest = ''; }
    }
  }
  return { periods: [...found], rest: rest.replace(/\s+/g, ' ').trim(), unsupported: null };
}

/**
 * One cell or label that should name exactly one period. `strict` also refuses any other word
 * beside it ("2024-Q4; DROP …"), for parameters typed into a URL.
 */
export function parsePeriod(text: string, options: { strict?: boolean } = {}): string | null {
  const { periods, rest } = findPeriods(text, { wholeCell: true });
  if (options.strict && rest.replace(/\b(ky|bao cao|ky bao cao)\b/g, '').trim() !== '') return null;
  return periods.length === 1 ? periods[0]! : null;
}

/** First day of a canonical period, as YYYY-MM-DD. */
export function periodStart(period: string): string {
  const m = CANONICAL_PERIOD.exec(period);
  if (!m) throw new Error(`not a canonical period: ${period}`);
  const [, year, part] = m;
  if (!part) return `${year}-01-01`;
  if (part === 'H1') return `${year}-01-01`;
  if (part === 'H2') return `${year}-07-01`;
  if (part === NINE_MONTHS) return `${year}-01-01`;
  if (part.startsWith('Q')) return `${year}-${pad((Number(part[1]) - 1) * 3 + 1)}-01`;
  return `${year}-${part}-01`;
}

/** The period `n` steps of the same kind away: 2024-Q1 − 1 is 2023-Q4, 2024-01 + 13 is 2025-02. */
export function shiftPeriod(period: string, n: number): string {
  const m = CANONICAL_PERIOD.exec(period);
  if (!m) throw new Error(`not a canonical period: ${period}`);
  const year = Number(m[1]);
  const part = m[2];
  const step = (perYear: number, index: number, format: (y: number, i: number) => string) => {
    const total = year * perYear + (index - 1) + n;
    return format(Math.floor(total / perYear), (total % perYear) + 1);
  };
  if (!part) return String(year + n);
  if (part === NINE_MONTHS) return `${year + n}-${NINE_MONTHS}`;
  if (part.startsWith('H')) return step(2, Number(part[1]), (y, i) => `${y}-H${i}`);
  if (part.startsWith('Q')) return step(4, Number(part[1]), (y, i) => `${y}-Q${i}`);
  return step(12, Number(part), (y, i) => `${y}-${pad(i)}`);
}

/** Last day of a canonical period, as YYYY-MM-DD. */
export function periodEnd(period: string): string {
  // Nine months end with September, not the day before the next nine months.
  if (period.endsWith(`-${NINE_MONTHS}`)) return `${period.slice(0, 4)}-09-30`;
  return dayBefore(periodStart(shiftPeriod(period, 1)));
}
