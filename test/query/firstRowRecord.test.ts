import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeQuery } from '../../functions/runtimes/compose.ts';

/**
 * A table written one row file at a time (the administrators' log) that had no file when the
 * engine was built: its view was an empty relation, so its first record must make the engine
 * read it, without a restart.
 */
describe('a row table\'s first record on a running deployment', () => {
  it('the first administrative action is in the admin_audit query at the next read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-first-row-'));
    const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2026-10-20T02:00:00Z') });
    try {
      const admin = await services.tokens.issue({ name: 'Quản trị thử', role: 'admin', unit: null });
      const read = async () => {
        const res = await services.app.request('/api/queries/admin_audit?from=2026-01-01&to=2026-12-31', { headers: { Authorization: `Bearer ${admin}` } });
        expect(res.status).toBe(200);
        return (await res.json()) as { action: string; actor_name: string }[];
      };
      expect(await read()).toEqual([]);
      // An administrator's action through the page, as on a new deployment.
      const made = await services.app.request('/quan-tri/tai-khoan', {
        method: 'POST', headers: { Authorization: `Bearer ${admin}` },
        body: new URLSearchParams({ role: 'analyst', name: 'Chị Lan', days: '365' }),
      });
      expect(made.status).toBe(200);
      const rows = await read();
      expect(rows).toEqual([expect.objectContaining({ action: 'account.create', actor_name: 'Quản trị thử' })]);
    } finally {
      await services.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
