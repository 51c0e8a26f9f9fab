import { describe, expect, it } from 'vitest';
import { ROW_TABLES } from '../../schemas/records.ts';
import { runAwsE2e } from './awsE2e.ts';

describe('the AWS path end to end (bundled functions, s3rver, Athena SQL on the Glue locations)', () => {
  it('answers every saved query as the local path does, and an empty deployment lists every unit', async () => {
    const report = await runAwsE2e();
    console.log(report.lines.join('\n'));
    expect(report.emptyScorecardUnits).toBeGreaterThan(20);
    expect(report.lines.filter((l) => l.startsWith('✗'))).toEqual([]);
    expect(report.equal).toBe(report.total);
    expect(report.total).toBeGreaterThanOrEqual(9);
    // Every Glue table has objects at its location; every kpi partition was registered.
    // (The row tables, explanations and approvals, are written only when a clerk explains or a head decides.)
    for (const [table, n] of Object.entries(report.objectsPerTable)) if (!(table in ROW_TABLES)) expect(n, table).toBeGreaterThan(0);
    expect(report.partitionsRegistered).toBe(15); // the demo's quarters, 2023-Q1 … 2026-Q3
    // Compaction leaves one manifest and one file per period (and for the submission records).
    expect(report.objectsPerTable.kpi_values).toBe(2 * report.partitionsRegistered);
    expect(report.objectsPerTable.submissions).toBe(2);
    expect(report.objectsRead.after.district_scorecard).toBeLessThan(report.objectsRead.before.district_scorecard! / 5);
    // The caps that keep a server alive hold in both bundled functions, with the local faces' code.
    expect(report.hostile.ingest).toEqual({ status: 'rejected', codes: ['FILE_TOO_COMPLEX'] });
    expect(report.hostile.upload).toEqual({ httpStatus: 422, codes: ['FILE_TOO_COMPLEX'] });
    // A province through the pages of the bundled function (each step throws when it fails):
    // registry, accounts, a clerk, a 7 MB scan through the upload bucket, re-issue, evidence, appraisal, publication and annex, a machine account, the audit log.
    expect(report.lines.filter((l) => l.startsWith('province on AWS:'))).toHaveLength(10);
  }, 480_000);
});
