import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RegistryProblem } from '../../domain/registry/problems.ts';
import type { Unit } from '../../domain/types.ts';
import type { LinkRecord } from '../../domain/access/signedLinks.ts';
import type { TokenStatus } from '../../services/accessStore.ts';
import type { AuditEntry } from '../../services/audit.ts';
import type { RegistryChanges } from '../../services/registry.ts';
import type { SettingChange, SettingKey } from '../../services/settings.ts';
import { auditFacts, roleName, SETTING_LABELS, settingName, valueWords, type AuditFacts } from './adminWords.ts';
import { formatDate, formatNumber, periodLabel, renderPage, type Lang } from './renderPages.ts';

export { roleName };

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** One language per page: the Vietnamese words, or the English ones. */
export const say = (lang: Lang) => (vi: string, en: string) => (lang === 'vi' ? vi : en);

const SECTIONS = [
  { path: '/quan-tri/tai-khoan', vi: 'Tài khoản', en: 'Accounts' },
  { path: '/quan-tri/danh-muc', vi: 'Danh mục đơn vị', en: 'Registry' },
  { path: '/quan-tri/cai-dat', vi: 'Cài đặt', en: 'Settings' },
  { path: '/quan-tri/lien-ket', vi: 'Liên kết lãnh đạo', en: 'Leaders\' links' },
  { path: '/quan-tri/nhat-ky', vi: 'Nhật ký quản trị', en: 'Audit log' },
];

/** The frame of every administrator's page: the four sections, signing out here or everywhere. */
export function adminPage(lang: Lang, path: string, title: string, content: Html, status?: Html): Html {
  const t = say(lang);
  return renderPage({ lang, title, otherLangUrl: `${path}?lang=${lang === 'vi' ? 'en' : 'vi'}`, home: `/quan-tri${lang === 'en' ? '?lang=en' : ''}`, signOut: true }, html`
<nav class="admin-nav" aria-label="${t('Quản trị', 'Administration')}">${SECTIONS.map((s) => html`<a href="${s.path}${lang === 'en' ? '?lang=en' : ''}"${s.path === path ? html` aria-current="page"` : ''}>${s[lang]}</a>`)}</nav>
<h1>${title}</h1>
${status ?? ''}
${content}
<form class="admin-inline signout-all" method="post" action="/logout/all"><button type="submit" class="secondary">${t('Đăng xuất khỏi mọi máy', 'Sign out everywhere')}</button></form>`);
}

export type AccountState = 'active' | 'suspended' | 'expired' | 'revoked';

export function accountState(r: TokenStatus, now: Date): AccountState {
  if (r.revoked_at || r.deleted_at) return 'revoked';
  if (r.suspended_at) return 'suspended';
  if (r.expires_at && Date.parse(r.expires_at) <= now.getTime()) return 'expired';
  return 'active';
}

const STATE_WORDS = {
  vi: { active: 'Đang dùng', suspended: 'Tạm khoá', expired: 'Hết hạn', revoked: 'Đã thu hồi' },
  en: { active: 'Active', suspended: 'Suspended', expired: 'Expired', revoked: 'Revoked' },
};

export interface AccountRow {
  account: TokenStatus;
  state: AccountState;
  unit: Unit | null;
  /** The unit ceased in the registry (or is no longer in it): the account should go. */
  ceased: boolean;
}

const when = (local: string) => (local ? formatDate(local) : '–');

