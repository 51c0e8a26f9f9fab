import type { KpiRecord } from '../domain/types.ts';

/** What every row of one submission's files shares. */
export interface KpiFileMeta { submissionId: string; fileName: string; submittedAt: Date; ingestedAt: Date }

export interface EncodedPartition { records: KpiRecord[]; file: Uint8Array }

/**
 * Turns each partition's records (one unit and period) into its kpi_values file, in any order:
 * in the ingest's own thread, or spread over the machine's other cores for a large file.
 */
export type PartitionEncoder = (parts: KpiRecord[][], meta: KpiFileMeta) => AsyncIterable<EncodedPartition>;
