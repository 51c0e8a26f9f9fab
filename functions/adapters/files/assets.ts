import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the files chiso reads at run time live (schemas/*.csv, sql/, page assets): the
 * repository when run from source, the function's folder when bundled for Lambda, where the
 * bundle sets CHISO_ASSETS_DIR because a bundle has no source tree around it.
 */
const ROOT = process.env.CHISO_ASSETS_DIR ?? fileURLToPath(new URL('../../../', import.meta.url));

export const assetPath = (...parts: string[]) => join(ROOT, ...parts);

/**
 * Modules too heavy for every cold start, loaded on first use (functions/http/lazy.ts): from
 * source here (paths from the repository root); in a Lambda bundle, built by the CDK app into
 * lazy/<name>.mjs beside it.
 */
export const LAZY_MODULES = {
  renderChart: 'functions/http/pages/renderChart.ts',
  renderXlsx: 'functions/http/renderXlsx.ts',
  reportTemplate: 'functions/http/reportTemplate.ts',
  assessmentTemplate: 'functions/http/assessmentTemplate.ts',
  leaderPdf: 'functions/http/pdf/leaderPdf.ts',
  annex: 'functions/http/pdf/annex.ts',
  accountSheets: 'functions/http/pdf/accountSheets.ts',
} as const;

/**
 * The PDFs' font (Be Vietnam Pro, SIL Open Font Licence): from the npm package when run from
 * source, fonts/<file> beside a Lambda bundle (copied there by the CDK app).
 */
export const FONT_FILES = {
  regular: { file: 'BeVietnamPro_400Regular.ttf', packageDir: '400Regular' },
  bold: { file: 'BeVietnamPro_700Bold.ttf', packageDir: '700Bold' },
  italic: { file: 'BeVietnamPro_400Regular_Italic.ttf', packageDir: '400Regular_Italic' },
} as const;
export const FONT_PACKAGE = '@expo-google-fonts/be-vietnam-pro';
