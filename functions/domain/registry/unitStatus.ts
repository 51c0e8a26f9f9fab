import type { Catalog, Unit, UnitEvent } from '../types.ts';
import { endingEvent } from './unitHistory.ts';

const VERBS: Record<UnitEvent['kind'], [string, string]> = {
  merge: ['sáp nhập vào', 'merged into'],
  rename: ['đổi tên thành', 'renamed'],
  reclassify: ['chuyển thành', 'became'],
  split: ['chia tách thành', 'split into'],
  retire: ['', ''],
  reparent: ['', ''],
};

/**
 * What became of a unit, in both languages, and whether every event that made, moved or ended it
 * is confirmed by its document. A unit retired without a successor says so: never guessed.
 */
export function unitStatus(unit: Unit, catalog: Catalog): { verified: 'yes' | 'no'; status_vi: string; status_en: string } {
  const events = catalog.events ?? [];
  const touching = events.filter((e) => e.from === unit.code || e.to === unit.code);
  const verified = touching.every((e) => e.verified !== false) ? 'yes' : 'no';
  const ended = endingEvent(unit.code, events);
  let [vi, en] = ['Đang hoạt động', 'Active'];
  if (ended) {
    const name = (code: string | null) => catalog.units.find((u) => u.code === code)?.nameVi ?? code ?? '';
    if (ended.kind === 'retire') {
      [vi, en] = [`Thôi hoạt động từ ${ended.date}: không ghi nhận đơn vị kế thừa`, `Ceased on ${ended.date}: no successor recorded`];
    } else {
      const successors = events.filter((e) => e.from === unit.code && e.date === ended.date && e.to).map((e) => name(e.to)).join(', ');
      const [verbVi, verbEn] = VERBS[ended.kind];
      [vi, en] = [`Từ ${ended.date}: ${verbVi} ${successors}`, `From ${ended.date}: ${verbEn} ${successors}`];
    }
  }
  if (verified === 'no') [vi, en] = [`${vi} (chưa xác minh văn bản)`, `${en} (not verified against its document)`];
  return { verified, status_vi: vi, status_en: en };
}
