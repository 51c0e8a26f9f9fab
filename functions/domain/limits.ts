/** Bounds on what one submission may be, so a hostile or broken file cannot exhaust a function. */
export const LIMITS = {
  /** Bytes of one submitted file. */
  maxFileBytes: 50 * 1024 * 1024,
  /** Bytes an .xlsx may expand to, all its parts together. */
  maxUnzippedBytes: 600 * 1024 * 1024,
  /** Expansion of one compressed part beyond which it is a zip bomb, not a spreadsheet. */
  maxCompressionRatio: 250,
  /** Parts in one .xlsx package. */
  maxZipEntries: 10_000,
  maxRows: 1_000_000,
  /** Shared strings of one workbook, and their characters together: checked as each is read. */
  maxSharedStrings: 1_000_000,
  maxSharedStringChars: 50_000_000,
  /**
   * Merged ranges spanning rows in one sheet (each is remembered while its rows are read): a
   * report has a few dozen; counted as they are read, before any row.
   */
  maxMergedRanges: 10_000,
  /** Cells of one file that merged ranges are copied into or looked at: the work they cost, bounded. */
  maxMergedCells: 5_000_000,
  /** Visible sheets of one workbook read (each part is inflated twice: merged ranges, then rows). */
  maxSheets: 200,
  maxColumns: 1_000,
};
