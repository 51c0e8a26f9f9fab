#!/usr/bin/env python3
"""Writes hostile .xlsx packages with Python's zipfile, streamed (never the whole part in memory).

    hostile_xlsx.py shared-strings OUT COUNT [rich|plain]   COUNT tiny shared strings, one cell
    hostile_xlsx.py rows OUT COUNT                          a long table of COUNT rows, no <dimension>
    hostile_xlsx.py merges OUT COUNT                        a small form with COUNT merged ranges, many sharing a top row
    hostile_xlsx.py styles OUT COUNT                        a small valid form whose styles part holds COUNT cell formats
    hostile_xlsx.py long-text OUT MB                        a small valid form under a title cell of MB megabytes of text
    hostile_xlsx.py values OUT COUNT                        a long table of COUNT distinct values (unit x period x indicator)
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


FORM_STRINGS = ['Đơn vị: Xã Liên Châu', 'Kỳ báo cáo: Quý III/2024', 'STT', 'Chỉ tiêu', 'Tỷ lệ (%)', 'DOC_ONLINE']


def form_strings(f):
    f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
    for text in FORM_STRINGS:
        f.write(f'<si><t>{text}</t></si>'.encode())
    f.write(b'</sst>')


def form_rows(f, first=2):
    """A valid one-value form (Xã Liên Châu, 2024-Q3, DOC_ONLINE 90%) from row `first` down."""
    a, b, c, d = first, first + 1, first + 2, first + 3
    f.write(f'<row r="{a}"><c r="A{a}" t="s"><v>0</v></c></row><row r="{b}"><c r="A{b}" t="s"><v>1</v></c></row>'.encode())
    f.write(f'<row r="{c}"><c r="A{c}" t="s"><v>2</v></c><c r="B{c}" t="s"><v>3</v></c><c r="C{c}" t="s"><v>4</v></c></row>'.encode())
    f.write(f'<row r="{d}"><c r="A{d}"><v>1</v></c><c r="B{d}" t="s"><v>5</v></c><c r="C{d}"><v>90</v></c></row>'.encode())


def styles(out, count):
    """COUNT <xf> cell formats: each becomes an object when the styles part is read (Excel allows
    64,000); ~26 bytes each compressed, so 3.7 MB holds about 5.5 million."""
    rels = WB_RELS.replace('</Relationships>', '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
    rng = random.Random(7)
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WORKBOOK)
        z.writestr('xl/_rels/workbook.xml.rels', rels)
        with z.open('xl/sharedStrings.xml', 'w') as f:
            form_strings(f)
        with z.open('xl/worksheets/sheet1.xml', 'w') as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
            form_rows(f)
            f.write(b'</sheetData></worksheet>')
        with z.open('xl/styles.xml', 'w', force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
                    f'<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="{count}">'.encode())
            chunk = b''.join(f'<xf numFmtId="{rng.choice([0, 164, 9, 10])}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'.encode() for _ in range(10000))
            for _ in range(count // 10000):
                f.write(chunk)
            f.write(b'</cellXfs></styleSheet>')


def long_text(out, megabytes):
    """A title cell of MB megabytes of words (a 16 KB block repeated: about 100:1, under the zip-bomb
    ratio) above a small valid form."""
    rng = random.Random(7)
    words = [''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(5)) for _ in range(64)]
    block = ' '.join(rng.choice(words) for _ in range(4000)).encode()[:16384]
    def sheet(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode())
        for _ in range(megabytes * 64):
            f.write(block)
        f.write(b'</t></is></c></row>')
        form_rows(f)
        f.write(b'</sheetData></worksheet>')
    package(out, sheet, form_strings)


def values(out, count):
    """A long table (Đơn vị | Kỳ báo cáo | Chỉ tiêu | Tử số | Mẫu số) of COUNT distinct values: 21
    units of the example district x 7 indicators x every month, quarter, half and year from 2024
    back, cells as shared strings."""
    units = ['vp-hdnd-ubnd', 'phong-noi-vu', 'phong-van-hoa-thong-tin', 'trung-tam-van-hoa', 'phong-tai-chinh-ke-hoach',
             'phong-tai-nguyen-moi-truong', 'phong-tu-phap', 'phong-giao-duc-dao-tao', 'tt-yen-lac', 'xa-binh-dinh', 'xa-dai-tu',
             'xa-dong-cuong', 'xa-dong-van', 'xa-hong-chau', 'xa-nguyet-duc', 'xa-te-lo', 'xa-trung-ha', 'xa-trung-kien',
             'xa-trung-nguyen', 'xa-van-tien', 'xa-yen-dong']
    indicators = ['DOC_ONLINE', 'STAFF_DIGITAL_ID', 'ONLINE_MEETINGS', 'PROCEDURES_LEVEL34', 'DOSSIERS_ONLINE', 'DOSSIERS_ONE_STOP', 'OFFICIAL_EMAIL']
    periods = []
    for y in range(2024, 1899, -1):
        periods += [f'Tháng {m}/{y}' for m in range(1, 13)] + [f'Quý {q}/{y}' for q in ['I', 'II', 'III', 'IV']]
        periods += [f'6 tháng đầu năm {y}', f'6 tháng cuối năm {y}', f'Năm {y}']
    header = ['Đơn vị', 'Kỳ báo cáo', 'Chỉ tiêu', 'Tử số', 'Mẫu số']
    table = header + units + indicators + periods
    at = {text: i for i, text in enumerate(table)}
    assert count <= len(units) * len(indicators) * len(periods)
    def strings(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
        for text in table:
            f.write(f'<si><t>{text}</t></si>'.encode())
        f.write(b'</sst>')
    def sheet(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        f.write(('<row r="1">' + ''.join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate('ABCDE')) + '</row>').encode())
        batch, n = [], 0
        for p in periods:
            for u in units:
                for i in indicators:
                    if n == count:
                        break
                    r = n + 2
                    batch.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{at[u]}</v></c><c r="B{r}" t="s"><v>{at[p]}</v></c><c r="C{r}" t="s"><v>{at[i]}</v></c>'
                                 f'<c r="D{r}"><v>{n % 19 + 1}</v></c><c r="E{r}"><v>20</v></c></row>')
                    n += 1
            if len(batch) >= 10000:
                f.write(''.join(batch).encode())
                batch = []
        f.write(''.join(batch).encode())
        f.write(b'</sheetData></worksheet>')
    package(out, sheet, strings)


if __name__ == '__main__':
    what, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == 'shared-strings':
        shared_strings(out, count, sys.argv[4] if len(sys.argv) > 4 else 'rich')
    elif what == 'merges':
        merges(out, count)
    elif what == 'styles':
        styles(out, count)
    elif what == 'long-text':
        long_text(out, count)
    elif what == 'values':
        values(out, count)
    else:
        rows(out, count)
