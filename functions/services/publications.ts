import { isDate } from '../domain/dates.ts';
import { CANONICAL_PERIOD } from '../domain/ingest/parsePeriod.ts';
import { lakeKeys, TABLE_LOCATIONS } from '../domain/lakeKeys.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import { PUBLICATIONS_COLUMNS } from '../../schemas/records.ts';
import { readParquetRows } from '../adapters/parquet/readParquet.ts';
import { toColumns, writeParquetTable } from '../adapters/parquet/writeParquet.ts';

/** A row of a saved query's answer, as JSON carries it. */
export type SnapshotRow = Record<string, string | number | boolean | null>;
/** Runs a saved query with its parameters (resolved) over the current lake: dti_ranking, dti_scorecards. */
export type ReadQuery = (name: string, params: Record<string, string>) => Promise<SnapshotRow[]>;

/** The decision that publishes a period's results. */
export interface Decision {
  number: string;
  /** YYYY-MM-DD. */
  date: string;
  /** "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ": heads the annex. */
  issuingBody: string;
  note?: string | null;
}

export interface PublicationSummary {
  publication_id: string;
  period: string;
  version: number;
  decision_number: string;
  decision_date: string;
  issuing_body: string;
  note: string | null;
  published_by: string;
  published_by_name: string;
  published_at: string;
  registry_version: string | null;
  lake_version: string | null;
  /** Units in the ranking (ranked or not). */
  units: number;
}

/** A publication whole: the ranking (every group, the units not ranked) and every unit's score card, frozen. */
export interface Publication extends PublicationSummary {
  ranking: SnapshotRow[];
  scorecards: SnapshotRow[];
}

/** What a leader's page shows for one unit of a published period. */
export interface PublishedUnit {
  published: SnapshotRow;
  /** The figure the lake gives today, when it differs from the published one (else null). */
  current: SnapshotRow | null;
  /** A value corrected after publication: "có số liệu mới hơn". */
  laterFigure: boolean;
  /** Components whose points changed since: indicator code → [published, current]. */
  changedComponents: Record<string, [number | null, number | null]>;
}

export interface PublishedView {
  publication: Publication;
  /** "Đã công bố theo Quyết định số 469/QĐ-UBND ngày 12/02/2026". */
  noteVi: string;
  noteEn: string;
  units: Map<string, PublishedUnit>;
  /** Units the lake scores today that the publication did not list. */
  unitsSince: string[];
}

/** A request to publish that cannot be honoured: said in both languages, nothing written. */
export class PublicationError extends Error {
  constructor(readonly code: string, readonly vi: string, readonly en: string, readonly status = 400) {
    super(`${vi} / ${en}`);
    this.name = 'PublicationError';
  }
}

export interface Publisher { id: string; name: string }

export interface PublicationsService {
  publish(period: string, decision: Decision, by: Publisher): Promise<Publication>;
  /** Every version, newest first (of one period, or of all). */
  list(period?: string): Promise<PublicationSummary[]>;
  /** A version of a period (the latest when none is named), or null. */
  get(period: string, version?: number): Promise<Publication | null>;
  /** The latest publication of a period beside today's figures, for leaders' pages; null when never published. */
  publishedFor(period: string): Promise<PublishedView | null>;
  /** Today's figures shaped as a publication (version 0), for a draft annex: nothing is written. */
  draft(period: string, decision: Partial<Decision>): Promise<Publication | { error: PublicationError }>;
}

const FILE = /^(.+)-v(\d{3,})\.parquet$/;
const MAX_TEXT = 200;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? new Date(Number(v)).toISOString() : new Date(String(v)).toISOString());
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
const ddmmyyyy = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
export const publicationId = (period: string, version: number) => `${period}-v${String(version).padStart(3, '0')}`;

/** "Đã công bố theo Quyết định số … ngày dd/mm/yyyy" and its English. */
export function publishedNote(p: Pick<PublicationSummary, 'decision_number' | 'decision_date'>): { vi: string; en: string } {
  return {
    vi: `Đã công bố theo Quyết định số ${p.decision_number} ngày ${ddmmyyyy(p.decision_date)}`,
    en: `Published by Decision No. ${p.decision_number} of ${ddmmyyyy(p.decision_date)}`,
  };
}

