import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogIndex } from '../helpers/lake.ts';
import { unitOfPeriod } from '../../functions/domain/ingest/ingestContext.ts';

const { units, indicators } = catalogIndex;
/** A quarter the unit existed in: names repeat across the 2025 reform, the period tells them apart. */
const quarterOf = (u: { validFrom?: string | null; validTo?: string | null }) => {
  const day = u.validTo ?? (u.validFrom && u.validFrom > '2024-12-31' ? u.validFrom : '2024-12-31');
  return `${day.slice(0, 4)}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;
};
/** How ingest matches a unit: by name, then by the registry of the report's period. */
const unitIn = (text: string, period = '2024-Q4') => unitOfPeriod(units.match(text), period);
const stripMarks = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd');

/** A name as a clerk might type it: other case, no or decomposed diacritics, extra spaces. */
const retyped = (name: string) => fc.tuple(
  fc.constantFrom((s: string) => s, (s: string) => s.toUpperCase(), (s: string) => s.toLowerCase()),
  fc.constantFrom((s: string) => s, stripMarks, (s: string) => s.normalize('NFD')),
  fc.constantFrom('', ' ', '  '),
).map(([casing, marks, pad]) => `${pad}${marks(casing(name)).replace(/ /g, pad.length > 1 ? '  ' : ' ')}${pad}`);

describe('unit matching', () => {
  it('finds every unit of the registry however its name is typed', () => {
    const unit = fc.constantFrom(...catalogIndex.catalog.units.filter((u) => u.type !== 'province'));
    fc.assert(fc.property(unit.chain((u) => fc.tuple(fc.constant(u), retyped(u.nameVi))), ([u, typed]) => {
      const result = unitIn(typed, quarterOf(u));
      expect(result.kind === 'match' && result.entry.code).toBe(u.code);
    }));
  });

  it('ignores prefixes such as UBND, Xã, TT', () => {
    for (const text of ['UBND xã Liên Châu', 'Liên Châu', 'xa-lien-chau', 'UBND XA LIEN CHAU']) {
      const r = unitIn(text);
      expect(r.kind === 'match' && r.entry.code, text).toBe('xa-lien-chau');
    }
    // The same name after the 2025 reform is the new commune; without a period it is ambiguous.
    const after = unitIn('UBND xã Liên Châu', '2025-Q3');
    expect(after.kind === 'match' && after.entry.code).toBe('xa-lien-chau-2025');
    expect(units.match('Xã Liên Châu').kind).toBe('ambiguous');
    const town = unitIn('UBND thị trấn Yên Lạc');
    expect(town.kind === 'match' && town.entry.code).toBe('tt-yen-lac');
  });

  it('never lets a prefix such as UBND change which unit a name is, or turn a refusal into a match', () => {
    const code = (r: ReturnType<typeof unitIn>) => (r.kind === 'match' ? r.entry.code : r.kind);
    for (const u of catalogIndex.catalog.units.filter((x) => x.type !== 'province')) {
      for (const period of ['2023-Q1', '2024-Q4', '2025-Q3', '2026-Q1']) {
        for (const prefix of ['UBND', 'Ủy ban nhân dân', 'Đơn vị:', 'UBND  Đơn vị']) {
          expect(code(unitIn(`${prefix} ${u.nameVi}`, period)), `${prefix} ${u.nameVi} ${period}`).toBe(code(unitIn(u.nameVi, period)));
        }
      }
    }
  });

  it('keeps the kind of unit: a town is not the commune that absorbed it, nor another kind of the same name', () => {
    for (const text of ['Thị trấn Yên Lạc', 'UBND Thị trấn Yên Lạc', 'UBND TT Yên Lạc', 'tt-yen-lac']) {
      const r = unitIn(text, '2026-Q1'); // after the merger: the town, to be refused as ceased
      expect(r.kind === 'match' && r.entry.code, text).toBe('tt-yen-lac');
    }
    const commune = unitIn('UBND xã Yên Lạc', '2024-Q4'); // before it: the commune, to be refused as not yet begun
    expect(commune.kind === 'match' && commune.entry.code).toBe('xa-yen-lac');
    const wrongKind = units.match('UBND Thị trấn Liên Châu');
    expect(wrongKind.kind).toBe('unknown');
    expect(wrongKind.kind === 'unknown' && wrongKind.suggestions.map((u) => u.code)).toContain('xa-lien-chau');
  });

  it('refuses a misspelt unit rather than guess, and suggests the nearest', () => {
    // A value booked to the wrong commune is worse than a rejection: no fuzzy unit matches.
    const typo = units.match('Xã Liên Chu');
    expect(typo.kind).toBe('unknown');
    expect(typo.kind === 'unknown' && typo.suggestions[0]?.code).toBe('xa-lien-chau');
    const unknown = units.match('Xã Hoàng Mai');
    expect(unknown.kind).toBe('unknown');
  });
});

describe('indicator matching', () => {
  it('finds every indicator by name or code however it is typed', () => {
    const indicator = fc.constantFrom(...catalogIndex.catalog.indicators);
    fc.assert(fc.property(indicator.chain((i) => fc.tuple(fc.constant(i), retyped(i.nameVi), retyped(i.code))), ([i, name, code]) => {
      for (const typed of [name, code]) {
        const r = indicators.match(typed);
        expect(r.kind === 'match' && r.entry.code, typed).toBe(i.code);
      }
    }));
  });

  it('accepts small wording differences but not a different indicator', () => {
    const near = indicators.match('Tỷ lệ văn bản đi đến được xử lý trên phần mềm quản lý văn bản điều hành');
    expect(near.kind === 'match' && near.entry.code).toBe('DOC_ONLINE');
    const other = indicators.match('Tỷ lệ hộ gia đình có cáp quang');
    expect(other.kind).toBe('unknown');
  });

  it('calls a name that fits two indicators equally ambiguous', () => {
    const r = indicators.match('Tỷ lệ cán bộ, công chức');
    expect(r.kind).not.toBe('match');
  });
});
