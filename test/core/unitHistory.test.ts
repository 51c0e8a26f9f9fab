import { describe, expect, it } from 'vitest';
import { checkRegistry, parseCatalog } from '../../functions/domain/registry/catalog.ts';
import { describeProblem, Problems } from '../../functions/domain/registry/problems.ts';
import { parseUnitEvents } from '../../functions/domain/registry/unitHistory.ts';
import { successorsOf } from '../../functions/domain/registry/successorsOf.ts';
import { registryNotes } from '../../functions/domain/registry/registryNotes.ts';
import { syntheticCatalog } from '../helpers/syntheticMerge.ts';
import { indexCatalog } from '../../functions/domain/ingest/ingestContext.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvBytes } from '../helpers/workbook.ts';
import { EXAMPLE_INDICATORS, SYNTHETIC_EVENTS, SYNTHETIC_UNITS } from '../helpers/syntheticMerge.ts';
import { createClock } from '../../functions/domain/clock.ts';

const UNITS = SYNTHETIC_UNITS;
const EVENTS = SYNTHETIC_EVENTS;
const INDICATORS = EXAMPLE_INDICATORS;
const problems = (units: string, events: string) =>
  checkRegistry({ 'units.csv': units, 'indicators.csv': INDICATORS, 'registry-events.csv': events }).problems.map(describeProblem);
const eventsOf = (text: string) => parseUnitEvents(text, new Problems());

describe('the unit registry with history', () => {
  it('accepts a registry whose units meet at each merge and split', () => {
    expect(problems(UNITS, EVENTS)).toEqual([]);
    expect(successorsOf('xa-thu-a', eventsOf(EVENTS))).toEqual(['xa-thu-moi']);
    expect(successorsOf('xa-thu-c', eventsOf(EVENTS))).toEqual(['xa-thu-d', 'xa-thu-e']);
    expect(successorsOf('xa-thu-moi', eventsOf(EVENTS))).toEqual(['xa-thu-moi']);
  });

  it('finds a gap and an overlap, naming the line to fix', () => {
    const gap = problems(UNITS.replace('xa-thu-b,Xã Thử B,Test B,commune,,,2025-06-30,', 'xa-thu-b,Xã Thử B,Test B,commune,,,2025-06-29,'), EVENTS);
    expect(gap).toEqual([expect.stringMatching(/^registry-events\.csv, dòng 3, cột date: .* line 3, column date: xa-thu-b must end 2025-06-30/)]);
    const overlap = problems(UNITS.replace('xa-thu-d,Xã Thử D,Test D,commune,,2025-07-01,,', 'xa-thu-d,Xã Thử D,Test D,commune,,2025-06-01,,'), EVENTS);
    expect(overlap).toEqual([expect.stringMatching(/^registry-events\.csv, dòng 4, cột to: .* line 4, column to: xa-thu-d must begin 2025-07-01/)]);
  });

  it('finds a cycle among parents and among successions', () => {
    const parents = UNITS.replace('xa-thu-d,Xã Thử D,Test D,commune,,2025-07-01,,', 'xa-thu-d,Xã Thử D,Test D,commune,,2025-07-01,,xa-thu-e')
      .replace('xa-thu-e,Xã Thử E,Test E,commune,,2025-07-01,,', 'xa-thu-e,Xã Thử E,Test E,commune,,2025-07-01,,xa-thu-d');
    expect(problems(parents, EVENTS).join('\n')).toMatch(/units\.csv, dòng 6, cột parent: .* parents of xa-thu-d form a cycle/);
    const loop = `${EVENTS}2025-07-01,rename,xa-thu-moi,xa-thu-a,,test,yes\n`;
    expect(problems(UNITS, loop).join('\n')).toMatch(/successions form a cycle: xa-thu-a → xa-thu-moi → xa-thu-a/);
  });

  it('names a unit\'s predecessors above its numbers, and the source of an event not yet verified', () => {
    const catalog = syntheticCatalog();
    // A verified merger: the predecessors, no caveat.
    expect(registryNotes('xa-thu-moi', catalog, 'vi')).toEqual(['Số liệu trước 01/07/2025 là của các đơn vị tiền thân, cộng lại theo danh mục: Xã Thử A, Xã Thử B.']);
    // An unverified split: said, with its source, and the unit's own status says so too.
    expect(registryNotes('xa-thu-d', catalog, 'vi')).toEqual([
      'Số liệu trước 01/07/2025 là của các đơn vị tiền thân, cộng lại theo danh mục: Xã Thử C. Sự kiện này chưa được xác minh văn bản (nguồn: Synthetic test resolution 2).',
      'Xã Thử D: Đang hoạt động (chưa xác minh văn bản).',
    ]);
    expect(registryNotes('xa-thu-d', catalog, 'en')[0]).toContain('This event is not yet verified against its document (source: Synthetic test resolution 2).');
  });

  it('refuses a reused code, an unknown successor and split shares that do not add up', () => {
    expect(problems(`${UNITS}xa-thu-a,Xã Thử A (mới),Test A2,commune,,2025-07-01,,\n`, EVENTS).join('\n')).toMatch(/units\.csv, dòng 8, cột code: .* line 8, column code: unit code "xa-thu-a" is used twice/);
    expect(problems(UNITS, `${EVENTS}2025-07-01,rename,xa-thu-b,xa-khong-co,,test,yes\n`).join('\n')).toMatch(/line 6, column to: unit "xa-khong-co" is not in the registry/);
    expect(problems(UNITS, EVENTS.replace(',0.4', ',0.3')).join('\n')).toMatch(/shares of split xa-thu-c on 2025-07-01 must add up to 1/);
    expect(() => parseCatalog({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'registry-events.csv': EVENTS.replace(',0.4', ',0.3') })).toThrow(/does not hold together/);
  });
});