/** The decision's fields checked, every problem at once; null when fine. */
export function checkDecision(period: string, d: Partial<Decision>): PublicationError | null {
  const problems: [string, string][] = [];
  if (!CANONICAL_PERIOD.test(period)) problems.push([`kỳ "${period}" không hợp lệ (ví dụ 2026-Q3)`, `period "${period}" is not valid (e.g. 2026-Q3)`]);
  const number = (d.number ?? '').trim();
  if (!number || number.length > 60) problems.push(['thiếu số quyết định (ví dụ 469/QĐ-UBND), tối đa 60 ký tự', 'the decision number is missing (e.g. 469/QĐ-UBND), 60 characters at most']);
  if (!isDate((d.date ?? '').trim())) problems.push([`ngày quyết định "${d.date ?? ''}" phải là ngày có thật dạng YYYY-MM-DD`, `decision date "${d.date ?? ''}" must be a real date YYYY-MM-DD`]);
  const body = (d.issuingBody ?? '').trim();
  if (!body || body.length > MAX_TEXT) problems.push(['thiếu cơ quan ban hành (ví dụ ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ)', 'the issuing body is missing (e.g. ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ)']);
  if ((d.note ?? '').length > 1000) problems.push(['ghi chú quá dài (tối đa 1.000 ký tự)', 'the note is too long (1,000 characters at most)']);
  if (problems.length === 0) return null;
  return new PublicationError('INVALID_DECISION', problems.map(([vi]) => vi).join('; '), problems.map(([, en]) => en).join('; '));
}

function fromRow(r: Record<string, unknown>): Publication {
  const ranking = JSON.parse(String(r.ranking_json)) as SnapshotRow[];
  return {
    publication_id: String(r.publication_id), period: String(r.period), version: Number(r.version),
    decision_number: String(r.decision_number), decision_date: String(r.decision_date), issuing_body: String(r.issuing_body),
    note: text(r.note), published_by: String(r.published_by), published_by_name: String(r.published_by_name), published_at: iso(r.published_at),
    registry_version: text(r.registry_version), lake_version: text(r.lake_version), units: ranking.length,
    ranking, scorecards: JSON.parse(String(r.scorecards_json)) as SnapshotRow[],
  };
}

const summaryOf = ({ ranking: _r, scorecards: _s, ...summary }: Publication): PublicationSummary => summary;

/**
 * Publications of DTI results, kept as rows of the `publications` table: one immutable file per
 * version, named by period and version so a listing alone says what exists, and two publishers
 * racing for the same version cannot both win (the second takes the next number).
 */
