import type { IngestError, Location } from '../types.ts';

/**
 * Every way a submission can be wrong, with its message in Vietnamese and English.
 * Messages are written for the clerk who made the spreadsheet, not for an engineer: units and
 * indicators by their names, never their codes. A name that differs by language is given twice,
 * `unit` (Vietnamese) and `unitEn`.
 */
type Args = Record<string, string | number>;
type Template = { vi: (a: Args) => string; en: (a: Args) => string };

/** The English form of a name argument, when it has one. */
const en = (a: Args, key: string) => a[`${key}En`] ?? a[key];

/** What a row's error is about, named as the clerk knows it: an indicator's short name. */
export interface Subject { vi: string; en: string }

export const indicatorSubject = (indicator: { shortNameVi: string; shortNameEn: string }): Subject => ({ vi: indicator.shortNameVi, en: indicator.shortNameEn });

export const ERROR_MESSAGES = {
  FILE_NOT_FOUND: {
    vi: (a) => `Không mở được tệp "${a.name}" (${a.detail}).`,
    en: (a) => `Cannot open "${a.name}" (${a.detail}).`,
  },
  FILE_EMPTY: {
    vi: () => 'Tệp rỗng, không có dữ liệu.',
    en: () => 'The file is empty.',
  },
  FILE_TOO_LARGE: {
    vi: (a) => `Tệp quá lớn (${a.size}); giới hạn là ${a.limit}.`,
    en: (a) => `The file is too large (${a.size}); the limit is ${a.limit}.`,
  },
  FORMAT_XLS_LEGACY: {
    vi: () => 'Tệp Excel 97-2003 (.xls) không được hỗ trợ. Mở tệp bằng Excel hoặc LibreOffice, chọn "Lưu thành" (Save As) dạng "Excel Workbook (.xlsx)" rồi gửi lại.',
    en: () => 'Excel 97-2003 (.xls) files are not supported. Open it in Excel or LibreOffice, "Save As" an "Excel Workbook (.xlsx)" and submit that.',
  },
  FORMAT_ODS: {
    vi: () => 'Tệp OpenDocument (.ods) không được hỗ trợ. Trong LibreOffice chọn "Lưu thành" (Save As), định dạng "Excel 2007-365 (.xlsx)" rồi gửi lại.',
    en: () => 'OpenDocument (.ods) files are not supported. In LibreOffice use "Save As" with the "Excel 2007-365 (.xlsx)" format and submit that.',
  },
  FORMAT_ENCRYPTED: {
    vi: () => 'Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (Tệp > Thông tin > Bảo vệ) rồi gửi lại.',
    en: () => 'The file is password-protected and cannot be read. Remove the password (File > Info > Protect) and submit it again.',
  },
  FORMAT_UNKNOWN: {
    vi: (a) => `Không nhận dạng được tệp "${a.name}". Chỉ nhận bảng tính .xlsx hoặc .csv.`,
    en: (a) => `"${a.name}" is not a file chiso can read. Submit an .xlsx workbook or a .csv file.`,
  },
  FILE_CORRUPT: {
    vi: (a) => `Tệp bị hỏng hoặc không phải bảng tính hợp lệ (${a.detail}). Hãy mở lại bằng Excel, lưu lại và gửi lại.`,
    en: (a) => `The file is damaged or is not a valid workbook (${a.detail}). Open it in Excel, save it again and resubmit.`,
  },
  FILE_AMBIGUOUS: {
    vi: (a) => `Tệp nén (.xlsx) có cấu trúc mâu thuẫn (${a.detail}): các phần mềm bảng tính có thể đọc ra nội dung khác nhau, nên tệp không được nhận. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại.`,
    en: (a) => `The .xlsx package contradicts itself (${a.detail}): spreadsheet programs may read different contents from it, so it is refused. Open it in Excel or LibreOffice, save it again and resubmit.`,
  },
  FORMAT_XLSM: {
    vi: () => 'Tệp có macro (.xlsm) không được nhận. Trong Excel chọn "Lưu thành" (Save As) dạng "Excel Workbook (.xlsx)" (macro sẽ bị bỏ) rồi gửi lại.',
    en: () => 'Macro-enabled workbooks (.xlsm) are not accepted. In Excel use "Save As" with "Excel Workbook (.xlsx)" (the macros are dropped) and submit that.',
  },
  FILE_BOMB: {
    vi: (a) => `Tệp giải nén ra quá lớn (${a.detail}); có thể là tệp độc hại hoặc bị hỏng.`,
    en: (a) => `The file expands to too much data (${a.detail}); it may be malicious or damaged.`,
  },
  CSV_ENCODING: {
    vi: () => 'Tệp CSV không đúng mã UTF-8. Trong Excel chọn "Lưu thành" dạng "CSV UTF-8 (Comma delimited)" rồi gửi lại.',
    en: () => 'The CSV file is not UTF-8. In Excel use "Save As" with "CSV UTF-8 (Comma delimited)" and submit that.',
  },
  CSV_LINE_TOO_LONG: {
    vi: (a) => `Một dòng của tệp CSV dài hơn ${a.limit} ký tự (dòng ${a.line}); tệp không phải bảng báo cáo hoặc bị hỏng.`,
    en: (a) => `A line of the CSV file is longer than ${a.limit} characters (line ${a.line}); it is not a report table, or it is damaged.`,
  },
  CSV_MALFORMED: {
    vi: (a) => `Tệp CSV sai cấu trúc: ${a.detail}.`,
    en: (a) => `The CSV file is malformed: ${a.detail}.`,
  },
  FILE_TOO_COMPLEX: {
    vi: (a) => `Tệp cần nhiều bộ nhớ hoặc thời gian hơn mức cho phép (${a.detail}) nên không được xử lý; một báo cáo thường nhỏ hơn nhiều. Hãy kiểm tra tệp (trang ẩn, vùng dữ liệu thừa) rồi gửi lại.`,
    en: (a) => `The file needs more memory or time than allowed (${a.detail}) and was not processed; a report is usually far smaller. Check it (hidden sheets, stray data) and resubmit.`,
  },
  SHARED_STRINGS_TOO_LARGE: {
    vi: (a) => `Bảng tính chứa quá nhiều chuỗi văn bản (${a.detail}); một báo cáo không cần nhiều như vậy.`,
    en: (a) => `The workbook holds too much text (${a.detail}); a report needs far less.`,
  },
  SHEET_TOO_LARGE: {
    vi: (a) => `Trang tính có quá nhiều dòng hoặc cột (giới hạn ${a.limit}).`,
    en: (a) => `The sheet has too many rows or columns (limit ${a.limit}).`,
  },
  NO_TABLE: {
    vi: () => 'Không tìm thấy bảng số liệu: cần một dòng tiêu đề có cột chỉ số (tên hoặc mã) và cột giá trị, hoặc cột đơn vị và các cột chỉ số.',
    en: () => 'No data table was found: a header row needs an indicator column (name or code) and a value column, or a unit column and one column per indicator.',
  },
  NO_DATA: {
    vi: () => 'Bảng không có giá trị nào được điền.',
    en: () => 'The table has no values filled in.',
  },
  UNIT_MISSING: {
    vi: () => 'Không xác định được đơn vị báo cáo. Ghi dòng "Đơn vị: <tên đơn vị>" phía trên bảng, hoặc đặt tên tệp có tên đơn vị.',
    en: () => 'The reporting unit is not stated. Add a line "Đơn vị: <unit name>" above the table, or put the unit in the file name.',
  },
  UNIT_UNKNOWN: {
    vi: (a) => `Không có đơn vị "${a.value}" trong danh mục.${a.suggest ? ` Có phải: ${a.suggest}?` : ''}`,
    en: (a) => `Unit "${a.value}" is not in the registry.${a.suggest ? ` Did you mean: ${a.suggest}?` : ''}`,
  },
  UNIT_AMBIGUOUS: {
    vi: (a) => `Tên đơn vị "${a.value}" khớp với nhiều đơn vị: ${a.suggest}. Hãy ghi rõ tên hoặc mã đơn vị.`,
    en: (a) => `Unit "${a.value}" matches several units: ${a.suggest}. Write the full name or the unit code.`,
  },
  UNIT_CONFLICT: {
    vi: (a) => `Đơn vị không thống nhất: ${a.detail}.`,
    en: (a) => `The unit is stated inconsistently: ${a.detail}.`,
  },
  INDICATOR_UNKNOWN: {
    vi: (a) => `Không có chỉ số "${a.value}" trong danh mục.${a.suggest ? ` Có phải: ${a.suggest}?` : ''}`,
    en: (a) => `Indicator "${a.value}" is not in the catalog.${a.suggest ? ` Did you mean: ${a.suggest}?` : ''}`,
  },
  INDICATOR_AMBIGUOUS: {
    vi: (a) => `Tên chỉ số "${a.value}" khớp với nhiều chỉ số: ${a.suggest}. Hãy ghi mã chỉ số.`,
    en: (a) => `Indicator "${a.value}" matches several indicators: ${a.suggest}. Write the indicator code.`,
  },
  INDICATOR_NOT_FOR_UNIT_TYPE: {
    vi: (a) => `Chỉ tiêu này không áp dụng cho ${a.unitTypeVi} (${a.unit}).`,
    en: (a) => `This indicator is not reported by a ${a.unitType} (${en(a, 'unit')}).`,
  },
  PERIOD_MISSING: {
    vi: () => 'Không xác định được kỳ báo cáo. Ghi dòng "Kỳ báo cáo: Quý III/2024" phía trên bảng, hoặc đặt tên tệp có kỳ báo cáo.',
    en: () => 'The reporting period is not stated. Add a line "Kỳ báo cáo: Quý III/2024" above the table, or put the period in the file name.',
  },
  PERIOD_INVALID: {
    vi: (a) => `Không hiểu kỳ báo cáo "${a.value}". Ví dụ hợp lệ: "Quý III/2024", "6 tháng đầu năm 2024", "Tháng 9/2024", "Năm 2024".`,
    en: (a) => `Period "${a.value}" is not understood. Valid examples: "Quý III/2024", "6 tháng đầu năm 2024", "Tháng 9/2024", "Năm 2024".`,
  },
  PERIOD_CONFLICT: {
    vi: (a) => `Kỳ báo cáo không thống nhất: ${a.detail}.`,
    en: (a) => `The reporting period is stated inconsistently: ${a.detail}.`,
  },
  PERIOD_IN_FUTURE: {
    vi: (a) => `Kỳ báo cáo ${a.period} chưa bắt đầu (hôm nay là ${a.today}).`,
    en: (a) => `Period ${a.period} has not started yet (today is ${a.today}).`,
  },
  VALUE_INVALID: {
    vi: (a) => `Giá trị "${a.value}" không phải là số.`,
    en: (a) => `"${a.value}" is not a number.`,
  },
  VALUE_FORMULA_ERROR: {
    vi: (a) => `Ô có công thức bị lỗi (${a.value}); hãy sửa công thức hoặc ghi số.`,
    en: (a) => `The cell's formula gives an error (${a.value}); fix the formula or type the number.`,
  },
  FORMULA_NOT_CALCULATED: {
    vi: () => 'Ô có công thức nhưng chưa có kết quả: tệp được lưu bằng một chương trình không tính công thức (tập lệnh, một số công cụ bảng tính trên web). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi, hoặc ghi giá trị vào ô.',
    en: () => 'The cell holds a formula with no result: the file was saved by a program that does not calculate formulas (a script, some web spreadsheet tools). Open it in Excel or LibreOffice, save it and send it again, or type the value in the cell.',
  },
  BOOLEAN_INVALID: {
    vi: (a) => `Giá trị "${a.value}" không hợp lệ cho chỉ số có/không; ghi "Có", "Không", "x" hoặc để trống.`,
    en: (a) => `"${a.value}" is not a yes/no answer; write "Có", "Không", "x" or leave it blank.`,
  },
  PERCENT_OUT_OF_RANGE: {
    vi: (a) => `Tỷ lệ ${a.value}% ${Number(a.raw) < 0 ? 'nhỏ hơn 0%' : 'vượt quá 100%'}.`,
    en: (a) => `${a.value}% is ${Number(a.raw) < 0 ? 'below 0%' : 'above 100%'}.`,
  },
  NEGATIVE_COUNT: {
    vi: (a) => `Số lượng không được âm (${a.value}).`,
    en: (a) => `A count cannot be negative (${a.value}).`,
  },
  NON_INTEGER_COUNT: {
    vi: (a) => `Số lượng (tử số, mẫu số, số lần) phải là số nguyên (${a.value}).`,
    en: (a) => `Counts (numerator, denominator, number of times) must be whole numbers (${a.value}).`,
  },
  COUNT_WITH_DENOMINATOR: {
    vi: (a) => `Chỉ tiêu này là một số lượng, không có mẫu số (ô ghi ${a.value}). Ghi số lượng vào cột tỷ lệ/giá trị hoặc cột tử số và để trống mẫu số.`,
    en: (a) => `This indicator is a count and has no denominator (the cell says ${a.value}). Write the count in the share/value or the numerator column and leave the denominator blank.`,
  },
  COUNT_STATED_TWICE: {
    vi: (a) => `Ghi hai số lượng khác nhau: ${a.value} và ${a.other} (cột tử số). Chỉ ghi một số.`,
    en: (a) => `Two different counts are given: ${a.value} and ${a.other} (numerator column). Write one number.`,
  },
  NUMERATOR_ABOVE_DENOMINATOR: {
    vi: (a) => `Tử số ${a.numerator} lớn hơn mẫu số ${a.denominator}.`,
    en: (a) => `Numerator ${a.numerator} is above denominator ${a.denominator}.`,
  },
  DENOMINATOR_ZERO: {
    vi: () => 'Mẫu số bằng 0 nên không tính được tỷ lệ; hãy ghi tỷ lệ hoặc để trống cả dòng.',
    en: () => 'The denominator is 0, so no share can be computed; give the share or leave the row blank.',
  },
  COUNTS_INCOMPLETE: {
    vi: () => 'Chỉ có tử số hoặc chỉ có mẫu số; cần cả hai, hoặc ghi tỷ lệ.',
    en: () => 'Only one of numerator and denominator is given; give both, or the share.',
  },
  VALUE_DISAGREES: {
    vi: (a) => `Tỷ lệ ${a.value}% không khớp với tử số/mẫu số ${a.numerator}/${a.denominator} = ${a.computed}%.`,
    en: (a) => `The share ${a.value}% does not match numerator/denominator ${a.numerator}/${a.denominator} = ${a.computed}%.`,
  },
  APPRAISAL_BY_PROVINCE_ONLY: {
    vi: () => 'Điểm thẩm định do tỉnh chấm: tài khoản của đơn vị chỉ gửi được điểm tự chấm. Hãy xóa cột "Điểm thẩm định" hoặc nhờ cán bộ của tỉnh gửi.',
    en: () => 'Appraised points are given by the province: a unit\'s account may send its self-assessment only. Remove the appraisal column or ask the province to send it.',
  },
  APPRAISER_SENDS_APPRAISAL_ONLY: {
    vi: () => 'Tài khoản thẩm định chỉ gửi được bảng điểm thẩm định (cột "Điểm thẩm định"); số liệu và điểm tự chấm do đơn vị gửi.',
    en: () => 'An appraiser\'s account may send appraised points only (the appraisal column); values and self-assessed points are sent by the unit.',
  },
  POINTS_INVALID: {
    vi: (a) => `Điểm "${a.value}" không phải là số không âm.`,
    en: (a) => `Points "${a.value}" are not a number of zero or more.`,
  },
  POINTS_ABOVE_MAX: {
    vi: (a) => `Điểm ${a.points} vượt điểm tối đa ${a.max} của bộ chỉ số ${a.framework}.`,
    en: (a) => `${a.points} points are above the maximum of ${a.max} in framework ${a.framework}.`,
  },
  MAX_POINTS_DIFFER: {
    vi: (a) => `Điểm tối đa ghi ${a.stated}, bộ chỉ số ${a.framework} có hiệu lực trong kỳ ghi ${a.max}: biểu mẫu có thể thuộc bộ chỉ số khác.`,
    en: (a) => `The form gives a maximum of ${a.stated}; framework ${a.framework}, in force for the period, gives ${a.max}: the form may be of another framework.`,
  },
  INDICATOR_NOT_SCORED: {
    vi: (a) => `Không được chấm điểm cho ${a.unit} trong kỳ ${a.period} (không thuộc bộ chỉ số có hiệu lực cho loại đơn vị này).`,
    en: (a) => `Not scored for ${en(a, 'unit')} in ${a.period} (not in the framework in force for its type).`,
  },
  DUPLICATE_CONFLICT: {
    vi: (a) => `Được ghi hai lần cho ${a.unit} kỳ ${a.period} với giá trị khác nhau (${a.first} ở dòng ${a.firstRow} và ${a.second}).`,
    en: (a) => `Given twice for ${en(a, 'unit')}, ${a.period} with different values (${a.first} at row ${a.firstRow} and ${a.second}).`,
  },
  COLUMN_UNKNOWN: {
    vi: (a) => `Cột "${a.value}" có số liệu nhưng không phải chỉ số nào trong danh mục.${a.suggest ? ` Có phải: ${a.suggest}?` : ''}`,
    en: (a) => `Column "${a.value}" holds values but is no indicator in the catalog.${a.suggest ? ` Did you mean: ${a.suggest}?` : ''}`,
  },
  TOO_MANY_ERRORS: {
    vi: (a) => `Còn ${a.count} lỗi khác không được liệt kê; hãy sửa các lỗi trên rồi gửi lại.`,
    en: (a) => `${a.count} more errors are not listed; fix the ones above and resubmit.`,
  },
  INDICATOR_MISSING: {
    vi: () => 'Dòng có số liệu nhưng không có tên hoặc mã chỉ số.',
    en: () => 'The row holds values but names no indicator.',
  },
  UNIT_RETIRED: {
    vi: (a) => `Đơn vị ${a.unit} không còn tồn tại từ ngày ${a.after} nên không báo cáo kỳ ${a.period}; hãy báo cáo theo đơn vị kế thừa: ${a.successors}.`,
    en: (a) => `${en(a, 'unit')} no longer exists after ${a.until}, so it cannot report ${a.period}; report as its successor: ${en(a, 'successors')}.`,
  },
  UNIT_NOT_YET: {
    vi: (a) => `Đơn vị ${a.unit} chỉ có từ ngày ${a.from}, sau kỳ ${a.period}.`,
    en: (a) => `${en(a, 'unit')} exists only from ${a.from}, after ${a.period}.`,
  },
  UNIT_NOT_ALLOWED: {
    vi: (a) => `Tài khoản này chỉ được gửi báo cáo của ${a.allowed}; tệp có số liệu của ${a.unit}.`,
    en: (a) => `This account may only submit for ${en(a, 'allowed')}; the file holds values of ${en(a, 'unit')}.`,
  },
  TOTAL_DIFFERS: {
    vi: (a) => `Cảnh báo: dòng tổng ghi ${decimalComma(a.stated)} điểm nhưng cộng các dòng được ${decimalComma(a.sum)} điểm; điểm được nhận theo từng dòng, hãy kiểm tra lại dòng tổng.`,
    en: (a) => `Warning: the total row states ${a.stated} points but the rows add up to ${a.sum}; the points are taken row by row, check the total.`,
  },
  WRITE_FAILED: {
    vi: (a) => `Không ghi được dữ liệu (${a.detail}); không có dữ liệu nào được lưu, hãy gửi lại.`,
    en: (a) => `Writing failed (${a.detail}); nothing was stored, please resubmit.`,
  },
} satisfies Record<string, Template>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** 257.7 → "257,7", as a Vietnamese reader writes it. */
function decimalComma(x: string | number): string {
  return String(x).replace('.', ',');
}

