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
  { name: 'assessment', type: 'string', nullable: true, doc: 'null: a reported value; self or appraised: points a unit gave itself or the province gave it (value holds the points)' },
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
  { name: 'type', type: 'string', nullable: false, doc: 'department | police | commune (report); district | province (parents)' },
  { name: 'sort_order', type: 'int32', nullable: false, doc: 'Order in the registry' },
  { name: 'valid_from', type: 'string', nullable: false, doc: 'First day the unit exists, YYYY-MM-DD (0001-01-01: before the registry began)' },
  { name: 'valid_to', type: 'string', nullable: false, doc: 'Last day it exists, YYYY-MM-DD (9999-12-31: still)' },
  { name: 'parent', type: 'string', nullable: true, doc: 'The unit it belongs to, where the registry says' },
  { name: 'verified', type: 'string', nullable: false, doc: 'yes, or no when an event that made, moved or ended it is not confirmed by its document' },
  { name: 'status_vi', type: 'string', nullable: false, doc: 'What became of it: "Đang hoạt động", "Sáp nhập vào …", "Không ghi nhận đơn vị kế thừa"' },
  { name: 'status_en', type: 'string', nullable: false, doc: 'The same in English' },
  { name: 'national_code', type: 'string', nullable: true, doc: 'National administrative code where known (units.csv national_code): shown beside the name, never a key (codes are re-used across the reform)' },
  { name: 'ranking_group', type: 'string', nullable: false, doc: 'Group it is ranked in (ranking-groups.csv by unit type; "tat-ca" when the registry has no groups)' },
  { name: 'ranking_group_name_vi', type: 'string', nullable: false, doc: 'The group\'s name: "Các sở, ban, ngành", "Các xã, phường"' },
  { name: 'ranking_group_name_en', type: 'string', nullable: false, doc: 'The group\'s name in English' },
  { name: 'ranking_group_order', type: 'int32', nullable: false, doc: 'Order of the group in ranking-groups.csv (tables of a decision\'s annex in this order)' },
  { name: 'ranked', type: 'string', nullable: false, doc: 'yes, or no for a unit scored but never ranked (its group is not, or units.csv says ranked=no)' },
  { name: 'not_ranked_reason', type: 'string', nullable: true, doc: 'Why it is not ranked, in Vietnamese ("Do tính chất đặc thù"); null when ranked' },
];

/** Every registry event, one row per unit it starts from, with its source document. */
export const UNIT_EVENTS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'date', type: 'string', nullable: false, doc: 'Day it takes effect, YYYY-MM-DD' },
  { name: 'kind', type: 'string', nullable: false, doc: 'rename | merge | split | reclassify | retire | reparent' },
  { name: 'from_unit', type: 'string', nullable: false, doc: 'Unit it starts from' },
  { name: 'to_unit', type: 'string', nullable: true, doc: 'Successor, or new parent; null for a retire without a recorded successor' },
  { name: 'share', type: 'double', nullable: true, doc: 'Share of a split' },
  { name: 'source', type: 'string', nullable: false, doc: 'Document the fact comes from' },
  { name: 'verified', type: 'string', nullable: false, doc: 'yes: the document was read or the fact is settled; no: to be confirmed' },
];

/** Scoring framework versions: one row per component and unit type it applies to. */
export const FRAMEWORKS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'framework', type: 'string', nullable: false, doc: 'Version name' },
  { name: 'valid_from', type: 'string', nullable: false, doc: 'First day in force, YYYY-MM-DD' },
  { name: 'valid_to', type: 'string', nullable: false, doc: 'Last day in force (9999-12-31: still)' },
  { name: 'pillar', type: 'string', nullable: false, doc: 'Pillar code' },
  { name: 'pillar_name_vi', type: 'string', nullable: false, doc: 'Pillar name' },
  { name: 'indicator_code', type: 'string', nullable: false, doc: 'Component indicator' },
  { name: 'max_points', type: 'double', nullable: false, doc: 'Maximum points' },
  { name: 'rule', type: 'string', nullable: false, doc: 'ratio | boolean | steps' },
  { name: 'steps', type: 'string', nullable: true, doc: 'Steps as written: "4:40;3:30"' },
  { name: 'unit_type', type: 'string', nullable: false, doc: 'A unit type it applies to' },
  { name: 'target', type: 'double', nullable: true, doc: 'Target while in force; null: the indicator\'s default' },
  { name: 'sort_order', type: 'int32', nullable: false, doc: 'Order in the framework' },
];

/** The thresholds of `steps` components: a value at or above at_least earns points (the highest that applies). */
export const FRAMEWORK_STEPS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'framework', type: 'string', nullable: false, doc: 'Version name' },
  { name: 'indicator_code', type: 'string', nullable: false, doc: 'Component indicator' },
  { name: 'at_least', type: 'double', nullable: false, doc: 'Threshold' },
  { name: 'points', type: 'double', nullable: false, doc: 'Points from this threshold up' },
];

