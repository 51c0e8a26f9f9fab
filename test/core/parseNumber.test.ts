import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumberText } from '../../functions/domain/ingest/parseNumber.ts';

const num = (text: string) => {
  const r = parseNumberText(text);
  return r.kind === 'number' ? [r.value, r.percent] : r.kind;
};

/** Writes an integer with a thousands separator, the way a clerk's Excel shows it. */
function group(n: number, separator: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

describe('parseNumberText', () => {
  it('reads the ways numbers are written in Vietnamese reports', () => {
    expect(num('95,5%')).toEqual([95.5, true]);
    expect(num('95.5 %')).toEqual([95.5, true]);
    expect(num('12.345')).toEqual([12345, false]);
    expect(num('1.234.567')).toEqual([1234567, false]);
    expect(num('1.234,5')).toEqual([1234.5, false]);
    expect(num('1,234.5')).toEqual([1234.5, false]);
    expect(num('12 345')).toEqual([12345, false]);
    expect(num('8\u00a0120')).toEqual([8120, false]);
    expect(num('0.955')).toEqual([0.955, false]);
    expect(num('72,25')).toEqual([72.25, false]);
    expect(num('-5')).toEqual([-5, false]);
    expect(num(',5')).toEqual([0.5, false]);
  });

  it('treats dashes and empty text as blank, and words as not a number', () => {
    for (const blank of ['', ' ', '-', '–', '—', '...']) expect(num(blank)).toBe('blank');
    for (const bad of ['abc', '12a', '1.23.4', '1,2,3', '12 34', '%', '95%%', 'x']) expect(num(bad)).toBe('invalid');
  });

  it('round-trips any whole number written with dot, space or no thousands separators', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom('.', ' ', '\u00a0', ''), (n, sep) => {
      expect(num(group(n, sep))).toEqual([n, false]);
    }));
  });

  it('round-trips any decimal written with a decimal comma, with or without a percent sign', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 99 }), fc.boolean(), (whole, cents, pct) => {
      const text = `${group(whole, '.')},${String(cents).padStart(2, '0')}${pct ? '%' : ''}`;
      expect(num(text)).toEqual([Number(`${whole}.${String(cents).padStart(2, "0")}`), pct]);
    }));
  });

  it('never throws and never returns a non-finite number, whatever the text', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const r = parseNumberText(text);
      if (r.kind === 'number') expect(Number.isFinite(r.value)).toBe(true);
    }));
  });
});
