import type { ObjectStore } from '../ports/ObjectStore.ts';
import { appendRow } from './appendRow.ts';

export const MAX_COMMENT_CHARS = 2000;

export interface Decision {
  submission_id: string;
  unit: string;
  decision: 'approved' | 'returned';
  comment: string | null;
  decided_by: string;
  decided_by_name: string;
}

/** What is wrong with a decision as sent, in both languages (a page shows its own); null when it may be kept. A return needs a reason. */
export function decisionProblem(d: { decision: string; comment: string | null }): { vi: string; en: string } | null {
  if (d.decision !== 'approved' && d.decision !== 'returned') return { vi: 'Quyết định phải là duyệt hoặc trả lại.', en: 'The decision must be approve or return.' };
  if (d.decision === 'returned' && !d.comment?.trim()) return { vi: 'Trả lại cần ghi lý do.', en: 'A return needs a reason.' };
  if ((d.comment ?? '').length > MAX_COMMENT_CHARS) return { vi: `Ý kiến dài quá ${MAX_COMMENT_CHARS} ký tự.`, en: `The comment is longer than ${MAX_COMMENT_CHARS} characters.` };
  return null;
}

/** Records a head's decision (one file each: every decision is kept and queryable), and moves the lake version. */
export async function recordDecision(store: ObjectStore, d: Decision, now: Date): Promise<void> {
  await appendRow(store, 'approvals', { ...d, comment: d.comment?.trim() || null, decided_at: now }, now);
}
