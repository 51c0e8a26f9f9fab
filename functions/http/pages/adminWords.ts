import type { AuditEntry } from '../../services/audit.ts';
import type { SettingKey } from '../../services/settings.ts';
import type { Lang } from './renderPages.ts';

/**
 * The administrator's words, one table each, shared by the pages under /quan-tri, the audit log
 * they write and the CLI: roles, settings, and an audit entry's detail (written in Vietnamese, the
 * deployment's language, which the `admin_audit` query shows as is; read back into facts so the
 * log page says it in its own language, old English entries included).
 */
const say = (lang: Lang) => (vi: string, en: string) => (lang === 'vi' ? vi : en);

export const roleName = (role: string, lang: Lang) => ({
  vi: { staff: 'Cán bộ nhập báo cáo', head: 'Lãnh đạo đơn vị', analyst: 'Chuyên viên phân tích', admin: 'Quản trị viên', appraiser: 'Thẩm định', machine: 'Tài khoản máy' },
  en: { staff: 'Clerk', head: 'Unit head', analyst: 'Analyst', admin: 'Administrator', appraiser: 'Appraiser', machine: 'Machine account' },
}[lang] as Record<string, string>)[role] ?? role;

export const SETTING_LABELS: Record<SettingKey, { vi: string; en: string; hintVi: string; hintEn: string }> = {
  public_url: { vi: 'Địa chỉ công khai', en: 'Public address', hintVi: 'Dùng cho liên kết gửi lãnh đạo và phiếu tài khoản, ví dụ https://chiso.phutho.gov.vn. Để trống: địa chỉ của máy chủ.', hintEn: 'Used in leaders\' links and account sheets, e.g. https://chiso.phutho.gov.vn. Empty: the server\'s own address.' },
  reminder_from: { vi: 'Địa chỉ gửi nhắc nhở', en: 'Reminders\' sender', hintVi: 'E-mail đã xác minh để gửi nhắc nhở (trên AWS). Để trống: chỉ ghi vào hộp thư đi.', hintEn: 'A verified address reminders are sent from (on AWS). Empty: the outbox only.' },
  reminders: { vi: 'Gửi nhắc nhở', en: 'Send reminders', hintVi: 'Nhắc các đơn vị trước và sau hạn nộp (hằng ngày): bật hoặc tắt.', hintEn: 'Remind units before and after each deadline (daily): on or off.' },
  issuing_body: { vi: 'Cơ quan ban hành', en: 'Issuing body', hintVi: 'In ở đầu các văn bản, phiếu và báo cáo PDF, ví dụ ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ. Để trống: không in.', hintEn: 'Printed at the head of documents, sheets and PDF reports, e.g. ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ (the province\'s People\'s Committee). Empty: none.' },
  oidc_issuer: { vi: 'Đăng nhập một lần: nhà cung cấp định danh (issuer)', en: 'Single sign-on: identity provider (issuer)', hintVi: 'OpenID Connect của tỉnh (Keycloak, WSO2…), ví dụ https://sso.phutho.gov.vn/realms/tinh. Tài khoản được nối theo e-mail đã ghi ở trang Tài khoản, hoặc theo vai trò và đơn vị nhà cung cấp ghi (bên dưới); mã đăng nhập vẫn dùng được. Để trống: tắt.', hintEn: 'The province\'s OpenID Connect provider (Keycloak, WSO2…), e.g. https://sso.phutho.gov.vn/realms/tinh. Accounts are linked by the e-mail on the Accounts page, or by the role and unit the provider states (below); codes keep working. Empty: off.' },
  oidc_client_id: { vi: 'Đăng nhập một lần: mã ứng dụng (client id)', en: 'Single sign-on: client id', hintVi: 'Mã ứng dụng chiso đã đăng ký với nhà cung cấp định danh.', hintEn: 'The client id chiso is registered with at the provider.' },
  oidc_client_secret_ref: { vi: 'Đăng nhập một lần: khoá bí mật trong Secrets Manager', en: 'Single sign-on: the secret in Secrets Manager', hintVi: 'ARN hoặc tên của khoá bí mật (client secret) đã lưu trong AWS Secrets Manager, ví dụ chiso/oidc-client-secret. Không ghi chính khoá bí mật ở đây.', hintEn: 'The ARN or name of the client secret kept in AWS Secrets Manager, e.g. chiso/oidc-client-secret. Never the secret itself.' },
  oidc_role_claim: { vi: 'Đăng nhập một lần: trường ghi vai trò', en: 'Single sign-on: the role claim', hintVi: 'Tên trường (claim) nhà cung cấp ghi vai trò của người dùng, ví dụ chiso_role. Để trống: chỉ nối theo e-mail.', hintEn: 'The claim in which the provider states a user\'s role, e.g. chiso_role. Empty: linked by e-mail only.' },
  oidc_unit_claim: { vi: 'Đăng nhập một lần: trường ghi đơn vị', en: 'Single sign-on: the unit claim', hintVi: 'Tên trường ghi mã đơn vị (theo danh mục) của cán bộ và lãnh đạo đơn vị, ví dụ chiso_unit.', hintEn: 'The claim stating the unit code (as in the registry) of clerks and unit heads, e.g. chiso_unit.' },
  oidc_roles: { vi: 'Đăng nhập một lần: vai trò nhà cung cấp được cấp', en: 'Single sign-on: roles the provider may grant', hintVi: 'Một hoặc nhiều trong staff, head, analyst, appraiser, cách nhau bởi dấu phẩy. Vai trò quản trị không bao giờ đến từ nhà cung cấp. Để trống: không nhận vai trò nào.', hintEn: 'One or more of staff, head, analyst, appraiser, comma-separated. The administrator\'s role never comes from the provider. Empty: none.' },
  utc_offset_hours: { vi: 'Múi giờ (giờ lệch so với UTC)', en: 'Time zone (hours from UTC)', hintVi: 'Việt Nam: 7. Có hiệu lực từ lần khởi động máy chủ sau.', hintEn: 'Vietnam: 7. Applies from the server\'s next start.' },
};

