import { html, raw } from 'hono/html';
import { CANONICAL_PERIOD, periodEnd } from '../../domain/ingest/parsePeriod.ts';
import type { HttpDeps } from '../context.ts';
import { toRows } from '../tableRows.ts';
import { periodLabel, type Lang } from './renderPages.ts';

/**
 * The periods that have data, newest first, from the saved query `periods_with_data`: what a
 * period field offers (a code typed by hand, or a quarter with nothing in it, helps no one).
 * Read once per lake version.
 */
export function periodsWithData(deps: Pick<HttpDeps, 'queries' | 'runner'>): () => Promise<string[]> {
  let known: { version: string; periods: string[] } | null = null;
  return async () => {
    const version = await deps.runner.lakeVersion();
    if (known?.version === version) return known.periods;
    const query = deps.queries.get('periods_with_data');
    const rows = query ? toRows((await deps.runner.run(query, {})).table) : [];
    const periods = [...new Set(rows.map((r) => String(r.period)).filter((p) => CANONICAL_PERIOD.test(p)))]
      .sort((a, b) => periodEnd(b).localeCompare(periodEnd(a)) || b.localeCompare(a));
    known = { version, periods };
    return periods;
  };
}

/**
 * A period select labelled as reports name periods ("Quý III/2026"), never a code; a chosen
 * period without data (from a link) stays chosen, listed first.
 */
export function periodSelect(id: string, name: string, periods: readonly string[], chosen: string, lang: Lang) {
  const list = !chosen || periods.includes(chosen) ? periods : [chosen, ...periods];
  return html`<select id="${id}" name="${name}" required>${list.map((p) => html`<option value="${p}"${p === chosen ? raw(' selected') : ''}>${periodLabel(p, lang)}</option>`)}</select>`;
}
