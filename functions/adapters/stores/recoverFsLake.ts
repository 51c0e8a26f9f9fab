import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface Recovery {
  tempFiles: number;
  orphanFiles: number;
  orphanOriginals: number;
  emptyFolders: number;
}

/**
 * What a crash (kill -9, a full disk) can leave in a local lake, removed at start: temporary
 * files of writes that never finished, partition files and originals of submissions whose record
 * was never written (the record is the commit: nothing reads them), and empty partition folders.
 * Only what is older than `graceMs`: another process (a CLI ingest) may be writing right now.
 */
export async function recoverFsLake(dataDir: string, options: { graceMs?: number; now?: number } = {}): Promise<Recovery> {
  const cutoff = (options.now ?? Date.now()) - (options.graceMs ?? 10 * 60_000);
  const result: Recovery = { tempFiles: 0, orphanFiles: 0, orphanOriginals: 0, emptyFolders: 0 };
  const old = async (path: string) => {
    try {
      return (await stat(path)).mtimeMs < cutoff;
    } catch {
      return false;
    }
  };
  const list = async (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);
  const committed = new Set((await list(join(dataDir, 'lake/submissions'))).filter((e) => e.name.endsWith('.parquet')).map((e) => e.name.slice(0, -'.parquet'.length)));

  // Temporary files anywhere in the store.
  const sweepTemps = async (dir: string): Promise<void> => {
    for (const entry of await list(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await sweepTemps(path);
      else if (/^\.tmp-|\.tmp-\d+$/.test(entry.name) && (await old(path))) {
        await rm(path, { force: true });
        result.tempFiles++;
      }
    }
  };
  for (const top of ['lake', 'state', 'originals']) await sweepTemps(join(dataDir, top));

  // Partition files no record names; then partition folders left empty.
  const kpiRoot = join(dataDir, 'lake/kpi_values');
  for (const unit of await list(kpiRoot)) {
    if (!unit.isDirectory()) continue;
    const unitDir = join(kpiRoot, unit.name);
    for (const period of await list(unitDir)) {
      if (!period.isDirectory()) continue;
      const periodDir = join(unitDir, period.name);
      for (const file of await list(periodDir)) {
        const id = file.name.endsWith('.parquet') ? file.name.slice(0, -'.parquet'.length) : null;
        const path = join(periodDir, file.name);
        if (id && !committed.has(id) && (await old(path))) {
          await rm(path, { force: true });
          result.orphanFiles++;
        }
      }
      if ((await list(periodDir)).length === 0 && (await rmdir(periodDir).then(() => true, () => false))) result.emptyFolders++;
    }
    if ((await list(unitDir)).length === 0 && (await rmdir(unitDir).then(() => true, () => false))) result.emptyFolders++;
  }

  // Originals of submissions that were never recorded.
  for (const entry of await list(join(dataDir, 'originals'))) {
    const path = join(dataDir, 'originals', entry.name);
    if (entry.isDirectory() && !committed.has(entry.name) && (await old(path))) {
      await rm(path, { recursive: true, force: true });
      result.orphanOriginals++;
    }
  }
  return result;
}
