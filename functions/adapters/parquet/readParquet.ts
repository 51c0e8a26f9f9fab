import { parquetReadObjects } from 'hyparquet';

/** The rows of a Parquet file (small ones: a period's or a submission's), as objects keyed by column. */
export async function readParquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
}
