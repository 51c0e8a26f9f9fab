import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { assetPath, LAZY_MODULES } from '../adapters/files/assets.ts';

/**
 * Renderers too heavy for every cold start (ECharts, the exceljs writer) are loaded on first use.
 * In a Lambda bundle they are separate files beside it (lazy/<name>.mjs), so the function's own
 * bundle stays small; from source they are the modules themselves.
 */
const cache = new Map<string, Promise<unknown>>();

function load<T>(name: keyof typeof LAZY_MODULES): Promise<T> {
  if (!cache.has(name)) {
    const bundled = assetPath('lazy', `${name}.mjs`);
    // A computed specifier: bundlers leave it alone, so the module is not pulled into the bundle.
    const specifier = pathToFileURL(existsSync(bundled) ? bundled : assetPath(LAZY_MODULES[name])).href;
    cache.set(name, import(specifier));
  }
  return cache.get(name) as Promise<T>;
}

export const lazy = {
  chart: () => load<typeof import('./pages/renderChart.ts')>('renderChart'),
  xlsx: () => load<typeof import('./renderXlsx.ts')>('renderXlsx'),
  template: () => load<typeof import('./reportTemplate.ts')>('reportTemplate'),
  assessmentTemplate: () => load<typeof import('./assessmentTemplate.ts')>('assessmentTemplate'),
  leaderPdf: () => load<typeof import('./pdf/leaderPdf.ts')>('leaderPdf'),
  annex: () => load<typeof import('./pdf/annex.ts')>('annex'),
  accountSheets: () => load<typeof import('./pdf/accountSheets.ts')>('accountSheets'),
};
