import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { PROVINCE_FILES, provinceReport } from './provinceRegistry.ts';
import { csvBytes } from './workbook.ts';

/** The province of provinceRegistry.ts with a third component (online public services, on steps), so an appraiser has three to appraise. */
export const EVIDENCE_PROVINCE_FILES = {
  ...PROVINCE_FILES,
  'indicators.csv': `${PROVINCE_FILES['indicators.csv']}DVC,Hồ sơ trực tuyến toàn trình,percent,higher,50,department;commune;police\n`,
  'framework.csv': `${PROVINCE_FILES['framework.csv']}tinh-2025,2025-07-01,,DVS,Dịch vụ số,DVC,300,steps,80:300;50:150,department;commune;police,\n`,
};

/**
 * A province on 20/10/2026 with Quý III/2026's values of two communes in the lake, and the
 * accounts of these tests: an appraiser, Yên Lạc's clerk and head, Tề Lỗ's clerk, an analyst.
 */
export async function evidenceProvince() {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-evidence-'));
  let now = new Date('2026-10-20T02:00:00Z');
  await importRegistry(new FsObjectStore(dir), EVIDENCE_PROVINCE_FILES, now);
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => now });
  /** Moves the clock on: a later file must be later than the one it replaces (same-instant files order by their random ids). */
  const later = (ms = 60_000) => { now = new Date(now.getTime() + ms); };
  const accounts = {
    appraiser: await services.tokens.issue({ name: 'Anh Minh (Sở KH&CN)', role: 'appraiser', unit: null }),
    clerk: await services.tokens.issue({ name: 'Văn thư xã Yên Lạc', role: 'staff', unit: 'xa-yen-lac' }),
    head: await services.tokens.issue({ name: 'Chủ tịch UBND xã Yên Lạc', role: 'head', unit: 'xa-yen-lac' }),
    otherClerk: await services.tokens.issue({ name: 'Văn thư xã Tề Lỗ', role: 'staff', unit: 'xa-te-lo' }),
    analyst: await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null }),
    admin: await services.tokens.issue({ name: 'Quản trị', role: 'admin', unit: null }),
  };
  const report = provinceReport('Quý III/2026', [['xa-yen-lac', 60, false], ['xa-te-lo', 70, true]])
    + 'xa-yen-lac,Quý III/2026,DVC,55,100,\nxa-te-lo,Quý III/2026,DVC,85,100,\n';
  const values = await services.ingest({ bytes: csvBytes(report), fileName: 'so-lieu.csv' });
  expect(values.errors).toEqual([]);
  services.runner.lakeChanged();
  return { dir, services, later, ...accounts, close: async () => { await services.close(); await rm(dir, { recursive: true, force: true }); } };
}

/** Yên Lạc's self-assessment: its explanations name two files (one of them, "anh-chup-he-thong.png", never attached in the tests). */
export const SELF_ASSESSMENT = 'Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý III/2026\nSTT,Mã chỉ số,Điểm tối đa,Điểm tự chấm,Giải trình\n'
  + '1,DOC,600,550,Báo cáo hệ thống QLVB (xem bao-cao-qlvb.pdf)\n2,SIG,400,400,Quyết định 12/QĐ-UBND; anh-chup-he-thong.png\n3,DVC,300,300,Danh sách hồ sơ: ho-so-truc-tuyen.xlsx\n';
