import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the files chiso reads at run time live (schemas/*.csv, sql/, page assets): the
 * repository when run from source, the function's folder when bundled for Lambda, where the
 * bundle sets CHISO_ASSETS_DIR because a bundle has no source tree around it.
 */
const ROOT = process.env.CHISO_ASSETS_DIR ?? fileURLToPath(new URL('../../../', import.meta.url));

export const assetPath = (...parts: string[]) => join(ROOT, ...parts);
