import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPeriods, parsePeriod, periodEnd, periodStart, shiftPeriod } from '../../functions/domain/ingest/parsePeriod.ts';

const ROMAN = ['I', 'II', 'III', 'IV'];

describe('parsePeriod', () => {
  it('maps every form DESIGN.md lists to the canonical period', () => {
    expect(parsePeriod('Quý III/2024')).toBe('2024-Q3');
    expect(parsePeriod('Quý 3 năm 2024')).toBe('2024-Q3');
    expect(parsePeriod('6 tháng đầu năm 2024')).toBe('2024-H1');
    expect(parsePeriod('6 tháng cuối năm 2024')).toBe('2024-H2');
    expect(parsePeriod('Tháng 9/2024')).toBe('2024-09');
    expect(parsePeriod('09/2024')).toBe('2024-09');
    expect(parsePeriod('Năm 2024')).toBe('2024');
    expect(parsePeriod('2024')).toBe('2024');
    expect(parsePeriod('2024-Q3')).toBe('2024-Q3');
    expect(parsePeriod('2024-h1')).toBe('2024-H1');
    expect(parsePeriod('2024-09')).toBe('2024-09');
    expect(parsePeriod('Q4/2023')).toBe('2023-Q4');
    expect(parsePeriod('QUÝ IV NĂM 2023')).toBe('2023-Q4');
  });

  it('refuses what is not one period', () => {
    expect(parsePeriod('Tháng 13/2024')).toBeNull();
    expect(parsePeriod('Quý 5/2024')).toBeNull();
    expect(parsePeriod('10 tháng đầu năm 2024')).toBeNull();
    expect(parsePeriod('9 tháng cuối năm 2024')).toBeNull();
    expect(parsePeriod('Quý III')).toBeNull();
    expect(parsePeriod('Quý I/2024 và Quý II/2024')).toBeNull();
    expect(findPeriods('10 tháng đầu năm 2024').unsupported).toBe('10 tháng đầu năm 2024');
    expect(parsePeriod("2024-Q4'; DROP TABLE units; --", { strict: true })).toBeNull();
    expect(parsePeriod('Quý IV/2024', { strict: true })).toBe('2024-Q4');
  });

  it('reads the nine-month report as a period of its own: January to September', () => {
    expect(parsePeriod('9 tháng đầu năm 2026')).toBe('2026-M9');
    expect(parsePeriod('BÁO CÁO 9 THÁNG ĐẦU NĂM 2026'.normalize('NFD'))).toBe('2026-M9');
    expect(parsePeriod('9 tháng năm 2026')).toBe('2026-M9');
    expect(parsePeriod('2026-m9', { strict: true })).toBe('2026-M9');
    expect([periodStart('2026-M9'), periodEnd('2026-M9')]).toEqual(['2026-01-01', '2026-09-30']);
    expect([shiftPeriod('2026-M9', -1), shiftPeriod('2025-M9', 1)]).toEqual(['2025-M9', '2026-M9']);
  });

  it('does not read a signature date as a period', () => {
    expect(findPeriods('Liên Châu, ngày 05 tháng 10 năm 2024').periods).toEqual([]);
    expect(findPeriods('BÁO CÁO QUÝ III NĂM 2024').periods).toEqual(['2024-Q3']);
  });

  it('reads any quarter written any of the usual ways', () => {
    fc.assert(fc.property(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }), (year, q, style) => {
      const text = [
        `Quý ${ROMAN[q - 1]}/${year}`, `Quý ${q} năm ${year}`, `quy ${ROMAN[q - 1]!.toLowerCase()} nam ${year}`,
        `Q${q}/${year}`, `${year}-Q${q}`, `QUÝ ${ROMAN[q - 1]} NĂM ${year}`.normalize('NFD'),
      ][style]!;
      expect(parsePeriod(text)).toBe(`${year}-Q${q}`);
    }));
  });

  it('reads any month written any of the usual ways', () => {
    fc.assert(fc.property(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 }), (year, m, style) => {
      const mm = String(m).padStart(2, '0');
      const text = [`Tháng ${m}/${year}`, `${mm}/${year}`, `${year}-${mm}`, `Tháng ${m} năm ${year}`][style]!;
      expect(parsePeriod(text)).toBe(`${year}-${mm}`);
    }));
  });

  it('gives the first day of each kind of period', () => {
    expect(periodStart('2024')).toBe('2024-01-01');
    expect(periodStart('2024-H2')).toBe('2024-07-01');
    expect(periodStart('2024-Q4')).toBe('2024-10-01');
    expect(periodStart('2024-09')).toBe('2024-09-01');
  });
});

describe('shiftPeriod', () => {
  it('steps within the same kind across years', () => {
    expect(shiftPeriod('2024-Q4', -7)).toBe('2023-Q1');
    expect(shiftPeriod('2024-Q1', -1)).toBe('2023-Q4');
    expect(shiftPeriod('2024-01', 13)).toBe('2025-02');
    expect(shiftPeriod('2024-H1', -1)).toBe('2023-H2');
    expect(shiftPeriod('2024', -2)).toBe('2022');
  });

  it('is undone by the opposite step, for any period and step', () => {
    const period = fc.oneof(
      fc.tuple(fc.integer({ min: 2000, max: 2090 }), fc.integer({ min: 1, max: 4 })).map(([y, q]) => `${y}-Q${q}`),
      fc.tuple(fc.integer({ min: 2000, max: 2090 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
      fc.tuple(fc.integer({ min: 2000, max: 2090 }), fc.integer({ min: 1, max: 2 })).map(([y, h]) => `${y}-H${h}`),
    );
    fc.assert(fc.property(period, fc.integer({ min: -100, max: 100 }), (p, n) => {
      const shifted = shiftPeriod(p, n);
      expect(parsePeriod(shifted)).toBe(shifted);
      expect(shiftPeriod(shifted, -n)).toBe(p);
    }));
  });
});
