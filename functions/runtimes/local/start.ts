import { serve } from '@hono/node-server';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compactLake } from '../../adapters/duckdb/compactLake.ts';
import { recoverFsLake } from '../../adapters/stores/recoverFsLake.ts';
import { signLink } from '../../domain/access/signedLinks.ts';
import { StoreLinkRegistry, storedLinkSecret, type TokenStore } from '../../services/accessStore.ts';
import { loadDemoOnce } from '../../services/loadDemo.ts';
import { composeQuery } from '../compose.ts';
import { readLocalConfig } from '../config.ts';
import { watchUploads } from './watchUploads.ts';
import { createCompactionThread } from './compactInWorker.ts';

type ComposedStore = Awaited<ReturnType<typeof composeQuery>>['store'];

/** npm start: the local server on 127.0.0.1, demo data on first start, the upload folder watched. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = readLocalConfig(env);
  // Every new submission is readable at once from its own file; compaction follows a moment later.
  let compacting: Promise<unknown> = Promise.resolve();
  // Off the server's thread: DuckDB's synchronous closes would hold every request meanwhile.
  const compaction = createCompactionThread();
  let timer: NodeJS.Timeout | undefined;
  const scheduleCompaction = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      compacting = compacting.then(() => compaction.compact(config.dataDir)).then(() => services.engine.refresh())
        .catch((error) => console.error('compaction:', error));
    }, 1000);
  };
  await recoverAtStart(config.dataDir, env.CHISO_RECOVERY_GRACE_MS ? Number(env.CHISO_RECOVERY_GRACE_MS) : undefined);
  let origin = config.publicUrl;
  const services = await composeQuery(config, { afterIngest: scheduleCompaction, isolateIngest: true, publicOrigin: () => origin });
  const analystToken = await services.tokens.localAnalyst();
  // The administrator of a new deployment: made once, its code printed once (kept only hashed).
  // Another is made with `npx chiso admin create --name …` should this one be lost.
  let adminToken: string | null = null;
  if (!(await services.tokens.records()).some((r) => r.role === 'admin')) {
    adminToken = await services.tokens.issue({ name: 'Quản trị viên / Administrator', role: 'admin', unit: null });
    await services.audit.record('account.create', { id: 'start', name: 'npm start', address: null }, { detail: 'admin: first start' });
  }
  if (env.CHISO_DEMO !== '0') {
    const demo = await loadDemoOnce(services.store, services.ingest);
    if (demo) {
      const accepted = demo.filter((r) => r.status === 'accepted').length;
      console.log(`Dữ liệu mẫu / demo data: ${accepted} tệp được nhận, ${demo.length - accepted} bị từ chối / files accepted, rejected`);
    }
  }
  clearTimeout(timer);
  await compactAtStart(config.dataDir);
  await services.engine.refresh();
  const { app, ingest } = services;
  const uploads = join(config.dataDir, 'uploads');
  await mkdir(uploads, { recursive: true });
  const watcher = await watchUploads(uploads, ingest, (r) => {
    services.runner.lakeChanged(); // this server's own write: in its next answer
    console.log(`${r.status === 'accepted' ? '✓' : '✗'} ${r.file}: ${r.status}${r.errors.length ? ` (${r.errors.length} lỗi / errors)` : ''}`);
  });
  // Reminders before and after each deadline: checked at start and every hour; each goes out once.
  const remind = () => services.remind().then((r) => {
    if (r.sent.length) console.log(`nhắc nhở / reminders: ${r.sent.length} (${[...new Set(r.sent.map((x) => x.period))].join(', ')}) → ${config.dataDir}/outbox`);
  }).catch((error) => console.error('reminders / nhắc nhở:', error));
  void remind();
  const reminders = setInterval(remind, 3_600_000).unref();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: config.port }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://127.0.0.1:${port}`;
  origin ??= base;
  console.log(`chiso: ${base}
  ${base}/health
  ${base}/api/queries                     (Authorization: Bearer <token>)
  ${base}/api/queries/district_scorecard?period=2024-Q4&format=csv
  ${base}/q/district_scorecard?period=2024-Q4   (trang / page; đăng nhập / sign in at ${base}/login)
  ${base}/api/openapi.json
  thư mục nộp báo cáo / upload folder: ${uploads}
leader links / liên kết cho lãnh đạo (30 ngày / days):
  bảng điểm huyện / district scorecard 2024-Q4: ${await leaderLink(base, services.store, services.tokens, 'district_scorecard', { period: '2024-Q4' })}
  xếp hạng DTI / DTI ranking 2026-Q3: ${await leaderLink(base, services.store, services.tokens, 'dti_ranking', { period: '2026-Q3' })}
${adminToken ? `quản trị viên / administrator (mã chỉ hiện lần này / shown this once): ${base}/login
  admin code: ${adminToken}
` : ''}analyst token: ${analystToken}`);
  const stop = async () => {
    clearTimeout(timer);
    clearInterval(reminders);
    await compacting;
    await compaction.close();
    watcher.close();
    await new Promise((r) => server.close(r));
    await services.close();
  };
  return { app, port, stop, analystToken, adminToken, config };
}

/**
 * Start-up never depends on the lake being tidy: what a crash left is removed (older than a
 * grace period), and a compaction that fails is logged and skipped: readers use the raw files.
 */
async function recoverAtStart(dataDir: string, graceMs?: number): Promise<void> {
  try {
    const r = await recoverFsLake(dataDir, { graceMs });
    const removed = r.tempFiles + r.orphanFiles + r.orphanOriginals + r.emptyFolders;
    if (removed) console.log(`dọn dẹp / recovered: ${r.tempFiles} temporary, ${r.orphanFiles} uncommitted partition files, ${r.orphanOriginals} originals, ${r.emptyFolders} empty folders`);
  } catch (error) {
    console.error('recovery:', error);
  }
}

async function compactAtStart(dataDir: string): Promise<void> {
  try {
    await compactLake(dataDir);
  } catch (error) {
    console.error('compaction skipped at start / bỏ qua nén dữ liệu:', error);
  }
}

/** A signed link to a demo page, made like POST /api/links would, so a first look needs no curl. */
async function leaderLink(base: string, store: ComposedStore, tokens: TokenStore, query: string, params: Record<string, string>): Promise<string> {
  const secret = await storedLinkSecret(store);
  const links = new StoreLinkRegistry(store);
  const analyst = (await tokens.records()).find((r) => r.role === 'analyst')!;
  const now = new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const records = await links.listBy(analyst.id);
  // Reuse the demo link of an earlier start while it has a week left: restarts add no links.
  const earlier = records.find((l) => l.query === query && JSON.stringify(l.params) === JSON.stringify(params)
    && !l.revoked_at && l.exp > nowSeconds + 7 * 86400);
  if (earlier) return `${base}${new URL(earlier.url).pathname}`;
  const { token, grant } = signLink({ query, params, exp: nowSeconds + 30 * 86400, by: analyst.id, by_name: analyst.name }, secret);
  const url = `${base}/l/${token}`;
  await links.add({ ...grant, created_at: now.toISOString(), revoked_at: null, url });
  return url;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const running = await start();
  const shutdown = () => { void running.stop().then(() => process.exit(0)); };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
