import type { DIMENSION_TABLES, RowTable } from '../../schemas/records.ts';
/** A submission id: its arrival to the millisecond (UTC), then a random part: "20241005T031500123Z-1a2b3c4d". */
export const SUBMISSION_ID = /\d{8}T\d{9}Z-[0-9a-f]{8}/;
export const isSubmissionId = (text: string) => new RegExp(`^${SUBMISSION_ID.source}$`).test(text);

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
  links: 'state/links.json',
  /** Local only: on AWS the key is in Secrets Manager. */
  linkSecret: 'state/link-secret',
  /** Hash of the dimension tables last written, so they are rewritten only when the catalog changes. */
  dimensionsHash: 'state/dimensions.json',
  localAnalystToken: 'state/analyst-token',
  /** Athena's symlink manifests: one per submission and period (AWS), then one per period once compacted. */
  kpiManifestPrefix: (period: string) => `lake/manifests/kpi_values/period=${period}/`,
  kpiManifest: (period: string, name: string) => `lake/manifests/kpi_values/period=${period}/${name}.txt`,
  submissionManifest: (name: string) => `lake/manifests/submissions/${name}.txt`,
  /** A period's rows of every submission in one file (and the submission records in one), written by compaction. */
  compactedKpi: (period: string, name: string) => `lake/compacted/kpi_values/period=${period}/${name}.parquet`,
  compactedSubmissions: (name: string) => `lake/compacted/submissions/${name}.parquet`,
  /** The registry in force (units, events, indicators, frameworks): names its version. Written last on import. */
  registryCurrent: 'registry/current.json',
  /** Every imported registry, kept whole: its files as the province gave them. */
  registryFile: (version: string, file: string) => `registry/versions/${version}/${file}`,
  registryVersionsPrefix: 'registry/versions/',
  /** One row of a small table (clerks' explanations, heads' decisions), one file each: plain Glue tables. */
  row: (table: RowTable, name: string) => `${TABLE_LOCATIONS[table]}${name}.parquet`,
  /** Reminders, one object per unit, period and reminder point: written once (the claim), then its delivery. */
  outboxPrefix: 'outbox/',
  outbox: (key: string) => `outbox/${key}.json`,
  /** One file per dimension table, in its table's folder. */
  dimension: (table: DimensionTable) => `${TABLE_LOCATIONS[table]}${table}.parquet`,
};

export type DimensionTable = keyof typeof DIMENSION_TABLES;
export type LakeTable = 'kpi_values' | 'submissions' | RowTable | DimensionTable;

/**
 * The location of each Glue table (infra). The fact tables are symlink tables: their locations
 * hold manifests naming the Parquet files to read (raw per submission, or compacted per period),
 * so Athena reads O(periods) objects once compacted; the files themselves stay where DuckDB reads
 * them (lake/kpi_values/unit=…/period=…/, lake/submissions/).
 */
export const TABLE_LOCATIONS: Record<LakeTable, string> = {
  kpi_values: 'lake/manifests/kpi_values/',
  submissions: 'lake/manifests/submissions/',
  explanations: 'lake/explanations/',
  approvals: 'lake/approvals/',
  units: 'lake/dim/units/',
  indicators: 'lake/dim/indicators/',
  periods: 'lake/dim/periods/',
  unit_lineage: 'lake/dim/unit_lineage/',
  unit_events: 'lake/dim/unit_events/',
  frameworks: 'lake/dim/frameworks/',
  framework_steps: 'lake/dim/framework_steps/',
  registry_version: 'lake/dim/registry_version/',
  reporting_calendar: 'lake/dim/reporting_calendar/',
  setting_changes: 'lake/setting_changes/',
  admin_audit: 'lake/admin_audit/',
  publications: 'lake/publications/',
};
