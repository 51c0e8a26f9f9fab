import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { attachEvidence, listEvidence, readEvidence, removeEvidence } from '../../functions/services/evidence.ts';
import { realPdf, realPng } from '../helpers/evidenceFiles.ts';
import { startS3rver } from '../helpers/s3rver.ts';

/**
 * Evidence kept through the ObjectStore port, on a folder and on S3 (s3rver on loopback, the
 * wire protocol for real): attached all or none, listed by unit and period, read back byte for
 * byte, removed, and never found under another unit's or period's folder.
 */
let s3: Awaited<ReturnType<typeof startS3rver>>;
let dir: string;
beforeAll(async () => { s3 = await startS3rver(['chiso-evidence']); dir = await mkdtemp(join(tmpdir(), 'chiso-evidence-fs-')); }, 60_000);
afterAll(async () => { await s3?.stop(); await rm(dir, { recursive: true, force: true }); });

const stores: [string, () => ObjectStore][] = [
  ['a folder', () => new FsObjectStore(dir)],
  ['S3', () => new S3ObjectStore(s3.s3, 'chiso-evidence')],
];

describe.each(stores)('evidence on %s', (_label, store) => {
  it('is attached whole, listed, read back, kept apart by unit and period, and removed', async () => {
    const pdf = await realPdf();
    const at = new Date('2026-10-20T02:00:00Z');
    const components = ['DOC', 'SIG'];
    const refused = await attachEvidence(store(), { unit: 'xa-yen-lac', period: '2026-Q3', components, uploadedBy: 'c1', at, uploads: [
      { component: 'DOC', fileName: 'bao-cao.pdf', bytes: pdf }, { component: 'SIG', fileName: 'trang.pdf', bytes: Buffer.from('<html></html>') },
    ] });
    expect(refused.status).toBe('refused');
    expect(await listEvidence(store(), 'xa-yen-lac', '2026-Q3')).toEqual([]);

    const attached = await attachEvidence(store(), { unit: 'xa-yen-lac', period: '2026-Q3', components, uploadedBy: 'c1', at, uploads: [
      { component: 'DOC', fileName: 'C:\\Tai lieu\\Báo cáo QLVB.pdf', bytes: pdf }, { component: 'SIG', fileName: 'quyết-định.png', bytes: realPng() },
    ] });
    expect(attached.status).toBe('attached');
    const listed = await listEvidence(store(), 'xa-yen-lac', '2026-Q3');
    expect(listed.map((r) => [r.component, r.file_name, r.kind, r.content_type, r.size_bytes, r.uploaded_by, r.uploaded_at])).toEqual([
      ['DOC', 'Báo cáo QLVB.pdf', 'pdf', 'application/pdf', pdf.byteLength, 'c1', '2026-10-20T02:00:00.000Z'],
      ['SIG', 'quyết-định.png', 'png', 'image/png', realPng().byteLength, 'c1', '2026-10-20T02:00:00.000Z'],
    ]);
    expect(listed[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const read = await readEvidence(store(), 'xa-yen-lac', '2026-Q3', listed[0]!.id);
    expect(Buffer.from(read!.bytes).equals(pdf)).toBe(true);
    // The same id under another unit or period is nothing.
    expect(await readEvidence(store(), 'xa-te-lo', '2026-Q3', listed[0]!.id)).toBeNull();
    expect(await readEvidence(store(), 'xa-yen-lac', '2026-Q2', listed[0]!.id)).toBeNull();
    expect(await listEvidence(store(), 'xa-yen-lac', '2026-Q2')).toEqual([]);

    expect((await removeEvidence(store(), 'xa-yen-lac', '2026-Q3', listed[0]!.id))?.file_name).toBe('Báo cáo QLVB.pdf');
    expect((await listEvidence(store(), 'xa-yen-lac', '2026-Q3')).map((r) => r.file_name)).toEqual(['quyết-định.png']);
    expect(await readEvidence(store(), 'xa-yen-lac', '2026-Q3', listed[0]!.id)).toBeNull();
  });
});
