import { BatchCreatePartitionCommand, GetTableCommand, type GlueClient, type StorageDescriptor } from '@aws-sdk/client-glue';
import type { PartitionCatalog } from '../../ports/PartitionCatalog.ts';

/**
 * Registers kpi_values partitions in Glue as the ingest function writes them, so a new unit or
 * period is queryable at once: no crawler, no MSCK REPAIR, no redeploy.
 */
export class GluePartitions implements PartitionCatalog {
  private descriptor: StorageDescriptor | null = null;

  constructor(private readonly glue: GlueClient, private readonly database: string, private readonly table: string, private readonly location: string) {}

  async register(partitions: { unit: string; period: string }[]): Promise<void> {
    if (partitions.length === 0) return;
    this.descriptor ??= (await this.glue.send(new GetTableCommand({ DatabaseName: this.database, Name: this.table }))).Table!.StorageDescriptor!;
    for (let i = 0; i < partitions.length; i += 100) {
      const batch = partitions.slice(i, i + 100);
      const res = await this.glue.send(new BatchCreatePartitionCommand({
        DatabaseName: this.database,
        TableName: this.table,
        PartitionInputList: batch.map((p) => ({
          Values: [p.unit, p.period],
          StorageDescriptor: { ...this.descriptor!, Location: `${this.location}unit=${p.unit}/period=${p.period}/` },
        })),
      }));
      const failed = (res.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (failed.length) throw new Error(`Glue refused partitions: ${failed.map((e) => `${e.PartitionValues?.join('/')}: ${e.ErrorDetail?.ErrorMessage}`).join('; ')}`);
    }
  }
}
