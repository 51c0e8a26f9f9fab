import { afterEach, describe, expect, it } from 'vitest';
import { createEncoderPool, SHARE_FROM_PARTS, type EncoderPool } from '../../functions/adapters/parquet/encoderPool.ts';
import { kpiValuesFile } from '../../functions/adapters/parquet/kpiValuesFile.ts';
import type { KpiRecord } from '../../functions/domain/types.ts';
import type { EncodedPartition } from '../../functions/ports/PartitionEncoder.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

const WORKER = new URL('../../functions/runtimes/local/encodeWorker.mjs', import.meta.url);
const meta = { submissionId: '20250115T030000000Z-0badcafe', fileName: 'long.csv', submittedAt: new Date('2025-01-15T03:00:00Z'), ingestedAt: new Date('2025-01-15T03:00:01Z') };

function partitions(count: number): KpiRecord[][] {
  return Array.from({ length: count }, (_, p) => ['DOC_ONLINE', 'OFFICIAL_EMAIL'].map((code, i) => ({
    unit: `xa-${p % 40}`, period: `20${10 + Math.floor(p / 40)}-Q1`, indicator_code: code, value: (p * 7 + i) % 101,
    numerator: p, denominator: p + 10, note: p % 3 ? null : `ghi chú ${p}`, source_sheet: 'long.csv', source_row: 2 * p + i + 2,
  })));
}

let pool: EncoderPool | null = null;
let lake: TempLake | null = null;
afterEach(async () => {
  await pool?.close();
  await lake?.cleanup();
  pool = null;
  lake = null;
});

async function all(items: AsyncIterable<EncodedPartition>, after?: (n: number) => Promise<void>): Promise<EncodedPartition[]> {
  const out: EncodedPartition[] = [];
  for await (const item of items) {
    out.push(item);
    await after?.(out.length);
  }
  return out;
}

describe('the encoder pool (a large file encoded on the other cores too)', () => {
  it('gives each partition exactly once, the same bytes as this thread would, shared with a helper', async () => {
    pool = createEncoderPool({ workerUrl: WORKER, helpers: 1 });
    const parts = partitions(SHARE_FROM_PARTS * 3);
    // The writer awaits I/O between files, as the ingest does: the helper's answers come in then.
    const encoded = await all(pool.encode(parts, meta), () => new Promise((r) => setImmediate(r)));
    expect(encoded).toHaveLength(parts.length);
    expect(new Set(encoded.map((e) => e.records)).size).toBe(parts.length);
    for (const e of encoded) expect(Buffer.from(e.file).equals(Buffer.from(kpiValuesFile(e.records, meta)))).toBe(true);
    // Out of order: some came back from the helper while this thread encoded others.
    expect(encoded.map((e) => parts.indexOf(e.records))).not.toEqual(parts.map((_, i) => i));
  });

  it('loses nothing when its helper dies mid-way: the helper\'s batches are encoded here', async () => {
    pool = createEncoderPool({ workerUrl: WORKER, helpers: 1 });
    const parts = partitions(SHARE_FROM_PARTS * 3);
    const encoded = await all(pool.encode(parts, meta), async (n) => {
      if (n === 10) await pool!.close(); // the helper thread is stopped with batches in hand
      await new Promise((r) => setImmediate(r));
    });
    expect(encoded).toHaveLength(parts.length);
    expect(new Set(encoded.map((e) => e.records)).size).toBe(parts.length);
  });

  it('ingests a long CSV of 400 unit-periods through it, every value readable', async () => {
    pool = createEncoderPool({ workerUrl: WORKER, helpers: 1 });
    lake = await tempLake({ now: new Date('2025-06-01T00:00:00Z') });
    const units = ['xa-lien-chau', 'xa-dai-tu', 'xa-te-lo', 'xa-tam-hong'];
    const lines = ['Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số'];
    for (let m = 0; m < 100; m++) {
      for (const [u, unit] of units.entries()) lines.push(`${unit},Tháng ${(m % 12) + 1}/${2014 + Math.floor(m / 12)},DOC_ONLINE,${(m + u) % 50},50`);
    }
    const result = await (await import('../../functions/services/ingestFile.ts')).ingestFile(
      { bytes: csvBytes(lines.join('\n')), fileName: 'lich-su.csv' }, { ...lake.deps, encode: pool.encode });
    expect(result.status, JSON.stringify(result.errors.slice(0, 2))).toBe('accepted');
    expect(result.partitions).toHaveLength(400);
    expect(await lake.files('lake/kpi_values/')).toHaveLength(400);
    const [sum] = await lake.query(`SELECT count(*) AS n, sum(numerator) AS s FROM kpi_values`);
    const expected = Array.from({ length: 100 }, (_, m) => units.reduce((t, _u, u) => t + ((m + u) % 50), 0)).reduce((a, b) => a + b, 0);
    expect(sum).toEqual({ n: 400, s: expected });
  });
});
