import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { EVIDENCE_LIMITS, EVIDENCE_TYPES, evidenceKeys, evidenceProblem, evidenceTotalProblem, isEvidenceId, type EvidenceRecord } from '../domain/evidence.ts';
import { sniffEvidence } from '../adapters/readers/sniffFile.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { newSubmissionId } from './ingestFile.ts';

/** One file a unit sends as evidence for a component. */
export interface EvidenceUpload { component: string; fileName: string; bytes: Uint8Array }

export type AttachResult =
  | { status: 'attached'; records: EvidenceRecord[]; /** Files already attached to the same component (the same bytes): not kept twice. */ again: string[] }
  | { status: 'refused'; problems: { vi: string; en: string }[] };

/** The name a file is kept and downloaded under: its last segment, no control characters, at most 200 bytes. */
function keptName(name: string): string {
  let base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').normalize('NFC').trim();
  while (Buffer.byteLength(base, 'utf8') > 200) base = base.slice(0, -1);
  return base && base !== '.' && base !== '..' ? base : 'tai-lieu';
}

/** A unit's evidence of a period, every component's, oldest first (files sent together: by component, then name). */
export async function listEvidence(store: ObjectStore, unit: string, period: string): Promise<EvidenceRecord[]> {
  const records: EvidenceRecord[] = [];
  for await (const o of store.list(evidenceKeys.prefix(unit, period))) {
    if (!o.key.endsWith('.json')) continue;
    const bytes = await store.get(o.key);
    if (bytes) records.push(JSON.parse(Buffer.from(bytes).toString('utf8')) as EvidenceRecord);
  }
  return records.sort((a, b) => a.uploaded_at.localeCompare(b.uploaded_at) || a.component.localeCompare(b.component) || a.file_name.localeCompare(b.file_name) || a.id.localeCompare(b.id));
}

/** One evidence file and its record; null when there is none of that id for the unit and period. */
export async function readEvidence(store: ObjectStore, unit: string, period: string, id: string): Promise<{ record: EvidenceRecord; bytes: Uint8Array } | null> {
  if (!isEvidenceId(id)) return null;
  const meta = await store.get(evidenceKeys.record(unit, period, id));
  if (!meta) return null;
  const record = JSON.parse(Buffer.from(meta).toString('utf8')) as EvidenceRecord;
  const bytes = await store.get(evidenceKeys.file(unit, period, id));
  return bytes && record.unit === unit && record.period === period ? { record, bytes } : null;
}

/**
 * Keeps a form's evidence files, all or none: every file is judged by its content (and the name
 * must agree), sizes and counts checked, before anything is written; the bytes are written first
 * and each record last, so a failure half-way leaves nothing listed (and the bytes are taken back).
 */
export async function attachEvidence(
  store: ObjectStore,
  input: { unit: string; period: string; components: readonly string[]; uploads: EvidenceUpload[]; uploadedBy: string; at: Date },
): Promise<AttachResult> {
  const problems: { vi: string; en: string }[] = [];
  const total = evidenceTotalProblem(input.uploads.map((u) => u.bytes.byteLength));
  if (total) return { status: 'refused', problems: [total] };
  const known = new Set(input.components);
  const judged = [];
  for (const u of input.uploads) {
    const fileName = keptName(u.fileName);
    if (!known.has(u.component)) {
      problems.push({ vi: `Tệp "${fileName}": chỉ số ${u.component} không thuộc bộ chỉ số của đơn vị trong kỳ này.`, en: `"${fileName}": ${u.component} is not a component of the unit's framework for this period.` });
      continue;
    }
    // The size first: an oversized file is refused without its content being looked at.
    const sniff = u.bytes.byteLength > EVIDENCE_LIMITS.maxFileBytes || u.bytes.byteLength === 0 ? null : await sniffEvidence(u.bytes);
    const problem = evidenceProblem(fileName, u.bytes.byteLength, sniff);
    if (problem) problems.push(problem);
    else if (sniff && 'kind' in sniff) judged.push({ ...u, fileName, kind: sniff.kind, sha256: createHash('sha256').update(u.bytes).digest('hex') });
  }
  if (problems.length) return { status: 'refused', problems };

  const earlier = await listEvidence(store, input.unit, input.period);
  if (earlier.length + judged.length > EVIDENCE_LIMITS.maxFilesPerPeriod) {
    return { status: 'refused', problems: [{ vi: `Mỗi kỳ tối đa ${EVIDENCE_LIMITS.maxFilesPerPeriod} tệp kiểm chứng (đã có ${earlier.length}).`, en: `At most ${EVIDENCE_LIMITS.maxFilesPerPeriod} evidence files a period (${earlier.length} already).` }] };
  }
  const have = new Set(earlier.map((r) => `${r.component}\u0000${r.sha256}`));
  const again: string[] = [];
  const records: EvidenceRecord[] = [];
  for (const f of judged) {
    const key = `${f.component}\u0000${f.sha256}`;
    if (have.has(key)) { again.push(f.fileName); continue; }
    have.add(key);
    records.push({
      id: newSubmissionId(input.at), unit: input.unit, period: input.period, component: f.component, file_name: f.fileName,
      size_bytes: f.bytes.byteLength, sha256: f.sha256, kind: f.kind, content_type: EVIDENCE_TYPES[f.kind].contentType,
      uploaded_by: input.uploadedBy, uploaded_at: input.at.toISOString(),
    });
  }
  const written: string[] = [];
  try {
    for (const r of records) {
      const key = evidenceKeys.file(r.unit, r.period, r.id);
      await store.put(key, judged.find((f) => f.sha256 === r.sha256 && f.component === r.component)!.bytes, { ifAbsent: true, contentType: 'application/octet-stream' });
      written.push(key);
    }
    for (const r of records) {
      const key = evidenceKeys.record(r.unit, r.period, r.id);
      await store.put(key, JSON.stringify(r, null, 2), { ifAbsent: true, contentType: 'application/json' });
      written.push(key);
    }
  } catch (error) {
    await Promise.all(written.map((key) => store.delete(key).catch(() => undefined)));
    throw error;
  }
  return { status: 'attached', records, again };
}

/** Takes back a file attached by mistake: the record first (it is no longer listed), then the bytes; null when there was none. */
export async function removeEvidence(store: ObjectStore, unit: string, period: string, id: string): Promise<EvidenceRecord | null> {
  const found = await readEvidence(store, unit, period, id);
  if (!found) return null;
  await store.delete(evidenceKeys.record(unit, period, id));
  await store.delete(evidenceKeys.file(unit, period, id));
  return found.record;
}