/** The accounts by unit, each with what can be done to it (small forms: no script). */
export function accountsPage(lang: Lang, groups: { title: string; ceased: boolean; rows: AccountRow[] }[], units: Unit[], localTime: (at: string | null | undefined) => string, status?: Html): Html {
  const t = say(lang);
  const total = groups.reduce((n, g) => n + g.rows.length, 0);
  const action = (id: string, path: string, label: string, cls = 'secondary') =>
    html`<form class="admin-inline" method="post" action="/quan-tri/tai-khoan/${id}/${path}"><button type="submit" class="${cls}">${label}</button></form>`;
  return adminPage(lang, '/quan-tri/tai-khoan', t('Tài khoản', 'Accounts'), html`
<section class="admin-card">
<h2>${t('Tạo tài khoản cho mọi đơn vị báo cáo', 'Accounts for every reporting unit')}</h2>
<p>${t('Mỗi đơn vị báo cáo đang hoạt động trong danh mục mà chưa có tài khoản cán bộ sẽ được cấp một tài khoản; mã hiện một lần, kèm phiếu in (PDF, mỗi đơn vị một trang) và danh sách e-mail (CSV).', 'Every reporting unit in force in the registry without a clerk\'s account gets one; the codes are shown once, with printable sheets (a PDF, one page per unit) and a list of e-mail addresses (CSV).')}</p>
<form class="admin-form" method="post" action="/quan-tri/tai-khoan/tat-ca">
<label class="check"><input type="checkbox" name="heads" value="yes"> ${t('Kèm một tài khoản lãnh đạo cho mỗi đơn vị (duyệt báo cáo)', 'With a head\'s account for each unit (approves reports)')}</label>
<label>${t('Hiệu lực (ngày)', 'Valid for (days)')} <input type="number" name="days" min="1" max="3650" value="365" inputmode="numeric"></label>
<button type="submit">${t('Tạo tài khoản cho mọi đơn vị', 'Create accounts for every unit')}</button>
</form>
</section>
<section class="admin-card">
<h2>${t('Tạo một tài khoản', 'Create one account')}</h2>
<form class="admin-form" method="post" action="/quan-tri/tai-khoan">
<label>${t('Vai trò', 'Role')} <select name="role">${['staff', 'head', 'analyst', 'appraiser', 'admin', 'machine'].map((r) => html`<option value="${r}">${roleName(r, lang)}</option>`)}</select></label>
<label>${t('Đơn vị (cán bộ, lãnh đạo)', 'Unit (clerk, head)')} <select name="unit"><option value="">${t('— không (chuyên viên, quản trị) —', '— none (analyst, administrator) —')}</option>${units.map((u) => html`<option value="${u.code}">${lang === 'vi' ? u.nameVi : u.nameEn || u.nameVi}</option>`)}</select></label>
<label>${t('Họ tên người giữ', 'Holder\'s name')} <input name="name" required maxlength="120" autocomplete="off"></label>
<label>${t('Tài khoản máy: truy vấn được chia sẻ (cách nhau dấu phẩy)', 'Machine account: queries shared (comma-separated)')} <input name="queries" maxlength="1000" autocomplete="off" placeholder="dti_ranking,dti_scorecards"></label>
<label>${t('Tài khoản máy: mã đơn vị (cách nhau dấu phẩy, hoặc all)', 'Machine account: unit codes (comma-separated, or all)')} <input name="units" maxlength="4000" autocomplete="off" placeholder="all"></label>
<label>E-mail <input type="email" name="email" maxlength="200" autocomplete="off"></label>
<label>${t('Hiệu lực (ngày)', 'Valid for (days)')} <input type="number" name="days" min="1" max="3650" value="365" inputmode="numeric"></label>
<button type="submit">${t('Tạo tài khoản', 'Create the account')}</button>
</form>
</section>
<h2>${t(`Danh sách (${formatNumber(total, lang)} tài khoản)`, `All accounts (${formatNumber(total, lang)})`)}</h2>
${groups.map((g) => html`<section class="admin-group${g.ceased ? ' ceased' : ''}"><h3>${g.title}${g.ceased ? html` <span class="flag">${t('Đơn vị đã thôi hoạt động trong danh mục: hãy xoá các tài khoản này', 'The unit ceased in the registry: delete these accounts')}</span>` : ''}</h3>
<div class="scroll cards"><table class="cards accounts"><thead><tr><th>${t('Người giữ', 'Holder')}</th><th>${t('Vai trò', 'Role')}</th><th>E-mail</th><th>${t('Tạo', 'Created')}</th><th>${t('Dùng lần cuối', 'Last used')}</th><th>${t('Hết hạn', 'Expires')}</th><th>${t('Tình trạng', 'Status')}</th><th>${t('Thao tác', 'Actions')}</th></tr></thead><tbody>
${g.rows.map(({ account: a, state }) => html`<tr data-account="${a.id}"><td data-label="${t('Người giữ', 'Holder')}">${a.name}</td><td data-label="${t('Vai trò', 'Role')}">${roleName(a.role, lang)}</td><td data-label="E-mail">${a.email ?? '–'}</td>
<td data-label="${t('Tạo', 'Created')}">${when(localTime(a.created_at))}</td><td data-label="${t('Dùng lần cuối', 'Last used')}">${when(localTime(a.last_used_at))}</td><td data-label="${t('Hết hạn', 'Expires')}">${a.expires_at ? when(localTime(a.expires_at)) : t('không hạn', 'never')}</td>
<td data-label="${t('Tình trạng', 'Status')}" class="state ${state}">${STATE_WORDS[lang][state]}</td>
<td data-label="${t('Thao tác', 'Actions')}" class="actions">${state === 'revoked' ? '' : html`${action(a.id, 'cap-lai', t('Cấp lại mã', 'Re-issue'))}${state === 'suspended' ? action(a.id, 'mo-khoa', t('Mở khoá', 'Resume')) : action(a.id, 'tam-khoa', t('Tạm khoá', 'Suspend'))}${action(a.id, 'gia-han', t('Gia hạn 1 năm', 'Renew a year'))}`}${action(a.id, 'xoa', t('Xoá', 'Delete'), 'danger')}</td></tr>`)}
</tbody></table></div></section>`)}`, status);
}

