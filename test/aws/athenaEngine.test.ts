import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaEngine, AthenaQueryError, toLiteral } from '../../functions/adapters/athena/AthenaEngine.ts';
import { toRows } from '../../functions/http/render.ts';
import { inlineViews } from '../../functions/domain/queries/inlineViews.ts';

const athena = mockClient(AthenaClient);
let clock = 0;
const engine = (timeoutMs = 10_000) => new AthenaEngine(new AthenaClient({ region: 'ap-southeast-1' }), {
  workGroup: 'chiso', database: 'chiso', views: { kpi_current: 'SELECT * FROM kpi_values' }, timeoutMs,
  sleep: async (ms) => { clock += ms; }, now: () => clock,
});
const COLUMNS = [{ Name: 'unit', Type: 'varchar' }, { Name: 'value', Type: 'double' }, { Name: 'n', Type: 'bigint' }, { Name: 'met', Type: 'boolean' }, { Name: 'at', Type: 'timestamp' }];
const row = (...v: (string | undefined)[]) => ({ Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })) });

beforeEach(() => { athena.reset(); clock = 0; });

describe('AthenaEngine', () => {
  it('binds parameters as ExecutionParameters, inlines kpi_current, and pages through results', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: undefined }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [row('unit', 'value', 'n', 'met', 'at'), row('xa-lien-chau', '95.5', '12', 'true', '2024-10-05 03:15:00.000')] }, NextToken: 'p2',
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 'p2' }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [row('xa-dai-tu', undefined, undefined, 'false', undefined)] }, NextToken: 'p3',
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 'p3' }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [row("Xã O'Reilly", '0', '0', 'false', '2024-01-01 00:00:00.000')] },
    });
    const table = await engine().run("SELECT unit, value FROM kpi_current WHERE period = :period AND unit <> ':not'", { period: "2024-Q4'; DROP" });
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start.QueryString).toMatch(/^WITH kpi_current AS \(\nSELECT \* FROM kpi_values\n\)\nSELECT unit, value FROM kpi_current WHERE period = \? AND unit <> ':not'$/);
    expect(start.ExecutionParameters).toEqual(["'2024-Q4''; DROP'"]);
    expect(start.WorkGroup).toBe('chiso');
    expect(start.ResultReuseConfiguration?.ResultReuseByAgeConfiguration?.Enabled).toBe(true);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(3);
    expect(toRows(table)).toEqual([
      { unit: 'xa-lien-chau', value: 95.5, n: 12, met: true, at: '2024-10-05T03:15:00.000Z' },
      { unit: 'xa-dai-tu', value: null, n: null, met: false, at: null },
      { unit: "Xã O'Reilly", value: 0, n: 0, met: false, at: '2024-01-01T00:00:00.000Z' },
    ]);
    expect(String(table.schema.fields[2]!.type)).toBe('Int64');
  });

  it('turns a FAILED query into a clear error carrying Athena\'s reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'TABLE_NOT_FOUND: line 1:15: Table chiso.nope does not exist' } } } });
    const error = await engine().run('SELECT 1 FROM nope', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ state: 'FAILED', queryExecutionId: 'q2', reason: expect.stringContaining('TABLE_NOT_FOUND') });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'cancelled by user' } } });
    await expect(engine().run('SELECT 1', {})).rejects.toMatchObject({ state: 'CANCELLED' });
  });

  it('gives up after its timeout, polling with backoff, and stops the query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    await expect(engine(5_000).run('SELECT 1', {})).rejects.toMatchObject({ state: 'TIMEOUT' });
    const polls = athena.commandCalls(GetQueryExecutionCommand).length;
    expect(polls).toBeGreaterThan(3);
    expect(polls).toBeLessThan(20); // backoff, not a busy loop
    expect(clock).toBeLessThanOrEqual(5_000);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({ QueryExecutionId: 'q3' });
  });

  it('retries calls Athena throttles', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    athena.on(StartQueryExecutionCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ QueryExecutionId: 'q4' });
    athena.on(GetQueryExecutionCommand).rejectsOnce(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' })).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'x', Type: 'integer' }] }, Rows: [row('x'), row('7')] } });
    expect(toRows(await engine().run('SELECT 7 AS x', {}))).toEqual([{ x: 7 }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    const denied = Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' });
    athena.on(StartQueryExecutionCommand).rejects(denied);
    await expect(engine().run('SELECT 1', {})).rejects.toThrow('AccessDenied');
  });

  it('writes literals Athena reads back as the same values', () => {
    expect(toLiteral('xa-lien-chau')).toBe("'xa-lien-chau'");
    expect(toLiteral("it's")).toBe("'it''s'");
    expect(toLiteral(5)).toBe('5');
    expect(inlineViews('WITH a AS (SELECT 1) SELECT * FROM a JOIN kpi_current k ON true', { kpi_current: 'SELECT 2' }))
      .toBe('WITH kpi_current AS (\nSELECT 2\n),\na AS (SELECT 1) SELECT * FROM a JOIN kpi_current k ON true');
    // A view named only by another view comes along, before it.
    const views = { kpi_current: 'SELECT * FROM kpi_values', kpi_scored: 'SELECT * FROM kpi_current' };
    expect(inlineViews('SELECT * FROM kpi_scored', views)).toBe('WITH kpi_current AS (\nSELECT * FROM kpi_values\n),\nkpi_scored AS (\nSELECT * FROM kpi_current\n)\nSELECT * FROM kpi_scored');
    expect(inlineViews('SELECT 1', views)).toBe('SELECT 1');
  });
});
