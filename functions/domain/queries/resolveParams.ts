import { addDays, isDate } from '../dates.ts';
import type { CatalogIndex } from '../ingest/ingestContext.ts';
import { CANONICAL_PERIOD, parsePeriod } from '../ingest/parsePeriod.ts';
import type { ParamSpec, SavedQuery } from './savedQueries.ts';

export type ParamValue = string | number;

export interface ParamProblem { param: string; message_vi: string; message_en: string }

export class InvalidParamsError extends Error {
  constructor(readonly problems: ParamProblem[]) {
    super(problems.map((p) => `${p.param}: ${p.message_en}`).join('; '));
    this.name = 'InvalidParamsError';
  }
}


function resolveDefault(spec: ParamSpec, today: string): ParamValue | null {
  if (spec.default === null) return null;
  if (spec.type === 'date' && typeof spec.default === 'string') {
    const m = /^today(?:-(\d+)d)?$/.exec(spec.default);
    if (m) return addDays(today, -Number(m[1] ?? 0));
  }
  return spec.default;
}

function check(spec: ParamSpec, raw: string, catalog: CatalogIndex): { value: ParamValue } | { vi: string; en: string } {
  switch (spec.type) {
    case 'period': {
      const period = CANONICAL_PERIOD.test(raw) ? raw : parsePeriod(raw, { strict: true });
      return period ? { value: period } : { vi: `"${raw}" không phải kỳ báo cáo (ví dụ 2024-Q3, 2024-H1, 2024-09, 2024)`, en: `"${raw}" is not a period (e.g. 2024-Q3, 2024-H1, 2024-09, 2024)` };
    }
    case 'unit': {
      const unit = catalog.catalog.units.find((u) => u.code === raw);
      return unit ? { value: unit.code } : { vi: `không có đơn vị mã "${raw}"`, en: `no unit with code "${raw}"` };
    }
    case 'indicator': {
      const indicator = catalog.catalog.indicators.find((i) => i.code === raw);
      return indicator ? { value: indicator.code } : { vi: `không có chỉ số mã "${raw}"`, en: `no indicator with code "${raw}"` };
    }
    case 'date':
      return isDate(raw) ? { value: raw } : { vi: `"${raw}" không phải ngày có thật dạng YYYY-MM-DD`, en: `"${raw}" is not a real date YYYY-MM-DD` };
    case 'integer':
      return /^-?\d{1,9}$/.test(raw) ? { value: Number(raw) } : { vi: `"${raw}" không phải số nguyên`, en: `"${raw}" is not a whole number` };
    case 'text':
      return raw.length <= 200 ? { value: raw } : { vi: 'quá dài', en: 'too long' };
  }
}

/**
 * Turns a request's parameters into values a query may bind: every one declared, typed and
 * checked (a period in canonical form, a unit in the registry), nothing else accepted.
 */
export function resolveParams(
  query: SavedQuery,
  raw: Record<string, string | undefined>,
  catalog: CatalogIndex,
  today: string,
): Record<string, ParamValue> {
  const problems: ParamProblem[] = [];
  const values: Record<string, ParamValue> = {};
  const declared = new Set(query.params.map((p) => p.name));
  for (const key of Object.keys(raw)) {
    if (!declared.has(key) && key !== 'format' && key !== 'lang') {
      problems.push({ param: key, message_vi: `truy vấn ${query.name} không có tham số này`, message_en: `query ${query.name} takes no such parameter` });
    }
  }
  for (const spec of query.params) {
    const given = raw[spec.name];
    if (given === undefined || given === '') {
      const fallback = resolveDefault(spec, today);
      if (fallback === null) {
        if (spec.required) problems.push({ param: spec.name, message_vi: 'thiếu tham số bắt buộc', message_en: 'required parameter is missing' });
        continue;
      }
      values[spec.name] = fallback;
      continue;
    }
    const result = check(spec, given.trim(), catalog);
    if ('value' in result) {
      if (spec.allowed && !spec.allowed.map(String).includes(String(result.value))) {
        problems.push({ param: spec.name, message_vi: `chỉ nhận: ${spec.allowed.join(', ')}`, message_en: `allowed: ${spec.allowed.join(', ')}` });
      } else {
        values[spec.name] = result.value;
      }
    } else {
      problems.push({ param: spec.name, message_vi: result.vi, message_en: result.en });
    }
  }
  if (problems.length) throw new InvalidParamsError(problems);
  return values;
}

/** A stable text of resolved parameters, for cache keys and ETags. */
export function canonicalParams(values: Record<string, ParamValue>): string {
  return Object.keys(values).sort().map((k) => `${k}=${values[k]}`).join('&');
}
