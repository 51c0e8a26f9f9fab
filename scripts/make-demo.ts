/**
 * Builds the example district's demo submissions (demo/), committed so that `npm start` loads
 * the same reports on every machine: 2023-Q1 … 2026-Q3 through the real pipeline, in the units
 * of the registry of each quarter (schemas/registry-events.csv): Tam Hồng a town from 2023-Q2,
 * Hồng Phương gone from 2025, the district police until 2024-Q4 (it ceased on 1/3/2025, and a
 * report for a unit not in the registry of the period's last day is refused), the district's
 * offices and communes until 2025-Q2, its five new communes after; and a
 * DTI self-assessment of the new Xã Liên Châu for 2026-Q3 with the province's appraisal of it.
 * In 2026-Q3 Xã Tam Hồng never reports and Xã Tề Lỗ reports late, with numbers worth a warning.
 * Run: node --import tsx scripts/make-demo.ts            (rewrites demo/ whole)
 *      node --import tsx scripts/make-demo.ts <folder>   (into a new or empty folder, to compare with demo/)
 *
 * Per quarter: the communes' consolidated table (wide .xlsx, numerator and denominator under each
 * merged indicator name) and, until the reform, the offices' and police's long CSV. Then, on purpose: Xã Yên Phương
 * does not report 2024-Q4; Xã Liên Châu corrects its 2024-Q4 report (supersedes); two files are
 * rejected (a share over 100%, a numerator above its denominator).
 */
import ExcelJS from 'exceljs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seeded } from '../bench/syntheticDistrict.ts';
import { loadDefaultCatalog } from '../functions/adapters/files/catalogFiles.ts';

const out = process.argv[2] ? pathToFileURL(`${resolve(process.argv[2])}/`) : new URL('../demo/', import.meta.url);
const catalog = loadDefaultCatalog();
const QUARTERS = ['2023', '2024', '2025', '2026'].flatMap((y) => [1, 2, 3, 4].map((q) => `${y}-Q${q}`)).filter((p) => p <= '2026-Q3');
/** The district level ends on this day: its offices stop reporting, five new communes begin. */
const REFORM = '2025-07-01';
const quarterEnd = (p: string) => new Date(Date.UTC(Number(p.slice(0, 4)), Number(p.slice(-1)) * 3, 0)).toISOString().slice(0, 10);
/** Units of the registry on the quarter's last day: who reports it. */
const unitsOf = (period: string, types: string[]) => catalog.units.filter((u) => types.includes(u.type)
  && (!u.validFrom || u.validFrom <= quarterEnd(period)) && (!u.validTo || u.validTo >= quarterEnd(period)));
/** The indicators a unit type reports (schemas/indicators.csv, reported_by). */
const indicatorsOf = (type: string) => catalog.indicators.filter((i) => i.reportedBy.includes(type as never));
const ROMAN = ['I', 'II', 'III', 'IV'];
const DENOMINATORS: Record<string, [number, number]> = {
  DOC_ONLINE: [800, 3000], STAFF_DIGITAL_ID: [15, 60], ONLINE_MEETINGS: [20, 80], PROCEDURES_LEVEL34: [150, 250],
  DOSSIERS_ONLINE: [300, 2500], DOSSIERS_ONE_STOP: [300, 2500], OFFICIAL_EMAIL: [15, 60], COMMUNITY_TECH_TEAMS: [6, 20],
  POPULATION_DB_LINK: [17, 17], CHIP_ID_CARDS: [5000, 15000], VNEID_ACCOUNTS: [5000, 15000], CASHLESS_PAYMENTS: [500, 4000],
};

const random = seeded(2023);
const level = new Map<string, number>();
const size = new Map<string, number>();

/** A unit's share for an indicator in quarter q: its own level, rising over the two years. */
function share(unit: string, indicator: string, q: number): number {
  const key = `${unit}|${indicator}`;
  if (!level.has(key)) level.set(key, 45 + random() * 45);
  return Math.min(100, level.get(key)! + q * (0.6 + random() * 1.4));
}

function counts(unit: string, indicator: string, q: number): [number, number] {
  const key = `${unit}|${indicator}`;
  const [lo, hi] = DENOMINATORS[indicator]!;
  if (!size.has(key)) size.set(key, Math.round(lo + random() * (hi - lo)));
  const denominator = Math.round(size.get(key)! * (1 + q * 0.01));
  return [Math.round((denominator * share(unit, indicator, q)) / 100), denominator];
}

