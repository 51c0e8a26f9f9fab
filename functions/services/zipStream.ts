import { Zip, ZipDeflate } from 'fflate';

export interface ArchiveEntry { name: string; body: string | Uint8Array }

/** Bytes fed to the compressor at a time: the archive goes out as it is made, never held whole. */
const SLICE = 64 * 1024;

/**
 * A zip archive of entries made one by one as the reader asks for more (a pull stream): at any
 * time only the entry being compressed and one slice of output are held, and a reader that stops
 * stops the making. fflate (pure JavaScript, no native part, so it runs in the Lambda bundles).
 */
export function zipStream(entries: AsyncIterable<ArchiveEntry>, mtime: Date): ReadableStream<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  let finished = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else {
      out.push(chunk);
      if (final) finished = true;
    }
  });
  const source = entries[Symbol.asyncIterator]();
  let current: { file: ZipDeflate; bytes: Uint8Array; at: number } | null = null;
  let ended = false;

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (out.length === 0 && !finished && !failure) {
          if (current) {
            const end = Math.min(current.at + SLICE, current.bytes.length);
            current.file.push(current.bytes.subarray(current.at, end), end === current.bytes.length);
            current.at = end;
            if (end === current.bytes.length) current = null;
            continue;
          }
          if (ended) break;
          const next = await source.next();
          if (next.done) {
            ended = true;
            zip.end();
            continue;
          }
          const file = new ZipDeflate(next.value.name, { level: 6 });
          file.mtime = mtime;
          zip.add(file);
          const bytes = typeof next.value.body === 'string' ? Buffer.from(next.value.body, 'utf8') : next.value.body;
          if (bytes.length === 0) file.push(bytes, true);
          else current = { file, bytes, at: 0 };
        }
      } catch (error) {
        failure = error as Error;
      }
      if (failure) {
        zip.terminate();
        controller.error(failure);
        return;
      }
      for (const chunk of out.splice(0)) controller.enqueue(chunk);
      if (finished) controller.close();
    },
    async cancel() {
      zip.terminate();
      await source.return?.();
    },
  });
}
