/** What a value cell holds once read: nothing, a number, or text that is not a number. */
export type ParsedNumber =
  | { kind: 'blank' }
  | { kind: 'number'; value: number; percent: boolean }
  | { kind: 'invalid' };

const BLANK_MARKERS = new Set(['', '-', '–', '—', '_', '..', '...', '…', 'n/a', '#n/a']);
const SPACES = /[\s\u00a0\u2007\u202f']/g;

/**
 * Reads a number written the Vietnamese way or the English way: "95,5%", "12.345" (a dot
 * between thousands), "1.234,5", "1,234.5", "12 345". A lone dot followed by exactly three
 * digits is a thousands separator ("12.345" is 12345), as Vietnamese Excel writes it.
 */
export function parseNumberText(raw: string): ParsedNumber {
  let text = raw.trim();
  if (BLANK_MARKERS.has(text.toLowerCase())) return { kind: 'blank' };
  let percent = false;
  if (text.endsWith('%')) {
    percent = true;
    text = text.slice(0, -1).trim();
  }
  let sign = 1;
  if (/^[-−+]/.test(text)) {
    sign = text[0] === '+' ? 1 : -1;
    text = text.slice(1).trim();
  }
  const hasSpaceGroups = SPACES.test(text);
  SPACES.lastIndex = 0;
  if (hasSpaceGroups) {
    if (!/^\d{1,3}([\s\u00a0\u2007\u202f']\d{3})+([.,]\d+)?$/.test(text)) return { kind: 'invalid' };
    text = text.replace(SPACES, '');
  }
  if (!/^(\d[\d.,]*|[.,]\d+)$/.test(text)) return { kind: 'invalid' };
  const value = readDigits(text);
  if (value === null) return { kind: 'invalid' };
  return { kind: 'number', value: sign * value, percent };
}

function readDigits(text: string): number | null {
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let integer = text;
  let fraction = '';
  if (lastDot >= 0 && lastComma >= 0) {
    const decimalAt = Math.max(lastDot, lastComma);
    const thousands = lastDot > lastComma ? ',' : '.';
    integer = text.slice(0, decimalAt);
    fraction = text.slice(decimalAt + 1);
    if (!validGroups(integer, thousands)) return null;
    integer = integer.split(thousands).join('');
  } else if (lastDot >= 0 || lastComma >= 0) {
    const separator = lastDot >= 0 ? '.' : ',';
    const parts = text.split(separator);
    if (parts.length > 2) {
      if (!validGroups(text, separator)) return null;
      integer = parts.join('');
    } else if (separator === '.' && parts[1]!.length === 3 && /^[1-9]\d{0,2}$/.test(parts[0]!)) {
      integer = parts.join('');
    } else {
      integer = parts[0] || '0';
      fraction = parts[1]!;
    }
  }
  if (!/^\d+$/.test(integer) || !/^\d*$/.test(fraction)) return null;
  return Number(fraction ? `${integer}.${fraction}` : integer);
}

function validGroups(text: string, separator: string): boolean {
  const groups = text.split(separator);
  return /^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}
