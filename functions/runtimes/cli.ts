import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { describeLocation, ingestError } from '../domain/ingest/errors.ts';
import { InvalidParamsError, resolveParams } from '../domain/queries/resolveParams.ts';
import { checkScope } from '../domain/access/machineScope.ts';
import { hashToken } from '../domain/access/tokens.ts';
import { loadSavedQueries, SQL_DIR } from '../adapters/files/sqlFiles.ts';
import { lazy } from '../http/lazy.ts';
import { auditDetail } from '../http/pages/adminWords.ts';
import { FORMATS, toArrow, toCsv, toRows, type Format } from '../http/render.ts';
import type { IngestResult } from '../services/ingestFile.ts';
import { readRegistryFolder } from '../adapters/files/catalogFiles.ts';
import { checkRegistry, type RegistryFiles } from '../domain/registry/catalog.ts';
import { describeProblem } from '../domain/registry/problems.ts';
import { importRegistry, registryVersions } from '../services/registry.ts';
import { composeIngest, composeQuery } from './compose.ts';
import { readLocalConfig, type Deployment } from './config.ts';

const USAGE = `Cách dùng / usage:
  chiso ingest <tệp / file…> [--data-dir D] [--json]
  chiso query <name> [--param k=v]… [--format json|csv|xlsx|arrow] [--data-dir D]
  chiso query --list
  chiso admin create --name "…" [--email …] [--expires-in-days N] [--data-dir D | --bucket <lake bucket>]   (quản trị viên / the administrator)
  chiso token create --role analyst|staff|head --name "…" [--unit <code>] [--expires-in-days N] [--data-dir D | --bucket <lake bucket>]
  chiso token create --role machine --name "…" --queries a,b --units x,y|all [--expires-in-days N] [--data-dir D | --bucket <lake bucket>]   (hệ thống chia sẻ dữ liệu, chỉ đọc / a data-sharing platform, read-only)
  chiso token list [--json] [--data-dir D | --bucket <lake bucket>]
  chiso token revoke <id> [--data-dir D | --bucket <lake bucket>]
  chiso registry check <thư mục / folder>
  chiso registry import <thư mục / folder> [--data-dir D | --bucket <lake bucket>]
  chiso registry versions [--data-dir D | --bucket <lake bucket>]
  chiso remind [--data-dir D]        (nhắc các đơn vị chưa nộp / remind units that have not reported)
  chiso settings [--data-dir D | --bucket <lake bucket>]            (cài đặt và lịch sử / settings and their history)
  chiso settings approval on|off --by "…" [--earlier published|pending] [--note "…"] [--data-dir D | --bucket <lake bucket>]
`;

interface Io {
  out: (text: string | Uint8Array) => void;
  err: (text: string) => void;
  isTty: boolean;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY && process.stderr.isTTY),
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'ingest') return ingestCommand(rest, io);
  if (command === 'query') return queryCommand(rest, io);
  if (command === 'admin' && rest[0] === 'create') return adminCommand(rest.slice(1), io);
  if (command === 'token' && rest[0] === 'create') return tokenCommand(rest.slice(1), io);
  if (command === 'token' && (rest[0] === 'list' || rest[0] === 'revoke')) return tokenAdminCommand(rest[0], rest.slice(1), io);
  if (command === 'remind') return remindCommand(rest, io);
  if (command === 'settings') return settingsCommand(rest, io);
  if (command === 'registry' && ['check', 'import', 'versions'].includes(rest[0] ?? '')) return registryCommand(rest[0] as 'check' | 'import' | 'versions', rest.slice(1), io);
  io.err(command && command !== '--help' ? `Lệnh không rõ / unknown command: ${command}\n${USAGE}` : USAGE);
  return command && command !== '--help' ? 2 : 0;
}