export interface IssuedCode { unitName: string; holder: string; role: string; code: string; expires: string }

/** Codes just made: shown this once, with the sheets and the e-mail list made from them. */
export function codesPage(lang: Lang, issued: IssuedCode[], note?: string): Html {
  const t = say(lang);
  const hidden = html`${issued.map((i) => html`<input type="hidden" name="code" value="${i.code}">`)}`;
  return adminPage(lang, '/quan-tri/tai-khoan', t('Mã đăng nhập mới', 'New sign-in codes'), html`
<p class="admin-warn" role="status">${t(`${formatNumber(issued.length, lang)} mã mới. Mã chỉ hiện lần này và chỉ được lưu dưới dạng băm: hãy tải phiếu in hoặc danh sách e-mail ngay.`, `${formatNumber(issued.length, lang)} new codes. They are shown this once and kept only hashed: download the sheets or the e-mail list now.`)}</p>
${note ? html`<p>${note}</p>` : ''}
<div class="admin-downloads">
<form method="post" action="/quan-tri/tai-khoan/phieu.pdf">${hidden}<button type="submit">${t('Tải phiếu in (PDF, mỗi đơn vị một trang)', 'Download the sheets (PDF, a page per unit)')}</button></form>
<form method="post" action="/quan-tri/tai-khoan/email.csv">${hidden}<button type="submit" class="secondary">${t('Tải danh sách e-mail (CSV)', 'Download the e-mail list (CSV)')}</button></form>
</div>
<div class="scroll cards"><table class="cards codes"><thead><tr><th>${t('Đơn vị', 'Unit')}</th><th>${t('Người giữ', 'Holder')}</th><th>${t('Vai trò', 'Role')}</th><th>${t('Hết hạn', 'Expires')}</th><th>${t('Mã', 'Code')}</th></tr></thead><tbody>
${issued.map((i) => html`<tr><td data-label="${t('Đơn vị', 'Unit')}">${i.unitName}</td><td data-label="${t('Người giữ', 'Holder')}">${i.holder}</td><td data-label="${t('Vai trò', 'Role')}">${roleName(i.role, lang)}</td><td data-label="${t('Hết hạn', 'Expires')}">${i.expires}</td><td data-label="${t('Mã', 'Code')}"><code class="code">${i.code}</code></td></tr>`)}
</tbody></table></div>
<p><a href="/quan-tri/tai-khoan${lang === 'en' ? '?lang=en' : ''}">${t('Về danh sách tài khoản', 'Back to the accounts')}</a></p>`);
}

/**
 * Where the OpenID Connect client secret is kept: on AWS in Secrets Manager (the settings name
 * it); locally in the data folder, typed here once (never shown again, nor in any history).
 */
export type SecretKeeping = { kind: 'secrets-manager' } | { kind: 'state-folder'; set: boolean };

