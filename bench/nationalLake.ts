/** The national-size synthetic lake (3,300 communes × 24 months × 15 indicators) under bench/out/, built once and reused. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCatalog } from './syntheticDistrict.ts';
import { buildSyntheticLake } from './syntheticLake.ts';

export const NATIONAL_UNITS = 3300;
export const NATIONAL_MONTHS = 24;
export const nationalLakeDir = join(fileURLToPath(new URL('./out/', import.meta.url)), 'national-lake');
export const nationalCatalog = () => syntheticCatalog(NATIONAL_UNITS);

export async function buildNationalLake(): Promise<number> {
  return buildSyntheticLake(nationalLakeDir, nationalCatalog(), NATIONAL_MONTHS, (done, total) => console.log(`  national lake: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} submissions`));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = Date.now();
  const n = await buildNationalLake();
  console.log(n ? `national lake: ${n.toLocaleString('en')} submissions written in ${((Date.now() - t) / 1000).toFixed(0)} s` : 'national lake: reused');
}