/** When each period's reports are due (calendar.csv): one row per period of a frequency with a rule. */
export const REPORTING_CALENDAR_COLUMNS: readonly ColumnSpec[] = [
  { name: 'period', type: 'string', nullable: false, doc: 'Canonical period' },
  { name: 'frequency', type: 'string', nullable: false, doc: 'month | quarter | half | nine_months | year' },
  { name: 'cutoff_date', type: 'string', nullable: true, doc: 'Data cut-off, YYYY-MM-DD (the 14th of the last month for quarters under Decree 09/2019)' },
  { name: 'deadline', type: 'string', nullable: false, doc: 'Last day a report is on time, YYYY-MM-DD, where the units are' },
  { name: 'deadline_end_utc', type: 'timestamp', nullable: false, doc: 'The instant that day ends, in UTC: a report arriving after it is late' },
  { name: 'exception', type: 'string', nullable: false, doc: 'yes when the deadline was set for this period by hand' },
  { name: 'convention', type: 'string', nullable: false, doc: 'calendar (statistical reports: the calendar period) | administrative (the 15th of the month before to the 14th)' },
  { name: 'data_from', type: 'string', nullable: false, doc: 'First day the data covers, YYYY-MM-DD (administrative: the day after the previous cut-off)' },
  { name: 'data_to', type: 'string', nullable: false, doc: 'Last day the data covers, YYYY-MM-DD (administrative: the cut-off)' },
  { name: 'working_days', type: 'int32', nullable: true, doc: 'Deadline in working days after the cut-off (weekends and holidays.csv skipped); null: calendar days after the period ends' },
];

/** The registry the dimensions were written from: one row. */
export const REGISTRY_VERSION_COLUMNS: readonly ColumnSpec[] = [
  { name: 'version', type: 'string', nullable: false, doc: 'Registry version (import time and content hash), or "default" for the shipped example' },
  { name: 'imported_at', type: 'string', nullable: true, doc: 'When it was imported (ISO-8601, UTC)' },
  { name: 'sha256', type: 'string', nullable: false, doc: 'Hash of its files' },
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
  { name: 'kind', type: 'string', nullable: false, doc: 'year | half | nine_months (January to September: 2026-M9) | quarter | month' },
  { name: 'year', type: 'int32', nullable: false, doc: 'Calendar year' },
  { name: 'start_date', type: 'string', nullable: false, doc: 'First day, YYYY-MM-DD' },
  { name: 'end_date', type: 'string', nullable: false, doc: 'Last day, YYYY-MM-DD: the registry and framework of this day apply' },
  { name: 'previous_period', type: 'string', nullable: false, doc: 'The period of the same kind before it' },
  { name: 'label_vi', type: 'string', nullable: false, doc: 'As Vietnamese reports write it: Quý III/2024' },
];

/** A clerk's answer to a quality warning: it stays with the value (quality_warnings shows it). */
export const EXPLANATIONS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'unit', type: 'string', nullable: false, doc: 'Unit code' },
  { name: 'period', type: 'string', nullable: false, doc: 'Canonical period' },
  { name: 'indicator_code', type: 'string', nullable: true, doc: 'Indicator; null for a warning about the whole report' },
  { name: 'kind', type: 'string', nullable: false, doc: 'jump | outlier | denominator | extremes' },
  { name: 'explanation', type: 'string', nullable: false, doc: 'What the clerk says of it' },
  { name: 'explained_by', type: 'string', nullable: false, doc: 'Token id of the clerk' },
  { name: 'explained_at', type: 'timestamp', nullable: false, doc: 'When (UTC)' },
];

/** A unit head's decision on an accepted report (when the deployment asks for approval). */
export const APPROVALS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'submission_id', type: 'string', nullable: false, doc: 'The submission decided on' },
  { name: 'unit', type: 'string', nullable: false, doc: 'The unit whose head decided' },
  { name: 'decision', type: 'string', nullable: false, doc: 'approved | returned' },
  { name: 'comment', type: 'string', nullable: true, doc: 'Why, in the head\'s words (required to return)' },
  { name: 'decided_by', type: 'string', nullable: false, doc: 'Token id of the head' },
  { name: 'decided_by_name', type: 'string', nullable: false, doc: 'Name of the head' },
  { name: 'decided_at', type: 'timestamp', nullable: false, doc: 'When (UTC)' },
];

/**
 * Every change of a deployment setting (approval_required: yes / no), one file each: a setting is
 * data with a history (who, when, what became of earlier reports), never a process's environment.
 * The `settings` view (sql/views) takes the latest change of each key.
 */