export function settingsPage(lang: Lang, state: { approval: boolean; appliesFrom: string | null; values: Record<SettingKey, string | null>; defaults: Record<SettingKey, string>; secret: SecretKeeping }, history: SettingChange[], localTime: (at: string | null | undefined) => string, status?: Html): Html {
  const t = say(lang);
  const keys = (Object.keys(SETTING_LABELS) as SettingKey[]).filter((k) => k !== 'oidc_client_secret_ref' || state.secret.kind === 'secrets-manager');
  const localSecret = state.secret.kind === 'state-folder' ? html`<section class="admin-card"><h2>${t('Đăng nhập một lần: khoá bí mật (client secret)', 'Single sign-on: client secret')}</h2>
<p class="hint">${t('Giữ trong thư mục dữ liệu của máy này, không ghi vào cài đặt hay nhật ký; không hiện lại sau khi lưu. Để trống và lưu: xoá.', 'Kept in this machine\'s data folder, never in the settings or the logs; not shown again once saved. Save it empty to remove it.')}</p>
<p>${t('Hiện tại', 'Now')}: <strong>${state.secret.set ? t('Đã có', 'Set') : t('Chưa có', 'Not set')}</strong></p>
<form class="admin-form" method="post" action="/quan-tri/cai-dat/oidc-secret">
<label>${t('Khoá bí mật', 'Client secret')} <input type="password" name="secret" maxlength="500" autocomplete="off"></label>
<button type="submit">${t('Lưu', 'Save')}</button></form></section>` : '';
  return adminPage(lang, '/quan-tri/cai-dat', t('Cài đặt', 'Settings'), html`
<section class="admin-card">
<h2>${t('Duyệt báo cáo', 'Approval of reports')}</h2>
<p>${state.approval
    ? t(`Đang BẬT: báo cáo gửi từ ${when(localTime(state.appliesFrom))} chờ lãnh đạo đơn vị duyệt trước khi lãnh đạo tỉnh thấy.`, `ON: reports sent from ${when(localTime(state.appliesFrom))} wait for their unit head before leaders see them.`)
    : t('Đang TẮT: báo cáo hợp lệ được công bố ngay.', 'OFF: accepted reports are published at once.')}</p>
<form class="admin-form" method="post" action="/quan-tri/cai-dat/duyet">
<fieldset><legend>${t('Yêu cầu duyệt', 'Approval required')}</legend>
<label class="check"><input type="radio" name="required" value="on"${state.approval ? ' checked' : ''}> ${t('Bật', 'On')}</label>
<label class="check"><input type="radio" name="required" value="off"${state.approval ? '' : ' checked'}> ${t('Tắt', 'Off')}</label></fieldset>
<fieldset><legend>${t('Khi bật: các báo cáo đã gửi trước đó', 'When turned on: reports sent before')}</legend>
<label class="check"><input type="radio" name="earlier" value="published" checked> ${t('Coi như đã duyệt đến hôm nay (lãnh đạo vẫn thấy như cũ)', 'Count as approved as of today (leaders see them as before)')}</label>
<label class="check"><input type="radio" name="earlier" value="pending"> ${t('Cũng chờ duyệt', 'Wait for approval too')}</label></fieldset>
<label>${t('Ghi chú', 'Note')} <input name="note" maxlength="300"></label>
<button type="submit">${t('Lưu', 'Save')}</button>
</form></section>
${keys.map((key) => {
    const l = SETTING_LABELS[key];
    const value = state.values[key];
    return html`<section class="admin-card"><h2>${l[lang]}</h2><p class="hint">${lang === 'vi' ? l.hintVi : l.hintEn}</p>
<p>${t('Hiện tại', 'Now')}: <strong>${value !== null ? valueWords(value, lang) : `${valueWords(state.defaults[key], lang) || '–'} (${t('mặc định', 'default')})`}</strong></p>
<form class="admin-form" method="post" action="/quan-tri/cai-dat/${key}">
${key === 'reminders'
    ? html`<label>${l[lang]} <select name="value"><option value="on"${value !== 'off' ? ' selected' : ''}>${t('Bật', 'On')}</option><option value="off"${value === 'off' ? ' selected' : ''}>${t('Tắt', 'Off')}</option></select></label>`
    : html`<label>${l[lang]} <input name="value" value="${value ?? ''}" maxlength="200" inputmode="${key === 'utc_offset_hours' ? 'numeric' : key === 'public_url' || key === 'oidc_issuer' ? 'url' : key === 'reminder_from' ? 'email' : 'text'}"></label>`}
<label>${t('Ghi chú', 'Note')} <input name="note" maxlength="300"></label>
<button type="submit">${t('Lưu', 'Save')}</button></form></section>${key === 'oidc_client_id' ? localSecret : ''}`;
  })}
<h2>${t('Lịch sử thay đổi', 'History of changes')}</h2>
<div class="scroll cards"><table class="cards history"><thead><tr><th>${t('Lúc', 'When')}</th><th>${t('Cài đặt', 'Setting')}</th><th>${t('Giá trị', 'Value')}</th><th>${t('Người đổi', 'Who')}</th><th>${t('Ghi chú', 'Note')}</th></tr></thead><tbody>
${[...history].reverse().map((c) => html`<tr><td data-label="${t('Lúc', 'When')}">${when(localTime(c.changed_at))}</td><td data-label="${t('Cài đặt', 'Setting')}">${settingName(c.key, lang)}</td><td data-label="${t('Giá trị', 'Value')}">${c.value ? valueWords(c.value, lang) : t('(mặc định)', '(default)')}${c.applies_from && c.value === 'yes' ? html` — ${t('áp dụng từ', 'from')} ${when(localTime(c.applies_from))}` : ''}</td><td data-label="${t('Người đổi', 'Who')}">${c.changed_by_name}</td><td data-label="${t('Ghi chú', 'Note')}">${c.note ?? ''}</td></tr>`)}
</tbody></table></div>`, status);
}

