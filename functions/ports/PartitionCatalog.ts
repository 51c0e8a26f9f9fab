/** Where the query engine learns of new partitions: Glue on AWS; locally the engine lists the folder. */
export interface PartitionCatalog {
  register(partitions: { unit: string; period: string }[]): Promise<void>;
}
