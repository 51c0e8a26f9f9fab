/**
 * The one description of what chiso stores. The Parquet writer, the engines' views and (later)
 * the Glue table columns are all derived from these lists.
 */
export type ColumnType = 'string' | 'double' | 'int32' | 'int64' | 'timestamp';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  doc: string;
}

/** kpi_values: one row per unit × period × indicator × submission. */
export const KPI_VALUES_COLUMNS: readonly ColumnSpec[] = [
  { name: 'indicator_code', type: 'string', nullable: false, doc: 'Indicator code from schemas/indicators.csv' },
  { name: 'value', type: 'double', nullable: true, doc: 'Percent 0–100, or 1/0 for a boolean indicator; null: this report withdraws the value' },
  { name: 'numerator', type: 'int64', nullable: true, doc: 'Count that meets the indicator, when reported' },
  { name: 'denominator', type: 'int64', nullable: true, doc: 'Count the share is taken of, when reported' },
  { name: 'note', type: 'string', nullable: true, doc: 'The note column of the report' },
  { name: 'submission_id', type: 'string', nullable: false, doc: 'The submission this row came in' },
  { name: 'source_file', type: 'string', nullable: false, doc: 'File name as submitted' },
  { name: 'source_sheet', type: 'string', nullable: false, doc: 'Sheet name (CSV: the file name)' },
  { name: 'source_row', type: 'int32', nullable: false, doc: 'Row number in the sheet, 1-based' },
  { name: 'submitted_at', type: 'timestamp', nullable: false, doc: 'When the file arrived (UTC)' },
  { name: 'ingested_at', type: 'timestamp', nullable: false, doc: 'When it was validated and written (UTC)' },
  { name: 'source_column', type: 'string', nullable: true, doc: 'Column letter of the value in its sheet (null in files written before it was kept)' },
];

/** Hive partition columns of kpi_values, in path order: unit=<code>/period=<period>. */
export const KPI_VALUES_PARTITIONS: readonly ColumnSpec[] = [
  { name: 'unit', type: 'string', nullable: false, doc: 'Unit code from schemas/units.csv' },
  { name: 'period', type: 'string', nullable: false, doc: 'Canonical period: 2024, 2024-H1, 2024-Q3, 2024-09' },
];

/**
 * What a kpi_values file holds: its rows, and its partition values as columns too, so a file
 * can be read without its path (Athena's symlink tables, compacted files).
 */
export const KPI_VALUES_FILE_COLUMNS: readonly ColumnSpec[] = [...KPI_VALUES_COLUMNS, ...KPI_VALUES_PARTITIONS];

/** submissions: one row per submitted file, accepted or rejected. */
export const SUBMISSIONS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'submission_id', type: 'string', nullable: false, doc: 'Sortable id: time of arrival, then a random part' },
  { name: 'source_key', type: 'string', nullable: false, doc: 'Where the original is kept in the object store' },
  { name: 'source_version', type: 'string', nullable: true, doc: 'Object version of the upload, where the store has one' },
  { name: 'source_file', type: 'string', nullable: false, doc: 'File name as submitted' },
  { name: 'sha256', type: 'string', nullable: false, doc: 'Hex SHA-256 of the bytes submitted' },
  { name: 'size_bytes', type: 'int64', nullable: false, doc: 'Size of the file' },
  { name: 'format', type: 'string', nullable: false, doc: 'xlsx | csv | xls | ods | unknown' },
  { name: 'layout', type: 'string', nullable: true, doc: 'form | long | wide (of the first table found)' },
  { name: 'status', type: 'string', nullable: false, doc: 'accepted | rejected' },
  { name: 'units', type: 'string', nullable: false, doc: 'JSON array of unit codes covered' },
  { name: 'periods', type: 'string', nullable: false, doc: 'JSON array of periods covered' },
  { name: 'row_count', type: 'int32', nullable: false, doc: 'kpi_values rows written (0 when rejected)' },
  { name: 'error_count', type: 'int32', nullable: false, doc: 'Number of errors' },
  { name: 'errors', type: 'string', nullable: false, doc: 'JSON array of {sheet,row,column,code,message}' },
  { name: 'submitted_by', type: 'string', nullable: true, doc: 'Who sent it, where known (token subject, uploader)' },
  { name: 'submitted_at', type: 'timestamp', nullable: false, doc: 'When the file arrived (UTC)' },
  { name: 'ingested_at', type: 'timestamp', nullable: false, doc: 'When it was processed (UTC)' },
];

/** Dimensions, written into the lake from schemas/ so both engines read the same rows. */
export const UNITS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'code', type: 'string', nullable: false, doc: 'Unit code' },
  { name: 'name_vi', type: 'string', nullable: false, doc: 'Vietnamese name' },
  { name: 'name_en', type: 'string', nullable: false, doc: 'English name' },
  { name: 'type', type: 'string', nullable: false, doc: 'department | police | commune' },
  { name: 'sort_order', type: 'int32', nullable: false, doc: 'Order in the registry' },
];

export const INDICATORS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'code', type: 'string', nullable: false, doc: 'Indicator code' },
  { name: 'name_vi', type: 'string', nullable: false, doc: 'Vietnamese name' },
  { name: 'name_en', type: 'string', nullable: false, doc: 'English name' },
  { name: 'short_name_vi', type: 'string', nullable: false, doc: 'A few words, for phones and chart axes' },
  { name: 'short_name_en', type: 'string', nullable: false, doc: 'A few words, in English' },
  { name: 'measure', type: 'string', nullable: false, doc: 'percent | boolean' },
  { name: 'direction', type: 'string', nullable: false, doc: 'higher | lower is better' },
  { name: 'target', type: 'double', nullable: false, doc: 'Target (percent, or 1 for yes)' },
  { name: 'reported_by', type: 'string', nullable: false, doc: 'Unit types that report it, ";"-separated' },
  { name: 'sort_order', type: 'int32', nullable: false, doc: 'Order in the catalog' },
];

/** For registry dates in [from_date, to_date], a unit's values count toward as_of_unit, times share. */
export const UNIT_LINEAGE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'unit', type: 'string', nullable: false, doc: 'Unit that reported' },
  { name: 'as_of_unit', type: 'string', nullable: false, doc: 'Unit of the registry date it is counted under' },
  { name: 'share', type: 'double', nullable: false, doc: 'Share of its values that go there (splits), else 1' },
  { name: 'from_date', type: 'string', nullable: false, doc: 'First registry date this holds for, YYYY-MM-DD' },
  { name: 'to_date', type: 'string', nullable: false, doc: 'Last registry date this holds for, YYYY-MM-DD' },
];

export const PERIODS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'period', type: 'string', nullable: false, doc: 'Canonical period' },
  { name: 'kind', type: 'string', nullable: false, doc: 'year | half | quarter | month' },
  { name: 'year', type: 'int32', nullable: false, doc: 'Calendar year' },
  { name: 'start_date', type: 'string', nullable: false, doc: 'First day, YYYY-MM-DD' },
  { name: 'previous_period', type: 'string', nullable: false, doc: 'The period of the same kind before it' },
  { name: 'label_vi', type: 'string', nullable: false, doc: 'As Vietnamese reports write it: Quý III/2024' },
];
