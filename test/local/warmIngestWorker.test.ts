import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerIngest } from '../../functions/runtimes/local/workerIngest.ts';
import { storedResult } from '../../functions/services/ingestFile.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * The local server's ingest worker is warm: one thread, started with the server and kept for
 * every file, so a clerk's small form pays only its own parse. A file that kills its worker (here:
 * past its time) fails alone with FILE_TOO_COMPLEX, leaves no values behind, and a fresh worker
 * is ready for the next file.
 */
let lake: TempLake;
beforeAll(async () => { lake = await tempLake(); });
afterAll(async () => { await lake.cleanup(); });

const report = (unit: string, num: number) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n2,OFFICIAL_EMAIL,${num - 5},100\n`);

describe('the warm ingest worker', () => {
  it('ingests file after file in one thread started beforehand, and replaces a worker that died with the file answered as an error', async () => {
    const limits = { heapMb: 256, timeoutMs: 120_000 };
    const ingest = createWorkerIngest({ kind: 'local', dataDir: lake.dir, port: 0, utcOffsetHours: 7 }, lake.deps, limits);
    try {
      // Started with its owner, before any file.
      expect(ingest.threadsStarted()).toBe(1);
      for (const [unit, num] of [['Xã Liên Châu', 70], ['Xã Đại Tự', 80], ['Xã Tề Lỗ', 90]] as const) {
        const r = await ingest({ bytes: report(unit, num), fileName: `${num}.csv` });
        expect(r.status, JSON.stringify(r.errors)).toBe('accepted');
      }
      expect(ingest.threadsStarted()).toBe(1);

      // A file that outlives its limit: its worker is stopped, the file answered, nothing of it kept.
      limits.timeoutMs = 1;
      const killed = await ingest({ bytes: report('Xã Bình Định', 60), fileName: 'slow.csv' });
      expect(killed.status).toBe('rejected');
      expect(killed.errors.map((e) => e.code)).toEqual(['FILE_TOO_COMPLEX']);
      expect(killed.errors[0]!.message).toMatch(/.+ \/ .+/); // Vietnamese, then English
      expect((await storedResult(lake.fs, killed.submission_id))?.status).toBe('rejected');
      expect((await lake.files('lake/kpi_values/')).filter((k) => k.includes(killed.submission_id))).toEqual([]);
      // Replaced at once, not when the next file comes.
      expect(ingest.threadsStarted()).toBe(2);

      limits.timeoutMs = 120_000;
      const after = await ingest({ bytes: report('Xã Bình Định', 65), fileName: '65.csv' });
      expect(after.status, JSON.stringify(after.errors)).toBe('accepted');
      expect(ingest.threadsStarted()).toBe(2);
      expect(await lake.query(`SELECT count(DISTINCT unit) AS n FROM kpi_values WHERE period = '2024-Q4'`)).toEqual([{ n: 4 }]);
    } finally {
      await ingest.close();
    }
  }, 180_000);
});
