import { createHash, randomBytes } from 'node:crypto';
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

/**
 * Puts an earlier imported version back in force: its kept files are checked again, the dimension
 * tables rewritten from them, and `registry/current.json` names it. Null when there is no such
 * version; refused when its files no longer hold together (nothing changes then).
 */
export async function rollbackRegistry(store: ObjectStore, version: string, now: Date, utcOffsetHours = 7): Promise<ImportResult | null> {
  if (!/^[0-9TZ]+-[0-9a-f]{8}$/.test(version)) return null;
  const prefix = `${lakeKeys.registryVersionsPrefix}${version}/`;
  const names: string[] = [];
  for await (const o of store.list(prefix)) names.push(o.key.slice(prefix.length));
  const kept = REGISTRY_FILE_NAMES.filter((n) => names.includes(n));
  if (!kept.length) return null;
  const record: CurrentRecord = { version, imported_at: now.toISOString(), sha256: '', files: kept };
  const files = await readVersionFiles(store, record);
  const checked = checkRegistry(files);
  if (!checked.catalog) return { status: 'refused', problems: checked.problems };
  record.sha256 = registryHash(files);
  if ((await readCurrent(store))?.version === version) return { status: 'unchanged', version: { version, imported_at: record.imported_at, sha256: record.sha256 }, catalog: checked.catalog };
  const rolled: RegistryVersion = { version, imported_at: record.imported_at, sha256: record.sha256 };
  await ensureDimensions(store, checked.catalog, rolled, utcOffsetHours);
  await store.put(lakeKeys.registryCurrent, JSON.stringify(record, null, 2));
  await store.put(lakeKeys.lakeVersion, `registry-rollback-${version}-${now.getTime()}`);
  return { status: 'imported', version: rolled, catalog: checked.catalog };
}

/**
 * Files uploaded in the browser, kept until the administrator confirms them (the preview and the
 * confirmation are two requests): under registry/staged/<id>/, never in force until imported.
 */
const stagedKey = (id: string, name: string) => `registry/staged/${id}/${name}`;

export async function stageRegistry(store: ObjectStore, files: RegistryFiles): Promise<string> {
  const id = randomBytes(8).toString('hex');
  for (const name of REGISTRY_FILE_NAMES) if (files[name] !== undefined) await store.put(stagedKey(id, name), files[name]!);
  return id;
}

export async function stagedRegistry(store: ObjectStore, id: string): Promise<RegistryFiles | null> {
  if (!/^[0-9a-f]{16}$/.test(id)) return null;
  const files: Partial<Record<string, string>> = {};
  for (const name of REGISTRY_FILE_NAMES) {
    const t = text(await store.get(stagedKey(id, name)));
    if (t !== null) files[name] = t;
  }
  return files['units.csv'] !== undefined && files['indicators.csv'] !== undefined ? (files as unknown as RegistryFiles) : null;
}

export async function dropStaged(store: ObjectStore, id: string): Promise<void> {
  for (const name of REGISTRY_FILE_NAMES) await store.delete(stagedKey(id, name));
}

/** What importing `next` would change, against the registry in force: what an administrator confirms. */
export interface RegistryChanges {
  added: { code: string; name: string }[];
  ceased: { code: string; name: string; on: string | null }[];
  renamed: { code: string; from: string; to: string }[];
  frameworksAdded: string[];
  frameworksRemoved: string[];
  deadlines: { what: string; from: string | null; to: string | null }[];
  units: number;
}

export function registryChanges(current: Catalog, next: Catalog): RegistryChanges {
  const before = new Map(current.units.map((u) => [u.code, u]));
  const after = new Map(next.units.map((u) => [u.code, u]));
  const ceased: RegistryChanges['ceased'] = [];
  for (const u of next.units) {
    const old = before.get(u.code);
    if (u.validTo && (!old || old.validTo !== u.validTo)) ceased.push({ code: u.code, name: u.nameVi, on: u.validTo });
  }
  for (const u of current.units) if (!after.has(u.code)) ceased.push({ code: u.code, name: u.nameVi, on: null });
  const fw = (c: Catalog) => new Set((c.frameworks ?? []).map((f) => f.framework));
  const [fwBefore, fwAfter] = [fw(current), fw(next)];
  const rules = (c: Catalog) => new Map((c.calendar ?? []).map((r) => r.kind === 'rule'
    ? [r.frequency, `${r.deadlineDays}${r.cutoffDay !== null ? `/${r.cutoffDay}` : ''}`]
    : [r.period, r.deadline]));
  const [rBefore, rAfter] = [rules(current), rules(next)];
  const deadlines = [...new Set([...rBefore.keys(), ...rAfter.keys()])].sort()
    .filter((k) => rBefore.get(k) !== rAfter.get(k))
    .map((k) => ({ what: k, from: rBefore.get(k) ?? null, to: rAfter.get(k) ?? null }));
  return {
    added: next.units.filter((u) => !before.has(u.code)).map((u) => ({ code: u.code, name: u.nameVi })),
    ceased,
    renamed: next.units.flatMap((u) => {
      const old = before.get(u.code);
      return old && old.nameVi !== u.nameVi ? [{ code: u.code, from: old.nameVi, to: u.nameVi }] : [];
    }),
    frameworksAdded: [...fwAfter].filter((f) => !fwBefore.has(f)),
    frameworksRemoved: [...fwBefore].filter((f) => !fwAfter.has(f)),
    deadlines,
    units: next.units.length,
  };
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
