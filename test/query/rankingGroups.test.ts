import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRegistry, parseCatalog } from '../../functions/domain/registry/catalog.ts';
import { describeProblem } from '../../functions/domain/registry/problems.ts';
import { PROVINCE_FRAMEWORK, PROVINCE_GROUPS, PROVINCE_INDICATORS, PROVINCE_UNITS } from '../helpers/provinceRegistry.ts';
import { scoringLake, type Value } from '../helpers/scoringLake.ts';

/**
 * A province as Phú Thọ publishes it: departments ranked among themselves, communes and wards
 * among themselves, the police (a type not ranked) and the inspectorate (a department the registry
 * does not rank) listed with their reason and no rank.
 */
const catalog = parseCatalog({ 'units.csv': PROVINCE_UNITS, 'indicators.csv': PROVINCE_INDICATORS, 'framework.csv': PROVINCE_FRAMEWORK, 'ranking-groups.csv': PROVINCE_GROUPS });

const doc = (unit: string, period: string, n: number) => ({ unit, period, indicator_code: 'DOC', value: n, numerator: n, denominator: 100 });
const sig = (unit: string, period: string, yes: boolean) => ({ unit, period, indicator_code: 'SIG', value: yes ? 1 : 0 });
const values: Value[] = [
  // 2026-Q2: Nội vụ above Tài chính; Việt Trì above Yên Lạc above Tề Lỗ.
  doc('so-noi-vu', '2026-Q2', 90), sig('so-noi-vu', '2026-Q2', true), // 940
  doc('so-tai-chinh', '2026-Q2', 50), sig('so-tai-chinh', '2026-Q2', true), // 700
  doc('phuong-viet-tri', '2026-Q2', 80), sig('phuong-viet-tri', '2026-Q2', true), // 880
  doc('xa-yen-lac', '2026-Q2', 60), sig('xa-yen-lac', '2026-Q2', true), // 760
  doc('xa-te-lo', '2026-Q2', 40), sig('xa-te-lo', '2026-Q2', false), // 240
  // 2026-Q3: Tài chính passes Nội vụ; Tề Lỗ passes Yên Lạc; the inspectorate and the police score highest of all.
  doc('so-noi-vu', '2026-Q3', 50), sig('so-noi-vu', '2026-Q3', true), // 700
  doc('so-tai-chinh', '2026-Q3', 100), sig('so-tai-chinh', '2026-Q3', true), // 1000
  doc('thanh-tra-tinh', '2026-Q3', 100), sig('thanh-tra-tinh', '2026-Q3', true), // 1000, not ranked
  doc('cong-an-tinh', '2026-Q3', 100), sig('cong-an-tinh', '2026-Q3', true), // 1000, not ranked
  doc('phuong-viet-tri', '2026-Q3', 80), sig('phuong-viet-tri', '2026-Q3', true), // 880
  doc('xa-yen-lac', '2026-Q3', 60), sig('xa-yen-lac', '2026-Q3', false), // 360
  doc('xa-te-lo', '2026-Q3', 70), sig('xa-te-lo', '2026-Q3', true), // 820
];

let lake: Awaited<ReturnType<typeof scoringLake>>;
beforeAll(async () => { lake = await scoringLake(catalog, values); });
afterAll(async () => { await lake.close(); });

