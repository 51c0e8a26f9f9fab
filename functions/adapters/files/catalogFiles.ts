import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, REGISTRY_FILE_NAMES, type RegistryFiles } from '../../domain/registry/catalog.ts';
import type { Catalog } from '../../domain/types.ts';
import { assetPath } from './assets.ts';

/**
 * A registry folder's files as text: units.csv and indicators.csv must be there,
 * registry-events.csv and framework.csv may be. Names the missing ones in both languages.
 */
export function readRegistryFolder(dir: string): RegistryFiles {
  const files: Partial<Record<string, string>> = {};
  for (const name of REGISTRY_FILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  const missing = (['units.csv', 'indicators.csv'] as const).filter((n) => files[n] === undefined);
  if (missing.length) throw new Error(`Thư mục ${dir} thiếu ${missing.join(', ')} / the folder lacks ${missing.join(', ')}`);
  return files as unknown as RegistryFiles;
}

/** The example district's registry, shipped in schemas/: the demo's, and the default of a new deployment. */
export function defaultRegistryFiles(): RegistryFiles {
  return readRegistryFolder(assetPath('schemas'));
}

export function loadDefaultCatalog(): Catalog {
  return parseCatalog(defaultRegistryFiles());
}
