import type { Context } from 'hono';
import type { Table } from 'apache-arrow';
import { registryNotes } from '../../domain/registry/registryNotes.ts';
import { shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { resolveParams, type ParamValue } from '../../domain/queries/resolveParams.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import type { HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import { CONTENT_TYPES, pageExportOptions, toCsv } from '../render.ts';
import type { PublishedFigures } from './publishedResults.ts';
import { langOf, titleFor, type Lang, type PageSection } from './renderPages.ts';

/**
 * What leaders' and analysts' pages share: a page's sections (the saved query, then those its
 * header lists), a section's chart and its downloads. Both route modules import this; neither
 * imports the other.
 */

/** Who a page is for: a leader behind a signed link, or an analyst signed in. */
export type Audience = 'leader' | 'analyst';

type Deps = Pick<HttpDeps, 'queries' | 'runner' | 'catalog' | 'today' | 'localTime'>;

/** A section's parameters from the page's own: "{period-7}" is seven periods before. */
function deriveParams(templates: Record<string, string>, params: Record<string, ParamValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) {
    const m = /^\{([a-z_][a-z0-9_]*)([+-]\d+)?\}$/.exec(template)!;
    const base = String(params[m[1]!]);
    out[name] = m[2] ? shiftPeriod(base, Number(m[2])) : base;
  }
  return out;
}

/** What a leader may see of a result: every column but those for analysts only (a clerk's explanation). */
function shown(query: SavedQuery, table: Table, audience: Audience): Table {
  const hidden = audience === 'leader' ? new Set(query.columns.filter((c) => c.analystsOnly).map((c) => c.name)) : null;
  return hidden?.size ? table.select(table.schema.fields.map((f) => f.name).filter((n) => !hidden.has(n))) : table;
}

/** The saved query and parameters of a page's section: 0 is the page's own query. */
function specAt(deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, index: number): { query: SavedQuery; params: Record<string, ParamValue> } | null {
  if (index === 0) return { query, params };
  const s = query.page.sections[index - 1];
  if (!s) return null;
  const q = deps.queries.get(s.query)!;
  return { query: q, params: resolveParams(q, deriveParams(s.params, params), deps.catalog, deps.today()) };
}

/** A saved query's result as an audience may see it. */
export async function resultFor(deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, audience: Audience): Promise<Table> {
  return shown(query, (await deps.runner.run(query, params)).table, audience);
}

export type SectionUrls = (index: number) => { chart: string; csv: string; xlsx: string };

/** A section's query and answer, from the publication where a leader's page reads a published period. */
async function answerOf(deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, audience: Audience, published?: PublishedFigures | null) {
  const table = await resultFor(deps, query, params, audience);
  return published && audience === 'leader' ? published.section(query, params, table) : { query, table };
}

/**
 * The sections of a page: the query itself, then those its metadata lists. `published`: a
 * leader's page of a published period, whose ranking and score cards are the decision's.
 */
export async function sectionsFor(deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, urls: SectionUrls, lang: Lang, audience: Audience, published?: PublishedFigures | null): Promise<PageSection[]> {
  const specs = Array.from({ length: query.page.sections.length + 1 }, (_, i) => specAt(deps, query, params, i)!);
  return Promise.all(specs.map(async (s, i) => ({
    ...(await answerOf(deps, s.query, s.params, audience, published)),
    title: titleFor(s.query, s.params, deps.catalog.catalog.units, lang),
    params: s.params,
    chartUrl: s.query.chart.type === 'line' || s.query.chart.type === 'bar' ? urls(i).chart : null,
    downloads: { csv: urls(i).csv, xlsx: urls(i).xlsx },
    localTime: deps.localTime,
    unitName: (code: string) => {
      const u = deps.catalog.catalog.units.find((x) => x.code === code);
      return u ? (lang === 'en' && u.nameEn ? u.nameEn : u.nameVi) : code;
    },
    notes: typeof s.params.unit === 'string' ? registryNotes(s.params.unit, deps.catalog.catalog, lang) : [],
  })));
}

async function sectionAt(deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, index: number, audience: Audience, published?: PublishedFigures | null) {
  const spec = specAt(deps, query, params, index);
  if (!spec) return null;
  return { ...(await answerOf(deps, spec.query, spec.params, audience, published)), params: spec.params };
}

/** A section's chart as SVG, drawn for the width it is shown at (renderPages' chartFigure asks for a phone's or a screen's). */
export async function chartResponse(c: Context, deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, index: number, audience: Audience, published?: PublishedFigures | null) {
  const section = await sectionAt(deps, query, params, index, audience, published);
  const width = Math.min(1200, Math.max(300, Number(c.req.query('w')) || 900));
  const svg = section && (await (await lazy.chart()).renderChartSvg(section.query, section.table, langOf(c), width));
  if (!svg) return c.text('', 404);
  // Never kept: a revoked link's chart must not be shown from a cache.
  c.header('Cache-Control', 'private, no-store');
  return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
}

/**
 * A section's result as CSV or Excel, for a person: the saved query's Vietnamese headers and
 * values as the page shows them (`?lang=en` English, `?headers=codes` the API's column names,
 * `?excel=vi` a CSV for Excel set to Vietnamese). The API's own downloads keep machine names.
 */
export async function downloadResponse(c: Context, deps: Deps, query: SavedQuery, params: Record<string, ParamValue>, index: number, format: string, audience: Audience, published?: PublishedFigures | null) {
  const section = await sectionAt(deps, query, params, index, audience, published);
  if (!section || (format !== 'csv' && format !== 'xlsx')) return c.text('', 404);
  const stem = [section.query.name, ...Object.values(section.params).map(String)].join('_').replace(/[^\w.-]+/g, '-');
  const opts = pageExportOptions((n) => c.req.query(n), (at) => deps.localTime(at));
  c.header('Content-Disposition', `attachment; filename="${stem}.${format}"`);
  c.header('Content-Type', CONTENT_TYPES[format]);
  return c.body(format === 'csv' ? toCsv(section.table, section.query, opts) : new Uint8Array(await (await lazy.xlsx()).toXlsx(section.table, section.query, section.params, opts)));
}
