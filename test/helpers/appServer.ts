import { serve } from '@hono/node-server';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeQuery } from '../../functions/runtimes/compose.ts';

/** The real app, as the local server composes it, over a private copy of the demo lake, with a clock the test can move. */
export async function demoApp(demoLake: string, options: { listen?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-app-'));
  await cp(demoLake, dir, { recursive: true });
  let clock = new Date('2025-06-15T00:00:00Z'); // after the demo's 2025-Q1 reports, before the reform
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
  const analyst = await services.tokens.issue({ name: 'Chị Lan (Phòng VH-TT)', role: 'analyst', unit: null });
  const clerk = await services.tokens.issue({ name: 'Liên Châu clerk', role: 'staff', unit: 'xa-lien-chau' });
  const { app } = services;
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
      await services.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An app on 127.0.0.1, on a port the OS picks, for a real browser; `close` stops it. */
export async function listen(app: { fetch: Parameters<typeof serve>[0]['fetch'] }): Promise<{ base: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => { const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s)); });
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