/** A stored value as words: on/off and yes/no read as the page's "Bật"/"Tắt". */
export const valueWords = (value: string, lang: Lang) => ({ on: say(lang)('Bật', 'On'), yes: say(lang)('Bật', 'On'), off: say(lang)('Tắt', 'Off'), no: say(lang)('Tắt', 'Off') } as Record<string, string>)[value] ?? value;

/** A setting by its name on the settings page, including the two kept apart from the list (approval, the local secret). */
export function settingName(key: string, lang: Lang): string {
  if (key === 'approval_required') return say(lang)('Duyệt báo cáo', 'Approval');
  if (key === 'oidc_client_secret') return say(lang)('Đăng nhập một lần: khoá bí mật (client secret)', 'Single sign-on: client secret');
  return SETTING_LABELS[key as SettingKey]?.[lang] ?? key;
}

const count = (n: number, lang: Lang) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);

/** An audit entry's detail as kept: Vietnamese sentences made from facts (never English, never a bare code). */
export const auditDetail = {
  account: (role: string, unitName: string | null, holder: string) => `${roleName(role, 'vi')}${unitName ? `, ${unitName}` : ''}: ${holder}`,
  bulk: (staff: number, head: number, units: number) => `${count(staff, 'vi')} cán bộ, ${count(head, 'vi')} lãnh đạo (${count(units, 'vi')} đơn vị)`,
  units: (units: number) => `${count(units, 'vi')} đơn vị`,
  approval: (on: boolean, earlier: 'published' | 'pending' | undefined) =>
    (on ? `Bật (báo cáo gửi trước: ${earlier === 'pending' ? 'cũng chờ duyệt' : 'coi như đã duyệt đến hôm nay'})` : 'Tắt'),
  value: (value: string) => (value ? valueWords(value, 'vi') : '(mặc định)'),
  secret: (set: boolean) => (set ? '(đã đặt, không ghi lại)' : '(đã xoá)'),
  link: (title: string, byName: string) => `${title} (${byName})`,
};

