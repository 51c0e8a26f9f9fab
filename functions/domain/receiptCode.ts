import { createHash } from 'node:crypto';

/**
 * The receipt number a clerk reads over the phone (mã tiếp nhận): 8 characters, shown as
 * "K7QM-4XRT", from 31 that cannot be mistaken for one another when read aloud or copied by hand
 * (digits 2–9 and the letters without O, I and L, which pass for 0 and 1).
 *
 * A submission id ("20261204T030000000Z-1a2b3c4d": the arrival time to the millisecond and 32
 * random bits) is 34 characters, too long to read out. The code is the first 40 bits of its
 * SHA-256, reduced to 31⁸ ≈ 8.5·10¹¹ values. It is derived, never stored, so every existing
 * submission has one. Two submissions share a code with probability n²/(2·31⁸): for the whole
 * lake of a province, 10,000 files ≈ 6·10⁻⁵, 100,000 ≈ 0.6%; within one unit's few hundred
 * files, under 10⁻⁷. A code is therefore always looked up among one unit's submissions (the only
 * ones its clerk may read), and a lookup that finds two says so instead of picking one.
 */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 8;
const SPACE = RECEIPT_ALPHABET.length ** LENGTH;

/** "20261204T030000000Z-1a2b3c4d" → "K7QM4XRT" (shown as K7QM-4XRT by `formatReceipt`). */
export function receiptCode(submissionId: string): string {
  const digest = createHash('sha256').update(submissionId).digest();
  let n = digest.readUIntBE(0, 5) % SPACE; // 40 bits, below 2^53: exact in a double
  let code = '';
  for (let i = 0; i < LENGTH; i++) {
    code = RECEIPT_ALPHABET[n % RECEIPT_ALPHABET.length] + code;
    n = Math.floor(n / RECEIPT_ALPHABET.length);
  }
  return code;
}

/** "K7QM4XRT" → "K7QM-4XRT": two groups of four are easier to read out and to type. */
export const formatReceipt = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * What a person typed as a receipt code, in the canonical form (upper case, no separators), or
 * null when it cannot be one. Lower case, spaces and dashes are forgiven; a character outside the
 * alphabet is refused rather than guessed at.
 */
export function parseReceipt(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LENGTH) return null;
  return [...code].every((ch) => RECEIPT_ALPHABET.includes(ch)) ? code : null;
}
