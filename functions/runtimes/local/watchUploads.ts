import { watch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeLocation } from '../../domain/ingest/errors.ts';
import { LIMITS } from '../../domain/limits.ts';
import type { IngestInput, IngestResult } from '../../services/ingestFile.ts';

/** A file is taken only once its size and time have not changed for this long. */
const STABLE_MS = 2000;
const POLL_MS = 250;
/** Names a writer uses while it is still writing, and folders of this watcher. */
const IN_PROGRESS = /^(\.|~\$)|\.(partial|part|tmp|crdownload|download)$/i;
const OWN_FOLDERS = new Set(['processed', 'processing', 'failed']);

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

const stamp = () => new Date().toISOString().replace(/[-:.]/g, '');

/** The most bytes a name may have on the file systems a server runs on (ext4, xfs, tmpfs). */
const NAME_MAX_BYTES = 255;

let notes = 0;
/** A note beside a file, written whole or not at all: whoever sees its name reads all of it. */
async function writeWhole(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.note-${process.pid}-${++notes}.tmp`);
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, path);
}

/**
 * `prefix` + `name`, short enough that the name and its `.txt` beside it are legal names whatever
 * the input: a long but legal name (≤ 255 bytes) is cut by UTF-8 bytes, on a character boundary,
 * keeping its extension, so moving it to processed/ or failed/ never fails with ENAMETOOLONG.
 */
export function boundedName(prefix: string, name: string, suffix = '.txt'): string {
  const room = NAME_MAX_BYTES - Buffer.byteLength(prefix + suffix);
  if (Buffer.byteLength(name) <= room) return prefix + name;
  const ext = /\.[^.\s]{1,10}$/.exec(name)?.[0] ?? '';
  const chars = [...name.slice(0, name.length - ext.length)];
  while (chars.length && Buffer.byteLength(`${chars.join('')}…${ext}`) > room) chars.pop();
  return `${prefix}${chars.join('')}…${ext}`;
}

/**
 * Watches the upload folder. A file is taken once it has stopped changing (size and time stable
 * for two seconds; names like *.partial are left alone until renamed), moved into processing/,
 * read, checked again to be the bytes that were read, ingested, then moved to processed/ with a
 * .txt saying what became of it. What is not a plain file (a symlink, a FIFO, a folder) or is too
 * large is moved to failed/ with a .txt saying why, unread. A file still in processing/ at start
 * is one whose ingest never finished (the server stopped or crashed on it): it goes to failed/,
 * not through the pipeline again, so one file cannot crash the server at every start.
 */
export async function watchUploads(
  dir: string,
  ingest: (input: IngestInput) => Promise<IngestResult>,
  onResult: (r: IngestResult) => void,
): Promise<FSWatcher> {
  const [done, processing, failed] = ['processed', 'processing', 'failed'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [done, processing, failed]) await mkdir(d, { recursive: true, mode: 0o700 });
  const pending = new Map<string, NodeJS.Timeout>();
  let queue = Promise.resolve();

  const refuse = async (from: string, name: string, vi: string, en: string) => {
    const stem = boundedName(`${stamp()}__`, name);
    await rename(from, join(failed, stem));
    await writeWhole(join(failed, `${stem}.txt`), `KHÔNG XỬ LÝ / NOT PROCESSED\n${name}\n${vi}\n${en}\n`);
    console.log(`✗ ${name}: ${en}`);
  };

  // Start-up never depends on what is there: a file that cannot be moved is logged and left.
  for (const name of await readdir(processing)) {
    await refuse(join(processing, name), name,
      'Máy chủ đã dừng khi đang đọc tệp này nên tệp chưa được tiếp nhận. Hãy kiểm tra tệp rồi đặt lại vào thư mục nộp báo cáo.',
      'The server stopped while reading this file, so it was not taken in. Check the file and drop it into the upload folder again.')
      .catch((error) => console.error(`upload processing/${name} could not be moved to failed/ / không chuyển được:`, error));
  }

  /** Waits until the file has not changed for STABLE_MS; null when it went away or is not a file. */
  const settle = async (path: string) => {
    let last = await lstat(path);
    let since = Date.now();
    while (Date.now() - since < STABLE_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = await lstat(path);
      if (now.size !== last.size || now.mtimeMs !== last.mtimeMs || now.ino !== last.ino) {
        last = now;
        since = Date.now();
      }
    }
    return last;
  };

  const handle = async (name: string) => {
    const path = join(dir, name);
    let info;
    try {
      info = await lstat(path);
    } catch {
      return; // moved or deleted meanwhile
    }
    if (info.isDirectory() && OWN_FOLDERS.has(name)) return;
    if (!info.isFile()) {
      const kind = info.isSymbolicLink() ? ['liên kết (symlink)', 'a symbolic link'] : info.isDirectory() ? ['thư mục', 'a folder'] : ['tệp đặc biệt', 'a special file'];
      return refuse(path, name, `Đây là ${kind[0]}, không phải tệp báo cáo; chỉ nhận tệp .xlsx hoặc .csv thật.`, `This is ${kind[1]}, not a report file; only real .xlsx or .csv files are taken.`);
    }
    if (info.size > LIMITS.maxFileBytes) {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      return refuse(path, name, `Tệp quá lớn (${mb(info.size)}); giới hạn là ${mb(LIMITS.maxFileBytes)}.`, `The file is too large (${mb(info.size)}); the limit is ${mb(LIMITS.maxFileBytes)}.`);
    }
    let settled;
    try {
      settled = await settle(path);
    } catch {
      return;
    }
    if (!settled.isFile()) return schedule(name);
    const taken = join(processing, name);
    await rename(path, taken);
    const bytes = await readFile(taken);
    const after = await stat(taken);
    if (after.size !== bytes.length || after.mtimeMs !== settled.mtimeMs || after.size !== settled.size) {
      // Still being written after all: give it back and wait again.
      await rename(taken, path).catch(() => undefined);
      return schedule(name);
    }
    let result: IngestResult;
    try {
      result = await ingest({ bytes, fileName: name, submittedBy: 'upload-folder' });
    } catch (error) {
      console.error(`upload ${name}:`, error);
      return refuse(taken, name, 'Không xử lý được tệp này do lỗi hệ thống; hãy báo cho cán bộ phụ trách.', 'This file could not be processed because of a system error; tell the person in charge.');
    }
    const stem = boundedName(`${result.submission_id || stamp()}__`, name);
    await rename(taken, join(done, stem));
    await writeWhole(join(done, `${stem}.txt`), resultText(result));
    onResult(result);
  };

  const schedule = (name: string) => {
    if (IN_PROGRESS.test(name) || OWN_FOLDERS.has(name)) return;
    clearTimeout(pending.get(name));
    pending.set(name, setTimeout(() => {
      pending.delete(name);
      queue = queue.then(() => handle(name)).catch((error) => console.error(`upload ${name}:`, error));
    }, 100));
  };

  const watcher = watch(dir, (_event, name) => { if (name) schedule(name.toString()); });
  for (const name of await readdir(dir)) schedule(name); // dropped while the server was down
  return watcher;
}
