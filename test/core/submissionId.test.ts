import { describe, expect, it } from 'vitest';
import { newSubmissionId } from '../../functions/services/ingestFile.ts';
import { isEvidenceId } from '../../functions/domain/evidence.ts';

/** A later file replaces an earlier one by its id's order: ids of one millisecond must still sort by arrival. */
describe('a submission id', () => {
  it('sorts by arrival, also for files made in the same millisecond, and keeps its shape', () => {
    const at = new Date('2026-10-20T02:00:00Z');
    const ids = Array.from({ length: 40 }, () => newSubmissionId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(isEvidenceId(id)).toBe(true);
    const next = newSubmissionId(new Date('2026-10-20T02:00:00.001Z'));
    expect(next > ids.at(-1)!).toBe(true);
    expect(next).toMatch(/^20261020T020000001Z-00[0-9a-f]{6}$/);
  });
});
