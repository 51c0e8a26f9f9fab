import { Bool, Int32, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, toJsonBytes, toRows } from '../../functions/http/tableRows.ts';

const EDGES = [0, -1, 86_399_999, 951_782_400_000 /* 2000-02-29 */, 4_107_542_399_999 /* 2100-02-28T23:59:59.999 */, -62_167_219_200_000 /* 0000-01-01 */, 253_402_300_799_999 /* 9999-12-31T23:59:59.999 */, 253_402_300_800_000, -62_167_219_200_001];

describe('isoTime, the JSON renderer\'s timestamp text', () => {
  it('equals Date#toISOString for every millisecond in years 0–9999 and outside them', () => {
    for (const ms of EDGES) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoTime(ms) === new Date(ms).toISOString()), { numRuns: 1000 });
  });
});

describe('JSON written from Arrow columns', () => {
  it('equals JSON.stringify of the rows for any timestamps, text, numbers, yes/no and nulls, with and without nulls in a column', () => {
    const cell = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
    const row = fc.record({
      at: cell(fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 1.5e12, max: 1.9e12 }))),
      text: cell(fc.string({ unit: 'binary' })),
      plain: fc.stringMatching(/^[a-z0-9-]{0,40}$/),
      n: cell(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
      ok: cell(fc.boolean()),
    });
    fc.assert(fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
      const table = new Table({
        at: vectorFromArray(rows.map((r) => r.at), new TimestampMillisecond()),
        text: vectorFromArray(rows.map((r) => r.text), new Utf8()),
        plain: vectorFromArray(rows.map((r) => r.plain), new Utf8()),
        n: vectorFromArray(rows.map((r) => r.n), new Int32()),
        ok: vectorFromArray(rows.map((r) => r.ok), new Bool()),
      });
      expect(toJsonBytes(table).toString('utf8')).toBe(JSON.stringify(toRows(table)));
    }), { numRuns: 300 });
  });
});
