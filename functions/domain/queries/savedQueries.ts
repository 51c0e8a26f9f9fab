import { parse as parseYaml } from 'yaml';
import { ROLES, type Role } from '../access/tokens.ts';

export type ParamType = 'period' | 'unit' | 'indicator' | 'date' | 'integer' | 'text';
export type ChartType = 'heatmap' | 'line' | 'bar' | 'table';

export interface Bilingual { vi: string; en: string }

export interface ParamSpec {
  name: string;
  type: ParamType;
  required: boolean;
  /** A literal, or for dates "today" / "today-30d". */
  default: string | number | null;
  allowed: (string | number)[] | null;
  description: Bilingual;
}

export interface ColumnMeta {
  name: string;
  vi: string;
  en: string;
  /** Shown to analysts only: a leader's link, its chart and its downloads leave it out (a clerk's explanation). */
  analystsOnly?: boolean;
}

export interface SavedQuery {
  name: string;
  file: string;
  title: Bilingual;
  description: Bilingual;
  params: ParamSpec[];
  columns: ColumnMeta[];
  chart: { type: ChartType; x?: string; y?: string; series?: string };
  /** Further sections of its page: other saved queries, parameters derived from this one's. */
  page: { sections: { query: string; params: Record<string, string> }[] };
  /** The SQL with `:name` placeholders, as written. */
  sql: string;
  /** Placeholder names in order of appearance (for positional engines). */
  placeholders: string[];
  /**
   * The roles that may run it by name (API, /q, a link), from the header's `audience`; null: the
   * query is open, as every query was before the flag (the roles that read saved queries, and
   * leaders through a signed link). A query with an audience is never shared with a leader:
   * pending values, provenance, the administrators' log.
   */
  audience: readonly Role[] | null;
}

/** Whether a principal of this role may run the query by name (its role's own gate comes first). */
export const audienceAdmits = (query: SavedQuery, role: Role): boolean => query.audience === null || query.audience.includes(role);

const ROLE_WORDS: Record<Role, Bilingual> = {
  analyst: { vi: 'chuyên viên phân tích', en: 'analysts' }, admin: { vi: 'quản trị viên', en: 'administrators' },
  staff: { vi: 'cán bộ nhập báo cáo', en: 'clerks' }, head: { vi: 'lãnh đạo đơn vị', en: 'unit heads' },
  appraiser: { vi: 'cán bộ thẩm định', en: 'appraisers' }, machine: { vi: 'tài khoản máy', en: 'machine accounts' },
};

/** Why a principal of another role is refused a query with an audience, in both languages. */
export function audienceRefusal(query: SavedQuery): Bilingual {
  const who = (query.audience ?? []).map((r) => ROLE_WORDS[r]);
  return { vi: `Truy vấn này chỉ dành cho ${who.map((w) => w.vi).join(' và ')}`, en: `This query is for ${who.map((w) => w.en).join(' and ')} only` };
}

/** Whether a leader (no account, a signed link) may be shown it: open queries only, and every section of their page open too. */
export function openToLeaders(query: SavedQuery, queries: ReadonlyMap<string, SavedQuery>): boolean {
  return query.audience === null && query.page.sections.every((s) => queries.get(s.query)?.audience === null);
}

const PARAM_TYPES: ParamType[] = ['period', 'unit', 'indicator', 'date', 'integer', 'text'];
const CHART_TYPES: ChartType[] = ['heatmap', 'line', 'bar', 'table'];
const NAME = /^[a-z][a-z0-9_]*$/;

export class SavedQueryError extends Error {}

/**
 * Finds `:name` placeholders outside strings, quoted identifiers and comments, and rewrites
 * them: `$name` for DuckDB, `?` for Athena. A `::` cast is left alone.
 */
export function compilePlaceholders(sql: string, replace: (name: string) => string): { sql: string; names: string[] } {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (two === '--') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (two === '::') {
      out += two;
      i += 2;
    } else if (ch === ':' && /[a-z_]/.test(sql[i + 1] ?? '')) {
      const match = /^[a-z_][a-z0-9_]*/.exec(sql.slice(i + 1))!;
      names.push(match[0]);
      out += replace(match[0]);
      i += 1 + match[0].length;
    } else {
      out += ch;
      i++;
    }
  }
  return { sql: out, names };
}

function bilingual(value: unknown, where: string): Bilingual {
  if (typeof value === 'string') return { vi: value, en: value };
  const v = value as Partial<Bilingual> | undefined;
  if (!v || typeof v.vi !== 'string' || typeof v.en !== 'string') throw new SavedQueryError(`${where} needs vi and en text`);
  return { vi: v.vi, en: v.en };
}

