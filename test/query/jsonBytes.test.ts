import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../functions/http/tableRows.ts';

describe('isoTime, the JSON renderer\'s timestamp text', () => {
  it('equals Date#toISOString for every millisecond in years 0–9999 and outside them', () => {
    const edges = [0, -1, 86_399_999, 951_782_400_000 /* 2000-02-29 */, 4_107_542_399_999 /* 2100-02-28T23:59:59.999 */, -62_167_219_200_000 /* 0000-01-01 */, 253_402_300_799_999 /* 9999-12-31T23:59:59.999 */, 253_402_300_800_000, -62_167_219_200_001];
    for (const ms of edges) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoTime(ms) === new Date(ms).toISOString()), { numRuns: 1000 });
  });
});
