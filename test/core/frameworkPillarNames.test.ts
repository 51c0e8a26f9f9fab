import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../functions/domain/registry/catalog.ts';

const UNITS = 'code,name_vi,type\nxa-a,Xã A,commune\n';
const INDICATORS = 'code,name_vi,measure,direction,default_target,reported_by\nDOC,Văn bản điện tử,percent,higher,80,commune\n';
const LINE = 'v1,2024-01-01,,CQS,Chính quyền số,DOC,80,ratio,,commune,90';

describe('pillar names in English (framework.csv pillar_name_en, optional)', () => {
  it('reads them where the column is, and a registry folder without it still loads', () => {
    const withNames = checkRegistry({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'framework.csv': `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target,pillar_name_en\n${LINE},Digital government\n` });
    expect(withNames.problems).toEqual([]);
    expect(withNames.catalog!.frameworks!.map((c) => [c.pillarNameVi, c.pillarNameEn])).toEqual([['Chính quyền số', 'Digital government']]);
    const old = checkRegistry({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'framework.csv': `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target\n${LINE}\n` });
    expect(old.problems).toEqual([]);
    expect(old.catalog!.frameworks![0]!.pillarNameEn).toBeUndefined();
  });

  it('the demo framework names every pillar in English', () => {
    const rows = readFileSync(new URL('../../schemas/framework.csv', import.meta.url), 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const at = header.indexOf('pillar_name_en');
    expect(at).toBeGreaterThan(0);
    for (const row of rows.slice(1)) expect(row.split(',')[at], row).toMatch(/^[A-Z][a-z ]+$/);
  });
});
