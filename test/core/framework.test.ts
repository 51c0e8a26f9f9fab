import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../functions/domain/registry/catalog.ts';
import { parseSteps } from '../../functions/domain/registry/framework.ts';

const UNITS = 'code,name_vi,type\nxa-a,Xã A,commune\nca-a,Công an A,police\n';
const INDICATORS = `code,name_vi,measure,direction,default_target,reported_by
DOC,Văn bản điện tử,percent,higher,80,commune
SIG,Chữ ký số,boolean,higher,1,commune;police
MEET,Họp ban chỉ đạo,count,higher,4,commune
MAIL,Thư công vụ,percent,higher,80,commune
`;
const HEADER = 'framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target\n';
const problemsOf = (framework: string) => checkRegistry({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'framework.csv': HEADER + framework })
  .problems.map((p) => `${p.line} ${p.column}: ${p.en}`);

describe('scoring frameworks as data', () => {
  it('reads steps highest threshold first, and refuses what is not steps', () => {
    expect(parseSteps('2:20;4:40;3:30')).toEqual([{ atLeast: 4, points: 40 }, { atLeast: 3, points: 30 }, { atLeast: 2, points: 20 }]);
    expect(parseSteps('4-40')).toBeNull();
    expect(parseSteps('')).toBeNull();
  });

  it('accepts a sound framework, with a target per version', () => {
    const ok = checkRegistry({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'framework.csv': `${HEADER}v1,2024-01-01,,CQS,Chính quyền số,DOC,80,ratio,,commune,90\nv1,2024-01-01,,CQS,Chính quyền số,MEET,40,steps,4:40;2:20,commune,\n` });
    expect(ok.problems).toEqual([]);
    expect(ok.catalog!.frameworks!.map((c) => [c.indicatorCode, c.target, c.steps.length])).toEqual([['DOC', 90, 0], ['MEET', null, 2]]);
  });

  it('names every problem: rule and measure, unit types, steps above the maximum, one indicator twice, two versions at once', () => {
    expect(problemsOf([
      'v1,2024-01-01,2024-12-31,CQS,Chính quyền số,DOC,80,boolean,,commune,', // a yes/no rule on a share
      'v1,2024-01-01,2024-12-31,CQS,Chính quyền số,SIG,40,boolean,,department,', // departments do not report SIG
      'v1,2024-01-01,2024-12-31,CQS,Chính quyền số,MEET,40,steps,4:50,commune,', // 50 > 40
      'v1,2024-01-01,2024-12-31,CQS,Chính quyền số,MEET,40,steps,4:40,commune,', // twice
      'v1,2024-02-01,2024-12-31,CQS,Chính quyền số,MAIL,40,ratio,,commune,', // another validity in one version
      'v2,2024-06-01,,CQS,Chính quyền số,SIG,40,boolean,,commune;police,x', // overlaps v1; a target that is not a number
      'v3,2025-01-01,,CQS,Chính quyền số,NOPE,0,ratio,,commune,', // unknown indicator, no points
    ].join('\n'))).toEqual([
      '2 rule: rule boolean cannot score a percent indicator (DOC)',
      '3 applies_to: department do not report SIG (indicators.csv, reported_by)',
      '4 steps: a step gives more than max_points 40',
      '5 code: MEET appears twice in v1',
      '6 valid_from: every line of v1 must have the same validity (line 2: 2024-01-01 – 2024-12-31)',
      '7 target: target "x" is not a number',
      '8 code: indicator "NOPE" is not in indicators.csv',
      '8 max_points: max_points "0" must be a positive number',
      '7 valid_from: v2 begins 2024-06-01 while v1 is in force (until 2024-12-31): one version a day',
      '8 valid_from: v3 begins 2025-01-01 while v2 is in force (until open-ended): one version a day',
    ]);
    expect(problemsOf('v1,2024-01-01,,CQS,Chính quyền số,DOC,80,ratio,,commune,\nv2,2025-01-01,,CQS,Chính quyền số,DOC,80,ratio,,commune,\n'))
      .toEqual(['3 valid_from: v2 begins 2025-01-01 while v1 is in force (until open-ended): one version a day']);
  });
});
