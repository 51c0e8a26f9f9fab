import { normalizeKey } from './normalizeText.ts';

const YES = new Set(['x', 'co', 'da', 'da trien khai', 'co trien khai', 'da su dung', 'dat', 'yes', 'y', 'true', 'ok']);
const NO = new Set(['khong', 'chua', 'chua trien khai', 'khong trien khai', 'chua su dung', 'khong dat', 'no', 'n', 'false']);

/** "x", "Có", "Đã triển khai" are 1; "Không", "Chưa" are 0; a blank is no answer. */
export function parseBooleanText(raw: string): 0 | 1 | 'blank' | 'invalid' {
  const trimmed = raw.trim();
  if (trimmed === '' || /^[-–—_]$/.test(trimmed)) return 'blank';
  if (/^[✓✔☑]$/.test(trimmed)) return 1;
  const key = normalizeKey(trimmed);
  if (YES.has(key) || key === '1') return 1;
  if (NO.has(key) || key === '0') return 0;
  return 'invalid';
}
