import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, vectorFromArray, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { audienceAdmits, compilePlaceholders, openToLeaders, parseSavedQuery } from '../../functions/domain/queries/savedQueries.ts';
import { neutralizeFormula, toCsv } from '../../functions/http/render.ts';
import { InvalidParamsError, resolveParams } from '../../functions/domain/queries/resolveParams.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';

const HEADER = `/*
title: { vi: Thử, en: Test }
params:
  - { name: period, type: period }
columns:
  - { name: unit }
chart: { type: table }
*/`;

describe('saved query files', () => {
  it('reads metadata and placeholders, skipping strings, comments and casts', () => {
    const q = parseSavedQuery(`${HEADER}\nSELECT unit, ':not_a_param', x::VARCHAR -- :nor_this\nFROM kpi_current WHERE period = :period`, 'sql/test_query.sql');
    expect(q).toMatchObject({ name: 'test_query', title: { vi: 'Thử', en: 'Test' }, placeholders: ['period'] });
    expect(compilePlaceholders(q.sql, (n) => `$${n}`).sql).toContain('period = $period');
  });

  it.each([
    ['no header', 'SELECT 1', /metadata/],
    ['bad YAML', '/* title: [ */ SELECT 1', /YAML/],
    ['not a SELECT', `${HEADER}\nDELETE FROM units WHERE :period = 1`, /SELECT/],
    ['two statements', `${HEADER}\nSELECT :period; DROP TABLE units`, /one statement/],
    ['undeclared parameter', `${HEADER}\nSELECT :period, :unit`, /:unit/],
    ['unused parameter', HEADER.replace('columns:', '  - { name: unit, type: unit }\ncolumns:') + '\nSELECT :period', /unit/],
    ['unknown type', HEADER.replace('type: period', 'type: month') + '\nSELECT :period', /type must be/],
    ['unknown chart', HEADER.replace('type: table', 'type: pie') + '\nSELECT :period', /chart/],
  ])('refuses %s, naming the file', (_what, text, message) => {
    expect(() => parseSavedQuery(text, 'sql/broken.sql')).toThrow(message);
    expect(() => parseSavedQuery(text, 'sql/broken.sql')).toThrow(/sql\/broken\.sql/);
  });

  it('stops start-up on a malformed file in the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-sql-'));
    await writeFile(join(dir, 'good.sql'), `${HEADER}\nSELECT :period AS unit`);
    await writeFile(join(dir, 'bad.sql'), 'SELECT 1');
    expect(() => loadSavedQueries(dir)).toThrow(/sql\/bad\.sql/);
    await rm(dir, { recursive: true });
  });
});

describe('a query kept to some roles (audience)', () => {
  const text = (audience: string) => `/*\ntitle: T\naudience: ${audience}\ncolumns: [{ name: x }]\n*/\nSELECT 1 AS x`;

  it('reads role names, singular or plural; none is an open query; a wrong one stops start-up naming the file', () => {
    expect(parseSavedQuery(text('analysts'), 'sql/a.sql').audience).toEqual(['analyst']);
    expect(parseSavedQuery(text('[admins, analyst, admin]'), 'sql/a.sql').audience).toEqual(['admin', 'analyst']);
    expect(parseSavedQuery(`${HEADER}\nSELECT :period AS unit`, 'sql/a.sql').audience).toBeNull();
    expect(() => parseSavedQuery(text('leaders'), 'sql/a.sql')).toThrow(/sql\/a\.sql: audience: "leaders" is no role/);
    expect(() => parseSavedQuery(text('[]'), 'sql/a.sql')).toThrow(/at least one role/);
  });

  it('ships pending values and provenance for analysts, the administrators\' log for administrators; every other query open, no open page showing a kept one', () => {
    const shipped = loadSavedQueries(SQL_DIR);
    const kept = Object.fromEntries([...shipped.values()].filter((q) => q.audience).map((q) => [q.name, q.audience]));
    expect(kept).toEqual({ admin_audit: ['admin'], pending_values: ['analyst'], pending_warnings: ['analyst'], value_provenance: ['analyst'] });
    expect(audienceAdmits(shipped.get('admin_audit')!, 'analyst')).toBe(false);
    expect(audienceAdmits(shipped.get('pending_values')!, 'head')).toBe(false);
    expect(audienceAdmits(shipped.get('district_scorecard')!, 'analyst')).toBe(true);
    for (const q of shipped.values()) expect(openToLeaders(q, shipped), q.name).toBe(!q.audience);
    // An open page with a kept section is no leader's either.
    const page = parseSavedQuery(`/*\ntitle: T\ncolumns: [{ name: x }]\npage: { sections: [{ query: pending_values }] }\n*/\nSELECT 1 AS x`, 'sql/p.sql');
    expect(openToLeaders(page, new Map([...shipped, ['p', page]]))).toBe(false);
  });
});

describe('parameters', () => {
  const q = parseSavedQuery(`/*
title: T
params:
  - { name: unit, type: unit }
  - { name: from, type: date, default: today-30d }
  - { name: n, type: integer, default: 5, allowed: [5, 10] }
columns: [{ name: x }]
*/
SELECT :unit, :from, :n`, 'sql/p.sql');

  it('types, defaults and allowed values', () => {
    expect(resolveParams(q, { unit: 'xa-lien-chau' }, catalogIndex, '2025-03-31')).toEqual({ unit: 'xa-lien-chau', from: '2025-03-01', n: 5 });
    expect(resolveParams(q, { unit: 'xa-lien-chau', n: '10', from: '2024-01-01' }, catalogIndex, '2025-03-31')).toEqual({ unit: 'xa-lien-chau', from: '2024-01-01', n: 10 });
  });

  it('every problem at once', () => {
    try {
      resolveParams(q, { unit: 'Liên Châu', n: '7', from: '2024-13-45', extra: 'x' }, catalogIndex, '2025-03-31');
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidParamsError).problems.map((p) => p.param).sort()).toEqual(['extra', 'from', 'n', 'unit']);
    }
  });
});

describe('CSV for Excel', () => {
  it('neutralises cells Excel would run as formulas', () => {
    for (const bad of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\t=x']) expect(neutralizeFormula(bad)).toBe(`'${bad}`);
    expect(neutralizeFormula('Xã Liên Châu')).toBe('Xã Liên Châu');
    const table = new Table({ note: vectorFromArray(['=HYPERLINK("http://x")', 'a, "b"'], new Utf8()) });
    expect(toCsv(table)).toBe('\ufeffnote\r\n"\'=HYPERLINK(""http://x"")"\r\n"a, ""b"""\r\n');
  });
});
