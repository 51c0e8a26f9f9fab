import { readFile } from 'node:fs/promises';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { evidenceProblem } from '../../functions/domain/evidence.ts';
import { sniffEvidence } from '../../functions/adapters/readers/sniffFile.ts';

/**
 * OpenDocument evidence (.ods, .odt), judged by content: the spreadsheet LibreOffice wrote is
 * kept as .ods, a text document as .odt; one with Basic macros or a password is refused, as the
 * OOXML ones are; a name that says .odt over a spreadsheet is refused.
 */
const MANIFEST = (entries: string) => `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
${entries}
</manifest:manifest>`;
const CONTENT = '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body><office:text/></office:body></office:document-content>';

/** An ODF package as the specification lays it out: "mimetype" first and stored, then the parts. */
function odf(mimetype: string, parts: Record<string, string>): Uint8Array {
  return zipSync({ mimetype: [strToU8(mimetype), { level: 0 }], ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)])) });
}
const TEXT = 'application/vnd.oasis.opendocument.text';

describe('OpenDocument evidence', () => {
  it('keeps the .ods LibreOffice wrote and an .odt text; refuses the spreadsheet named .odt', async () => {
    const ods = await readFile('test/fixtures/libreoffice/opendocument-quy3-2024.ods');
    expect(await sniffEvidence(ods)).toEqual({ kind: 'ods' });
    expect(evidenceProblem('bang-tinh.ods', ods.byteLength, await sniffEvidence(ods))).toBeNull();
    expect(evidenceProblem('bien-ban.odt', ods.byteLength, await sniffEvidence(ods))?.vi).toContain('nhưng nội dung là bảng tính OpenDocument');
    const odt = odf(TEXT, { 'content.xml': CONTENT, 'META-INF/manifest.xml': MANIFEST('<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>') });
    expect(await sniffEvidence(odt)).toEqual({ kind: 'odt' });
    expect(evidenceProblem('bien-ban.odt', odt.byteLength, await sniffEvidence(odt))).toBeNull();
  });

  it('refuses an OpenDocument file with Basic macros or scripts, with a password, or without its content', async () => {
    const withBasic = odf(TEXT, { 'content.xml': CONTENT, 'Basic/Standard/Module1.xml': '<script:module/>', 'META-INF/manifest.xml': MANIFEST('') });
    expect(await sniffEvidence(withBasic)).toMatchObject({ refused: { vi: expect.stringContaining('macro') } });
    const withScript = odf(TEXT, { 'content.xml': CONTENT, 'Scripts/python/run.py': 'import os', 'META-INF/manifest.xml': MANIFEST('') });
    expect(await sniffEvidence(withScript)).toMatchObject({ refused: { en: expect.stringContaining('macros') } });
    const encrypted = odf(TEXT, {
      'content.xml': 'x\u0001\u0002',
      'META-INF/manifest.xml': MANIFEST('<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA256/1K"/></manifest:file-entry>'),
    });
    expect(await sniffEvidence(encrypted)).toMatchObject({ refused: { vi: expect.stringContaining('mật khẩu') } });
    expect(await sniffEvidence(odf(TEXT, { 'styles.xml': '<x/>' }))).toHaveProperty('refused');
    expect(await sniffEvidence(odf('application/x-shockwave-flash', { 'content.xml': CONTENT }))).toHaveProperty('refused');
  });
});
