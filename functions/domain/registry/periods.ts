import { CANONICAL_PERIOD, periodEnd } from '../ingest/parsePeriod.ts';
/** The periods dimension: every reporting period of a span of years, with the one before it. */
const ROMAN = ['I', 'II', 'III', 'IV'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Every period from `from` to `to` (years), with the one before it of the same kind and its last day. */
export function periodRows(from = 2015, to = 2035): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let y = from; y <= to; y++) {
    rows.push({ period: `${y}`, kind: 'year', year: y, start_date: `${y}-01-01`, previous_period: `${y - 1}`, label_vi: periodLabelVi(`${y}`) });
    for (let h = 1; h <= 2; h++) {
      rows.push({ period: `${y}-H${h}`, kind: 'half', year: y, start_date: `${y}-${h === 1 ? '01' : '07'}-01`,
        previous_period: h === 1 ? `${y - 1}-H2` : `${y}-H1`, label_vi: periodLabelVi(`${y}-H${h}`) });
    }
    rows.push({ period: `${y}-M9`, kind: 'nine_months', year: y, start_date: `${y}-01-01`, previous_period: `${y - 1}-M9`, label_vi: periodLabelVi(`${y}-M9`) });
    for (let q = 1; q <= 4; q++) {
      rows.push({ period: `${y}-Q${q}`, kind: 'quarter', year: y, start_date: `${y}-${pad(q * 3 - 2)}-01`,
        previous_period: q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`, label_vi: periodLabelVi(`${y}-Q${q}`) });
    }
    for (let m = 1; m <= 12; m++) {
      rows.push({ period: `${y}-${pad(m)}`, kind: 'month', year: y, start_date: `${y}-${pad(m)}-01`,
        previous_period: m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`, label_vi: periodLabelVi(`${y}-${pad(m)}`) });
    }
  }
  for (const row of rows) row.end_date = periodEnd(row.period as string);
  return rows;
}

/** How a period is written in Vietnamese on a report: "Quý IV/2024", "Tháng 9/2024", "Năm 2024". */
export function periodLabelVi(period: string): string {
  const m = CANONICAL_PERIOD.exec(period);
  if (!m) return period;
  const [, y, part] = m;
  if (!part) return `Năm ${y}`;
  if (part.startsWith('H')) return `6 tháng ${part === 'H1' ? 'đầu' : 'cuối'} năm ${y}`;
  if (part === 'M9') return `9 tháng đầu năm ${y}`;
  if (part.startsWith('Q')) return `Quý ${ROMAN[Number(part[1]) - 1]}/${y}`;
  return `Tháng ${Number(part)}/${y}`;
}
