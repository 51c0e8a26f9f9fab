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
  /**
   * Cells of one file read, all visible sheets together (counted as each is read): 1,000,000
   * rows of a few columns, or a wide table of any shape a report takes; bounds the work.
   */
  maxCells: 10_000_000,
  /**
   * Values one file may hold (each is kept until the file is accepted whole or refused): in the
   * ingest worker's 512 MB heap and a 1,024 MB function alike, with room for the rest of the file.
   * The benchmark's 256,500-row district table fits; a million is refused as it is read.
   */
  maxValues: 300_000,
  /**
   * Bytes of one XML text or tag (Excel holds at most 32,767 characters in a cell): the XML
   * parser keeps one whole before anything can count it, so it is bounded as the bytes arrive.
   */
  maxXmlNodeBytes: 1024 * 1024,
  /**
   * Tags of a part read whole into objects (the workbook, its relationships, the styles: Excel
   * allows 64,000 cell formats), counted as the bytes arrive, before the parser keeps them.
   */
  maxPartTags: 500_000,
};
