import type { Context, Hono } from 'hono';
import { checkScope } from '../../domain/access/machineScope.ts';
import { hashToken, type Principal, type Role, type TokenRecord } from '../../domain/access/tokens.ts';
import { checkRegistry, REGISTRY_FILE_NAMES, type RegistryFiles } from '../../domain/registry/catalog.ts';
import type { RegistryProblem } from '../../domain/registry/problems.ts';
import type { Unit } from '../../domain/types.ts';
import { AccountBusyError, mapLimited, type TokenStatus } from '../../services/accessStore.ts';
import {
  dropStaged, importRegistry, registryChanges, registryVersions, rollbackRegistry, stagedRegistry, stageRegistry,
} from '../../services/registry.ts';
import { oidcRoles, SETTING_KEYS, settingProblem, type SettingKey } from '../../services/settings.ts';
import { pagePrincipal } from '../auth.ts';
import { clientAddress, publicOrigin, sameOrigin, type AdminDeps, type Env, type HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import {
  accountsPage, accountState, adminHome, auditPage, codesPage, doneNote, linksPage, registryPage, registryPreviewPage,
  registryProblemsPage, say, settingsPage, type AccountRow, type IssuedCode, type SecretKeeping,
} from './adminPages.ts';
import { auditDetail } from './adminWords.ts';
import { formatDate, langOf, linkParamsText, renderNotice, titleFor, type Lang } from './renderPages.ts';

const DAY_MS = 86_400_000;
const ROLES_MADE_HERE: readonly Role[] = ['staff', 'head', 'analyst', 'appraiser', 'admin', 'machine'];

/** After an action, the page it returns to says what was done (a redirect: a reload repeats nothing). */
const DONE: Record<string, { vi: string; en: string }> = {
  'tam-khoa': { vi: 'Đã tạm khoá tài khoản: các phiên đăng nhập của nó kết thúc ở lần bấm tiếp theo.', en: 'The account is suspended: its sessions end at their next request.' },
  'mo-khoa': { vi: 'Đã mở khoá tài khoản.', en: 'The account is resumed.' },
  'gia-han': { vi: 'Đã gia hạn mã thêm một năm kể từ hôm nay.', en: 'The code is renewed for a year from today.' },
  xoa: { vi: 'Đã xoá tài khoản: mã của nó không còn dùng được.', en: 'The account is deleted: its code no longer works.' },
  'khong-tu-khoa': { vi: 'Không thể tạm khoá hay xoá chính tài khoản đang dùng.', en: 'You cannot suspend or delete the account you are using.' },
  'cai-dat': { vi: 'Đã lưu cài đặt.', en: 'The setting is saved.' },
  'khong-doi': { vi: 'Không có gì thay đổi.', en: 'Nothing changed.' },
  nhap: { vi: 'Đã nhập danh mục mới; phiên bản trước vẫn được lưu.', en: 'The new registry is imported; earlier versions are kept.' },
  'quay-lai': { vi: 'Đã quay lại phiên bản danh mục đã chọn.', en: 'The chosen registry version is back in force.' },
  'thu-hoi': { vi: 'Đã thu hồi liên kết: nó không mở được nữa.', en: 'The link is revoked: it opens nothing now.' },
  'khong-co': { vi: 'Không có tài khoản hay phiên bản này.', en: 'No such account or version.' },
  'da-doi': { vi: 'Tài khoản này vừa được người khác cấp lại mã hoặc xoá: không cấp thêm mã nào. Xem lại danh sách.', en: 'Someone else has just re-issued or deleted this account: no further code was made. See the list again.' },
};

const isLive = (u: Unit, today: string) => (!u.validFrom || u.validFrom <= today) && (!u.validTo || u.validTo >= today);

/**
 * The administrator's pages under /quan-tri: accounts, registry, settings and the audit log. Each
 * handler checks who asks and where the form came from, calls a service, records what it did in
 * the audit log (who, when, from where) and renders; codes are shown once and never kept.
 */
export function registerAdminRoutes(app: Hono<Env>, deps: HttpDeps): void {
  if (!deps.admin) return;
  const admin: AdminDeps = deps.admin;
  const lt = (at: string | null | undefined) => deps.localTime(at);
  const lq = (lang: Lang) => (lang === 'en' ? '&lang=en' : '');

  async function administrator(c: Context): Promise<Principal | Response> {
    const lang = langOf(c);
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    if (who.role !== 'admin') return c.html(renderNotice(lang, say(lang)('Quản trị', 'Administration'), say(lang)('Trang này dành cho quản trị viên của tỉnh.', 'This page is for the province\'s administrator.')), 403);
    return who;
  }
  /** A form's POST: from this app's own page, by the administrator. */
  async function posted(c: Context): Promise<Principal | Response> {
    if (!sameOrigin(c, deps)) return c.text('', 403);
    return administrator(c);
  }
  const actor = (c: Context, p: Principal) => ({ id: p.id, name: p.name, address: clientAddress(c) });
  const status = (c: Context) => {
    const done = DONE[c.req.query('xong') ?? ''];
    return doneNote(done ? done[langOf(c)] : null);
  };
  const back = (c: Context, path: string, done: string) => c.redirect(`${path}?xong=${done}${lq(langOf(c))}`, 303);
  const unitsByCode = () => new Map(deps.catalog.catalog.units.map((u) => [u.code, u]));
  const unitName = (code: string | null, lang: Lang) => {
    if (!code) return say(lang)('Cấp tỉnh', 'Province');
    const u = unitsByCode().get(code);
    return u ? (lang === 'vi' ? u.nameVi : u.nameEn || u.nameVi) : code;
  };
  const issued = (record: TokenRecord, code: string, lang: Lang): IssuedCode => ({
    unitName: unitName(record.unit, lang), holder: record.name, role: record.role, code, expires: record.expires_at ? formatDate(lt(record.expires_at)) : '–',
  });
  /** Who holds an account, as the audit log keeps it: "Cán bộ nhập báo cáo, Xã Yên Lạc: Trần Thị Lan". */
  const holderDetail = (r: Pick<TokenRecord, 'role' | 'unit' | 'name'>) => auditDetail.account(r.role, r.unit ? unitName(r.unit, 'vi') : null, r.name);
  const recordOfCode = async (code: string) => (await admin.tokens.records()).find((r) => r.sha256 === hashToken(code)) ?? null;

  app.get('/quan-tri', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    const accounts = (await admin.tokens.records()).filter((r) => !r.deleted_at).length;
    return c.html(adminHome(langOf(c), { accounts, registry: admin.registry.version.version, approval: (await deps.settings.approval()).required, name: who.name }));
  });

  // ── Accounts ────────────────────────────────────────────────────────────────
  async function shownAccounts(): Promise<TokenStatus[]> {
    const all = await admin.tokens.list();
    const replaced = new Set(all.map((a) => a.replaces).filter(Boolean));
    // A re-issued code's old record is history (the audit log has it); a deleted one too.
    return all.filter((a) => !a.deleted_at && !(a.revoked_at && replaced.has(a.id)));
  }

  app.get('/quan-tri/tai-khoan', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const today = deps.today();
    const now = deps.now();
    const units = unitsByCode();
    const groups = new Map<string, { title: string; ceased: boolean; rows: AccountRow[] }>();
    for (const account of await shownAccounts()) {
      const unit = account.unit ? units.get(account.unit) ?? null : null;
      const ceased = Boolean(account.unit) && (!unit || !isLive(unit, today));
      const key = account.unit ?? '';
      if (!groups.has(key)) groups.set(key, { title: unitName(account.unit, lang), ceased, rows: [] });
      groups.get(key)!.rows.push({ account, state: accountState(account, now), unit, ceased });
    }
    const ordered = [...groups.entries()].sort(([a, ga], [b, gb]) => (a === '' ? -1 : b === '' ? 1 : Number(gb.ceased) - Number(ga.ceased) || ga.title.localeCompare(gb.title, 'vi')))
      .map(([, g]) => g);
    const live = deps.catalog.catalog.units.filter((u) => isLive(u, today)).sort((a, b) => a.nameVi.localeCompare(b.nameVi, 'vi'));
    return c.html(accountsPage(lang, ordered, live, lt, status(c)));
  });

  const daysOf = (v: unknown) => {
    const n = Number(v ?? 365);
    return Number.isInteger(n) && n >= 1 && n <= 3650 ? n : null;
  };

  app.post('/quan-tri/tai-khoan', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const t = say(lang);
    const form = await c.req.parseBody();
    const role = String(form.role ?? '') as Role;
    const unit = String(form.unit ?? '') || null;
    const name = String(form.name ?? '').trim();
    const email = String(form.email ?? '').trim() || null;
    const days = daysOf(form.days);
    // A data-sharing platform's account: its scope of queries and units, checked as the CLI does.
    const scoped = role === 'machine' ? checkScope({ queries: String(form.queries ?? ''), units: String(form.units ?? '') }, deps.queries, new Set(unitsByCode().keys())) : null;
    const problems = [
      ...(scoped && 'problems' in scoped ? scoped.problems.map((p) => p[lang]) : []),
      !ROLES_MADE_HERE.includes(role) && t('Vai trò không hợp lệ', 'Unknown role'),
      !name && t('Cần họ tên người giữ tài khoản', 'The holder\'s name is required'),
      (role === 'staff' || role === 'head') && !unit && t('Cán bộ và lãnh đạo đơn vị cần chọn đơn vị', 'A clerk or a unit head needs a unit'),
      unit && !unitsByCode().has(unit) && t('Không có đơn vị này trong danh mục', 'No such unit in the registry'),
      email && !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email) && t('E-mail không hợp lệ', 'Not an e-mail address'),
      days === null && t('Số ngày hiệu lực từ 1 đến 3650', 'Valid for 1 to 3650 days'),
    ].filter((p): p is string => Boolean(p));
    if (problems.length) return c.html(renderNotice(lang, t('Chưa tạo được tài khoản', 'The account was not created'), problems.join('. ') + '.'), 400);
    const code = await admin.tokens.issue({ name, role, unit: role === 'staff' || role === 'head' ? unit : null, email, ...(scoped && 'scope' in scoped ? { scope: scoped.scope } : {}) }, { expiresInDays: days! });
    const record = (await recordOfCode(code))!;
    await admin.audit.record('account.create', actor(c, who), { target: record.id, detail: holderDetail(record) });
    return c.html(codesPage(lang, [issued(record, code, lang)]));
  });

  app.post('/quan-tri/tai-khoan/tat-ca', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const form = await c.req.parseBody();
    const withHeads = form.heads === 'yes';
    const days = daysOf(form.days) ?? 365;
    const today = deps.today();
    const reporting = new Set(deps.catalog.catalog.indicators.flatMap((i) => i.reportedBy));
    const units = deps.catalog.catalog.units.filter((u) => isLive(u, today) && reporting.has(u.type)).sort((a, b) => a.nameVi.localeCompare(b.nameVi, 'vi'));
    const existing = (await shownAccounts()).filter((a) => !a.revoked_at);
    const has = (role: Role, unit: string) => existing.some((a) => a.role === role && a.unit === unit);
    const wanted = units.flatMap((u) => (withHeads ? (['staff', 'head'] as const) : (['staff'] as const)).filter((role) => !has(role, u.code)).map((role) => ({ u, role })));
    const expires = formatDate(lt(new Date(deps.now().getTime() + days * DAY_MS).toISOString()));
    // A few at a time (each is a handful of requests to the bucket on AWS). issueFirst claims the
    // unit first: a second bulk creation at the same moment skips the units this one makes.
    const made = (await mapLimited(wanted, 8, async ({ u, role }): Promise<IssuedCode | null> => {
      const name = `${role === 'staff' ? 'Cán bộ' : 'Lãnh đạo'} ${u.nameVi}`;
      const code = await admin.tokens.issueFirst({ name, role, unit: u.code, email: u.emails?.[0] ?? null }, { expiresInDays: days });
      return code ? { unitName: lang === 'vi' ? u.nameVi : u.nameEn || u.nameVi, holder: name, role, code, expires } : null;
    })).filter((m): m is IssuedCode => m !== null);
    const counts = { staff: made.filter((m) => m.role === 'staff').length, head: made.filter((m) => m.role === 'head').length };
    await admin.audit.record('accounts.bulk', actor(c, who), { detail: auditDetail.bulk(counts.staff, counts.head, units.length) });
    const t = say(lang);
    return c.html(codesPage(lang, made, made.length ? undefined : t('Mọi đơn vị đã có tài khoản.', 'Every unit has its accounts already.')));
  });

  /** The codes a page just showed, posted back: what the sheets and the e-mail list are made of. */
  async function postedCodes(c: Context): Promise<{ record: TokenRecord; code: string }[]> {
    const form = await c.req.parseBody({ all: true });
    const codes = ([] as unknown[]).concat(form.code ?? []).map(String).slice(0, 2000);
    const bySha = new Map((await admin.tokens.records()).map((r) => [r.sha256, r]));
    return codes.flatMap((code) => {
      const record = bySha.get(hashToken(code));
      return record && !record.deleted_at ? [{ record, code }] : [];
    });
  }

  app.post('/quan-tri/tai-khoan/phieu.pdf', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const origin = publicOrigin(c, deps);
    const sheets = (await postedCodes(c)).map(({ record, code }) => ({
      unitName: unitName(record.unit, 'vi'), unitCode: record.unit, holder: record.name, role: record.role,
      signInUrl: `${origin}/login?ma=${encodeURIComponent(code)}`, loginUrl: `${origin}/login`, code,
      expires: record.expires_at ? formatDate(lt(record.expires_at)) : '–',
    }));
    if (!sheets.length) return c.html(renderNotice(langOf(c), say(langOf(c))('Không có mã nào', 'No codes'), say(langOf(c))('Không có mã hợp lệ nào để in.', 'There is no valid code to print.')), 400);
    const bytes = await (await lazy.accountSheets()).accountSheetsPdf(sheets);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="phieu-tai-khoan.pdf"', 'Cache-Control': 'no-store' });
  });

  app.post('/quan-tri/tai-khoan/email.csv', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const origin = publicOrigin(c, deps);
    const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v).replace(/^[=+\-@]/, "'$&");
    const rows = (await postedCodes(c)).map(({ record, code }) => [record.email ?? '', record.name, unitName(record.unit, 'vi'), record.unit ?? '', record.role, `${origin}/login?ma=${encodeURIComponent(code)}`, code].map(cell).join(','));
    const csv = `\ufeffemail,ho_ten,don_vi,ma_don_vi,vai_tro,dia_chi_dang_nhap,ma\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="email-tai-khoan.csv"', 'Cache-Control': 'no-store' });
  });

  app.post('/quan-tri/tai-khoan/:id/:action{cap-lai|tam-khoa|mo-khoa|gia-han|xoa}', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const { id, action } = c.req.param();
    const record = await admin.tokens.find(id);
    if (!record || record.deleted_at) return back(c, '/quan-tri/tai-khoan', 'khong-co');
    if ((action === 'tam-khoa' || action === 'xoa') && id === who.id) return back(c, '/quan-tri/tai-khoan', 'khong-tu-khoa');
    const by = actor(c, who);
    const about = holderDetail(record);
    const now = deps.now();
    // Two administrators on one account: each change is re-applied to the other's (none lost);
    // only one that keeps losing is refused, with nothing of it saved.
    try {
      if (action === 'cap-lai') {
        const fresh = await admin.tokens.reissue(id);
        // Gone, or just re-issued by another administrator: one new code, never two.
        if (!fresh) return back(c, '/quan-tri/tai-khoan', 'da-doi');
        await admin.audit.record('account.reissue', by, { target: id, detail: about });
        return c.html(codesPage(lang, [issued(fresh.record, fresh.token, lang)]));
      }
      if (action === 'tam-khoa') await admin.tokens.update(id, { suspended_at: now.toISOString() });
      if (action === 'mo-khoa') await admin.tokens.update(id, { suspended_at: null });
      if (action === 'gia-han') await admin.tokens.update(id, { expires_at: new Date(now.getTime() + 365 * DAY_MS).toISOString() });
      if (action === 'xoa') {
        await admin.tokens.revoke(id);
        await admin.tokens.update(id, { deleted_at: now.toISOString() });
      }
      const audited = { 'tam-khoa': 'account.suspend', 'mo-khoa': 'account.resume', 'gia-han': 'account.renew', xoa: 'account.delete' }[action]!;
      await admin.audit.record(audited, by, { target: id, detail: about });
      return back(c, '/quan-tri/tai-khoan', action);
    } catch (error) {
      if (!(error instanceof AccountBusyError)) throw error;
      return c.html(renderNotice(lang, say(lang)('Chưa lưu được thay đổi', 'The change was not saved'), error[lang]), 409);
    }
  });

  // ── Settings ────────────────────────────────────────────────────────────────
  async function renderSettings(c: Context, problem?: string) {
    const approval = await deps.settings.approval();
    const values = Object.fromEntries(await Promise.all(SETTING_KEYS.map(async (k) => [k, await deps.settings.value(k)] as const))) as Record<SettingKey, string | null>;
    const defaults: Record<SettingKey, string> = {
      public_url: new URL(c.req.url).origin, reminder_from: '', reminders: 'on', utc_offset_hours: String(admin.utcOffsetHours), issuing_body: '',
      oidc_issuer: '', oidc_client_id: '', oidc_client_secret_ref: '', oidc_unit_claim: '', oidc_role_claim: '', oidc_roles: '',
    };
    const note = problem ? doneNote(problem) : status(c);
    const secret: SecretKeeping = deps.oidcSecretKeeper?.kind === 'state-folder' ? { kind: 'state-folder', set: await deps.oidcSecretKeeper.isSet() } : { kind: 'secrets-manager' };
    return settingsPage(langOf(c), { approval: approval.required, appliesFrom: approval.appliesFrom, values, defaults, secret }, await deps.settings.history(), lt, note);
  }

  app.get('/quan-tri/cai-dat', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    return c.html(await renderSettings(c));
  });

  app.post('/quan-tri/cai-dat/duyet', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const form = await c.req.parseBody();
    const required = form.required === 'on';
    const earlier = form.earlier === 'pending' ? 'pending' : 'published';
    if ((await deps.settings.approval()).required === required) return back(c, '/quan-tri/cai-dat', 'khong-doi');
    await deps.settings.setApproval(required, { id: who.id, name: who.name }, { earlier, note: String(form.note ?? '') });
    await admin.audit.record('setting.change', actor(c, who), { target: 'approval_required', detail: auditDetail.approval(required, earlier) });
    deps.runner.lakeChanged(); // this server's own write: leaders' next answer reads it
    return back(c, '/quan-tri/cai-dat', 'cai-dat');
  });

  // Locally: the OpenID Connect client secret, kept in the data folder; the audit log says it changed, never what to.
  app.post('/quan-tri/cai-dat/oidc-secret', async (c) => {
    const who = await posted(c);
    const keeper = deps.oidcSecretKeeper;
    if (who instanceof Response) return who;
    if (keeper?.kind !== 'state-folder') return c.text('', 404);
    const secret = String((await c.req.parseBody()).secret ?? '').trim();
    if (secret.length > 500 || /[\s\p{Cc}]/u.test(secret)) return c.html(await renderSettings(c, say(langOf(c))('Khoá bí mật không hợp lệ (một dòng, không khoảng trắng, tối đa 500 ký tự)', 'Not a valid secret (one line, no spaces, at most 500 characters)')), 400);
    await keeper.keep(secret || null);
    await admin.audit.record('setting.change', actor(c, who), { target: 'oidc_client_secret', detail: auditDetail.secret(Boolean(secret)) });
    return back(c, '/quan-tri/cai-dat', 'cai-dat');
  });

  app.post(`/quan-tri/cai-dat/:key{${SETTING_KEYS.join('|')}}`, async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const key = c.req.param('key') as SettingKey;
    const form = await c.req.parseBody();
    const typed = String(form.value ?? '').trim();
    const value = key === 'public_url' ? typed.replace(/\/+$/, '') : key === 'oidc_roles' ? oidcRoles(typed)?.join(',') ?? typed : typed;
    const problem = settingProblem(key, value);
    if (problem) return c.html(await renderSettings(c, problem[lang]), 400);
    if ((await deps.settings.value(key)) === (value || null)) return back(c, '/quan-tri/cai-dat', 'khong-doi');
    await deps.settings.set(key, value, { id: who.id, name: who.name }, String(form.note ?? ''));
    await admin.audit.record('setting.change', actor(c, who), { target: key, detail: auditDetail.value(value) });
    return back(c, '/quan-tri/cai-dat', 'cai-dat');
  });

  // ── Leaders' links ──────────────────────────────────────────────────────────
  app.get('/quan-tri/lien-ket', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    const nowSeconds = Math.floor(deps.now().getTime() / 1000);
    const makers = [...new Set((await admin.tokens.records()).filter((r) => r.role === 'analyst').map((r) => r.id))];
    const links = (await Promise.all(makers.map((by) => deps.links.listBy(by)))).flat()
      .filter((l) => !l.revoked_at && l.exp > nowSeconds).sort((a, b) => b.created_at.localeCompare(a.created_at));
    const lang = langOf(c);
    // What each link shows, as the analyst's list says it: the query's title, its parameters in words.
    const describe = (l: (typeof links)[number]) => {
      const query = deps.queries.get(l.query);
      return { title: query ? titleFor(query, l.params, deps.catalog.catalog.units, lang) : l.query, params: linkParamsText(query, l.params, deps.catalog.catalog, lang) };
    };
    return c.html(linksPage(lang, links, lt, describe, status(c)));
  });

  app.post('/quan-tri/lien-ket/:by{[0-9a-f]{12}}/:id{[0-9a-f]{12}}/thu-hoi', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const { by, id } = c.req.param();
    const link = await deps.links.revoke(by, id, deps.now());
    if (!link) return back(c, '/quan-tri/lien-ket', 'khong-co');
    await admin.audit.record('link.revoke', actor(c, who), { target: id, detail: auditDetail.link(deps.queries.get(link.query)?.title.vi ?? link.query, link.by_name) });
    return back(c, '/quan-tri/lien-ket', 'thu-hoi');
  });

  // ── Audit log ───────────────────────────────────────────────────────────────
  app.get('/quan-tri/nhat-ky', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    // The log keeps ids; the page names what they are (ids stay on each object for the analyst).
    const records = await admin.tokens.records();
    const accounts = new Map(records.map((r) => [r.id, r]));
    const makers = [...new Set(records.filter((r) => r.role === 'analyst' || r.role === 'admin').map((r) => r.id))];
    const links = new Map((await Promise.all(makers.map((by) => deps.links.listBy(by)))).flat().map((l) => [l.id, l]));
    const units = unitsByCode();
    return c.html(auditPage(lang, await admin.audit.list(), lt, {
      account: (id) => accounts.get(id) ?? null,
      unitName: (code) => (units.has(code) ? unitName(code, lang) : null),
      link: (id) => links.get(id) ?? null,
      queryTitle: (name) => deps.queries.get(name)?.title[lang] ?? null,
    }));
  });

  // ── Registry ────────────────────────────────────────────────────────────────
  app.get('/quan-tri/danh-muc', async (c) => {
    const who = await administrator(c);
    if (who instanceof Response) return who;
    await admin.registry.refresh();
    const entries = (await admin.audit.list()).filter((e) => e.action === 'registry.import' || e.action === 'registry.rollback');
    const versions = (await registryVersions(deps.store)).map((v) => {
      // The import that made the version (the oldest entry naming it), not a later roll back to it.
      const made = entries.filter((e) => e.target === v.version && e.action === 'registry.import').at(-1);
      return { ...v, by: made?.actor_name ?? null, at: made?.at ?? null };
    });
    return c.html(registryPage(langOf(c), { version: admin.registry.version.version, units: deps.catalog.catalog.units.length }, versions, lt, status(c)));
  });

  app.post('/quan-tri/danh-muc', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const form = await c.req.parseBody({ all: true });
    const uploads = ([] as unknown[]).concat(form.files ?? []).filter((f): f is File => f instanceof File && f.size > 0);
    const files: Partial<Record<string, string>> = {};
    const problems: RegistryProblem[] = [];
    for (const f of uploads) {
      const name = f.name.split(/[\\/]/).pop()!.toLowerCase();
      if (!(REGISTRY_FILE_NAMES as readonly string[]).includes(name)) {
        problems.push({ file: f.name, line: null, column: null, vi: `tệp này không thuộc danh mục (chỉ nhận ${REGISTRY_FILE_NAMES.join(', ')})`, en: `not a registry file (only ${REGISTRY_FILE_NAMES.join(', ')})` });
        continue;
      }
      files[name] = await f.text();
    }
    const missing = ['units.csv', 'indicators.csv'].filter((name) => files[name] === undefined);
    for (const name of missing) problems.push({ file: name, line: null, column: null, vi: 'thiếu tệp bắt buộc này', en: 'this required file is missing' });
    // Every problem at once: the files given are checked even when another is missing (its own
    // problems, not those of the empty stand-in).
    const checked = checkRegistry({ ...Object.fromEntries(missing.map((n) => [n, ''])), ...files } as unknown as RegistryFiles);
    problems.push(...checked.problems.filter((p) => !missing.includes(p.file)));
    if (problems.length || !checked.catalog) return c.html(registryProblemsPage(lang, problems), 422);
    const staged = await stageRegistry(deps.store, files as unknown as RegistryFiles);
    return c.html(registryPreviewPage(lang, staged, registryChanges(deps.catalog.catalog, checked.catalog)));
  });

  app.post('/quan-tri/danh-muc/xac-nhan', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const id = String((await c.req.parseBody()).staged ?? '');
    const files = await stagedRegistry(deps.store, id);
    if (!files) return back(c, '/quan-tri/danh-muc', 'khong-co');
    const result = await importRegistry(deps.store, files, deps.now(), admin.utcOffsetHours);
    if (result.status === 'refused') return c.html(registryProblemsPage(langOf(c), result.problems), 422);
    await dropStaged(deps.store, id);
    if (result.status === 'unchanged') return back(c, '/quan-tri/danh-muc', 'khong-doi');
    await admin.audit.record('registry.import', actor(c, who), { target: result.version.version, detail: auditDetail.units(result.catalog.units.length) });
    await afterRegistryChange();
    return back(c, '/quan-tri/danh-muc', 'nhap');
  });

  app.post('/quan-tri/danh-muc/:version/quay-lai', async (c) => {
    const who = await posted(c);
    if (who instanceof Response) return who;
    const version = c.req.param('version');
    const result = await rollbackRegistry(deps.store, version, deps.now(), admin.utcOffsetHours);
    if (!result) return back(c, '/quan-tri/danh-muc', 'khong-co');
    if (result.status === 'refused') return c.html(registryProblemsPage(langOf(c), result.problems), 422);
    if (result.status === 'unchanged') return back(c, '/quan-tri/danh-muc', 'khong-doi');
    await admin.audit.record('registry.rollback', actor(c, who), { target: version, detail: auditDetail.units(result.catalog.units.length) });
    await afterRegistryChange();
    return back(c, '/quan-tri/danh-muc', 'quay-lai');
  });

  /** The registry this process holds and the engine's tables follow the new one before the next page. */
  async function afterRegistryChange() {
    await admin.registry.refresh();
    deps.runner.lakeChanged();
  }
}
