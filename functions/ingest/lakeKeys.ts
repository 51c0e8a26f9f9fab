/** Where things live in the object store; the same keys locally and in the buckets. */
export const lakeKeys = {
  kpiValuesPrefix: 'lake/kpi_values/',
  kpiValues: (unit: string, period: string, submissionId: string) =>
    `lake/kpi_values/unit=${unit}/period=${period}/${submissionId}.parquet`,
  submissionsPrefix: 'lake/submissions/',
  submission: (submissionId: string) => `lake/submissions/${submissionId}.parquet`,
  /** The result as the submitter saw it, for the API and the CLI. */
  submissionResult: (submissionId: string) => `state/submissions/${submissionId}.json`,
  bySha256: (sha256: string) => `state/sha256/${sha256}.json`,
  /** The file as submitted, when it did not come from the upload bucket (CLI, HTTP). */
  original: (submissionId: string, fileName: string) => `originals/${submissionId}/${fileName}`,
  uploadsPrefix: 'uploads/',
  /** Changes with every submission: the query layer's caches and ETags key on it. */
  lakeVersion: 'state/lake-version',
  tokens: 'state/tokens.json',
  localAnalystToken: 'state/analyst-token',
};
