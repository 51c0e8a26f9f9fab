import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipStream, type ArchiveEntry } from '../../functions/services/zipStream.ts';

describe('a zip made as it is read', () => {
  it('holds entries larger than a slice, an empty one and Vietnamese text exactly, as python reads them', async () => {
    const big = 'Xã Tề Lỗ,820,"Đã công bố"\r\n'.repeat(20_000);
    const entries = (async function* (): AsyncGenerator<ArchiveEntry> {
      yield { name: 'published/dti_ranking.csv', body: big };
      yield { name: 'empty.csv', body: '' };
      yield { name: 'bytes.bin', body: new Uint8Array([0, 1, 2, 255]) };
    })();
    const dir = await mkdtemp(join(tmpdir(), 'chiso-zip-'));
    try {
      const file = join(dir, 'a.zip');
      await writeFile(file, Buffer.from(await new Response(zipStream(entries, new Date('2026-10-25T03:00:00Z'))).arrayBuffer()));
      const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({i.filename: [z.read(i).hex() if i.filename.endswith(".bin") else z.read(i).decode("utf-8"), i.date_time[:3]] for i in z.infolist()}))`, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, [string, number[]]>;
      expect(Object.keys(read)).toEqual(['published/dti_ranking.csv', 'empty.csv', 'bytes.bin']);
      expect(read['published/dti_ranking.csv']![0]).toBe(big);
      expect(read['empty.csv']![0]).toBe('');
      expect(read['bytes.bin']![0]).toBe('000102ff');
      expect(read['empty.csv']![1]).toEqual([2026, 10, 25]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops making entries when its reader leaves', async () => {
    let made = 0;
    let closed = false;
    const entries = (async function* (): AsyncGenerator<ArchiveEntry> {
      try {
        for (let i = 0; i < 1000; i++) {
          made++;
          yield { name: `${i}.csv`, body: 'x'.repeat(200_000) };
        }
      } finally {
        closed = true;
      }
    })();
    const reader = zipStream(entries, new Date()).getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
    expect(made).toBeLessThan(5);
  });
});