const ACTION_WORDS: Record<string, { vi: string; en: string }> = {
  'account.create': { vi: 'Tạo tài khoản', en: 'Account created' },
  'accounts.bulk': { vi: 'Tạo tài khoản cho mọi đơn vị', en: 'Accounts for every unit' },
  'account.reissue': { vi: 'Cấp lại mã', en: 'Code re-issued' },
  'account.suspend': { vi: 'Tạm khoá', en: 'Suspended' },
  'account.resume': { vi: 'Mở khoá', en: 'Resumed' },
  'account.renew': { vi: 'Gia hạn', en: 'Renewed' },
  'account.delete': { vi: 'Xoá tài khoản', en: 'Account deleted' },
  'account.revoke': { vi: 'Thu hồi mã', en: 'Code revoked' },
  'registry.import': { vi: 'Nhập danh mục', en: 'Registry imported' },
  'registry.rollback': { vi: 'Quay lại danh mục', en: 'Registry rolled back' },
  'setting.change': { vi: 'Đổi cài đặt', en: 'Setting changed' },
  'link.revoke': { vi: 'Thu hồi liên kết', en: 'Link revoked' },
  'evidence.remove': { vi: 'Gỡ tài liệu kiểm chứng', en: 'Evidence file removed' },
};

export const actionName = (action: string, lang: Lang) => ACTION_WORDS[action]?.[lang] ?? action;

/** What the log's rows name, looked up when the page is shown: the object as what it is, not its id. */
export interface AuditLookups {
  /** An account by id: its holder and unit (deleted and re-issued ones too). */
  account(id: string): { name: string; role: string; unit: string | null } | null;
  unitName(code: string): string | null;
  /** A leader's link by id: its query's title, its period, whom it was for. */
  link(id: string): { query: string; params: Record<string, unknown>; note?: string | null; by_name: string } | null;
  queryTitle(name: string): string | null;
}

/** A registry version (20261204T134320Z-19fe3e85) as the moment it was imported, in local time. */
const versionTime = (version: string) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\d{3})?Z/.exec(version);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null;
};

/** An entry's object and detail in the page's language; its id stays on the object, for whoever needs it. */
export function auditWords(e: AuditEntry, lang: Lang, lookups: AuditLookups, localTime: (at: string | null | undefined) => string): { target: string; detail: string } {
  const t = say(lang);
  const facts: AuditFacts | null = auditFacts(e);
  const n = (v: number) => formatNumber(v, lang);
  const holder = (name: string, unit: string | null, unitName: string | null) => {
    const where = unit ? lookups.unitName(unit) ?? unit : unitName;
    return where ? `${name} — ${where}` : name;
  };
  const raw = facts?.kind === 'text' ? facts.text : e.detail ?? '';
  if (e.action.startsWith('account.')) {
    const record = e.target ? lookups.account(e.target) : null;
    const told = facts?.kind === 'account' ? facts : null;
    const role = record?.role ?? told?.role;
    // `npm start` logs the first administrator it makes as "admin: first start".
    const firstStart = !record && told?.holder === 'first start';
    const target = record ? holder(record.name, record.unit, null) : firstStart ? t('Quản trị viên đầu tiên (lần khởi động đầu)', 'The first administrator (first start)') : told ? holder(told.holder, told.unit, told.unitName) : e.target ?? '–';
    return { target, detail: role ? roleName(role, lang) : raw };
  }
  if (facts?.kind === 'bulk') {
    return { target: t('Mọi đơn vị báo cáo', 'Every reporting unit'), detail: t(`${n(facts.staff)} cán bộ, ${n(facts.head)} lãnh đạo (${n(facts.units)} đơn vị)`, `${n(facts.staff)} clerks, ${n(facts.head)} unit heads (${n(facts.units)} units)`) };
  }
  if (e.action.startsWith('registry.')) {
    const at = e.target ? versionTime(e.target) : null;
    const target = at ? t(`Danh mục nhập lúc ${formatDate(localTime(at))}`, `Registry imported ${formatDate(localTime(at))}`) : e.target ?? '–';
    return { target, detail: facts?.kind === 'units' ? t(`${n(facts.units)} đơn vị`, `${n(facts.units)} units`) : raw };
  }
  if (e.action === 'setting.change') {
    const target = e.target ? settingName(e.target, lang) : '–';
    if (facts?.kind === 'approval') {
      return { target, detail: facts.on ? t(`Bật (báo cáo gửi trước: ${facts.earlier === 'pending' ? 'cũng chờ duyệt' : 'coi như đã duyệt đến hôm nay'})`, `On (reports sent before: ${facts.earlier === 'pending' ? 'wait for approval too' : 'approved as of today'})`) : t('Tắt', 'Off') };
    }
    if (facts?.kind === 'secret') return { target, detail: facts.set ? t('Đã đặt (không ghi lại giá trị)', 'Set (the value is not recorded)') : t('Đã xoá', 'Removed') };
    if (facts?.kind === 'value') return { target, detail: facts.value === null ? t('(mặc định)', '(default)') : valueWords(facts.value, lang) };
    return { target, detail: raw };
  }
  if (e.action === 'link.revoke') {
    const link = e.target ? lookups.link(e.target) : null;
    const told = facts?.kind === 'link' ? facts : null;
    const query = link?.query ?? told?.query;
    const period = typeof link?.params.period === 'string' ? link.params.period : null;
    const title = query ? [lookups.queryTitle(query) ?? query, period ? periodLabel(period, lang) : null, link?.note || null].filter(Boolean).join(' — ') : e.target ?? '–';
    const by = link?.by_name ?? told?.byName;
    return { target: title, detail: by ? t(`Do ${by} tạo`, `Made by ${by}`) : raw };
  }
  if (e.action === 'evidence.remove') {
    // unit/period/component/file id
    const [unit, period, component] = (e.target ?? '').split('/');
    const target = unit && period ? [lookups.unitName(unit) ?? unit, periodLabel(period, lang), component].filter(Boolean).join(' — ') : e.target ?? '–';
    if (facts?.kind === 'file') return { target, detail: facts.bytes === null ? facts.name : `${facts.name} (${n(Math.max(1, Math.round(facts.bytes / 1024)))} KB)` };
    return { target, detail: raw };
  }
  return { target: e.target ?? '–', detail: raw };
}