/** What an entry's detail says, whichever words it was written in. */
export type AuditFacts =
  | { kind: 'account'; role: string; unit: string | null; unitName: string | null; holder: string }
  | { kind: 'bulk'; staff: number; head: number; units: number }
  | { kind: 'units'; units: number }
  | { kind: 'approval'; on: boolean; earlier: 'published' | 'pending' | null }
  | { kind: 'value'; value: string | null }
  | { kind: 'secret'; set: boolean }
  | { kind: 'link'; query: string; byName: string }
  | { kind: 'file'; name: string; bytes: number | null }
  | { kind: 'text'; text: string };

const ROLE_CODES = ['staff', 'head', 'analyst', 'appraiser', 'admin', 'machine'];
const number = (text: string) => Number(text.replace(/[.,\s]/g, ''));

export function auditFacts(e: Pick<AuditEntry, 'action' | 'target' | 'detail'>): AuditFacts | null {
  const d = (e.detail ?? '').trim();
  if (!d) return null;
  let m: RegExpExecArray | null;
  if (e.action === 'accounts.bulk' && (m = /^([\d.,]+) (?:staff|cán bộ), ([\d.,]+) (?:head|lãnh đạo) \(([\d.,]+) (?:units|đơn vị)\)$/.exec(d))) {
    return { kind: 'bulk', staff: number(m[1]!), head: number(m[2]!), units: number(m[3]!) };
  }
  if (e.action.startsWith('registry.') && (m = /^([\d.,]+) (?:units|đơn vị)$/.exec(d))) return { kind: 'units', units: number(m[1]!) };
  if (e.action === 'setting.change') {
    if (e.target === 'approval_required') {
      const on = /^(on|bật)\b/i.test(d);
      return { kind: 'approval', on, earlier: on ? (/pending|chờ duyệt/i.test(d) ? 'pending' : 'published') : null };
    }
    if (e.target === 'oidc_client_secret') return { kind: 'secret', set: !/removed|đã xoá/i.test(d) };
    if (d === '(default)' || d === '(mặc định)') return { kind: 'value', value: null };
    const coded = { Bật: 'on', Tắt: 'off' }[d];
    return { kind: 'value', value: e.target === 'reminders' && coded ? coded : d };
  }
  if (e.action.startsWith('account')) {
    // Old entries: "staff xa-yen-lac: Trần Thị Lan", "machine: Cổng dữ liệu (queries …)"; new: "Cán bộ nhập báo cáo, Xã Yên Lạc: Trần Thị Lan".
    if ((m = /^([a-z]+)(?: (\S+))?: (.*?)(?: → [0-9a-f]+)?$/.exec(d)) && ROLE_CODES.includes(m[1]!)) {
      return { kind: 'account', role: m[1]!, unit: m[2] ?? null, unitName: null, holder: m[3]!.replace(/ \(queries .*\)$/, '') };
    }
    const role = ROLE_CODES.find((r) => d.startsWith(`${roleName(r, 'vi')}:`) || d.startsWith(`${roleName(r, 'vi')}, `));
    if (role && (m = /^[^,:]+(?:, ([^:]+))?: (.*?)(?: → [0-9a-f]+)?$/.exec(d))) return { kind: 'account', role, unit: null, unitName: m[1] ?? null, holder: m[2]! };
  }
  // Old entries name the query ("dti_ranking (Chị Lan)"), new ones its Vietnamese title.
  if (e.action === 'link.revoke' && (m = /^(.*) \(([^()]*)\)$/.exec(d))) return { kind: 'link', query: m[1]!, byName: m[2]! };
  if (e.action === 'evidence.remove' && (m = /^(.*) \((\d+) bytes\b.*\)$/.exec(d))) return { kind: 'file', name: m[1]!, bytes: Number(m[2]) };
  return { kind: 'text', text: d };
}
