import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { CANONICAL_PERIOD, parsePeriod } from '../../domain/ingest/parsePeriod.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { parseDayMonthYear } from '../../domain/parseDayMonthYear.ts';
import { checkDecision, PublicationError, publishedNote, type PublishedView, type SnapshotRow } from '../../services/publications.ts';
import { annexResponse, publicationsFor } from '../api/publications.ts';
import { pagePrincipal } from '../auth.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { pointsVi } from '../pdf/annexModel.ts';
import { periodSelect, periodsWithData } from './periodPicker.ts';
import { formatDate, formatNumber, renderNotice, renderPage } from './renderPages.ts';

/**
 * /cong-bo: an analyst or administrator publishes a period's DTI results by a decision (a frozen
 * snapshot), sees every version, and downloads each version's annex (.pdf, .xlsx) or a draft.
 */
const T = {
  title: 'Công bố kết quả chỉ số chuyển đổi số', forbidden: 'Trang này dành cho chuyên viên phân tích hoặc quản trị.',
  lead: 'Công bố chốt lại bảng xếp hạng và phiếu điểm của mọi đơn vị theo quyết định; số liệu sửa sau đó không làm thay đổi bản đã công bố. Công bố lại sẽ tạo phiên bản mới.',
  period: 'Kỳ báo cáo', number: 'Số quyết định', date: 'Ngày quyết định (ngày/tháng/năm)', body: 'Cơ quan ban hành', note: 'Ghi chú (ví dụ: đính chính)', publish: 'Công bố',
  versions: 'Các phiên bản đã công bố', none: 'Kỳ này chưa được công bố.', version: 'Phiên bản', by: 'Người công bố', at: 'Lúc', units: 'Số đơn vị', annex: 'Phụ lục',
  draft: 'Phụ lục dự thảo (số liệu hiện tại)', done: (v: number) => `Đã công bố phiên bản ${v}.`, badPeriod: 'Kỳ báo cáo không hợp lệ (ví dụ Quý III/2026).', show: 'Xem',
  compare: (v: number) => `Số liệu công bố (phiên bản ${v}) và số liệu hiện tại`,
  compareLead: 'Lãnh đạo xem số liệu đã công bố; số liệu sửa sau công bố được ghi "có số liệu mới hơn" bên cạnh. Dưới đây là cả hai số, theo từng đơn vị.',
  changedCount: (n: number) => (n === 0 ? 'Không đơn vị nào có số liệu thay đổi sau công bố.' : `${n} đơn vị có số liệu thay đổi sau công bố (tô màu, ghi "Đã thay đổi").`),
  unit: 'Đơn vị', group: 'Nhóm xếp hạng', rank: 'Hạng công bố', published: 'Tổng điểm công bố', current: 'Tổng điểm hiện tại', currentRank: 'Hạng hiện tại',
  what: 'Thay đổi', changed: 'Đã thay đổi', same: 'Không đổi', notScored: 'không còn được chấm', since: (names: string) => `Đơn vị có điểm hiện nay nhưng không có trong bản công bố: ${names}.`,
};