/** Reads one saved query: a YAML header in the leading block comment, then the SQL. */
export function parseSavedQuery(text: string, file: string): SavedQuery {
  const name = file.split('/').pop()!.replace(/\.sql$/, '');
  const fail = (what: string): never => { throw new SavedQueryError(`${file}: ${what}`); };
  if (!NAME.test(name)) fail('the file name must be lower_snake_case, it is the query name');
  const header = /^\s*\/\*([\s\S]*?)\*\//.exec(text);
  if (!header) fail('must start with a /* … */ comment holding its metadata (YAML)');
  let meta: Record<string, unknown>;
  try {
    meta = parseYaml(header![1]!) as Record<string, unknown>;
  } catch (error) {
    return fail(`metadata is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!meta || typeof meta !== 'object') fail('metadata is empty');
  const sql = text.slice(header![0].length).trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(sql)) fail('the query must be one SELECT (or WITH … SELECT)');
  if (/;\s*\S/.test(sql.replace(/'[^']*'/g, ''))) fail('one statement only');
  const rawParams = (meta.params ?? []) as Record<string, unknown>[];
  if (!Array.isArray(rawParams)) fail('params must be a list');
  const params: ParamSpec[] = rawParams.map((p, i) => {
    const where = `params[${i}]`;
    if (!p || typeof p.name !== 'string' || !NAME.test(p.name)) fail(`${where}: name must be lower_snake_case`);
    if (!PARAM_TYPES.includes(p.type as ParamType)) fail(`${where} (${p.name}): type must be one of ${PARAM_TYPES.join(', ')}`);
    if (p.allowed !== undefined && !Array.isArray(p.allowed)) fail(`${where} (${p.name}): allowed must be a list`);
    return {
      name: p.name as string,
      type: p.type as ParamType,
      required: p.required === undefined ? p.default === undefined : Boolean(p.required),
      default: (p.default ?? null) as string | number | null,
      allowed: (p.allowed ?? null) as (string | number)[] | null,
      description: p.description === undefined ? { vi: p.name as string, en: p.name as string } : bilingual(p.description, `${file}: ${where}.description`),
    };
  });
  const columns = ((meta.columns ?? []) as unknown[]).map((c, i) => {
    const col = c as Record<string, unknown>;
    if (!col || typeof col.name !== 'string') fail(`columns[${i}] needs a name`);
    return { name: col.name as string, vi: String(col.vi ?? col.name), en: String(col.en ?? col.name), ...(col.analysts_only === true ? { analystsOnly: true } : {}) };
  });
  if (columns.length === 0) fail('columns must list the result columns');
  const audience = parseAudience(meta.audience, fail);
  const chart = (meta.chart ?? { type: 'table' }) as SavedQuery['chart'];
  if (!CHART_TYPES.includes(chart.type)) fail(`chart.type must be one of ${CHART_TYPES.join(', ')}`);
  const { names } = compilePlaceholders(sql, (n) => `:${n}`);
  const declared = new Set(params.map((p) => p.name));
  const unknown = names.find((n) => !declared.has(n));
  if (unknown) fail(`uses :${unknown} but declares no such parameter`);
  const unused = params.find((p) => !names.includes(p.name));
  if (unused) fail(`declares parameter ${unused.name} but never uses it`);
  const rawPage = (meta.page ?? { sections: [] }) as { sections?: unknown };
  const sections = (rawPage.sections ?? []) as { query?: unknown; params?: unknown }[];
  if (!Array.isArray(sections)) fail('page.sections must be a list');
  for (const [i, s] of sections.entries()) {
    if (typeof s.query !== 'string') fail(`page.sections[${i}] needs a query`);
    for (const [k, v] of Object.entries((s.params ?? {}) as Record<string, unknown>)) {
      const template = /^\{([a-z_][a-z0-9_]*)([+-]\d+)?\}$/.exec(String(v));
      if (!template || !declared.has(template[1]!)) fail(`page.sections[${i}].params.${k}: "${v}" must be {param} or {param-N} of this query's parameters`);
    }
  }
  return {
    name,
    file,
    page: { sections: sections.map((s) => ({ query: s.query as string, params: (s.params ?? {}) as Record<string, string> })) },
    title: bilingual(meta.title, `${file}: title`),
    description: bilingual(meta.description ?? meta.title, `${file}: description`),
    params,
    columns,
    chart,
    sql,
    placeholders: names,
    audience,
  };
}

/** `audience: analysts` or `audience: [admins, analysts]`: role names, singular or plural. */
function parseAudience(value: unknown, fail: (what: string) => never): readonly Role[] | null {
  if (value === undefined || value === null) return null;
  const names = Array.isArray(value) ? value : [value];
  if (names.length === 0) fail('audience must name at least one role (leave it out for an open query)');
  const roles = names.map((n) => {
    const role = String(n).replace(/s$/, '') as Role;
    if (!ROLES.includes(role)) fail(`audience: "${n}" is no role (${ROLES.join(', ')})`);
    return role;
  });
  return [...new Set(roles)];
}