const quarterLabel = (p: string) => `Quý ${ROMAN[Number(p.slice(-1)) - 1]}/${p.slice(0, 4)}`;
const submittedAt = (p: string, extraDays = 0) => {
  const [y, q] = [Number(p.slice(0, 4)), Number(p.slice(-1))];
  return new Date(Date.UTC(y, q * 3, 8 + extraDays, 2, 0, 0)).toISOString();
};

/** Steering-committee meetings held so far in the year: a count, rising through the year. */
function meetings(unit: string, q: number, period: string): number {
  const quarterOfYear = Number(period.slice(-1));
  return Math.min(6, Math.floor((quarterOfYear * share(unit, 'STEERING_MEETINGS', q)) / 70));
}

async function communesTable(period: string, q: number, skip: string[]): Promise<Buffer> {
  const indicators = indicatorsOf('commune');
  const units = unitsOf(period, ['commune']).filter((u) => !skip.includes(u.code));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Tổng hợp');
  ws.getCell('A1').value = quarterEnd(period) < REFORM ? 'UBND HUYỆN YÊN LẠC' : 'SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH PHÚ THỌ';
  ws.getCell('A2').value = `BẢNG TỔNG HỢP KẾT QUẢ CHUYỂN ĐỔI SỐ CẤP XÃ ${quarterLabel(period).toUpperCase()}`;
  ws.getCell('A4').value = 'STT';
  ws.getCell('B4').value = 'Đơn vị';
  ws.mergeCells('A4:A5');
  ws.mergeCells('B4:B5');
  let col = 3;
  const layout: { code: string; cols: number[] }[] = [];
  for (const i of indicators) {
    ws.getCell(4, col).value = i.nameVi;
    if (i.measure === 'percent') {
      ws.getCell(5, col).value = 'Tử số';
      ws.getCell(5, col + 1).value = 'Mẫu số';
      ws.mergeCells(4, col, 4, col + 1);
      layout.push({ code: i.code, cols: [col, col + 1] });
      col += 2;
    } else {
      ws.mergeCells(4, col, 5, col);
      layout.push({ code: i.code, cols: [col] });
      col += 1;
    }
  }
  units.forEach((u, n) => {
    const row = ws.getRow(6 + n);
    row.getCell(1).value = n + 1;
    row.getCell(2).value = u.nameVi;
    for (const { code, cols } of layout) {
      if (cols.length === 2) {
        const [num, den] = counts(u.code, code, q);
        row.getCell(cols[0]!).value = num;
        row.getCell(cols[1]!).value = den;
      } else if (code === 'STEERING_MEETINGS') {
        row.getCell(cols[0]!).value = meetings(u.code, q, period);
      } else {
        row.getCell(cols[0]!).value = share(u.code, code, q) > 60 ? 'x' : 'Không';
      }
    }
  });
  ws.getCell(8 + units.length, 2).value = 'Người tổng hợp';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The district's offices and police, in registry order, whether or not they still report. */
const DISTRICT = catalog.units.filter((u) => u.type === 'department' || u.type === 'police');

function officesCsv(period: string, q: number): string {
  const lines = ['Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số,Tỷ lệ (%)'];
  const reporting = new Set(unitsOf(period, ['department', 'police']).map((u) => u.code));
  // Every office and the police draw their numbers each quarter until the reform, and only those
  // in the registry of the quarter's last day write them: a unit that ceased early (the police on
  // 1/3/2025) changes no other unit's numbers.
  for (const u of DISTRICT) {
    for (const i of indicatorsOf(u.type)) {
      let line: string;
      if (i.measure === 'count') {
        line = `${u.code},${quarterLabel(period)},${i.code},,,${meetings(u.code, q, period)}`;
      } else if (i.measure === 'boolean') {
        line = `${u.code},${quarterLabel(period)},${i.code},,,${share(u.code, i.code, q) > 50 ? 'Có' : 'Không'}`;
      } else {
        const [num, den] = counts(u.code, i.code, q);
        line = `${u.code},${quarterLabel(period)},${i.code},${num},${den},`;
      }
      if (reporting.has(u.code)) lines.push(line);
    }
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

async function form(unitName: string, period: string, rows: [string, number | string | null, number | null, string | number | null][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Biểu 01');
  ws.getCell('A1').value = `UBND ${unitName.toUpperCase()}`;
  ws.getCell('D1').value = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  ws.getCell('D2').value = 'Độc lập - Tự do - Hạnh phúc';
  ws.getCell('A4').value = 'BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ';
  ws.getCell('A5').value = `Đơn vị: ${unitName}`;
  ws.getCell('A6').value = `Kỳ báo cáo: ${quarterLabel(period)}`;
  ws.addRow([]);
  ws.getRow(8).values = ['STT', 'Chỉ tiêu', 'Tử số', 'Mẫu số', 'Tỷ lệ (%)', 'Ghi chú'];
  rows.forEach(([code, num, den, value], n) => {
    const indicator = catalog.indicators.find((i) => i.code === code)!;
    ws.getRow(9 + n).values = [n + 1, indicator.nameVi, num, den, value, null];
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

if (process.argv[2]) {
  await mkdir(out, { recursive: true });
  if ((await readdir(out)).length > 0) throw new Error(`${fileURLToPath(out)} is not empty`);
} else {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
}
const manifest: { file: string; submitted_at: string; expect: 'accepted' | 'rejected' }[] = [];
for (const [q, period] of QUARTERS.entries()) {
  const tag = `quy-${ROMAN[Number(period.slice(-1)) - 1]}-${period.slice(0, 4)}`;
  const communes = quarterEnd(period) < REFORM ? `tong-hop-xa-thi-tran-${tag}.xlsx` : `tong-hop-xa-${tag}.xlsx`;
  // 2024-Q4: Yên Phương never reports. 2026-Q3: Tam Hồng never reports, Tề Lỗ reports late, on its own.
  const skip = period === '2024-Q4' ? ['xa-yen-phuong'] : period === '2026-Q3' ? ['xa-tam-hong-2025', 'xa-te-lo-2025'] : [];
  await writeFile(new URL(communes, out), await communesTable(period, q, skip));
  manifest.push({ file: communes, submitted_at: submittedAt(period), expect: 'accepted' });
  if (quarterEnd(period) >= REFORM) continue; // no district offices any more (the police ceased before)
  const offices = `phong-ban-cong-an-${tag}.csv`;
  await writeFile(new URL(offices, out), officesCsv(period, q));
  manifest.push({ file: offices, submitted_at: submittedAt(period, 1), expect: 'accepted' });
}
// Tề Lỗ's 2026-Q3 form, fifteen days after the deadline, with numbers a reviewer should look at
// twice: a dossier count half of last quarter's, official e-mail fallen from most staff to few.
{
  const q = QUARTERS.indexOf('2026-Q3');
  const rows: [string, number | string | null, number | null, string | number | null][] = indicatorsOf('commune').map((i) => {
    if (i.measure === 'boolean') return [i.code, null, null, share('xa-te-lo-2025', i.code, q) > 60 ? 'x' : 'Không'];
    if (i.measure === 'count') return [i.code, null, null, meetings('xa-te-lo-2025', q, '2026-Q3')];
    const [n, d] = counts('xa-te-lo-2025', i.code, q);
    if (i.code === 'DOSSIERS_ONLINE') return [i.code, Math.round(n * 0.4), Math.round(d * 0.4), null];
    if (i.code === 'OFFICIAL_EMAIL') return [i.code, Math.round(d * 0.15), d, null];
    return [i.code, n, d, null];
  });
  await writeFile(new URL('xa-te-lo-quy-III-2026-nop-muon.xlsx', out), await form('Xã Tề Lỗ', '2026-Q3', rows));
  manifest.push({ file: 'xa-te-lo-quy-III-2026-nop-muon.xlsx', submitted_at: new Date(Date.UTC(2026, 9, 25, 2)).toISOString(), expect: 'accepted' });
}
const [num, den] = counts('xa-lien-chau', 'DOC_ONLINE', 7);
await writeFile(new URL('xa-lien-chau-quy-IV-2024-bo-sung.xlsx', out), await form('Xã Liên Châu', '2024-Q4', [
  ['DIGITAL_SIGNATURE', null, null, 'x'], ['DOC_ONLINE', Math.min(den, num + 20), den, null], ['OFFICIAL_EMAIL', 40, 40, null],
]));
manifest.push({ file: 'xa-lien-chau-quy-IV-2024-bo-sung.xlsx', submitted_at: submittedAt('2024-Q4', 5), expect: 'accepted' });
await writeFile(new URL('xa-dai-tu-quy-IV-2024-loi.xlsx', out), await form('Xã Đại Tự', '2024-Q4', [
  ['DOC_ONLINE', null, null, '125%'], ['OFFICIAL_EMAIL', 30, 40, null],
]));
manifest.push({ file: 'xa-dai-tu-quy-IV-2024-loi.xlsx', submitted_at: submittedAt('2024-Q4', 6), expect: 'rejected' });
await writeFile(new URL('xa-te-lo-quy-IV-2024.csv', out), '\ufeffĐơn vị: Xã Tề Lỗ\r\nKỳ báo cáo: Quý IV/2024\r\nSTT,Chỉ tiêu,Tử số,Mẫu số\r\n1,OFFICIAL_EMAIL,45,40\r\n2,VNEID_ACCOUNTS,9000,12000\r\n');
manifest.push({ file: 'xa-te-lo-quy-IV-2024.csv', submitted_at: submittedAt('2024-Q4', 7), expect: 'rejected' });
// The DTI self-assessment of the new Xã Liên Châu for 2026-Q3 in the form units use, then the
// province's appraisal of it (the same form, appraised points written where it disagrees): both
// are kept, the appraised points are published where given, the gap is shown.
const framework = (catalog.frameworks ?? []).filter((c) => c.framework === 'xa-2025' && c.appliesTo.includes('commune'));
const CLAIMS: Record<string, [number | null, string]> = {
  DOSSIERS_ONLINE: [120, 'Hồ sơ tiếp nhận trực tuyến trên Cổng DVC: 92% (báo cáo số 45/BC-UBND)'],
  STEERING_MEETINGS: [22.5, 'Mới có 3 biên bản họp Ban chỉ đạo có chữ ký'],
  COMMUNITY_TECH_TEAMS: [60, 'Hai thôn chưa có quyết định thành lập tổ công nghệ số'],
};
async function assessment(appraised: boolean): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(appraised ? 'Thẩm định' : 'Tự chấm điểm');
  ws.getCell('A1').value = appraised ? 'SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH PHÚ THỌ' : 'UBND XÃ LIÊN CHÂU';
  ws.getCell('A3').value = appraised ? 'KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ' : 'BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ';
  ws.getCell('A4').value = 'Đơn vị: Xã Liên Châu';
  ws.getCell('A5').value = 'Kỳ báo cáo: Quý III/2026';
  ws.getRow(7).values = ['STT', 'Chỉ số / chỉ số thành phần', 'Điểm tối đa', 'Cách xác định', 'Điểm tự chấm', ...(appraised ? ['Điểm thẩm định'] : []), 'Giải trình / tài liệu kiểm chứng'];
  let r = 8;
  let pillar = '';
  let n = 0;
  const roman = ['I', 'II', 'III', 'IV'];
  for (const c of framework) {
    if (c.pillar !== pillar) {
      pillar = c.pillar;
      ws.getRow(r++).values = [roman[new Set(framework.slice(0, framework.indexOf(c) + 1).map((x) => x.pillar)).size - 1], c.pillarNameVi.toUpperCase(), null];
    }
    const indicator = catalog.indicators.find((i) => i.code === c.indicatorCode)!;
    const method = c.rule === 'ratio' ? 'Tử số / mẫu số × điểm tối đa' : c.rule === 'boolean' ? 'Có: điểm tối đa' : `Theo bậc: ${c.steps.map((x) => `${x.atLeast}+ → ${x.points}`).join('; ')}`;
    const claim = c.maxPoints; // the commune gives itself the maximum everywhere
    // The province writes appraised points only where it disagrees; elsewhere the values' points stand.
    const [given, why] = CLAIMS[c.indicatorCode] ?? [null, ''];
    const evidence = appraised ? why : `Theo báo cáo quý III/2026`;
    ws.getRow(r++).values = [++n, indicator.nameVi, c.maxPoints, method, claim, ...(appraised ? [given] : []), evidence];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
await writeFile(new URL('tu-cham-diem-xa-lien-chau-quy-III-2026.xlsx', out), await assessment(false));
manifest.push({ file: 'tu-cham-diem-xa-lien-chau-quy-III-2026.xlsx', submitted_at: submittedAt('2026-Q3', 2), expect: 'accepted' });
await writeFile(new URL('tham-dinh-xa-lien-chau-quy-III-2026.xlsx', out), await assessment(true));
manifest.push({ file: 'tham-dinh-xa-lien-chau-quy-III-2026.xlsx', submitted_at: submittedAt('2026-Q3', 12), expect: 'accepted' });
await writeFile(new URL('manifest.json', out), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${manifest.length} demo files in ${fileURLToPath(out)}`);
