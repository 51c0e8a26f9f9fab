import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeLocation } from '../../domain/ingest/errors.ts';
import type { IngestInput, IngestResult } from '../../services/ingestFile.ts';

const SETTLE_MS = 150;

/** What a clerk reads beside her file: accepted, or which cells to fix, in both languages. */
export function resultText(r: IngestResult): string {
  if (r.status === 'accepted') {
    const units = [...new Set(r.partitions.map((p) => p.unit))].join(', ');
    const periods = [...new Set(r.partitions.map((p) => p.period))].join(', ');
    return `ĐÃ NHẬN / ACCEPTED\n${r.file}\n${r.rows} giá trị / values — ${units} — ${periods}\nMã / id: ${r.submission_id}\n`;
  }
  const lines = [`BỊ TỪ CHỐI / REJECTED\n${r.file}\n${r.errors.length} lỗi / errors:`];
  for (const e of r.errors) {
    const where = describeLocation(e);
    lines.push(`- ${where.vi ? `${where.vi}: ` : ''}${e.message_vi}\n  ${where.en ? `${where.en}: ` : ''}${e.message_en}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Watches the upload folder: a file dropped there is ingested once it stops growing, then moved
 * to uploads/processed/, with a .txt beside it saying what became of it.
 */
export async function watchUploads(
  dir: string,
  ingest: (input: IngestInput) => Promise<IngestResult>,
  onResult: (r: IngestResult) => void,
): Promise<FSWatcher> {
  const done = join(dir, 'processed');
  await mkdir(done, { recursive: true });
  const pending = new Map<string, NodeJS.Timeout>();
  let queue = Promise.resolve();

  const handle = async (name: string) => {
    const path = join(dir, name);
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) return;
      size = s.size;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      if ((await stat(path)).size !== size) return schedule(name); // still being copied
    } catch {
      return; // moved or deleted meanwhile
    }
    const bytes = await readFile(path);
    const result = await ingest({ bytes, fileName: name, submittedBy: 'upload-folder' });
    const stem = `${result.submission_id || Date.now()}__${name}`;
    await rename(path, join(done, stem));
    await writeFile(join(done, `${stem}.txt`), resultText(result));
    onResult(result);
  };

  const schedule = (name: string) => {
    if (name.startsWith('.') || name.startsWith('~$') || name === 'processed') return;
    clearTimeout(pending.get(name));
    pending.set(name, setTimeout(() => {
      pending.delete(name);
      queue = queue.then(() => handle(name)).catch((error) => console.error(`upload ${name}:`, error));
    }, SETTLE_MS));
  };

  const watcher = watch(dir, (_event, name) => { if (name) schedule(name.toString()); });
  for (const name of await readdir(dir)) schedule(name); // dropped while the server was down
  return watcher;
}