export function createPublications(deps: {
  store: ObjectStore;
  now: () => Date;
  read: ReadQuery;
  registryVersion?: () => string | null;
  lakeVersion?: () => Promise<string | null>;
}): PublicationsService {
  // Versions never change once written: a read one is kept (a few, they may be large).
  const kept = new Map<string, Publication>();

  async function versions(): Promise<{ period: string; version: number; key: string }[]> {
    const found: { period: string; version: number; key: string }[] = [];
    for await (const o of deps.store.list(TABLE_LOCATIONS.publications)) {
      const m = FILE.exec(o.key.slice(TABLE_LOCATIONS.publications.length));
      if (m) found.push({ period: m[1]!, version: Number(m[2]), key: o.key });
    }
    return found.sort((a, b) => b.period.localeCompare(a.period) || b.version - a.version);
  }

  async function readVersion(key: string): Promise<Publication | null> {
    const cached = kept.get(key);
    if (cached) return cached;
    const bytes = await deps.store.get(key);
    if (!bytes) return null;
    const [row] = await readParquetRows(bytes);
    if (!row) return null;
    const publication = fromRow(row);
    if (kept.size >= 16) kept.delete(kept.keys().next().value!);
    kept.set(key, publication);
    return publication;
  }

  async function get(period: string, version?: number): Promise<Publication | null> {
    const found = (await versions()).find((v) => v.period === period && (version === undefined || v.version === version));
    return found ? readVersion(found.key) : null;
  }

  return {
    async publish(period, decision, by) {
      const invalid = checkDecision(period, decision);
      if (invalid) throw invalid;
      const [ranking, scorecards] = await Promise.all([deps.read('dti_ranking', { period, group: '' }), deps.read('dti_scorecards', { period })]);
      if (ranking.length === 0) throw new PublicationError('NOTHING_TO_PUBLISH', `kỳ ${period} chưa có đơn vị nào được chấm điểm`, `no unit is scored for ${period}`, 409);
      const publishedAt = deps.now();
      const lakeVersion = (await deps.lakeVersion?.()) ?? null;
      // Two publishers at once: the second finds its number taken and takes the next.
      for (let attempt = 0; attempt < 5; attempt++) {
        const version = ((await versions()).find((v) => v.period === period)?.version ?? 0) + 1;
        const publication: Publication = {
          publication_id: publicationId(period, version), period, version,
          decision_number: decision.number.trim(), decision_date: decision.date.trim(), issuing_body: decision.issuingBody.trim(), note: decision.note?.trim() || null,
          published_by: by.id, published_by_name: by.name, published_at: publishedAt.toISOString(),
          registry_version: deps.registryVersion?.() ?? null, lake_version: lakeVersion, units: ranking.length, ranking, scorecards,
        };
        const row = { ...summaryOf(publication), published_at: publishedAt, ranking_json: JSON.stringify(ranking), scorecards_json: JSON.stringify(scorecards) };
        try {
          await deps.store.put(lakeKeys.row('publications', publication.publication_id), writeParquetTable(PUBLICATIONS_COLUMNS, toColumns(PUBLICATIONS_COLUMNS, [row])), { ifAbsent: true });
        } catch (error) {
          if (error instanceof ObjectExistsError) continue;
          throw error;
        }
        await deps.store.put(lakeKeys.lakeVersion, `publications-${publication.publication_id}-${publishedAt.getTime()}`);
        return publication;
      }
      throw new PublicationError('BUSY', 'nhiều người đang công bố cùng lúc; hãy thử lại', 'several people are publishing at once; try again', 409);
    },

    async list(period) {
      const found = (await versions()).filter((v) => period === undefined || v.period === period);
      const summaries: PublicationSummary[] = [];
      for (const v of found) {
        const p = await readVersion(v.key);
        if (p) summaries.push(summaryOf(p));
      }
      return summaries;
    },

    get,

    async draft(period, decision) {
      if (!CANONICAL_PERIOD.test(period)) return { error: new PublicationError('INVALID_PERIOD', `kỳ "${period}" không hợp lệ`, `period "${period}" is not valid`) };
      const date = (decision.date ?? '').trim();
      if (date && !isDate(date)) return { error: new PublicationError('INVALID_DECISION', `ngày quyết định "${date}" phải là ngày có thật dạng YYYY-MM-DD`, `decision date "${date}" must be a real date YYYY-MM-DD`) };
      const [ranking, scorecards] = await Promise.all([deps.read('dti_ranking', { period, group: '' }), deps.read('dti_scorecards', { period })]);
      return {
        publication_id: `${period}-du-thao`, period, version: 0,
        decision_number: (decision.number ?? '').trim().slice(0, 60), decision_date: date, issuing_body: (decision.issuingBody ?? '').trim().slice(0, MAX_TEXT), note: null,
        published_by: '', published_by_name: '', published_at: deps.now().toISOString(), registry_version: deps.registryVersion?.() ?? null, lake_version: null,
        units: ranking.length, ranking, scorecards,
      };
    },

    async publishedFor(period) {
      const publication = await get(period);
      if (!publication) return null;
      const [ranking, scorecards] = await Promise.all([deps.read('dti_ranking', { period, group: '' }), deps.read('dti_scorecards', { period })]);
      const currentByUnit = new Map(ranking.map((r) => [String(r.unit), r]));
      const currentPoints = new Map(scorecards.map((r) => [`${r.unit}|${r.indicator_code}`, num(r.points)]));
      const changed = new Map<string, Record<string, [number | null, number | null]>>();
      for (const c of publication.scorecards) {
        const key = `${c.unit}|${c.indicator_code}`;
        const before = num(c.points);
        const now = currentPoints.has(key) ? currentPoints.get(key)! : null;
        if (before === now || (before !== null && now !== null && Math.abs(before - now) < 0.005)) continue;
        const unit = String(c.unit);
        changed.set(unit, { ...(changed.get(unit) ?? {}), [String(c.indicator_code)]: [before, now] });
      }
      const units = new Map<string, PublishedUnit>();
      for (const published of publication.ranking) {
        const unit = String(published.unit);
        const current = currentByUnit.get(unit) ?? null;
        const totalMoved = num(published.total_points) !== num(current?.total_points);
        const changedComponents = changed.get(unit) ?? {};
        const laterFigure = totalMoved || Object.keys(changedComponents).length > 0;
        units.set(unit, { published, current: laterFigure ? current : null, laterFigure, changedComponents });
      }
      const note = publishedNote(publication);
      return { publication, noteVi: note.vi, noteEn: note.en, units, unitsSince: [...currentByUnit.keys()].filter((u) => !units.has(u)) };
    },
  };
}