export function auditPage(lang: Lang, entries: AuditEntry[], localTime: (at: string | null | undefined) => string, lookups: AuditLookups): Html {
  const t = say(lang);
  return adminPage(lang, '/quan-tri/nhat-ky', t('Nhật ký quản trị', 'Audit log'), html`
<p class="lead">${t('Mọi thao tác quản trị: ai, lúc nào, từ địa chỉ nào. Không sửa hay xoá được.', 'Every administrative action: who, when, from where. It cannot be edited or deleted.')}</p>
${entries.length === 0 ? html`<p>${t('Chưa có thao tác nào.', 'Nothing yet.')}</p>` : html`<div class="scroll cards"><table class="cards audit"><thead><tr><th>${t('Lúc', 'When')}</th><th>${t('Thao tác', 'Action')}</th><th>${t('Đối tượng', 'Target')}</th><th>${t('Chi tiết', 'Detail')}</th><th>${t('Người làm', 'Who')}</th><th>${t('Từ địa chỉ', 'From')}</th></tr></thead><tbody>
${entries.map((e) => {
    const words = auditWords(e, lang, lookups, localTime);
    return html`<tr data-action="${e.action}"><td data-label="${t('Lúc', 'When')}">${when(localTime(e.at))}</td><td data-label="${t('Thao tác', 'Action')}">${actionName(e.action, lang)}</td><td data-label="${t('Đối tượng', 'Target')}"${e.target ? html` data-target="${e.target}" title="${e.target}"` : ''}>${words.target}</td><td data-label="${t('Chi tiết', 'Detail')}">${words.detail}</td><td data-label="${t('Người làm', 'Who')}">${e.actor_name}</td><td data-label="${t('Từ địa chỉ', 'From')}">${e.address ?? t('Dòng lệnh', 'Command line')}</td></tr>`;
  })}
</tbody></table></div>`}`);
}

/** Every analyst's leaders' links still open: one a leader should no longer have is revoked here. */
export function linksPage(lang: Lang, links: LinkRecord[], localTime: (at: string | null | undefined) => string, describe: (l: LinkRecord) => { title: string; params: string }, status?: Html): Html {
  const t = say(lang);
  return adminPage(lang, '/quan-tri/lien-ket', t('Liên kết lãnh đạo', 'Leaders\' links'), html`
<p class="lead">${t('Các liên kết còn hiệu lực mà chuyên viên đã gửi lãnh đạo. Thu hồi: liên kết không mở được nữa từ lần mở tiếp theo.', 'The open links analysts sent to leaders. Revoked: the link opens nothing from its next use.')}</p>
${links.length === 0 ? html`<p>${t('Không có liên kết nào còn hiệu lực.', 'No open link.')}</p>` : html`<div class="scroll cards"><table class="cards links-admin"><thead><tr><th>${t('Truy vấn', 'Query')}</th><th>${t('Tham số', 'Parameters')}</th><th>${t('Gửi cho', 'For')}</th><th>${t('Người tạo', 'Made by')}</th><th>${t('Tạo', 'Created')}</th><th>${t('Hết hạn', 'Expires')}</th><th>${t('Thao tác', 'Action')}</th></tr></thead><tbody>
${links.map((l) => html`<tr data-link="${l.id}" data-query="${l.query}"><td data-label="${t('Truy vấn', 'Query')}">${describe(l).title}</td><td data-label="${t('Tham số', 'Parameters')}">${describe(l).params || '–'}</td><td data-label="${t('Gửi cho', 'For')}">${l.note ?? '–'}</td><td data-label="${t('Người tạo', 'Made by')}">${l.by_name}</td>
<td data-label="${t('Tạo', 'Created')}">${when(localTime(l.created_at))}</td><td data-label="${t('Hết hạn', 'Expires')}">${when(localTime(new Date(l.exp * 1000).toISOString()))}</td>
<td data-label="${t('Thao tác', 'Action')}"><form class="admin-inline" method="post" action="/quan-tri/lien-ket/${l.by}/${l.id}/thu-hoi"><button type="submit" class="danger">${t('Thu hồi', 'Revoke')}</button></form></td></tr>`)}
</tbody></table></div>`}`, status);
}

