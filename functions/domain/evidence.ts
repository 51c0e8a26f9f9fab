import { CANONICAL_PERIOD } from './ingest/parsePeriod.ts';

/**
 * Evidence files (tài liệu kiểm chứng) a unit attaches to its DTI self-assessment, per component
 * of the framework: what they may be, how large, where they are kept, and the files a
 * self-assessment's explanation names that were never attached. Pure: the bytes are judged by
 * adapters/readers/sniffFile.ts (sniffEvidence), kept by services/evidence.ts.
 */

/** Bounds on evidence, checked before a body is read (bodyLimits.ts) and again file by file. */
export const EVIDENCE_LIMITS = {
  /** Bytes of one evidence file: a scanned decision of a few dozen pages. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Bytes of every file sent in one form together. */
  maxSubmissionBytes: 25 * 1024 * 1024,
  /** Files in one form. */
  maxFilesPerSubmission: 20,
  /** Files of one unit for one period: a framework's components, a few each. */
  maxFilesPerPeriod: 300,
};

/** What an evidence file is, found from its content, never its name. */
export type EvidenceKind = 'pdf' | 'png' | 'jpeg' | 'xlsx' | 'docx' | 'ods' | 'odt';

export const EVIDENCE_TYPES: Record<EvidenceKind, { contentType: string; extensions: readonly string[]; vi: string; en: string }> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], vi: 'PDF', en: 'PDF' },
  png: { contentType: 'image/png', extensions: ['png'], vi: 'ảnh PNG', en: 'a PNG image' },
  jpeg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], vi: 'ảnh JPEG', en: 'a JPEG image' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], vi: 'bảng tính Excel (.xlsx)', en: 'an Excel workbook (.xlsx)' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], vi: 'văn bản Word (.docx)', en: 'a Word document (.docx)' },
  ods: { contentType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], vi: 'bảng tính OpenDocument (.ods)', en: 'an OpenDocument spreadsheet (.ods)' },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], vi: 'văn bản OpenDocument (.odt)', en: 'an OpenDocument text (.odt)' },
};

/** The names the form and the messages give for the kinds accepted. */
export const ACCEPTED_EXTENSIONS = Object.values(EVIDENCE_TYPES).flatMap((t) => t.extensions.map((e) => `.${e}`));

/** What the sniffer found: a kind, or why the bytes are none (in both languages). */
export type EvidenceSniff = { kind: EvidenceKind } | { refused: { vi: string; en: string } };

/** One evidence file as kept: the metadata the appraisal page lists, beside the bytes. */
export interface EvidenceRecord {
  id: string;
  unit: string;
  period: string;
  /** The framework component (its indicator code) the file supports. */
  component: string;
  file_name: string;
  size_bytes: number;
  sha256: string;
  kind: EvidenceKind;
  content_type: string;
  uploaded_by: string;
  uploaded_at: string;
}

const UNIT_CODE = /^[a-z0-9][a-z0-9-]{0,79}$/;
const EVIDENCE_ID = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;
export const isEvidenceId = (text: string) => EVIDENCE_ID.test(text);

/** Where evidence lives in the object store: beside the lake, never read by queries. */
export const evidenceKeys = {
  prefix: (unit: string, period: string) => {
    if (!UNIT_CODE.test(unit) || !CANONICAL_PERIOD.test(period)) throw new Error(`not an evidence folder: ${unit} ${period}`);
    return `evidence/unit=${unit}/period=${period}/`;
  },
  /** The metadata: written last, it is the commit (a file without it is never listed). */
  record: (unit: string, period: string, id: string) => `${evidenceKeys.prefix(unit, period)}${id}.json`,
  file: (unit: string, period: string, id: string) => `${evidenceKeys.prefix(unit, period)}${id}.bin`,
};

const MB = 1024 * 1024;
const sizeText = (n: number) => `${(n / MB).toFixed(1).replace('.', ',')} MB`;
const sizeTextEn = (n: number) => `${(n / MB).toFixed(1)} MB`;

/** The extension a name ends with, lower-case ("" for none). */
export const extensionOf = (name: string) => (/\.([a-z0-9]{1,8})$/i.exec(name)?.[1] ?? '').toLowerCase();

/**
 * Whether a file may be kept, from what its content is and what its name claims: a name that
 * says .pdf over a PNG is refused (the file would open as something else), as is a name with
 * no extension of an accepted kind.
 */