describe('dti_ranking ranks each ranking group on its own', () => {
  it('departments and communes are two rankings; the police and the inspectorate are listed with their reason and no rank', async () => {
    const rows = await lake.run('dti_ranking', { period: '2026-Q3' });
    expect(rows.map((r) => [r.ranking_group, r.rank, r.unit, r.total_points, r.not_ranked_reason])).toEqual([
      ['so-nganh', 1, 'so-tai-chinh', 1000, null],
      ['so-nganh', 2, 'so-noi-vu', 700, null],
      ['so-nganh', null, 'thanh-tra-tinh', 1000, 'Không xếp hạng do tính chất đặc thù'],
      ['xa-phuong', 1, 'phuong-viet-tri', 880, null],
      ['xa-phuong', 2, 'xa-te-lo', 820, null],
      ['xa-phuong', 3, 'xa-yen-lac', 360, null],
      ['dac-thu', null, 'cong-an-tinh', 1000, 'Không xếp hạng do tính chất đặc thù (lực lượng vũ trang)'],
    ]);
    expect(rows[0]).toMatchObject({ ranking_group_name: 'Các sở, ban, ngành', national_code: null });
    expect(rows.find((r) => r.unit === 'xa-yen-lac')).toMatchObject({ national_code: '09025', ranking_group_name: 'Các xã, phường' });
  });

  it('a rank change compares within the group, among the units ranked', async () => {
    const rows = Object.fromEntries((await lake.run('dti_ranking', { period: '2026-Q3' })).map((r) => [r.unit, r]));
    // Tài chính was 2nd of two departments, now 1st; Tề Lỗ was 3rd of three communes, now 2nd.
    expect(rows['so-tai-chinh']).toMatchObject({ rank_change: 1, previous_points: 700 });
    expect(rows['so-noi-vu']).toMatchObject({ rank_change: -1, previous_points: 940 });
    expect(rows['xa-te-lo']).toMatchObject({ rank_change: 1, previous_points: 240 });
    expect(rows['xa-yen-lac']).toMatchObject({ rank_change: -1 });
    expect(rows['phuong-viet-tri']).toMatchObject({ rank_change: 0 });
    expect(rows['thanh-tra-tinh']!.rank_change).toBeNull();
  });

  it('the group parameter picks one ranking', async () => {
    const communes = await lake.run('dti_ranking', { period: '2026-Q3', group: 'xa-phuong' });
    expect(communes.map((r) => [r.rank, r.unit])).toEqual([[1, 'phuong-viet-tri'], [2, 'xa-te-lo'], [3, 'xa-yen-lac']]);
    expect(await lake.run('dti_ranking', { period: '2026-Q3', group: 'khong-co' })).toEqual([]);
  });
});

describe('ranking groups and units not ranked in the registry', () => {
  const problems = (files: Record<string, string>) => {
    const checked = checkRegistry({ 'units.csv': PROVINCE_UNITS, 'indicators.csv': PROVINCE_INDICATORS, ...files });
    return checked.catalog ? [] : checked.problems.map(describeProblem);
  };

  it('an old registry folder without the file or the columns still loads: every unit in one ranking, all ranked', () => {
    const old = parseCatalog({ 'units.csv': 'code,name_vi,type\nxa-a,Xã A,commune\n', 'indicators.csv': PROVINCE_INDICATORS });
    expect(old.rankingGroups).toEqual([]);
    expect(old.units[0]).toMatchObject({ ranked: true, notRankedReason: null, nationalCode: null });
  });

  it('refuses a bad file with every problem, in both languages', () => {
    expect(problems({ 'ranking-groups.csv': `${PROVINCE_GROUPS}trung,Trùng,,commune;district,maybe,\n` })).toEqual([
      'ranking-groups.csv, dòng 5, cột unit_types: loại "commune" đã thuộc nhóm xa-phuong / line 5, column unit_types: type "commune" already belongs to group xa-phuong',
      'ranking-groups.csv, dòng 5, cột ranked: "maybe" phải là yes hoặc no / line 5, column ranked: ranked "maybe" must be yes or no',
    ]);
    expect(problems({ 'ranking-groups.csv': 'group,name_vi,unit_types,ranked\nca,Công an,police,no\n' })).toEqual([
      'ranking-groups.csv, dòng 2, cột not_ranked_reason: nhóm không xếp hạng phải ghi lý do / line 2, column not_ranked_reason: a group not ranked needs its reason',
    ]);
    expect(problems({ 'units.csv': 'code,name_vi,type,ranked\nthanh-tra,Thanh tra,department,no\n' })).toEqual([
      'units.csv, dòng 2, cột not_ranked_reason: đơn vị thanh-tra không xếp hạng phải ghi lý do / line 2, column not_ranked_reason: unit thanh-tra is not ranked: give the reason',
    ]);
  });

  it('a national code is never a key: two units may carry the same one (codes are re-used across the reform)', () => {
    const units = 'code,name_vi,type,valid_to,national_code\ntt-yen-lac,Thị trấn Yên Lạc,commune,2025-06-30,09025\nxa-yen-lac,Xã Yên Lạc,commune,,09025\n';
    expect(problems({ 'units.csv': units })).toEqual([]);
  });
});
