import type { Catalog, Unit } from '../functions/domain/types.ts';
import { loadDefaultCatalog } from '../functions/adapters/files/catalogFiles.ts';

/** A made-up province for benchmarks: N communes, the real indicators, reportable by all, scored by the 2025 framework (in force since 2015 here). */
export function syntheticCatalog(unitCount: number): Catalog {
  const base = loadDefaultCatalog();
  const units: Unit[] = Array.from({ length: unitCount }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { code: `xa-thu-nghiem-${n}`, nameVi: `Xã Thử Nghiệm ${n}`, nameEn: `Test Commune ${n}`, type: 'commune', aliases: [] };
  });
  return {
    units,
    indicators: base.indicators.map((i) => ({ ...i, reportedBy: ['department', 'police', 'commune'] })),
    frameworks: (base.frameworks ?? []).filter((c) => c.framework === 'xa-2025').map((c) => ({ ...c, validFrom: '2015-01-01' })),
    // Monthly reports, due five days after the month.
    calendar: [{ kind: 'rule', frequency: 'month', deadlineDays: 5, cutoffDay: null }],
  };
}

/** Months from January 2019 on, canonical. */
export function months(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${2019 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
}

/** Deterministic pseudo-random numbers, so every run measures the same file. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface LongRow { unit: string; period: string; indicator: string; numerator: number | null; denominator: number | null; value: string | number }

/** The long layout's rows: unit × month × indicator, stopping at `rows`. */
export function* longRows(catalog: Catalog, rows: number): Generator<LongRow> {
  const random = seeded(42);
  let n = 0;
  for (const period of months(60)) {
    for (const unit of catalog.units) {
      for (const indicator of catalog.indicators) {
        if (n++ >= rows) return;
        if (indicator.measure === 'count') {
          yield { unit: unit.code, period, indicator: indicator.code, numerator: null, denominator: null, value: Math.floor(random() * 7) };
        } else if (indicator.measure === 'boolean') {
          yield { unit: unit.code, period, indicator: indicator.code, numerator: null, denominator: null, value: random() < 0.8 ? 'x' : 'Không' };
        } else {
          const denominator = 50 + Math.floor(random() * 5000);
          const numerator = Math.floor(random() * denominator);
          yield { unit: unit.code, period, indicator: indicator.code, numerator, denominator, value: '' };
        }
      }
    }
  }
}