async function ingestCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const files = args.positionals;
  if (files.length === 0) {
    io.err(`Chưa có tệp nào / no files given.\n${USAGE}`);
    return 2;
  }
  // Each file in a worker thread with the server's heap limit: what the server refuses as too
  // complex, the CLI refuses too, instead of taking the machine's memory (closed below).
  const services = await composeIngest(readLocalConfig(process.env, { dataDir: args.values['data-dir'] }), { isolateIngest: true });
  const showBar = !args.values.json && io.isTty && files.length > 3;
  const bar = showBar ? new cliProgress.SingleBar({ format: ' {bar} {value}/{total} {file}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
  bar?.start(files.length, 0, { file: '' });
  const results: IngestResult[] = [];
  for (const file of files) {
    bar?.update(results.length, { file: basename(file) });
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      results.push(unreadable(file, error as NodeJS.ErrnoException));
      continue;
    }
    results.push(await services.ingest({ bytes, fileName: file }));
    if (!showBar && !args.values.json && files.length > 1 && io.isTty) io.err('.');
  }
  bar?.update(files.length, { file: '' });
  bar?.stop();
  await services.close();
  if (args.values.json) {
    io.out(`${JSON.stringify(results.map(contractView), null, 2)}\n`);
  } else {
    io.out(summary(results));
  }
  return results.every((r) => r.status === 'accepted') ? 0 : 1;
}

function unreadable(file: string, error: NodeJS.ErrnoException): IngestResult {
  const e = ingestError('FILE_NOT_FOUND', {}, { name: file, detail: error.code ?? error.message });
  const now = new Date().toISOString();
  return {
    file: basename(file), status: 'rejected', submission_id: '', rows: 0, partitions: [], layout: null, format: 'unknown',
    sha256: '', duplicate_of: null, submitted_at: now, ingested_at: now, submitted_by: null,
    errors: [{ sheet: e.sheet, row: e.row, column: e.column, code: e.code, message: e.message, message_vi: e.message_vi, message_en: e.message_en }],
  };
}

/** The contract's shape first, then what else a script may want. */
function contractView(r: IngestResult) {
  return {
    file: r.file,
    status: r.status,
    submission_id: r.submission_id,
    rows: r.rows,
    partitions: r.partitions,
    errors: r.errors,
    layout: r.layout,
    duplicate_of: r.duplicate_of,
    sha256: r.sha256,
  };
}

function summary(results: IngestResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === 'accepted') {
      const units = [...new Set(r.partitions.map((p) => p.unit))];
      const periods = [...new Set(r.partitions.map((p) => p.period))];
      const again = r.duplicate_of ? ' — đã nhận trước đó, không ghi thêm / already received, nothing added' : '';
      lines.push(`✓ ${r.file}: đã nhận / accepted — ${r.rows} giá trị / values, ${list(units, 'đơn vị / units')}, ${list(periods, 'kỳ / periods')} [${r.submission_id}]${again}`);
    } else {
      lines.push(`✗ ${r.file}: bị từ chối / rejected — ${r.errors.length} lỗi / errors${r.submission_id ? ` [${r.submission_id}]` : ''}`);
      for (const e of r.errors) {
        const where = describeLocation(e);
        lines.push(`    ${where.vi ? `${where.vi}: ` : ''}${e.message_vi}`);
        lines.push(`    ${where.en ? `${where.en}: ` : ''}${e.message_en}`);
      }
    }
  }
  const accepted = results.filter((r) => r.status === 'accepted').length;
  lines.push(`${accepted}/${results.length} tệp được nhận / files accepted`);
  return `${lines.join('\n')}\n`;
}

function list(items: string[], label: string): string {
  return items.length <= 3 ? items.join(', ') : `${items.length} ${label}`;
}

async function queryCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        param: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'json' },
        list: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const services = await composeQuery(readLocalConfig(process.env, { dataDir: args.values['data-dir'] }), { cacheResults: false });
  try {
    return await runQuery(args, services, io);
  } finally {
    await services.close();
  }
}

