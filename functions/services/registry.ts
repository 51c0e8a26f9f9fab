import { createHash } from 'node:crypto';
import { indexCatalog, type CatalogIndex } from '../domain/ingest/ingestContext.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';
import { checkRegistry, REGISTRY_FILE_NAMES, type RegistryFiles } from '../domain/registry/catalog.ts';
import type { RegistryProblem } from '../domain/registry/problems.ts';
import type { Catalog } from '../domain/types.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { DEFAULT_REGISTRY, ensureDimensions, type RegistryVersion } from './dimensions.ts';

interface CurrentRecord extends RegistryVersion {
  files: string[];
}

const text = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('utf8') : null);

/** The hash of a registry's files: equal files, equal hash, whatever order they were read in. */
export function registryHash(files: RegistryFiles): string {
  const hash = createHash('sha256');
  for (const name of REGISTRY_FILE_NAMES) hash.update(`${name}\0${files[name] ?? ''}\0`);
  return hash.digest('hex');
}

async function readCurrent(store: ObjectStore): Promise<CurrentRecord | null> {
  const raw = text(await store.get(lakeKeys.registryCurrent));
  return raw ? (JSON.parse(raw) as CurrentRecord) : null;
}

async function readVersionFiles(store: ObjectStore, current: CurrentRecord): Promise<RegistryFiles> {
  const files: Partial<Record<string, string>> = {};
  for (const name of current.files) files[name] = text(await store.get(lakeKeys.registryFile(current.version, name))) ?? undefined;
  return files as unknown as RegistryFiles;
}

export type ImportResult =
  | { status: 'imported' | 'unchanged'; version: RegistryVersion; catalog: Catalog }
  | { status: 'refused'; problems: RegistryProblem[] };

/**
 * Imports a registry: checked as a whole first (a bad file is refused with every problem and
 * nothing is written), then its files are kept under a new version, the dimension tables are
 * rewritten from it, and `registry/current.json` names it (last: until then the previous version
 * is the one in force). The lake version moves, so every engine and cache reads the new one.
 */
export async function importRegistry(store: ObjectStore, files: RegistryFiles, now: Date, utcOffsetHours = 7): Promise<ImportResult> {
  const checked = checkRegistry(files);
  if (!checked.catalog) return { status: 'refused', problems: checked.problems };
  const sha256 = registryHash(files);
  const current = await readCurrent(store);
  if (current?.sha256 === sha256) return { status: 'unchanged', version: { version: current.version, imported_at: current.imported_at, sha256 }, catalog: checked.catalog };
  const version: RegistryVersion = { version: `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${sha256.slice(0, 8)}`, imported_at: now.toISOString(), sha256 };
  const names = REGISTRY_FILE_NAMES.filter((n) => files[n] !== undefined);
  for (const name of names) await store.put(lakeKeys.registryFile(version.version, name), files[name]!);
  await ensureDimensions(store, checked.catalog, version, utcOffsetHours);
  await store.put(lakeKeys.registryCurrent, JSON.stringify({ ...version, files: names } satisfies CurrentRecord, null, 2));
  await store.put(lakeKeys.lakeVersion, `registry-${version.version}`);
  return { status: 'imported', version, catalog: checked.catalog };
}

/** Every imported version, oldest first, with the one in force marked. */
export async function registryVersions(store: ObjectStore): Promise<{ version: string; current: boolean }[]> {
  const current = await readCurrent(store);
  const versions = new Set<string>();
  for await (const o of store.list(lakeKeys.registryVersionsPrefix)) versions.add(o.key.slice(lakeKeys.registryVersionsPrefix.length).split('/')[0]!);
  return [...versions].sort().map((version) => ({ version, current: version === current?.version }));
}

/**
 * The registry in force, shared by everything in a process (name matching, parameters, pages):
 * the imported one, or the shipped example when none was imported. `refresh` re-reads it when
 * another process imported a newer one; the index object is updated in place, so every holder of
 * it sees the new units at once.
 */
export interface LiveRegistry {
  readonly index: CatalogIndex;
  readonly version: RegistryVersion;
  refresh(): Promise<boolean>;
}

export async function openRegistry(store: ObjectStore, fallback: () => RegistryFiles, utcOffsetHours = 7): Promise<LiveRegistry> {
  const load = async (): Promise<{ catalog: Catalog; version: RegistryVersion }> => {
    const current = await readCurrent(store);
    if (current) {
      const checked = checkRegistry(await readVersionFiles(store, current));
      // An imported version was checked before it was named current; if it no longer reads, say so loudly.
      if (checked.catalog) return { catalog: checked.catalog, version: { version: current.version, imported_at: current.imported_at, sha256: current.sha256 } };
      console.error(JSON.stringify({ registry: current.version, unreadable: checked.problems.length }));
    }
    const files = fallback();
    const checked = checkRegistry(files);
    if (!checked.catalog) throw new Error('the shipped registry (schemas/) does not hold together');
    return { catalog: checked.catalog, version: { ...DEFAULT_REGISTRY, sha256: registryHash(files) } };
  };
  const first = await load();
  await ensureDimensions(store, first.catalog, first.version, utcOffsetHours);
  const index = indexCatalog(first.catalog);
  let version = first.version;
  return {
    index,
    get version() { return version; },
    async refresh() {
      const current = await readCurrent(store);
      if ((current?.version ?? DEFAULT_REGISTRY.version) === version.version) return false;
      const next = await load();
      Object.assign(index, indexCatalog(next.catalog));
      version = next.version;
      return true;
    },
  };
}
