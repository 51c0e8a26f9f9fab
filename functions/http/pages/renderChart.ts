import type { Table } from 'apache-arrow';
import * as echarts from 'echarts';
import { toRows } from '../tableRows.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import { formatNumber, periodLabel, type Lang } from './renderPages.ts';

/**
 * A chart as an SVG document, drawn on the server by ECharts' SSR renderer (no browser, no
 * JavaScript on the page). This module is loaded on first use (see ../lazy.ts): only chart requests pay for ECharts.
 */
export async function renderChartSvg(query: SavedQuery, table: Table, lang: Lang, width = 900, height = width < 600 ? 300 : 360): Promise<string | null> {
  const { x, y } = query.chart;
  if ((query.chart.type !== 'line' && query.chart.type !== 'bar') || !x || !y) return null;
  const rows = toRows(table);
  const label = (name: string) => query.columns.find((c) => c.name === name)?.[lang] ?? name;
  // Periods as the page's language names them; a unit's whole name (wrapped, never cut).
  const categories = rows.map((r) => (x === 'period_label' && typeof r.period === 'string' ? periodLabel(r.period, lang) : String(r[x] ?? '')));
  const silentText = lang === 'vi' ? 'chưa báo cáo' : 'not reported';
  // A unit with nothing reported says so on its bar, rather than an empty bar with no label.
  const silent = rows.map((r) => r[y] === null || r.indicators_reported === 0);
  const values = rows.map((r, i) => (silent[i] && query.chart.type === 'bar' ? { value: 0, label: { show: true, formatter: silentText } } : typeof r[y] === 'number' ? Math.round((r[y] as number) * 10) / 10 : null));
  const targets = rows.map((r) => (typeof r.target === 'number' ? (r.target as number) : null));
  const horizontal = query.chart.type === 'bar' && categories.length > 12;
  // On a phone the drawing is shown at its own size: no text under 11 px, labels cut to fit.
  const narrow = width < 600;
  const fontSize = narrow ? 12 : 11;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: horizontal ? Math.max(height, (narrow ? 44 : 30) * categories.length + 60) : height });
  const category = { type: 'category' as const, data: categories, axisLabel: { interval: narrow && !horizontal && categories.length > 6 ? 'auto' as const : 0, rotate: horizontal ? 0 : categories.length > (narrow ? 4 : 8) ? 35 : 0, fontSize, ...(horizontal ? { width: narrow ? 128 : 150, overflow: 'break' as const, lineHeight: fontSize + 2 } : {}) } };
  // Numbers as the page's table writes them: in Vietnamese 1.000 is a thousand and 892,5 has a
  // decimal comma (ECharts' own 1,000 reads as one there).
  const number = (v: unknown) => (typeof v === 'number' ? formatNumber(v, lang) : String(v ?? ''));
  // No axis title: the legend above names the series, and on a phone the two overlapped.
  const value = { type: 'value' as const, min: 0, axisLabel: { fontSize, formatter: number } };
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif', fontSize },
    grid: { left: horizontal ? (narrow ? 136 : 160) : 48, right: horizontal ? (narrow ? 60 : 72) : narrow ? 16 : 24, top: 36, bottom: horizontal ? 32 : 80, containLabel: false },
    legend: { top: 4, left: narrow ? 8 : 'center', textStyle: { fontSize }, data: [label(y), ...(targets.some((t) => t !== null) ? [lang === 'vi' ? 'Chỉ tiêu' : 'Target'] : [])] },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [
      { name: label(y), type: query.chart.type, data: values, label: { show: horizontal || (categories.length <= 12 && !(narrow && !horizontal && categories.length > 6)), position: horizontal ? 'right' : 'top', fontSize, formatter: (p: { value: unknown }) => number(p.value) }, itemStyle: { color: '#0969da' } },
      ...(targets.some((t) => t !== null)
        ? [{ name: lang === 'vi' ? 'Chỉ tiêu' : 'Target', type: 'line' as const, data: targets, symbol: 'none', lineStyle: { type: 'dashed' as const, color: '#cf222e' }, itemStyle: { color: '#cf222e' } }]
        : []),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
