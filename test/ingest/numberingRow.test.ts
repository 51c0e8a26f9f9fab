import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNumberingRow } from '../../functions/domain/ingest/detectTable.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { PROVINCE_FILES } from '../helpers/provinceRegistry.ts';
import { csvBytes } from '../helpers/workbook.ts';

const row = (cells: unknown[]) => ({ number: 4, cells }) as Parameters<typeof isNumberingRow>[0];

describe('the column-numbering row under a header', () => {
  it('is a run of marks in sequence, and nothing else', () => {
    for (const cells of [['(1)', '(2)', '(3)', '(4)', '(5)=(3)/(4)', '(6)'], ['A', 'B', '1', '2', '3'], [1, 2, 3], ['a', 'b', 'c', null, 'd']]) {
      expect(isNumberingRow(row(cells)), JSON.stringify(cells)).toBe(true);
    }
    // A first data row of short cells: a component's code, its points, a one-letter note.
    for (const cells of [['1', 'DOC', '600', '550', 'x'], ['1', 'SIG', '400', '400', null], ['1', '2', '5'], ['1', 'A'], ['(1)']]) {
      expect(isNumberingRow(row(cells)), JSON.stringify(cells)).toBe(false);
    }
  });
});

/** A province whose components have short codes (DOC, SIG): every cell of a one-row form is short. */
let work: string;
let services: QueryServices;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-numbering-'));
  const now = new Date('2026-10-20T02:00:00Z');
  await importRegistry(new FsObjectStore(work), PROVINCE_FILES, now);
  services = await composeQuery({ kind: 'local', dataDir: work, port: 0, utcOffsetHours: 7 }, { now: () => now });
}, 60_000);
afterAll(async () => {
  await services?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a self-assessment of one short row', () => {
  for (const line of ['1,SIG,400,400,', '1,DOC,600,550,x']) {
    it(`"${line}" is read, not skipped as a numbering row (it was refused as holding no values)`, async () => {
      const text = `Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý III/2026\nSTT,Mã chỉ số,Điểm tối đa,Điểm tự chấm,Giải trình\n${line}\n`;
      const result = await services.ingest({ bytes: csvBytes(text), fileName: `tu-cham-${line.length}.csv`, allowedUnits: ['xa-yen-lac'], mayAppraise: false });
      expect(result.errors).toEqual([]);
      expect(result.status).toBe('accepted');
      expect(result.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2026-Q3' }]);
    });
  }
});
