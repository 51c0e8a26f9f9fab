import { Bool, DateDay, Field, Float64, Int32, Int64, Table, TimestampMillisecond, Type, Utf8, vectorFromArray, type DataType, type Int } from 'apache-arrow';
import type { ParamValue } from '../../domain/queries/resolveParams.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import type { PublishedUnit, PublishedView, SnapshotRow } from '../../services/publications.ts';
import { publicationsFor } from '../api/publications.ts';
import type { HttpDeps } from '../context.ts';
import { LATER_FIGURE } from './leaderSummary.ts';
import type { Lang } from './renderPages.ts';

/**
 * What a leader reads for a published period: the decision's figures, never today's. The saved
 * queries a publication froze (the ranking and every unit's score card) are answered from the
 * publication; a figure corrected since keeps its published value and is marked "có số liệu mới
 * hơn" in a column of its own. Other queries (timeliness, trends) answer from the lake as before.
 */

/** The saved queries whose answer a publication keeps. */
export const FROZEN_QUERIES: ReadonlySet<string> = new Set(['dti_ranking', 'dti_scorecards']);

const WORDS = {
  vi: { later: 'có số liệu mới hơn', header: 'Sau công bố' },
  en: { later: 'a later figure exists', header: 'Since publication' },
};

export interface PublishedFigures {
  period: string;
  /** "Đã công bố theo Quyết định số … ngày …", in the page's language. */
  note: string;
  /** The decision's issuing body: heads the PDF. */
  issuingBody: string;
  /** "có số liệu mới hơn", in the page's language. */
  laterWord: string;
  view: PublishedView;
  /** Whether this query with these parameters is answered from the publication. */
  covers(query: SavedQuery, params: Record<string, ParamValue>): boolean;
  /** A section's query and answer as published (or as they are, when not covered). */
  section(query: SavedQuery, params: Record<string, ParamValue>, table: Table): { query: SavedQuery; table: Table };
  unit(unit: string): PublishedUnit | undefined;
}

/** The latest publication of a period as a leader's page reads it; null when the period was never published. */
export async function publishedFigures(deps: HttpDeps, period: string | null, lang: Lang): Promise<PublishedFigures | null> {
  if (!period) return null;
  const view = await publicationsFor(deps).publishedFor(period);
  if (!view) return null;
  const words = WORDS[lang];
  const covers = (query: SavedQuery, params: Record<string, ParamValue>) => FROZEN_QUERIES.has(query.name) && params.period === period;
  return {
    period, view, laterWord: words.later,
    note: lang === 'vi' ? view.noteVi : view.noteEn,
    issuingBody: view.publication.issuing_body,
    covers,
    unit: (unit) => view.units.get(unit),
    section(query, params, table) {
      if (!covers(query, params)) return { query, table };
      const later = (r: SnapshotRow) => {
        const u = view.units.get(String(r.unit));
        if (!u?.laterFigure) return false;
        return query.name === 'dti_ranking' || String(r.indicator_code) in u.changedComponents;
      };
      const group = typeof params.group === 'string' ? params.group : '';
      const rows = query.name === 'dti_ranking'
        ? view.publication.ranking.filter((r) => group === '' || r.ranking_group === group)
        : view.publication.scorecards;
      const marked = rows.some(later);
      const withMark = marked ? rows.map((r) => ({ ...r, [LATER_FIGURE]: later(r) ? words.later : null })) : rows;
      return {
        query: marked ? { ...query, columns: [...query.columns, { name: LATER_FIGURE, vi: WORDS.vi.header, en: WORDS.en.header }] } : query,
        table: tableOf(table, withMark, marked),
      };
    },
  };
}

/** How a cell of the live answer's type is rebuilt from the value JSON kept it as. */
function cellFor(type: DataType): (v: SnapshotRow[string]) => unknown {
  if (type.typeId === Type.Int) return (type as Int).bitWidth === 64 ? (v) => BigInt(Math.trunc(Number(v))) : Number;
  if (type.typeId === Type.Float || type.typeId === Type.Decimal) return Number;
  if (type.typeId === Type.Bool) return (v) => v === true || v === 'true';
  if (type.typeId === Type.Timestamp) return (v) => Date.parse(String(v));
  if (type.typeId === Type.Date) return (v) => new Date(String(v));
  return String;
}

/** Arrow types the pages' tables are built of (as the engines build them); anything else as text. */
function plainType(type: DataType): DataType {
  switch (type.typeId) {
    case Type.Int: return (type as Int).bitWidth === 64 ? new Int64() : new Int32();
    case Type.Float: case Type.Decimal: return new Float64();
    case Type.Bool: return new Bool();
    case Type.Timestamp: return new TimestampMillisecond();
    case Type.Date: return new DateDay();
    default: return new Utf8();
  }
}

/**
 * The published rows in the live answer's columns and types (so a leader's answer leaves out
 * what the live one leaves out: the analysts' columns), and the mark's column when asked.
 */
function tableOf(live: Table, rows: SnapshotRow[], withMark: boolean): Table {
  const fields = live.schema.fields.map((f) => new Field(f.name, plainType(f.type), true));
  if (withMark) fields.push(new Field(LATER_FIGURE, new Utf8(), true));
  const columns = Object.fromEntries(fields.map((f) => {
    const cell = cellFor(f.type);
    return [f.name, vectorFromArray(rows.map((r) => (r[f.name] === null || r[f.name] === undefined ? null : cell(r[f.name]!))), f.type)];
  }));
  return new Table(columns);
}
