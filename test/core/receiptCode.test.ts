import { describe, expect, it } from 'vitest';
import { RECEIPT_ALPHABET, formatReceipt, parseReceipt, receiptCode } from '../../functions/domain/receiptCode.ts';

/** Ids as ingestFile makes them (arrival time to the ms, 32 bits), from a fixed sequence so the test is the same every run. */
const ids = (n: number) => Array.from({ length: n }, (_, i) => {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 37_003).toISOString().replace(/[-:.]/g, '');
  return `${at}-${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
});

describe('the receipt code a clerk reads over the phone', () => {
  it('is 8 characters from an alphabet without 0/O, 1/I/L, the same for the same id', () => {
    expect(RECEIPT_ALPHABET).not.toMatch(/[01OIL]/);
    expect(RECEIPT_ALPHABET).toHaveLength(31);
    const code = receiptCode('20261204T030000000Z-1a2b3c4d');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(receiptCode('20261204T030000000Z-1a2b3c4d')).toBe(code);
    expect(receiptCode('20261204T030000000Z-1a2b3c4e')).not.toBe(code);
    expect(formatReceipt(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
  });

  it('tells 20,000 submissions apart (a province\'s lake for years), and uses every character', () => {
    const codes = ids(20_000).map(receiptCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes.join('')).size).toBe(31);
  });

  it('reads what a person types: lower case, spaces, a dash; refuses what cannot be one', () => {
    const code = receiptCode('20261204T030000000Z-1a2b3c4d');
    expect(parseReceipt(formatReceipt(code).toLowerCase())).toBe(code);
    expect(parseReceipt(` ${code.slice(0, 4)} ${code.slice(4)} `)).toBe(code);
    expect(parseReceipt('O0I1L000')).toBeNull();
    expect(parseReceipt(code.slice(1))).toBeNull();
    expect(parseReceipt('20261204T030000000Z-1a2b3c4d')).toBeNull();
  });
});
