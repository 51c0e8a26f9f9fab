import { readFile } from 'node:fs/promises';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { IngestInput, IngestResult } from './ingestFile.ts';

const DEMO = new URL('../../demo/', import.meta.url);
const MARKER = 'state/demo-loaded';

/**
 * On first start, the example district's reports (demo/, 2023-Q1 … 2026-Q3, made by
 * scripts/make-demo.ts) go through the real pipeline, each with the time it would have arrived,
 * so history and supersession look as they would.
 */
export async function loadDemoOnce(store: ObjectStore, ingest: (input: IngestInput) => Promise<IngestResult>): Promise<IngestResult[] | null> {
  if (await store.get(MARKER)) return null;
  const manifest = JSON.parse(await readFile(new URL('manifest.json', DEMO), 'utf8')) as { file: string; submitted_at: string }[];
  const results: IngestResult[] = [];
  for (const entry of manifest) {
    const bytes = await readFile(new URL(entry.file, DEMO));
    results.push(await ingest({ bytes, fileName: entry.file, submittedAt: new Date(entry.submitted_at), submittedBy: 'demo' }));
  }
  await store.put(MARKER, new Date().toISOString());
  return results;
}
