import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

const OUTPUT = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const KEPT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** The two sizes every person's path is walked at: a phone and a desktop. */
export const SIZES = [['360', 360, 740], ['1366', 1366, 768]] as const;

/**
 * A screenshot of a step of a person's path, in test-output/screenshots/; with CHISO_SCREENSHOTS=1
 * also in docs/screenshots/, the copies the README links to (kept in the repository, so made
 * only when asked).
 */
export async function screenshot(target: Page | Locator, name: string, options: { fullPage?: boolean; keep?: boolean } = {}): Promise<void> {
  const dirs = [OUTPUT, ...(options.keep && process.env.CHISO_SCREENSHOTS === '1' ? [KEPT] : [])];
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    await target.screenshot({ path: `${dir}${name}.png`, ...('goto' in target ? { fullPage: options.fullPage ?? true } : {}) });
  }
}
