/** What the query engine is told of the lake: Glue and symlink manifests on AWS; locally DuckDB lists the folder. */
export interface LakeCatalog {
  /** A submission was committed: make its rows (and its record) readable by the engine at once. */
  publish(submission: { submission_id: string; partitions: { unit: string; period: string }[] }): Promise<void>;
  /**
   * Folds each period's many small files into one (and the submission records into one), so a
   * query reads O(periods) objects. `periods` limits the work; `minFiles` skips periods that have
   * fewer pieces than that. Readers see the lake whole before, during and after.
   */
  compact(options?: { periods?: string[]; minFiles?: number }): Promise<{ periods: number }>;
}