export function evidenceProblem(fileName: string, size: number, sniff: EvidenceSniff | null): { vi: string; en: string } | null {
  if (size === 0) return { vi: `Tệp "${fileName}" rỗng.`, en: `"${fileName}" is empty.` };
  if (size > EVIDENCE_LIMITS.maxFileBytes) {
    return { vi: `Tệp "${fileName}" quá lớn (${sizeText(size)}); mỗi tệp tối đa ${sizeText(EVIDENCE_LIMITS.maxFileBytes)}.`, en: `"${fileName}" is too large (${sizeTextEn(size)}); at most ${sizeTextEn(EVIDENCE_LIMITS.maxFileBytes)} a file.` };
  }
  if (!sniff) return { vi: `Tệp "${fileName}" chưa được kiểm tra nội dung.`, en: `"${fileName}" was not checked.` };
  if ('refused' in sniff) return { vi: `Tệp "${fileName}" không được nhận: ${sniff.refused.vi}`, en: `"${fileName}" is refused: ${sniff.refused.en}` };
  const type = EVIDENCE_TYPES[sniff.kind];
  const ext = extensionOf(fileName);
  if (!type.extensions.includes(ext)) {
    const claimed = Object.values(EVIDENCE_TYPES).find((t) => t.extensions.includes(ext));
    return claimed
      ? { vi: `Tệp "${fileName}" mang đuôi .${ext} (${claimed.vi}) nhưng nội dung là ${type.vi}: hãy đặt lại tên đúng loại tệp.`, en: `"${fileName}" is named .${ext} (${claimed.en}) but holds ${type.en}: name it for what it is.` }
      : { vi: `Tệp "${fileName}" là ${type.vi} nhưng tên không có đuôi .${type.extensions[0]}: hãy đặt lại tên.`, en: `"${fileName}" is ${type.en} but its name does not end in .${type.extensions[0]}: rename it.` };
  }
  return null;
}

/** The sum of a form's files beyond the cap for one submission, said plainly; null when within. */
export function evidenceTotalProblem(sizes: number[]): { vi: string; en: string } | null {
  if (sizes.length > EVIDENCE_LIMITS.maxFilesPerSubmission) {
    return { vi: `Mỗi lần gửi tối đa ${EVIDENCE_LIMITS.maxFilesPerSubmission} tệp (đã chọn ${sizes.length}).`, en: `At most ${EVIDENCE_LIMITS.maxFilesPerSubmission} files at a time (${sizes.length} chosen).` };
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > EVIDENCE_LIMITS.maxSubmissionBytes) {
    return { vi: `Các tệp gửi cùng lúc quá lớn (${sizeText(total)}); tối đa ${sizeText(EVIDENCE_LIMITS.maxSubmissionBytes)} mỗi lần gửi.`, en: `The files sent together are too large (${sizeTextEn(total)}); at most ${sizeTextEn(EVIDENCE_LIMITS.maxSubmissionBytes)} at a time.` };
  }
  return null;
}

const comparable = (name: string) => name.normalize('NFC').toLowerCase();

/** The file names an explanation mentions ("QĐ 12 xem qd-12.pdf; anh-1.png"): words ending in an accepted extension. */
export function namedFiles(note: string | null | undefined): string[] {
  if (!note) return [];
  const pattern = new RegExp(`[^\\s,;:()"'“”<>]+\\.(?:${ACCEPTED_EXTENSIONS.map((e) => e.slice(1)).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return [...new Set(note.match(pattern) ?? [])];
}

/** A component whose explanation names a file not attached to it. */
export interface MissingEvidence { component: string; file: string }

/** Every file a component's explanation names that is not among the files attached to that component. */
export function missingEvidence(notes: { component: string; note: string | null | undefined }[], attached: readonly Pick<EvidenceRecord, 'component' | 'file_name'>[]): MissingEvidence[] {
  return notes.flatMap(({ component, note }) => {
    const have = new Set(attached.filter((a) => a.component === component).map((a) => comparable(a.file_name)));
    return namedFiles(note).filter((f) => !have.has(comparable(f))).map((file) => ({ component, file }));
  });
}

/** A file's size as people read it: "840 KB", "2,4 MB" (decimal comma in Vietnamese). */
export function fileSizeText(bytes: number, lang: 'vi' | 'en'): string {
  if (bytes < MB) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return lang === 'vi' ? sizeText(bytes) : sizeTextEn(bytes);
}
