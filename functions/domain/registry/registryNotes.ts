import type { Catalog } from '../types.ts';
import { predecessorsOf } from './successorsOf.ts';
import { unitStatus } from './unitStatus.ts';

export type NoteLang = 'vi' | 'en';

/**
 * What a page about one unit must say of the registry behind its numbers: the predecessors whose
 * values it shows (a trend across a merger), what became of it, and whether those events are
 * confirmed by their documents. Empty for a unit with no history.
 */
export function registryNotes(code: string, catalog: Catalog, lang: NoteLang): string[] {
  const unit = catalog.units.find((u) => u.code === code);
  if (!unit) return [];
  const events = catalog.events ?? [];
  const notes: string[] = [];
  const name = (c: string) => catalog.units.find((u) => u.code === c)?.nameVi ?? c;
  const before = predecessorsOf(code, events);
  if (before.units.length) {
    const days = [...new Set(before.events.map((e) => e.date))].sort();
    const unverified = before.events.some((e) => e.verified === false);
    const sources = [...new Set(before.events.filter((e) => e.verified === false).map((e) => e.source))].join('; ');
    notes.push(lang === 'vi'
      ? `Số liệu trước ${days.join(', ')} là của các đơn vị tiền thân, cộng lại theo danh mục: ${before.units.map(name).join(', ')}.${unverified ? ` Sự kiện này chưa được xác minh văn bản (nguồn: ${sources}).` : ''}`
      : `Figures before ${days.join(', ')} are those of its predecessors, added up through the registry: ${before.units.map(name).join(', ')}.${unverified ? ` This event is not yet verified against its document (source: ${sources}).` : ''}`);
  }
  const status = unitStatus(unit, catalog);
  if (status.status_vi !== 'Đang hoạt động') notes.push(lang === 'vi' ? `${unit.nameVi}: ${status.status_vi}.` : `${unit.nameVi}: ${status.status_en}.`);
  // Notes are read by people (leaders, clerks): the registry's ISO dates as they write them, 01/07/2025.
  return notes.map((n) => n.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_, y, m, d) => `${d}/${m}/${y}`));
}