async function runQuery(
  args: { values: { param?: string[]; format?: string; list?: boolean }; positionals: string[] },
  services: Awaited<ReturnType<typeof composeQuery>>,
  io: Io,
): Promise<number> {
  if (args.values.list) {
    for (const q of services.queries.values()) {
      io.out(`${q.name}(${q.params.map((p) => `${p.name}${p.required ? '' : '?'}: ${p.type}`).join(', ')}) — ${q.title.vi} / ${q.title.en}\n`);
    }
    return 0;
  }
  const [name] = args.positionals;
  const query = name ? services.queries.get(name) : undefined;
  if (!query) {
    io.err(`${name ? `Không có truy vấn / no saved query "${name}". ` : ''}Có / available: ${[...services.queries.keys()].join(', ')}\n${USAGE}`);
    return 2;
  }
  const format = args.values.format as Format;
  if (!FORMATS.includes(format)) {
    io.err(`--format: ${FORMATS.join(' | ')}\n`);
    return 2;
  }
  const raw: Record<string, string> = {};
  for (const pair of args.values.param as string[]) {
    const eq = pair.indexOf('=');
    if (eq < 1) {
      io.err(`--param ${pair}: cần dạng / expected k=v\n`);
      return 2;
    }
    raw[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  let params;
  try {
    params = resolveParams(query, raw, services.catalog, services.clock.today());
  } catch (error) {
    if (!(error instanceof InvalidParamsError)) throw error;
    for (const p of error.problems) io.err(`${p.param}: ${p.message_vi} / ${p.message_en}\n`);
    return 2;
  }
  const { table } = await services.runner.run(query, params);
  if (format === 'json') io.out(`${JSON.stringify(toRows(table), null, 2)}\n`);
  else if (format === 'csv') io.out(toCsv(table));
  else if (format === 'xlsx') io.out(await (await lazy.xlsx()).toXlsx(table, query, params));
  else io.out(toArrow(table));
  return 0;
}

/** Who ran a CLI command, for the audit log: the machine's user (the CLI has no sign-in). */
const cliActor = (name?: string) => {
  const who = name?.trim() || process.env.USER || process.env.USERNAME || 'cli';
  return { id: `cli:${who}`, name: who, address: null };
};

/**
 * admin create: the deployment's administrator, the one account made in a terminal (npm start
 * makes the first on an empty data folder); everything else is done in the pages under /quan-tri.
 */
async function adminCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { name: { type: 'string' }, email: { type: 'string' }, 'expires-in-days': { type: 'string' }, 'data-dir': { type: 'string' }, bucket: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const name = args.values.name?.trim();
  if (!name) {
    io.err(`admin create --name "Họ tên / full name"\n${USAGE}`);
    return 2;
  }
  const expiresInDays = expiryDays(args.values['expires-in-days']);
  if (expiresInDays === null) {
    io.err(`--expires-in-days là số ngày, từ 1 đến 3650 / --expires-in-days is whole days, 1 to 3650\n${USAGE}`);
    return 2;
  }
  const services = await composeIngest(storeDeployment(args.values.bucket, args.values['data-dir']));
  const token = await services.tokens.issue({ name, role: 'admin', unit: null, email: args.values.email?.trim() || null }, { expiresInDays });
  const record = (await services.tokens.records()).find((r) => r.sha256 === hashToken(token));
  await services.audit.record('account.create', cliActor(), { target: record?.id ?? null, detail: auditDetail.account('admin', null, name) });
  io.out(`${token}\n`);
  io.err('Mã quản trị chỉ hiện một lần; đăng nhập tại /login rồi làm mọi việc khác trong trang /quan-tri. / The administrator\'s code is shown once: sign in at /login, then do everything else at /quan-tri.\n');
  return 0;
}

/** --expires-in-days: undefined when not given (the default year), null when not whole days from 1 to 3650. */
function expiryDays(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const days = Number(value);
  return Number.isInteger(days) && days >= 1 && days <= 3650 ? days : null;
}

/** Makes a token and stores only its hash: in the data folder, or in the lake bucket on AWS. */
async function tokenCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { role: { type: 'string' }, name: { type: 'string' }, unit: { type: 'string' }, queries: { type: 'string' }, units: { type: 'string' }, 'expires-in-days': { type: 'string' }, 'data-dir': { type: 'string' }, bucket: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { role, name, unit, bucket } = args.values;
  if (role === 'machine') return machineTokenCommand(args.values, io);
  if ((role !== 'analyst' && role !== 'staff' && role !== 'head') || !name || (role !== 'analyst') !== Boolean(unit)) {
    io.err(`--role analyst|staff|head và --name; staff, head cần --unit / staff and head need --unit\n${USAGE}`);
    return 2;
  }
  const expiresInDays = expiryDays(args.values['expires-in-days']);
  if (expiresInDays === null) {
    io.err(`--expires-in-days là số ngày, từ 1 đến 3650 / --expires-in-days is whole days, 1 to 3650\n${USAGE}`);
    return 2;
  }
  const services = await composeIngest(storeDeployment(bucket, args.values['data-dir']));
  if (unit && !services.catalog.catalog.units.some((u) => u.code === unit)) {
    io.err(`Không có đơn vị / no unit "${unit}"\n`);
    return 2;
  }
  const token = await services.tokens.issue({ name, role, unit: unit ?? null }, { expiresInDays });
  const record = (await services.tokens.records()).find((r) => r.sha256 === hashToken(token));
  const unitName = services.catalog.catalog.units.find((u) => u.code === unit)?.nameVi ?? null;
  await services.audit.record('account.create', cliActor(), { target: record?.id ?? null, detail: auditDetail.account(role, unitName, name) });
  io.out(`${token}\n`);
  io.err('Mã chỉ hiện một lần; hãy lưu lại. / The token is shown once: keep it.\n');
  return 0;
}

/**
 * A data-sharing platform's read-only account: its scope (saved queries that may be shared, units
 * of the registry, or every unit said as "all") checked whole before anything is written.
 */
async function machineTokenCommand(values: { name?: string; unit?: string; queries?: string; units?: string; 'expires-in-days'?: string; 'data-dir'?: string; bucket?: string }, io: Io): Promise<number> {
  if (!values.name || values.unit || values.queries === undefined || values.units === undefined) {
    io.err(`--role machine cần --name, --queries và --units (không dùng --unit) / --role machine needs --name, --queries and --units (not --unit)\n${USAGE}`);
    return 2;
  }
  const expiresInDays = expiryDays(values['expires-in-days']);
  if (expiresInDays === null) {
    io.err(`--expires-in-days là số ngày, từ 1 đến 3650 / --expires-in-days is whole days, 1 to 3650\n${USAGE}`);
    return 2;
  }
  const services = await composeIngest(storeDeployment(values.bucket, values['data-dir']));
  const checked = checkScope({ queries: values.queries, units: values.units }, loadSavedQueries(SQL_DIR), new Set(services.catalog.catalog.units.map((u) => u.code)));
  if ('problems' in checked) {
    for (const p of checked.problems) io.err(`${p.vi} / ${p.en}\n`);
    return 2;
  }
  const token = await services.tokens.issue({ name: values.name, role: 'machine', unit: null, scope: checked.scope }, { expiresInDays });
  const { queries, units } = checked.scope;
  const record = (await services.tokens.records()).find((r) => r.sha256 === hashToken(token));
  await services.audit.record('account.create', cliActor(), { target: record?.id ?? null, detail: `${auditDetail.account('machine', null, values.name)} (truy vấn ${queries.join(', ')}; đơn vị ${units === 'all' ? 'tất cả' : units.join(', ')})` });
  io.out(`${token}\n`);
  io.err('Mã chỉ hiện một lần; hãy lưu lại. / The token is shown once: keep it.\n');
  return 0;
}

/** token list: every code with its holder, expiry, last use and revocation. token revoke <id>: stops one at its next request. */
async function tokenAdminCommand(action: 'list' | 'revoke', argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, bucket: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [id, extra] = args.positionals;
  if ((action === 'revoke') !== Boolean(id) || extra !== undefined) {
    io.err(USAGE);
    return 2;
  }
  const services = await composeIngest(storeDeployment(args.values.bucket, args.values['data-dir']));
  const now = services.clock.now();
  if (action === 'revoke') {
    const revoked = await services.tokens.revoke(id!);
    if (!revoked) {
      io.err(`Không có mã / no token "${id}"\n`);
      return 1;
    }
    await services.audit.record('account.revoke', cliActor(), { target: revoked.id, detail: auditDetail.account(revoked.role, services.catalog.catalog.units.find((u) => u.code === revoked.unit)?.nameVi ?? null, revoked.name) });
    io.out(`${revoked.id} ${revoked.name}: đã thu hồi / revoked ${services.clock.localTime(revoked.revoked_at)}\n`);
    return 0;
  }
  const tokens = await services.tokens.list();
  if (args.values.json) {
    io.out(`${JSON.stringify(tokens.map(({ sha256: _hash, ...t }) => ({ ...t, status: tokenStatus(t, now) })), null, 2)}\n`);
    return 0;
  }
  const t = services.clock.localTime;
  io.out('id\tvai trò/role\tđơn vị/unit\ttên/name\ttạo/created\thết hạn/expires\tdùng lần cuối/last used\ttrạng thái/status\n');
  for (const r of tokens) {
    // A machine account's unit column says its scope.
    const unitOrScope = r.unit ?? (r.scope ? `${r.scope.queries.join(',')} @ ${r.scope.units === 'all' ? 'all' : r.scope.units.join(',')}` : '-');
    io.out(`${[r.id, r.role, unitOrScope, r.name, t(r.created_at), r.expires_at ? t(r.expires_at) : 'không hạn/never', t(r.last_used_at) || '-', tokenStatus(r, now)].join('\t')}\n`);
  }
  return 0;
}

const tokenStatus = (r: { revoked_at: string | null; expires_at?: string | null; suspended_at?: string | null; deleted_at?: string | null }, now: Date) =>
  r.deleted_at ? 'deleted' : r.revoked_at ? 'revoked' : r.suspended_at ? 'suspended' : r.expires_at && Date.parse(r.expires_at) <= now.getTime() ? 'expired' : 'active';

/** The lake bucket on AWS (the Glue database and the rest are not needed to keep tokens or a registry), else the data folder. */
function storeDeployment(bucket: string | undefined, dataDir: string | undefined): Deployment {
  return bucket
    ? { kind: 'aws', lakeBucket: bucket, database: 'chiso', workGroup: '', linkSecretArn: '', s3Endpoint: process.env.CHISO_S3_ENDPOINT || undefined, compactFromObjects: 16, utcOffsetHours: 7 }
    : readLocalConfig(process.env, { dataDir });
}

/**
 * registry check: reads a province's folder and lists every problem, writing nothing.
 * registry import: the same check, then the folder becomes the registry in force (a new version;
 * the previous ones are kept). registry versions: what was imported, and which is in force.
 */
async function registryCommand(action: 'check' | 'import' | 'versions', argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { 'data-dir': { type: 'string' }, bucket: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { bucket, 'data-dir': dataDir } = args.values;
  if (action === 'versions') {
    const services = await composeIngest(storeDeployment(bucket, dataDir));
    const versions = await registryVersions(services.store);
    if (!versions.length) io.out('Chưa nhập danh mục nào: đang dùng danh mục mẫu / no registry imported: the shipped example is in force\n');
    for (const v of versions) io.out(`${v.current ? '* ' : '  '}${v.version}${v.current ? '  (đang dùng / in force)' : ''}\n`);
    return 0;
  }
  const folder = args.positionals[0];
  if (!folder) {
    io.err(`Chưa có thư mục / no folder given.\n${USAGE}`);
    return 2;
  }
  let files: RegistryFiles;
  try {
    files = readRegistryFolder(folder);
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return 1;
  }
  const checked = checkRegistry(files);
  if (!checked.catalog) {
    io.err(`✗ Danh mục có ${checked.problems.length} lỗi, không thay đổi gì / the registry has ${checked.problems.length} problems; nothing was changed:\n`);
    for (const p of checked.problems) io.err(`  ${describeProblem(p)}\n`);
    return 1;
  }
  const c = checked.catalog;
  const unverified = (c.events ?? []).filter((e) => e.verified === false).length;
  const versions = new Set((c.frameworks ?? []).map((f) => f.framework));
  io.out(`✓ ${c.units.length} đơn vị / units, ${(c.events ?? []).length} sự kiện / events (${unverified} chưa xác minh / unverified), ${c.indicators.length} chỉ số / indicators, ${versions.size} phiên bản khung điểm / framework versions${versions.size ? ` (${[...versions].join(', ')})` : ''}\n`);
  if (action === 'check') return 0;
  const services = await composeIngest(storeDeployment(bucket, dataDir));
  const result = await importRegistry(services.store, files, services.clock.now(), services.deployment.utcOffsetHours);
  if (result.status === 'refused') return 1; // checked above: cannot happen
  if (result.status === 'imported') await services.audit.record('registry.import', cliActor(), { target: result.version.version, detail: auditDetail.units(c.units.length) });
  io.out(result.status === 'unchanged'
    ? `Danh mục này đang được dùng (${result.version.version}): không có gì mới / this registry is already in force\n`
    : `✓ Đã nhập phiên bản ${result.version.version}; danh mục trước vẫn được lưu / imported as ${result.version.version}; earlier versions are kept\n`);
  return 0;
}

/**
 * settings: the deployment's settings and every change of them (who, when, why). settings approval
 * on|off records a change: turned on, what was sent before stays published (`--earlier published`,
 * the default) or waits for approval too (`--earlier pending`).
 */
async function settingsCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { by: { type: 'string' }, earlier: { type: 'string' }, note: { type: 'string' }, 'data-dir': { type: 'string' }, bucket: { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [what, value] = args.positionals;
  const { by, earlier, note, bucket, 'data-dir': dataDir } = args.values;
  const change = what !== undefined;
  if (change && (what !== 'approval' || (value !== 'on' && value !== 'off') || !by?.trim() || (earlier !== undefined && earlier !== 'published' && earlier !== 'pending'))) {
    io.err(`settings approval on|off --by "Họ tên / your name" [--earlier published|pending]\n${USAGE}`);
    return 2;
  }
  const services = await composeIngest(storeDeployment(bucket, dataDir));
  if (change) {
    const name = by!.trim();
    await services.settings.setApproval(value === 'on', { id: `cli:${name}`, name }, { earlier: earlier as 'published' | 'pending' | undefined, note });
    await services.audit.record('setting.change', cliActor(name), { target: 'approval_required', detail: auditDetail.approval(value === 'on', earlier as 'published' | 'pending' | undefined) });
  }
  const approval = await services.settings.approval();
  io.out(approval.required
    ? `Duyệt báo cáo: BẬT — báo cáo gửi từ ${services.clock.localTime(approval.appliesFrom)} chờ lãnh đạo đơn vị duyệt / approval: ON for reports sent from then on\n`
    : 'Duyệt báo cáo: TẮT / approval: OFF\n');
  for (const c of await services.settings.history()) {
    io.out(`  ${services.clock.localTime(c.changed_at)}  ${c.key} = ${c.value}  (${c.changed_by_name})${c.note ? ` — ${c.note}` : ''}\n`);
  }
  return 0;
}

/** Sends the reminders due today (what the local server does every hour), and says what went out. */
async function remindCommand(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const services = await composeQuery(readLocalConfig(process.env, { dataDir: args.values['data-dir'] }));
  try {
    const r = await services.remind();
    for (const x of r.sent) io.out(`✓ ${x.unit_name} · ${x.period} · ${x.subject}\n`);
    for (const x of r.failed) io.err(`✗ ${x.unit_name} · ${x.period}: không gửi được / not delivered\n`);
    io.out(`${r.sent.length} đã gửi / sent, ${r.already} đã gửi trước đó / sent before\n`);
    io.out(`Bản tin cho lãnh đạo / leaders' digests: ${r.digests.sent.length} đã gửi / sent, ${r.digests.already} đã gửi trước đó / sent before${r.digests.failed.length ? `, ${r.digests.failed.length} không gửi được / not delivered` : ''}\n`);
    return r.failed.length || r.digests.failed.length ? 1 : 0;
  } finally {
    await services.close();
  }
}