export function registerPublicationRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function publisher(c: Context) {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect('/login?next=/q', 303);
    if (who.role !== 'analyst' && who.role !== 'admin') return c.html(renderNotice('vi', T.title, T.forbidden), 403);
    c.header('Cache-Control', 'private, no-store');
    return who;
  }
  const periodOf = (raw: string) => (CANONICAL_PERIOD.test(raw) ? raw : parsePeriod(raw, { strict: true }));
  const withData = periodsWithData(deps);

  async function render(period: string, values: Record<string, string>, notice: unknown = '') {
    const versions = await publicationsFor(deps).list(period);
    const q = `/cong-bo/${period}/phu-luc`;
    const periods = await withData();
    return renderPage({ lang: 'vi', title: T.title, home: '/q', signOut: true, otherLangUrl: null }, html`<h1>${T.title}</h1><p class="lead">${T.lead}</p>${notice}
<form class="params" method="get" action="/cong-bo"><div class="field"><label for="p">${T.period}</label>${periodSelect('p', 'period', periods, period, 'vi')}</div><button type="submit">${T.show}</button></form>
<h2>${periodLabelVi(period)}</h2>
<form class="params" method="post" action="/cong-bo?period=${period}">
<div class="field"><label for="n">${T.number}</label><input id="n" name="decision_number" value="${values.decision_number ?? ''}" required></div>
<div class="field"><label for="d">${T.date}</label><input id="d" name="decision_date" value="${values.decision_date ?? formatDate(deps.today())}" inputmode="numeric" placeholder="04/12/2026" required></div>
<div class="field wide"><label for="b">${T.body}</label><input id="b" name="issuing_body" value="${values.issuing_body ?? versions[0]?.issuing_body ?? ''}" required></div>
<div class="field wide"><label for="o">${T.note}</label><input id="o" name="note" value="${values.note ?? ''}"></div>
<button type="submit">${T.publish}</button></form>
<p class="downloads"><a href="${q}?format=pdf&draft=1">${T.draft} (PDF)</a> <a href="${q}?format=xlsx&draft=1">${T.draft} (Excel)</a></p>
<h2>${T.versions}</h2>
${versions.length === 0 ? html`<p>${T.none}</p>` : html`<div class="scroll"><table class="cards"><thead><tr><th>${T.version}</th><th>Quyết định</th><th>${T.by}</th><th>${T.at}</th><th class="num">${T.units}</th><th>${T.annex}</th></tr></thead><tbody>
${versions.map((v) => html`<tr data-version="${v.version}"><td data-label="${T.version}">${v.version}</td><td data-label="Quyết định">${publishedNote(v).vi}${v.note ? html`<br>${v.note}` : ''}</td><td data-label="${T.by}">${v.published_by_name}</td><td data-label="${T.at}">${formatDate(deps.localTime(v.published_at))}</td><td class="num" data-label="${T.units}">${formatNumber(v.units, 'vi')}</td>
<td data-label="${T.annex}"><a href="${q}?format=pdf&version=${v.version}">PDF</a> · <a href="${q}?format=xlsx&version=${v.version}">Excel</a></td></tr>`)}
</tbody></table></div>`}
${versions.length ? comparison(await publicationsFor(deps).publishedFor(period)) : ''}`);
  }

  /** The latest version beside today's figures, unit by unit: what a leader reads, and what has been corrected since. */
  function comparison(view: PublishedView | null) {
    if (!view) return '';
    // Points as the decision writes them: two decimals (825,61).
    const points = (r: SnapshotRow | null | undefined) => (typeof r?.total_points === 'number' ? pointsVi(r.total_points) : '–');
    const rank = (r: SnapshotRow | null | undefined) => (typeof r?.rank === 'number' ? String(r.rank) : '–');
    const names = new Map(view.publication.scorecards.map((c) => [String(c.indicator_code), String(c.indicator_name ?? c.indicator_code)]));
    const rows = [...view.units.entries()];
    const changed = rows.filter(([, u]) => u.laterFigure).length;
    const componentText = (components: Record<string, [number | null, number | null]>) => Object.entries(components)
      .map(([code, [before, now]]) => `${names.get(code) ?? code}: ${before === null ? '–' : pointsVi(before)} → ${now === null ? '–' : pointsVi(now)}`).join('; ');
    const unitNames = new Map(deps.catalog.catalog.units.map((u) => [u.code, u.nameVi]));
    return html`<h2>${T.compare(view.publication.version)}</h2><p class="lead">${T.compareLead}</p><p role="status" data-changed-count="${changed}">${T.changedCount(changed)}</p>
<div class="scroll"><table class="cards" data-compare><thead><tr><th>${T.unit}</th><th>${T.group}</th><th class="num">${T.rank}</th><th class="num">${T.published}</th><th class="num">${T.current}</th><th class="num">${T.currentRank}</th><th>${T.what}</th></tr></thead><tbody>
${rows.map(([unit, u]) => {
      // Unchanged: today's figure is the published one.
      const now = u.laterFigure ? u.current : u.published;
      return html`<tr data-unit="${unit}" data-changed="${u.laterFigure ? 'yes' : 'no'}"${u.laterFigure ? html` class="changed"` : ''}><td data-label="${T.unit}">${u.published.unit_name}</td><td data-label="${T.group}">${u.published.ranking_group_name ?? '–'}</td>
<td class="num" data-label="${T.rank}">${rank(u.published)}</td><td class="num" data-label="${T.published}" data-published>${points(u.published)}</td><td class="num" data-label="${T.current}" data-current>${u.laterFigure && !u.current ? T.notScored : points(now)}</td><td class="num" data-label="${T.currentRank}">${rank(now)}</td>
<td data-label="${T.what}">${u.laterFigure ? html`<strong>${T.changed}</strong>${Object.keys(u.changedComponents).length ? html`<br>${componentText(u.changedComponents)}` : ''}` : T.same}</td></tr>`;
    })}
</tbody></table></div>${view.unitsSince.length ? html`<p class="registry-note" role="note">${T.since(view.unitsSince.map((c) => unitNames.get(c) ?? c).join(', '))}</p>` : ''}`;
  }

  app.get('/cong-bo', async (c) => {
    const who = await publisher(c);
    if (who instanceof Response) return who;
    // Unasked: the latest period with data (this quarter only when nothing has data yet).
    const period = periodOf((c.req.query('period') ?? '').trim() || ((await withData())[0] ?? `${deps.today().slice(0, 4)}-Q${Math.ceil(Number(deps.today().slice(5, 7)) / 3)}`));
    if (!period) return c.html(renderNotice('vi', T.title, T.badPeriod), 400);
    const done = Number(c.req.query('v'));
    return c.html(await render(period, {}, done ? html`<p class="confirm" role="status">${T.done(done)}</p>` : ''));
  });

  // The annex behind the page's session (the API's takes a bearer token).
  app.get('/cong-bo/:period/phu-luc', async (c) => {
    const who = await publisher(c);
    if (who instanceof Response) return who;
    return annexResponse(c, deps);
  });

  app.post('/cong-bo', async (c) => {
    const who = await publisher(c);
    if (who instanceof Response) return who;
    if (!sameOrigin(c, deps)) return c.html(renderNotice('vi', T.title, T.forbidden), 403);
    const period = periodOf((c.req.query('period') ?? '').trim());
    if (!period) return c.html(renderNotice('vi', T.title, T.badPeriod), 400);
    const form = await c.req.parseBody();
    const values = Object.fromEntries(['decision_number', 'decision_date', 'issuing_body', 'note'].map((k) => [k, typeof form[k] === 'string' ? (form[k] as string) : '']));
    const refuse = async (vi: string) => c.html(await render(period, values, html`<div class="notice" role="alert"><p>${vi}.</p></div>`), 422);
    // Typed as people here write it (04/12/2026), kept as ISO; a day that does not exist is said so, with the form's other problems.
    const day = parseDayMonthYear(values.decision_date!);
    const decision = { number: values.decision_number!, date: 'date' in day ? day.date : '', issuingBody: values.issuing_body!, note: values.note || null };
    if (!('date' in day)) {
      const others = checkDecision(period, { ...decision, date: '2000-01-01' });
      return refuse([`Ngày quyết định: ${day.vi}`, others?.vi].filter(Boolean).join('; '));
    }
    try {
      const p = await publicationsFor(deps).publish(period, decision, { id: who.id, name: who.name });
      deps.runner.lakeChanged();
      return c.redirect(`/cong-bo?period=${period}&v=${p.version}`, 303);
    } catch (error) {
      if (!(error instanceof PublicationError)) throw error;
      return refuse(error.vi);
    }
  });
}
