#!/usr/bin/env python3
"""Writes hostile .xlsx packages with Python's zipfile, streamed (never the whole part in memory).

    hostile_xlsx.py shared-strings OUT COUNT [rich|plain]   COUNT tiny shared strings, one cell
    hostile_xlsx.py rows OUT COUNT                          a long table of COUNT rows, no <dimension>
    hostile_xlsx.py merges OUT COUNT                        a small form with COUNT merged ranges, many sharing a top row
"""
import random
import sys
import zipfile

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Báo cáo" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def package(out, sheet_writer, strings_writer):
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WORKBOOK)
        z.writestr('xl/_rels/workbook.xml.rels', WB_RELS)
        with z.open('xl/sharedStrings.xml', 'w', force_zip64=True) as f:
            strings_writer(f)
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:
            sheet_writer(f)


def shared_strings(out, count, kind):
    # Tiny strings of three random letters: varied enough that the package compresses about 20:1,
    # as a real one does, and passes the zip-bomb ratio check.
    rng = random.Random(7)
    letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    pool = [''.join(rng.choice(letters) for _ in range(3)) for _ in range(400)]
    template = '<si><r><rPr><b/></rPr><t>{}</t></r></si>' if kind == 'rich' else '<si><t>{}</t></si>'
    def strings(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{count}" uniqueCount="{count}">'.encode())
        chunks = [''.join(template.format(rng.choice(pool)) for _ in range(10000)).encode() for _ in range(16)]
        for i in range(count // 10000):
            f.write(chunks[i % 16])
        f.write(b''.join(template.format(rng.choice(pool)).encode() for _ in range(count % 10000)))
        f.write(b'</sst>')
    def sheet(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'.encode())
    package(out, sheet, strings)


def rows(out, count):
    header = ['Đơn vị', 'Kỳ báo cáo', 'Chỉ tiêu', 'Tử số', 'Mẫu số']
    def strings(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
        for text in header + ['Xã Liên Châu', 'Quý IV/2024', 'DOC_ONLINE']:
            f.write(f'<si><t>{text}</t></si>'.encode())
        f.write(b'</sst>')
    def sheet(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        f.write(('<row r="1">' + ''.join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate('ABCDE')) + '</row>').encode())
        batch = []
        for r in range(2, count + 2):
            batch.append(f'<row r="{r}"><c r="A{r}" t="s"><v>5</v></c><c r="B{r}" t="s"><v>6</v></c><c r="C{r}" t="s"><v>7</v></c><c r="D{r}"><v>9</v></c><c r="E{r}"><v>10</v></c></row>')
            if len(batch) == 10000:
                f.write(''.join(batch).encode())
                batch = []
        f.write(''.join(batch).encode())
        f.write(b'</sheetData></worksheet>')
    package(out, sheet, strings)


def column(n):
    letters = ''
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def merges(out, count):
    """A form of a few rows and COUNT two-row merged ranges: every column of rows 1-2, 3-4, …
    (16,384 ranges share each top row), distinct enough to compress like a real sheet."""
    labels = ['Đơn vị: Xã Liên Châu', 'Kỳ báo cáo: Quý III/2024', 'STT', 'Chỉ tiêu', 'Tỷ lệ (%)', 'DOC_ONLINE']
    def strings(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
        for text in labels:
            f.write(f'<si><t>{text}</t></si>'.encode())
        f.write(b'</sst>')
    def sheet(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        f.write(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>')
        f.write(b'<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4" t="s"><v>3</v></c><c r="C4" t="s"><v>4</v></c></row>')
        f.write(b'<row r="5"><c r="A5"><v>1</v></c><c r="B5" t="s"><v>5</v></c><c r="C5"><v>90</v></c></row>')
        f.write(f'</sheetData><mergeCells count="{count}">'.encode())
        for i in range(count):
            top = 1 + 2 * (i // 16384)
            col = column(1 + i % 16384)
            f.write(f'<mergeCell ref="{col}{top}:{col}{top + 1}"/>'.encode())
        f.write(b'</mergeCells></worksheet>')
    package(out, sheet, strings)


if __name__ == '__main__':
    what, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == 'shared-strings':
        shared_strings(out, count, sys.argv[4] if len(sys.argv) > 4 else 'rich')
    elif what == 'merges':
        merges(out, count)
    else:
        rows(out, count)
