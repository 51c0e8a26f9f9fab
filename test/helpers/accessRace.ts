import { randomBytes } from 'node:crypto';
import { Table } from 'apache-arrow';
import { expect } from 'vitest';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { createClock } from '../../functions/domain/clock.ts';
import { createApp } from '../../functions/http/app.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { createTokenStore, StoreLinkRegistry } from '../../functions/services/accessStore.ts';
import { createSettings } from '../../functions/services/settings.ts';
import type { QueryRunner } from '../../functions/services/savedQueryRunner.ts';
import { catalogIndex } from './lake.ts';

/**
 * The HTTP app over a given object store, with every query answering an empty table: what is
 * judged here is who gets in, not the numbers.
 */
export function accessApp(store: ObjectStore) {
  const clock = createClock(7);
  const tokens = createTokenStore(store, { now: clock.now });
  const linkSecret = randomBytes(32);
  const empty = { etag: '"empty"', table: new Table(), bodies: {} };
  const runner = {
    lakeVersion: async () => 'v0',
    run: async () => empty,
    runSql: async () => new Table(),
  } as unknown as QueryRunner;
  const app = createApp({
    runner, store, catalog: catalogIndex, queries: loadSavedQueries(SQL_DIR),
    tokens: () => tokens.records(), access: tokens,
    linkSecret, links: new StoreLinkRegistry(store),
    ingest: async () => { throw new Error('not here'); },
    now: clock.now, today: clock.today, localTime: clock.localTime, settings: createSettings(store, clock.now),
  });
  return { app, tokens, linkSecret };
}

/**
 * 50 pairs of links and 50 pairs of tokens made at once; one of each pair is revoked as soon as it
 * exists, while the others are still being made. Every revoke that answered must be in force, and
 * every code and link not revoked must work.
 */
export async function raceCreatesAndRevokes(store: ObjectStore, pairs = 50): Promise<void> {
  const { app, tokens } = accessApp(store);
  const analyst = await tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  const bearer = (code: string) => ({ Authorization: `Bearer ${code}` });

  const makeLink = async (i: number) => {
    const res = await app.request('/api/links', {
      method: 'POST', headers: { ...bearer(analyst), 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'unit_ranking', params: { period: '2024-Q4' }, note: `lãnh đạo ${i}` }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; url: string };
  };
  const linkPairs = Array.from({ length: pairs }, async (_, i) => {
    const [kept, gone] = await Promise.all([makeLink(i), makeLink(i)]);
    const revoked = await app.request(`/api/links/${gone.id}`, { method: 'DELETE', headers: bearer(analyst) });
    expect(revoked.status).toBe(200);
    return { kept, gone };
  });
  const tokenPairs = Array.from({ length: pairs }, async (_, i) => {
    const [kept, gone] = await Promise.all([
      tokens.issue({ name: `Văn thư ${i}`, role: 'staff', unit: 'xa-lien-chau' }),
      tokens.issue({ name: `Văn thư cũ ${i}`, role: 'staff', unit: 'xa-lien-chau' }),
    ]);
    const check = await tokens.token(gone);
    expect(check.kind).toBe('valid');
    expect(await tokens.revoke((check as { record: { id: string } }).record.id)).not.toBeNull();
    return { kept, gone };
  });
  const [links, codes] = await Promise.all([Promise.all(linkPairs), Promise.all(tokenPairs)]);

  const path = (url: string) => new URL(url).pathname;
  await Promise.all([
    ...links.map(async ({ kept, gone }) => {
      expect((await app.request(path(gone.url))).status, `revoked link ${gone.id}`).toBe(410);
      expect((await app.request(path(kept.url))).status, `kept link ${kept.id}`).toBe(200);
    }),
    ...codes.map(async ({ kept, gone }) => {
      expect((await app.request('/api/links', { headers: bearer(gone) })).status, 'revoked code').toBe(401);
      expect((await app.request('/api/links', { headers: bearer(kept) })).status, 'kept code').toBe(200);
    }),
  ]);
  // The analyst's list has every link, each with the status its revoke left.
  const listed = (await (await app.request('/api/links', { headers: bearer(analyst) })).json()) as { id: string; status: string }[];
  expect(listed).toHaveLength(2 * pairs);
  const status = new Map(listed.map((l) => [l.id, l.status]));
  for (const { kept, gone } of links) {
    expect(status.get(kept.id)).toBe('active');
    expect(status.get(gone.id)).toBe('revoked');
  }
  expect((await tokens.list()).filter((t) => t.revoked_at)).toHaveLength(pairs);
}
