/** The views of sql/views, in dependency order: each may name only those before it. */
export const VIEW_ORDER = ['settings', 'approval_state', 'kpi_accepted', 'kpi_current', 'kpi_pending', 'kpi_assessed', 'kpi_scored', 'kpi_lineage', 'kpi_points', 'dti_points', 'first_received', 'reporting_units', 'targets_met'] as const;

/**
 * The views of sql/views become CTEs of the query that names them, with the views those name in
 * turn; `views` lists them in dependency order (kpi_current before kpi_scored).
 */
export function inlineViews(sql: string, views: Record<string, string>): string {
  const names = (text: string, name: string) => new RegExp(`\\b${name}\\b`, 'i').test(text);
  const entries = Object.entries(views);
  const needed = new Set<string>();
  for (let i = entries.length - 1; i >= 0; i--) {
    const [name] = entries[i]!;
    if (names(sql, name) || [...needed].some((n) => names(views[n]!, name))) needed.add(name);
  }
  const defs = entries.filter(([name]) => needed.has(name))
    .map(([name, body]) => `${name} AS (\n${body.replace(/^\s*--.*$/gm, '').trim()}\n)`);
  if (!defs.length) return sql;
  return /^\s*with\s/i.test(sql) ? sql.replace(/^\s*with\s/i, `WITH ${defs.join(',\n')},\n`) : `WITH ${defs.join(',\n')}\n${sql}`;
}
