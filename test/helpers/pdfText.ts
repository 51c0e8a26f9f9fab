import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** A PDF as poppler reads it: page size, whether A4, the text laid out, and the rightmost word's right edge on any page. */
export function readPdf(bytes: Uint8Array, file: string) {
  writeFileSync(file, bytes);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const right = Math.max(...[...bbox.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"/g)].map((m) => Number(m[1])));
  return { width: Number(w), height: Number(h), a4: /\(A4\)/.test(info), pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), text, right };
}

type Row = Record<string, unknown>;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The scorecard's rows in a leader PDF's text: for each unit, its values in the columns' order
 * (indicators as they first appear) on one line, then its targets met. Returns the units whose
 * line is missing, and the indicators whose full name is missing.
 */
export function scorecardMismatches(text: string, scorecard: Row[], format: (n: number) => string) {
  const columns = [...new Set(scorecard.map((r) => String(r.indicator_code)))];
  const valueText = (r: Row) => (r.value === null || r.value === undefined ? '–' : r.measure === 'boolean' ? (Number(r.value) >= 1 ? 'Có' : 'Không') : format(Number(r.value)));
  const units = [...new Set(scorecard.map((r) => String(r.unit)))].filter((unit) => {
    const own = scorecard.filter((r) => r.unit === unit).sort((a, b) => columns.indexOf(String(a.indicator_code)) - columns.indexOf(String(b.indicator_code)));
    const met = `${own.filter((r) => r.met === true).length}/${own.length}`;
    return !new RegExp(`(^|\\s)${own.map(valueText).map(escape).join('\\s+')}\\s+${escape(met)}\\s*$`, 'm').test(text);
  });
  const names = [...new Set(scorecard.map((r) => String(r.indicator_name)))];
  return { units, indicators: names.filter((n) => !text.includes(n)), indicatorCount: names.length };
}
