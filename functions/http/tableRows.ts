import type { Table } from 'apache-arrow';

export type Plain = string | number | boolean | null;

/** A cell as JSON carries it: BigInt as a number, a timestamp as ISO-8601 text. */
function plain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Rows as plain objects keyed by column name, in column order. */
export function toRows(table: Table): Record<string, Plain>[] {
  const names = table.schema.fields.map((f) => f.name);
  const timestamps = table.schema.fields.map((f) => f.type.toString().startsWith('Timestamp'));
  // A column's iterator is much faster than get(i) per cell, and yields null where a value is missing.
  const columns = names.map((n) => Array.from(table.getChild(n)!) as unknown[]);
  const rows: Record<string, Plain>[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, Plain> = {};
    for (let c = 0; c < names.length; c++) {
      const v = columns[c]![r];
      row[names[c]!] = timestamps[c] && v !== null ? new Date(Number(v)).toISOString() : plain(v);
    }
    rows[r] = row;
  }
  return rows;
}

/**
 * The same rows as JSON text, written straight from the Arrow columns: no object per row, each
 * column's key and cell encoder chosen once. Equal to JSON.stringify(toRows(table)).
 */
export function toJsonText(table: Table): string {
  const fields = table.schema.fields;
  const encoders = fields.map((f) => {
    const type = f.type.toString();
    if (type.startsWith('Timestamp')) return (v: unknown) => (v === null || v === undefined ? 'null' : `"${new Date(Number(v)).toISOString()}"`);
    if (type.startsWith('Int64') || type.startsWith('Uint64')) return (v: unknown) => (v === null || v === undefined ? 'null' : String(Number(v)));
    if (type.startsWith('Float') || type.startsWith('Int') || type.startsWith('Uint')) {
      return (v: unknown) => (v === null || v === undefined || !Number.isFinite(v as number) ? 'null' : String(v));
    }
    return (v: unknown) => JSON.stringify(plain(v));
  });
  const keys = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  const columns = fields.map((f) => Array.from(table.getChild(f.name)!) as unknown[]);
  const rows: string[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    let row = '';
    for (let c = 0; c < fields.length; c++) row += keys[c] + encoders[c]!(columns[c]![r]);
    rows[r] = fields.length ? `${row}}` : '{}';
  }
  return `[${rows.join(',')}]`;
}