const NO_LOCATION: Location = { sheet: '', row: null, column: null };

/**
 * An error with its message in both languages. `about`: the indicator a row's error concerns,
 * which leads the message ("Thư công vụ — Tử số 13000 lớn hơn mẫu số 12000."), so a clerk reading
 * "dòng 14" knows which line of her report it is without counting rows.
 */
export function ingestError(code: ErrorCode, where: Partial<Location> = {}, args: Args = {}, about?: Subject): IngestError {
  const template: Template = ERROR_MESSAGES[code];
  const vi = about ? `${about.vi} — ${template.vi(args)}` : template.vi(args);
  const english = about ? `${about.en} — ${template.en(args)}` : template.en(args);
  return {
    ...NO_LOCATION,
    ...where,
    code,
    message: `${vi} / ${english}`,
    message_vi: vi,
    message_en: english,
  };
}

/** The same error, led by the indicator it concerns. */
export function aboutIndicator(error: IngestError, about: Subject): IngestError {
  const vi = `${about.vi} — ${error.message_vi}`;
  const english = `${about.en} — ${error.message_en}`;
  return { ...error, message: `${vi} / ${english}`, message_vi: vi, message_en: english };
}

/** A bad file, found before any table was read: carries its error to the pipeline's edge. */
export class RejectedFileError extends Error {
  constructor(readonly error: IngestError) {
    super(error.message_en);
    this.name = 'RejectedFileError';
  }
}

/** "Sheet 'Biểu 01', row 14, column F" in each language, for people reading a terminal. */
export function describeLocation(e: Location): { vi: string; en: string } {
  const vi: string[] = [];
  const en: string[] = [];
  if (e.sheet) { vi.push(`Trang '${e.sheet}'`); en.push(`Sheet '${e.sheet}'`); }
  if (e.row != null) { vi.push(`dòng ${e.row}`); en.push(`row ${e.row}`); }
  if (e.column) { vi.push(`cột ${e.column}`); en.push(`column ${e.column}`); }
  return { vi: vi.join(', '), en: en.join(', ') };
}