export const SETTING_CHANGES_COLUMNS: readonly ColumnSpec[] = [
  { name: 'key', type: 'string', nullable: false, doc: 'Setting' },
  { name: 'value', type: 'string', nullable: false, doc: 'Its value from this change on' },
  { name: 'applies_from', type: 'timestamp', nullable: true, doc: 'approval_required = yes: reports submitted from this instant (UTC) wait for approval; earlier ones stay published' },
  { name: 'note', type: 'string', nullable: true, doc: 'Why, in the changer\'s words' },
  { name: 'changed_by', type: 'string', nullable: false, doc: 'Account id, "cli:<user>" or "environment"' },
  { name: 'changed_by_name', type: 'string', nullable: false, doc: 'Who changed it' },
  { name: 'changed_at', type: 'timestamp', nullable: false, doc: 'When (UTC)' },
];

/**
 * Every administrative action (an account created, re-issued, suspended, deleted; a registry
 * imported or rolled back; a setting changed; a link revoked by an administrator), one file each:
 * who, when and from where, never a code.
 */
export const ADMIN_AUDIT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'action', type: 'string', nullable: false, doc: 'account.create | account.reissue | account.suspend | account.resume | account.renew | account.delete | accounts.bulk | registry.import | registry.rollback | setting.change | link.revoke | session.signout_all' },
  { name: 'target', type: 'string', nullable: true, doc: 'What it was done to: an account id, a registry version, a setting key, a link id' },
  { name: 'detail', type: 'string', nullable: true, doc: 'What changed, in words (names, units, values)' },
  { name: 'actor', type: 'string', nullable: false, doc: 'Account id of the administrator, or "cli:<name>"' },
  { name: 'actor_name', type: 'string', nullable: false, doc: 'Who did it' },
  { name: 'address', type: 'string', nullable: true, doc: 'The request\'s network address (null from the CLI)' },
  { name: 'at', type: 'timestamp', nullable: false, doc: 'When (UTC)' },
];

/**
 * A period's DTI results as published by a decision: a frozen snapshot (the ranking and every
 * unit's score card), one file per version. Publishing again adds a version; none is replaced.
 */
export const PUBLICATIONS_COLUMNS: readonly ColumnSpec[] = [
  { name: 'publication_id', type: 'string', nullable: false, doc: 'Period and version: "2026-Q3-v001"' },
  { name: 'period', type: 'string', nullable: false, doc: 'Canonical period published' },
  { name: 'version', type: 'int32', nullable: false, doc: '1 for the first publication of the period, then 2, 3 …' },
  { name: 'decision_number', type: 'string', nullable: false, doc: 'Number of the decision that publishes it: "469/QĐ-UBND"' },
  { name: 'decision_date', type: 'string', nullable: false, doc: 'Date of the decision, YYYY-MM-DD' },
  { name: 'issuing_body', type: 'string', nullable: false, doc: 'Who issues the decision: "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"' },
  { name: 'note', type: 'string', nullable: true, doc: 'Why (a new version: what it corrects)' },
  { name: 'published_by', type: 'string', nullable: false, doc: 'Account id of the analyst or administrator' },
  { name: 'published_by_name', type: 'string', nullable: false, doc: 'Their name' },
  { name: 'published_at', type: 'timestamp', nullable: false, doc: 'When (UTC)' },
  { name: 'registry_version', type: 'string', nullable: true, doc: 'Registry in force when published' },
  { name: 'lake_version', type: 'string', nullable: true, doc: 'Lake version the figures were read from' },
  { name: 'ranking_json', type: 'string', nullable: false, doc: 'dti_ranking rows as published (JSON array)' },
  { name: 'scorecards_json', type: 'string', nullable: false, doc: 'dti_scorecards rows as published (JSON array)' },
];

/**
 * Tables of one small file per row, read whole from their folder like the dimensions, written
 * only when a clerk explains a warning, a head decides or a setting changes (so they may be empty).
 */
export const ROW_TABLES = {
  explanations: EXPLANATIONS_COLUMNS,
  approvals: APPROVALS_COLUMNS,
  setting_changes: SETTING_CHANGES_COLUMNS,
  admin_audit: ADMIN_AUDIT_COLUMNS,
  publications: PUBLICATIONS_COLUMNS,
} as const;
export type RowTable = keyof typeof ROW_TABLES;

/** The dimension tables, in the order they are written; each is one Parquet file in its Glue table's folder. */
export const DIMENSION_TABLES = {
  units: UNITS_COLUMNS,
  indicators: INDICATORS_COLUMNS,
  periods: PERIODS_COLUMNS,
  unit_lineage: UNIT_LINEAGE_COLUMNS,
  unit_events: UNIT_EVENTS_COLUMNS,
  frameworks: FRAMEWORKS_COLUMNS,
  framework_steps: FRAMEWORK_STEPS_COLUMNS,
  registry_version: REGISTRY_VERSION_COLUMNS,
  reporting_calendar: REPORTING_CALENDAR_COLUMNS,
} as const;