export interface VersionRow { version: string; current: boolean; by: string | null; at: string | null }

export function registryPage(lang: Lang, current: { version: string; units: number }, versions: VersionRow[], localTime: (at: string | null | undefined) => string, status?: Html): Html {
  const t = say(lang);
  return adminPage(lang, '/quan-tri/danh-muc', t('Danh mục đơn vị và khung điểm', 'Registry and framework'), html`
<p>${t(`Đang dùng: phiên bản ${current.version}, ${formatNumber(current.units, lang)} đơn vị.`, `In force: version ${current.version}, ${formatNumber(current.units, lang)} units.`)}</p>
<section class="admin-card">
<h2>${t('Nhập danh mục mới', 'Import a new registry')}</h2>
<p class="hint">${t('Chọn các tệp của thư mục danh mục: units.csv, indicators.csv (bắt buộc), registry-events.csv, framework.csv, calendar.csv, ranking-groups.csv. Danh mục được kiểm tra toàn bộ trước; có lỗi thì không thay đổi gì.', 'Choose the registry folder\'s files: units.csv, indicators.csv (required), registry-events.csv, framework.csv, calendar.csv, ranking-groups.csv. The whole registry is checked first; with any problem nothing changes.')}</p>
<form class="admin-form" method="post" action="/quan-tri/danh-muc" enctype="multipart/form-data">
<label>${t('Tệp danh mục', 'Registry files')} <input type="file" name="files" multiple accept=".csv,text/csv" required></label>
<button type="submit">${t('Kiểm tra và xem thay đổi', 'Check and preview')}</button>
</form></section>
<h2>${t('Các phiên bản đã nhập', 'Imported versions')}</h2>
${versions.length === 0 ? html`<p>${t('Chưa nhập danh mục nào: đang dùng danh mục mẫu.', 'No registry imported: the shipped example is in force.')}</p>` : html`<div class="scroll cards"><table class="cards versions"><thead><tr><th>${t('Phiên bản', 'Version')}</th><th>${t('Người nhập', 'Imported by')}</th><th>${t('Lúc', 'When')}</th><th>${t('Thao tác', 'Action')}</th></tr></thead><tbody>
${[...versions].reverse().map((v) => html`<tr data-version="${v.version}"><td data-label="${t('Phiên bản', 'Version')}">${v.version}${v.current ? html` <strong>(${t('đang dùng', 'in force')})</strong>` : ''}</td><td data-label="${t('Người nhập', 'Imported by')}">${v.by ?? '–'}</td><td data-label="${t('Lúc', 'When')}">${when(localTime(v.at))}</td>
<td data-label="${t('Thao tác', 'Action')}">${v.current ? '' : html`<form class="admin-inline" method="post" action="/quan-tri/danh-muc/${v.version}/quay-lai"><button type="submit" class="secondary">${t('Quay lại phiên bản này', 'Roll back to this version')}</button></form>`}</td></tr>`)}
</tbody></table></div>`}`, status);
}

/** The check's every problem, by file, line and column: nothing was changed. */
export function registryProblemsPage(lang: Lang, problems: RegistryProblem[]): Html {
  const t = say(lang);
  return adminPage(lang, '/quan-tri/danh-muc', t('Danh mục có lỗi', 'The registry has problems'), html`
<p class="admin-warn" role="alert">${t(`Danh mục có ${formatNumber(problems.length, lang)} lỗi nên không được nhập; không có gì thay đổi. Sửa các lỗi dưới đây rồi tải lên lại.`, `The registry has ${formatNumber(problems.length, lang)} problems, so it was not imported; nothing changed. Fix them and upload again.`)}</p>
<div class="scroll cards"><table class="cards problems"><thead><tr><th>${t('Tệp', 'File')}</th><th>${t('Dòng', 'Line')}</th><th>${t('Cột', 'Column')}</th><th>${t('Lỗi', 'Problem')}</th></tr></thead><tbody>
${problems.map((p) => html`<tr><td data-label="${t('Tệp', 'File')}">${p.file}</td><td data-label="${t('Dòng', 'Line')}" class="num">${p.line ?? '–'}</td><td data-label="${t('Cột', 'Column')}">${p.column ?? '–'}</td><td data-label="${t('Lỗi', 'Problem')}">${p[lang]}</td></tr>`)}
</tbody></table></div>
<p><a href="/quan-tri/danh-muc${lang === 'en' ? '?lang=en' : ''}">${t('Về trang danh mục', 'Back to the registry')}</a></p>`);
}