describe('ingest against the registry of the report\'s period', () => {
  it('refuses a report for a retired unit, naming its successor; old names keep working for old periods', async () => {
    const catalog = indexCatalog(parseCatalog({ 'units.csv': UNITS, 'indicators.csv': INDICATORS, 'registry-events.csv': EVENTS }));
    const dir = await mkdtemp(join(tmpdir(), 'chiso-history-'));
    const deps = { store: new FsObjectStore(dir), catalog, clock: createClock(7, () => new Date('2026-01-10T00:00:00Z')) };
    const report = (unit: string, period: string) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n`);
    const old = await ingestFile({ bytes: report('Xã Thu A cũ', 'Quý II/2025'), fileName: 'a-q2.csv' }, deps);
    expect(old.errors).toEqual([]);
    expect(old.partitions).toEqual([{ unit: 'xa-thu-a', period: '2025-Q2' }]);
    const late = await ingestFile({ bytes: report('Xã Thử A', 'Quý III/2025'), fileName: 'a-q3.csv' }, deps);
    expect(late.errors.map((e) => e.code)).toEqual(['UNIT_RETIRED']);
    expect(late.errors[0]!.message_vi).toContain('kế thừa: Xã Thử Mới.');
    const split = await ingestFile({ bytes: report('Xã Thử C', 'Tháng 8/2025'), fileName: 'c.csv' }, deps);
    expect(split.errors[0]!.message_en).toContain('report as its successor: Test D, Test E.');
    const early = await ingestFile({ bytes: report('Xã Thử Mới', 'Quý II/2025'), fileName: 'moi.csv' }, deps);
    expect(early.errors.map((e) => e.code)).toEqual(['UNIT_NOT_YET']);
    const year = await ingestFile({ bytes: report('Xã Thử Mới', 'Năm 2025'), fileName: 'moi-2025.csv' }, deps);
    expect(year.errors).toEqual([]); // a year the unit existed in, in part
    await rm(dir, { recursive: true, force: true });
  });
});
