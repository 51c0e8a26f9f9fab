import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../functions/domain/registry/catalog.ts';
import type { Catalog } from '../../functions/domain/types.ts';
import { scoringLake, type Value } from '../helpers/scoringLake.ts';

/**
 * A small province of the tests' own: a framework version until the reform and another after it,
 * every rule kind, a component for the police only, and one that departments lose in 2025.
 */
const UNITS = `code,name_vi,type
xa-a,Xã A,commune
xa-b,Xã B,commune
phong-a,Phòng A,department
ca-a,Công an A,police
${[0, 1, 2, 3, 4, 7].map((n) => `xa-s${n},Xã S${n},commune`).join('\n')}
`;
const INDICATORS = `code,name_vi,measure,direction,default_target,reported_by
DOC,Văn bản điện tử,percent,higher,80,department;commune;police
SIG,Chữ ký số,boolean,higher,1,department;commune;police
MEET,Họp ban chỉ đạo,count,higher,4,department;commune
POP,Kết nối dân cư,percent,higher,100,police
`;
const FRAMEWORK = `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target
v1,2024-01-01,2025-06-30,CQS,Chính quyền số,DOC,80,ratio,,department;commune,
v1,2024-01-01,2025-06-30,CQS,Chính quyền số,SIG,40,boolean,,department;commune;police,
v1,2024-01-01,2025-06-30,CQS,Chính quyền số,MEET,40,steps,4:40;3:30;2:20;1:10,department;commune,
v1,2024-01-01,2025-06-30,XHS,Xã hội số,POP,60,ratio,,police,
v2,2025-07-01,,CQS,Chính quyền số,DOC,100,ratio,,commune,90
v2,2025-07-01,,CQS,Chính quyền số,SIG,30,boolean,,commune,
v2,2025-07-01,,CQS,Chính quyền số,MEET,30,steps,4:30;3:22.5;2:15;1:7.5,commune,
`;
const catalog = parseCatalog({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'framework.csv': FRAMEWORK });

const values: Value[] = [
  // Xã A on each side of the framework change, the same counts.
  { unit: 'xa-a', period: '2025-Q2', indicator_code: 'DOC', value: 75, numerator: 45, denominator: 60 },
  { unit: 'xa-a', period: '2025-Q2', indicator_code: 'SIG', value: 1 },
  { unit: 'xa-a', period: '2025-Q2', indicator_code: 'MEET', value: 3, note: 'Biên bản họp số 3' },
  { unit: 'xa-a', period: '2025-Q3', indicator_code: 'DOC', value: 75, numerator: 45, denominator: 60 },
  { unit: 'xa-a', period: '2025-Q3', indicator_code: 'SIG', value: 0 },
  { unit: 'xa-a', period: '2025-Q3', indicator_code: 'MEET', value: 4 },
  // The police: DOC is reported but not scored for them; POP only for them.
  { unit: 'ca-a', period: '2025-Q2', indicator_code: 'DOC', value: 50, numerator: 5, denominator: 10 },
  { unit: 'ca-a', period: '2025-Q2', indicator_code: 'SIG', value: 1 },
  { unit: 'ca-a', period: '2025-Q2', indicator_code: 'POP', value: 25, numerator: 10, denominator: 40 },
  // A department in 2025-Q3: no component of v2 applies to it.
  { unit: 'phong-a', period: '2025-Q3', indicator_code: 'DOC', value: 100, numerator: 3, denominator: 3 },
  // Steps at and between each threshold.
  ...[0, 1, 2, 3, 4, 7].map((n) => ({ unit: `xa-s${n}`, period: '2025-Q2', indicator_code: 'MEET', value: n })),
];

let lake: Awaited<ReturnType<typeof scoringLake>>;
beforeAll(async () => { lake = await scoringLake(catalog, values); });
afterAll(async () => { await lake.close(); });

const pointsOf = async (unit: string, period: string) => Object.fromEntries((await lake.run('unit_scorecard', { unit, period }))
  .map((r) => [r.indicator_code, [r.points, r.max_points]]));

