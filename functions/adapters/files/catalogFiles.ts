import { readFileSync } from 'node:fs';
import { parseCatalog } from '../../domain/registry/catalog.ts';
import type { Catalog } from '../../domain/types.ts';
import { assetPath } from './assets.ts';

/** The example district's catalog, shipped in schemas/. */
export function loadDefaultCatalog(): Catalog {
  const read = (name: string) => readFileSync(assetPath('schemas', name), 'utf8');
  return parseCatalog({ units: read('units.csv'), indicators: read('indicators.csv'), events: read('unit_events.csv') });
}
