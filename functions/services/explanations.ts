import { CANONICAL_PERIOD } from '../domain/ingest/parsePeriod.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { appendRow } from './appendRow.ts';

export const WARNING_KINDS = ['jump', 'outlier', 'denominator', 'extremes'] as const;
export const MAX_EXPLANATION_CHARS = 2000;

export interface Explanation {
  unit: string;
  period: string;
  indicator_code: string | null;
  kind: (typeof WARNING_KINDS)[number];
  explanation: string;
  explained_by: string;
}

/** What is wrong with an explanation as sent, in both languages; null when it may be kept. */
export function explanationProblem(e: { period: string; kind: string; explanation: string; indicator_code: string | null }, indicators: ReadonlySet<string>): string | null {
  if (!CANONICAL_PERIOD.test(e.period)) return 'Kỳ không hợp lệ / invalid period';
  if (!(WARNING_KINDS as readonly string[]).includes(e.kind)) return 'Loại cảnh báo không hợp lệ / invalid warning kind';
  if (e.indicator_code !== null && !indicators.has(e.indicator_code)) return 'Chỉ số không có / no such indicator';
  const text = e.explanation.trim();
  if (!text) return 'Chưa ghi nội dung giải trình / the explanation is empty';
  if (text.length > MAX_EXPLANATION_CHARS) return `Giải trình dài quá ${MAX_EXPLANATION_CHARS} ký tự / longer than ${MAX_EXPLANATION_CHARS} characters`;
  return null;
}

/** Keeps a clerk's explanation beside the warning (one file; the newest per warning is shown), and moves the lake version. */
export async function recordExplanation(store: ObjectStore, e: Explanation, now: Date): Promise<void> {
  await appendRow(store, 'explanations', { ...e, explanation: e.explanation.trim(), explained_at: now }, now);
}
