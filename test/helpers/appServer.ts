import { serve } from '@hono/node-server';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import { FsObjectStore } from '../../functions/adapters/FsObjectStore.ts';
import { indexCatalog } from '../../functions/core/ingestContext.ts';
import { ingestFile } from '../../functions/ingest/ingestFile.ts';
import { createApp } from '../../functions/query/app.ts';
import { DuckDbEngine } from '../../functions/query/DuckDbEngine.ts';
import { loadSavedQueries } from '../../functions/query/savedQueries.ts';
import { SQL_DIR } from '../../functions/local/localServices.ts';
import { LocalTokens } from '../../functions/local/localTokens.ts';
import { LocalLinkRegistry, localLinkSecret } from '../../functions/local/localLinks.ts';

/** The real app over a private copy of the demo lake, with a clock the test can move. */
export async function demoApp(demoLake: string, options: { listen?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-app-'));
  await cp(demoLake, dir, { recursive: true });
  const store = new FsObjectStore(dir);
  const catalog = indexCatalog(loadDefaultCatalog());
  const tokens = new LocalTokens(dir);
  const analyst = await tokens.issue({ name: 'Chị Lan (Phòng VH-TT)', role: 'analyst', unit: null });
  const clerk = await tokens.issue({ name: 'Liên Châu clerk', role: 'staff', unit: 'xa-lien-chau' });
  let clock = new Date('2025-02-01T00:00:00Z');
  const now = () => clock;
  const engine = await DuckDbEngine.open(dir);
  const deps = { store, catalog, now, utcOffsetHours: 7 };
  const app = createApp({
    engine, store, catalog, queries: loadSavedQueries(SQL_DIR), tokens: () => tokens.records(),
    linkSecret: await localLinkSecret(dir), links: new LocalLinkRegistry(dir),
    ingest: (input) => ingestFile(input, deps), now, utcOffsetHours: 7,
  });
  let server: ReturnType<typeof serve> | null = null;
  let base = '';
  if (options.listen) {
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  return {
    app, dir, base, analyst, clerk,
    advance: (seconds: number) => { clock = new Date(clock.getTime() + seconds * 1000); },
    auth: (token: string) => ({ Authorization: `Bearer ${token}` }),
    close: async () => {
      if (server) await new Promise((r) => server!.close(r));
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
