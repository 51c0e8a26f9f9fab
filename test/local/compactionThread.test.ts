import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../functions/adapters/duckdb/compactLake.ts';
import { createCompactionThread } from '../../functions/runtimes/local/compactInWorker.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

/** The local server folds the lake on a thread of its own (DuckDB's synchronous closes never hold its requests). */
let lake: TempLake;
beforeAll(async () => {
  lake = await tempLake();
  for (const [unit, num] of [['Xã Liên Châu', 70], ['Xã Đại Tự', 80]] as const) {
    const r = await lake.ingest(csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`), `${num}.csv`);
    expect(r.status).toBe('accepted');
  }
});
afterAll(async () => { await lake.cleanup(); });

describe('compaction on its own thread', () => {
  it('folds the new period, then finds nothing more to do, and starts again after a stop', async () => {
    const thread = createCompactionThread();
    try {
      const first = await thread.compact(lake.dir);
      expect(first.periods).toBe(1);
      const manifest = await readManifest(lake.dir);
      expect(existsSync(join(lake.dir, manifest.kpi_values['2024-Q4']!.file))).toBe(true);
      expect(await lake.query(`SELECT count(*) AS n FROM kpi_values WHERE period = '2024-Q4'`)).toEqual([{ n: 2 }]);
      expect((await thread.compact(lake.dir)).periods).toBe(0);
      // A third file after a stop: the thread is started again when asked.
      await thread.close();
      const r = await lake.ingest(csvBytes('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,90,100\n'), '90.csv');
      expect(r.status).toBe('accepted');
      expect((await thread.compact(lake.dir)).periods).toBe(1);
    } finally {
      await thread.close();
    }
  });
});
