import type { Hono } from 'hono';
import type { ParamValue } from '../../domain/queries/resolveParams.ts';
import { fileNameProblem, storedResult } from '../../services/ingestFile.ts';
import { IngestQueueFullError } from '../../services/ingestQueue.ts';
import { admitUpload } from '../bodyLimits.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../render.ts';

/** /api/submissions: send a report, list them (staff: their own), read one answer again. */
export function registerSubmissionApi(app: Hono<Env>, deps: HttpDeps): void {
  app.get('/api/submissions', async (c) => {
    const principal = c.get('principal');
    const conditions = ['1 = 1'];
    const params: Record<string, ParamValue> = {};
    const status = c.req.query('status');
    if (status) {
      if (status !== 'accepted' && status !== 'rejected') return problem(c, { status: 400, code: 'INVALID_PARAMS', vi: 'status phải là accepted hoặc rejected', en: 'status must be accepted or rejected' });
      conditions.push('status = :status');
      params.status = status;
    }
    // A person bound to a unit sees what they sent and no other unit's files.
    if (principal.role !== 'analyst') {
      conditions.push('submitted_by = :submitted_by');
      params.submitted_by = principal.id;
    }
    const table = await deps.runner.runSql(
      `SELECT submission_id, source_file, status, layout, units, periods, row_count, error_count, submitted_by, submitted_at
       FROM submissions WHERE ${conditions.join(' AND ')} ORDER BY submitted_at DESC, submission_id DESC LIMIT 1000`,
      params,
    );
    return c.json(toRows(table).map((r) => ({ ...r, units: JSON.parse(String(r.units)), periods: JSON.parse(String(r.periods)) })));
  });

  app.get('/api/submissions/:id', async (c) => {
    const result = await storedResult(deps.store, c.req.param('id'));
    const principal = c.get('principal');
    if (!result || (principal.role !== 'analyst' && result.submitted_by !== principal.id)) {
      return problem(c, { status: 404, code: 'SUBMISSION_NOT_FOUND', vi: 'Không có lần gửi này', en: 'No such submission' });
    }
    return c.json(result);
  });

  // The body's size is capped by bodyLimits.ts (app.ts), and room is taken before it is read.
  app.put('/api/submissions', async (c) => {
    const principal = c.get('principal');
    const fileName = c.req.query('filename');
    if (!fileName) {
      return problem(c, { status: 400, code: 'FILENAME_REQUIRED', vi: 'Cần tham số filename (tên tệp)', en: 'The filename parameter is required' });
    }
    const bad = fileNameProblem(fileName);
    if (bad) return problem(c, { status: 400, code: 'FILENAME_INVALID', vi: `Tên tệp không dùng được: ${bad.vi}`, en: `The file name cannot be used: ${bad.en}` });
    // Room in the queue first (503 at once when there is none), then the body.
    const admission = admitUpload(c, deps, { submittedBy: principal.id, allowedUnits: principal.unit ? [principal.unit] : undefined });
    let result;
    try {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      result = await admission.ingest({
        bytes,
        fileName,
        submittedBy: principal.id,
        // Every account bound to a unit (a clerk, a head) submits for that unit only; only the
        // province (an analyst, an appraiser) may send an appraisal, and an appraiser nothing else.
        allowedUnits: principal.role === 'analyst' || principal.role === 'appraiser' ? undefined : principal.unit ? [principal.unit] : [],
        mayAppraise: principal.role === 'analyst' || principal.role === 'appraiser',
        appraisalOnly: principal.role === 'appraiser',
      });
    } catch (error) {
      if (!(error instanceof IngestQueueFullError)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return problem(c, { status: 503, code: 'BUSY', vi: `Máy chủ đang xử lý nhiều tệp; hãy gửi lại sau ${error.retryAfterSeconds} giây`, en: `The server is processing many files; send it again in ${error.retryAfterSeconds} seconds` });
    } finally {
      admission.release();
    }
    deps.runner.lakeChanged([result.submission_id]);
    return c.json(result, result.status === 'accepted' ? (result.duplicate_of ? 200 : 201) : 422);
  });
}
