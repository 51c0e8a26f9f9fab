import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoApp } from '../helpers/appServer.ts';
import { csvBytes } from '../helpers/workbook.ts';

let t: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => { t = await demoApp(inject('demoLake')); });
afterAll(async () => { await t.close(); });

/** A form posted from the app's own page, as a browser sends it. */
const post = (path: string, body: FormData, token: string) =>
  t.app.request(path, { method: 'POST', headers: { ...t.auth(token), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body });

describe('quality warnings on the clerk\'s answer and beside the analyst\'s value', () => {
  it('tells the clerk what looks odd, takes her explanation, and shows both to the analyst', async () => {
    // Liên Châu's e-documents fall from most to 5% in 2025-Q1: accepted, with a warning.
    const form = new FormData();
    form.append('file', new Blob([csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý I/2025\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,5,100\n')]), 'lien-chau-q1-2025.csv');
    const uploaded = await post('/nop', form, t.clerk);
    expect(uploaded.status).toBe(303); // the answer is a page of its own (POST-redirect-GET)
    const answer = await t.app.request(uploaded.headers.get('location')!, { headers: t.auth(t.clerk) });
    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain('Cảnh báo — số liệu vẫn được nhận');
    expect(page).toMatch(/<li data-kind="jump" data-indicator="DOC_ONLINE"><b>Văn bản điện tử<\/b> \(Quý I\/2025\): Tỷ lệ giảm từ \d+(,\d)?% xuống 5% so với kỳ trước/);
    expect(page).toContain('action="/nop/giai-trinh"');

    const explanation = new FormData();
    for (const [k, v] of Object.entries({ period: '2025-Q1', indicator: 'DOC_ONLINE', kind: 'jump', explanation: 'Phần mềm QLVB bị lỗi 2 tháng, văn bản xử lý trên giấy' })) explanation.append(k, v);
    const sent = await post('/nop/giai-trinh', explanation, t.clerk);
    expect(sent.status).toBe(303);
    // Refused: an empty explanation, a kind that is not one, another site's form.
    const empty = new FormData();
    for (const [k, v] of Object.entries({ period: '2025-Q1', indicator: 'DOC_ONLINE', kind: 'jump', explanation: '  ' })) empty.append(k, v);
    expect((await post('/nop/giai-trinh', empty, t.clerk)).status).toBe(400);
    const crossSite = await t.app.request('/nop/giai-trinh', { method: 'POST', headers: { ...t.auth(t.clerk), Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }, body: explanation });
    expect(crossSite.status).toBe(403);

    const warnings = (await (await t.app.request('/api/queries/quality_warnings?period=2025-Q1', { headers: t.auth(t.analyst) })).json()) as Record<string, unknown>[];
    const mine = warnings.filter((w) => w.unit === 'xa-lien-chau' && w.indicator_code === 'DOC_ONLINE');
    // Three warnings: a denominator of 100 after about two thousand, the share's jump (explained), 5% among peers near 80%.
    expect(mine.map((w) => [w.kind, w.explanation])).toEqual([['denominator', null], ['jump', 'Phần mềm QLVB bị lỗi 2 tháng, văn bản xử lý trên giấy'], ['outlier', null]]);
    expect(mine[1]).toMatchObject({ value: 5 });
    // The clerk's page now shows it explained; the analyst's scorecard marks the value.
    expect(await (await t.app.request('/nop', { headers: t.auth(t.clerk) })).text()).toContain('Đã giải trình: Phần mềm QLVB bị lỗi 2 tháng');
    const scorecard = await (await t.app.request('/q/district_scorecard?period=2025-Q1', { headers: t.auth(t.analyst) })).text();
    expect(scorecard).toMatch(/<td class="num [a-z]+ warn" data-indicator="DOC_ONLINE" data-warning="Mẫu số 100, kỳ trước \d+ — chưa giải trình; Thay đổi -\d+,\d điểm so với kỳ trước — giải trình: Phần mềm QLVB bị lỗi 2 tháng, văn bản xử lý trên giấy; Khác xa[^"]*"/);
    // Leaders' pages do not carry the marks.
    const link = (await (await t.app.request('/api/links', { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: '2025-Q1' }, expires_in: 86400 }) })).json()) as { url: string };
    const leaderPath = new URL(link.url).pathname;
    const leaderPage = await (await t.app.request(leaderPath)).text();
    expect(leaderPage).not.toContain('data-warning');
    // Nor the clerk's explanation, on the page or in any of its downloads; the analyst's own page keeps it.
    const warningsSection = 1 + ['district_trend', 'dti_ranking', 'unit_ranking', 'missing_submissions', 'reporting_timeliness', 'quality_warnings'].indexOf('quality_warnings');
    expect(leaderPage).toContain('Thay đổi'); // the warnings themselves are there
    for (const text of [leaderPage, await (await t.app.request(`${leaderPath}/s/${warningsSection}/data.csv`)).text()]) {
      expect(text).not.toContain('Phần mềm QLVB bị lỗi');
    }
    const analystCsv = await (await t.app.request(`/q/district_scorecard/s/${warningsSection}/data.csv?period=2025-Q1`, { headers: t.auth(t.analyst) })).text();
    expect(analystCsv).toContain('Phần mềm QLVB bị lỗi');
  });
});