export function registryPreviewPage(lang: Lang, staged: string, changes: RegistryChanges): Html {
  const t = say(lang);
  const list = (title: string, items: string[]) => html`<h2>${title} (${formatNumber(items.length, lang)})</h2>${items.length ? html`<ul class="changes">${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<p>${t('Không có.', 'None.')}</p>`}`;
  return adminPage(lang, '/quan-tri/danh-muc', t('Xem trước thay đổi của danh mục', 'Preview of the registry\'s changes'), html`
<p role="status">${t(`Danh mục hợp lệ: ${formatNumber(changes.units, lang)} đơn vị. Chưa có gì thay đổi cho đến khi bạn xác nhận.`, `The registry holds together: ${formatNumber(changes.units, lang)} units. Nothing changes until you confirm.`)}</p>
${list(t('Đơn vị thêm mới', 'Units added'), changes.added.map((u) => `${u.name} (${u.code})`))}
${list(t('Đơn vị thôi hoạt động', 'Units ceased'), changes.ceased.map((u) => `${u.name} (${u.code})${u.on ? ` — ${formatDate(u.on)}` : ` — ${t('không còn trong danh mục', 'no longer in the registry')}`}`))}
${list(t('Đơn vị đổi tên', 'Units renamed'), changes.renamed.map((u) => `${u.from} → ${u.to} (${u.code})`))}
${list(t('Khung điểm thêm', 'Framework versions added'), changes.frameworksAdded)}
${list(t('Khung điểm bỏ', 'Framework versions removed'), changes.frameworksRemoved)}
${list(t('Hạn nộp thay đổi', 'Deadlines changed'), changes.deadlines.map((d) => `${d.what}: ${d.from ?? '–'} → ${d.to ?? '–'}`))}
<form class="admin-form" method="post" action="/quan-tri/danh-muc/xac-nhan"><input type="hidden" name="staged" value="${staged}">
<button type="submit">${t('Xác nhận nhập danh mục này', 'Confirm and import this registry')}</button></form>
<p><a href="/quan-tri/danh-muc${lang === 'en' ? '?lang=en' : ''}">${t('Huỷ', 'Cancel')}</a></p>`);
}

export function adminHome(lang: Lang, facts: { accounts: number; registry: string; approval: boolean; name: string }): Html {
  const t = say(lang);
  return adminPage(lang, '/quan-tri', t('Quản trị', 'Administration'), html`
<p class="lead">${t(`Xin chào ${facts.name}. Mọi việc thiết lập và vận hành của tỉnh đều làm ở đây, không cần dòng lệnh.`, `Hello ${facts.name}. Everything a province sets up and runs is done here, without a terminal.`)}</p>
<ol class="admin-steps">
<li><a href="/quan-tri/danh-muc${lang === 'en' ? '?lang=en' : ''}">${t('Nhập danh mục đơn vị và khung điểm của tỉnh', 'Import the province\'s registry and framework')}</a> — ${t('đang dùng', 'in force')}: ${facts.registry}</li>
<li><a href="/quan-tri/tai-khoan${lang === 'en' ? '?lang=en' : ''}">${t('Tạo tài khoản cho các đơn vị và in phiếu', 'Create the units\' accounts and print their sheets')}</a> — ${formatNumber(facts.accounts, lang)} ${t('tài khoản', 'accounts')}</li>
<li><a href="/quan-tri/cai-dat${lang === 'en' ? '?lang=en' : ''}">${t('Cài đặt: duyệt báo cáo, địa chỉ, nhắc nhở, múi giờ', 'Settings: approval, address, reminders, time zone')}</a> — ${t('duyệt báo cáo', 'approval')}: ${facts.approval ? t('bật', 'on') : t('tắt', 'off')}</li>
<li><a href="/quan-tri/nhat-ky${lang === 'en' ? '?lang=en' : ''}">${t('Nhật ký quản trị', 'Audit log')}</a></li>
</ol>`);
}

/** A line at the top of a page after an action: what was done. */
export const doneNote = (text: string | null) => (text ? html`<p class="admin-done" role="status">${text}</p>` : undefined);