describe('points, in the SQL both engines run (kpi_points), against hand-computed values', () => {
  it('ratio = numerator / denominator × max points; boolean = max for yes; steps by threshold; per framework in force', async () => {
    expect(await pointsOf('xa-a', '2025-Q2')).toEqual({ DOC: [60, 80], SIG: [40, 40], MEET: [30, 40] }); // 45/60 × 80 = 60
    expect(await pointsOf('xa-a', '2025-Q3')).toEqual({ DOC: [75, 100], SIG: [0, 30], MEET: [30, 30] }); // v2: 45/60 × 100, no, 4 → 30
    const ranking = Object.fromEntries((await lake.run('dti_ranking', { period: '2025-Q2' })).map((r) => [r.unit, r]));
    expect(ranking['xa-a']).toMatchObject({ total_points: 812.5, framework: 'v1', components: 3, components_reported: 3 }); // 130 / 160 × 1000
    expect(ranking['xa-a']!.pillars).toBe('Chính quyền số 130,0/160,0'); // Vietnamese text: decimal comma
    expect((await lake.run('dti_ranking', { period: '2025-Q3' })).find((r) => r.unit === 'xa-a')).toMatchObject({
      total_points: 656.3, framework: 'v2', previous_points: 812.5, // 105 / 160 × 1000 = 656.25
    });
  });

  it('steps: the points of the highest threshold reached, 0 below the lowest', async () => {
    const meet = await lake.sql(`SELECT unit, points FROM kpi_points WHERE indicator_code = 'MEET' AND period = '2025-Q2' AND unit LIKE 'xa-s%' AND as_of_from <= '2025-06-30' AND as_of_to >= '2025-06-30' ORDER BY unit`);
    expect(meet).toEqual([
      { unit: 'xa-s0', points: 0 }, { unit: 'xa-s1', points: 10 }, { unit: 'xa-s2', points: 20 },
      { unit: 'xa-s3', points: 30 }, { unit: 'xa-s4', points: 40 }, { unit: 'xa-s7', points: 40 },
    ]);
  });

  it('a component scores only the unit types it applies to; a unit no component applies to is not ranked', async () => {
    expect(await pointsOf('ca-a', '2025-Q2')).toEqual({ SIG: [40, 40], POP: [15, 60] }); // DOC not scored for the police; 10/40 × 60
    const q2 = Object.fromEntries((await lake.run('dti_ranking', { period: '2025-Q2' })).map((r) => [r.unit, r.total_points]));
    expect(q2['ca-a']).toBe(550); // 55 / 100
    const q3 = await lake.run('dti_ranking', { period: '2025-Q3' });
    expect(q3.some((r) => r.unit === 'phong-a' || r.unit === 'ca-a')).toBe(false);
    expect(await lake.sql(`SELECT count(*) AS n FROM kpi_points WHERE unit = 'phong-a' AND period = '2025-Q3'`)).toEqual([{ n: 0 }]);
  });

  it('every point traces to the value and file that earned it; the target of the period is the framework\'s', async () => {
    const [meet] = await lake.sql(`SELECT value, points, source_file, note, submission_id FROM kpi_points WHERE unit = 'xa-a' AND period = '2025-Q2' AND indicator_code = 'MEET'`);
    expect(meet).toMatchObject({ value: 3, points: 30, source_file: 'xa-a-2025-Q2.csv', note: 'Biên bản họp số 3' });
    const card = await lake.run('unit_scorecard', { unit: 'xa-a', period: '2025-Q2' });
    expect(card.find((r) => r.indicator_code === 'MEET')).toMatchObject({ evidence: 'Biên bản họp số 3', source_file: 'xa-a-2025-Q2.csv', rule: 'steps 4:40;3:30;2:20;1:10' });
    const targets = await lake.sql(`SELECT period, target FROM kpi_scored WHERE unit = 'xa-a' AND indicator_code = 'DOC' ORDER BY period`);
    expect(targets).toEqual([{ period: '2025-Q2', target: 80 }, { period: '2025-Q3', target: 90 }]);
  });
});

describe('a property of every framework: totals stay within 1,000 and are the sum of their components', () => {
  it('for random frameworks and values', async () => {
    const component = fc.record({
      rule: fc.constantFrom('ratio', 'boolean', 'steps'),
      max: fc.integer({ min: 1, max: 300 }),
      pillar: fc.constantFrom('P1', 'P2', 'P3'),
    });
    const value = fc.record({ share: fc.integer({ min: 0, max: 1000 }), yes: fc.boolean(), count: fc.integer({ min: 0, max: 9 }), reported: fc.boolean() });
    await fc.assert(fc.asyncProperty(fc.array(component, { minLength: 1, maxLength: 6 }), fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 4 }), async (components, units) => {
      const indicators = components.map((c, i) => `I${i},Chỉ số ${i},${c.rule === 'ratio' ? 'percent' : c.rule === 'boolean' ? 'boolean' : 'count'},higher,1,commune`);
      const framework = components.map((c, i) => `f,2020-01-01,,${c.pillar},Trụ cột ${c.pillar},I${i},${c.max},${c.rule},${c.rule === 'steps' ? `3:${c.max};1:${c.max / 2}` : ''},commune,`);
      const random: Catalog = parseCatalog({
        'units.csv': `code,name_vi,type\n${units.map((_, u) => `xa-r${u},Xã R${u},commune`).join('\n')}\n`,
        'indicators.csv': `code,name_vi,measure,direction,default_target,reported_by\n${indicators.join('\n')}\n`,
        'framework.csv': `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target\n${framework.join('\n')}\n`,
      });
      const reported: Value[] = units.flatMap((vs, u) => components.flatMap((c, i) => {
        const v = vs[i]!;
        if (!v.reported) return [];
        const base = { unit: `xa-r${u}`, period: '2024-Q4', indicator_code: `I${i}` };
        if (c.rule === 'ratio') return [{ ...base, value: v.share / 10, numerator: v.share, denominator: 1000 }];
        return [{ ...base, value: c.rule === 'boolean' ? (v.yes ? 1 : 0) : v.count }];
      }));
      const l = await scoringLake(random, reported);
      try {
        for (const r of await l.run('dti_ranking', { period: '2024-Q4' })) {
          // A unit that reported nothing has no total and no rank, never a 0.
          if ((r.components_reported as number) === 0) {
            expect([r.total_points, r.rank]).toEqual([null, null]);
            continue;
          }
          expect(r.total_points as number).toBeGreaterThanOrEqual(0);
          expect(r.total_points as number).toBeLessThanOrEqual(1000);
          const card = await l.run('unit_scorecard', { unit: r.unit as string, period: '2024-Q4' });
          const sum = card.reduce((s, c) => s + (c.points_1000 as number), 0);
          // Both rounded to a tenth / a hundredth of a point: equal within that.
          expect(Math.abs((r.total_points as number) - sum)).toBeLessThanOrEqual(0.05 + 0.005 * card.length);
          for (const c of card) expect(c.points as number).toBeLessThanOrEqual(c.max_points as number);
        }
      } finally {
        await l.close();
      }
    }), { numRuns: 25 });
  }, 120_000);
});
