import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../functions/adapters/readers/readXlsx.ts';
import { RejectedFileError } from '../../functions/domain/ingest/errors.ts';
import { LIMITS } from '../../functions/domain/limits.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx } from '../helpers/workbook.ts';

const HOSTILE = fileURLToPath(new URL('../helpers/hostile_xlsx.py', import.meta.url));
let lake: TempLake;
let work: string;
beforeAll(async () => { lake = await tempLake(); work = mkdtempSync(join(tmpdir(), 'chiso-complex-')); });
afterAll(async () => { await lake.cleanup(); rmSync(work, { recursive: true, force: true }); });

/** Every row of every sheet, or the code of the error that stopped the reading, and how many rows came first. */
async function readAll(bytes: Buffer, limits = LIMITS): Promise<{ rows: number; code: string | null }> {
  let rows = 0;
  try {
    for await (const sheet of readXlsx(bytes, limits)) for await (const _ of sheet.rows) rows++;
    return { rows, code: null };
  } catch (error) {
    if (error instanceof RejectedFileError) return { rows, code: error.error.code };
    throw error;
  }
}

describe('the work one file may cost is bounded by counts', () => {
  it('99,999 merged ranges are refused as they are read, before any row', async () => {
    const file = join(work, 'merges.xlsx');
    execFileSync('python3', [HOSTILE, 'merges', file, '99999']);
    const bytes = readFileSync(file);
    expect(await readAll(bytes)).toEqual({ rows: 0, code: 'FILE_TOO_COMPLEX' });
    const result = await lake.ingest(bytes, 'gop-o.xlsx');
    expect(result.errors.map((e) => e.code)).toEqual(['FILE_TOO_COMPLEX']);
    expect(result.errors[0]!.message_vi).toContain('10,000 vùng gộp ô');
    expect(result.errors[0]!.message_en).toContain('merged ranges');
  }, 30_000);

  it('the cells merged ranges are copied into or looked at count, to the cell', async () => {
    // A1:J3 merged, rows 2 and 3 present: 2 × 10 cells filled from A1.
    const bytes = await buildXlsx([{ name: 'Biểu', merges: ['A1:J3'], rows: [['Đơn vị: Xã Liên Châu'], [null, null, null, null, null, null, null, null, null, null, 'x'], [null, null, null, null, null, null, null, null, null, null, 'y']] }]);
    expect(await readAll(bytes, { ...LIMITS, maxMergedCells: 20 })).toEqual({ rows: 3, code: null });
    expect((await readAll(bytes, { ...LIMITS, maxMergedCells: 19 })).code).toBe('FILE_TOO_COMPLEX');
  });

  it('so do the sheets', async () => {
    const sheet = (name: string) => ({ name, rows: [['Ghi chú']] });
    const bytes = await buildXlsx([sheet('Một'), sheet('Hai'), sheet('Ba'), { ...sheet('Ẩn'), state: 'hidden' }]);
    expect(await readAll(bytes, { ...LIMITS, maxSheets: 3 })).toEqual({ rows: 3, code: null });
    expect(await readAll(bytes, { ...LIMITS, maxSheets: 2 })).toEqual({ rows: 2, code: 'FILE_TOO_COMPLEX' });
  });
});
