"""Container and encoding writers for the synthetic corpus (generate.py).

Every writer returns bytes and is deterministic: fixed timestamps, fixed MIME
boundaries, fixed gzip mtime, no random module state. Python 3 standard library only.

Real writers are used wherever the standard library has one: zipfile (deflate),
tarfile, gzip, bz2, email.message.EmailMessage, mailbox.mbox, sqlite3. Three formats
are written by hand because the standard library has no writer for them:
  - docx: a real zip (zipfile) holding minimal hand-written WordprocessingML
    ([Content_Types].xml, _rels/.rels, word/document.xml with one w:p per line);
  - xlsx: a real zip holding minimal hand-written SpreadsheetML (workbook.xml and its
    rels, one worksheet of inline strings, t="inlineStr");
  - pdf: a minimal PDF 1.4 (one page, standard Helvetica with WinAnsiEncoding, one
    BT/ET text object per line placed with Td, a correct xref table).
"""

import bz2
import gzip
import io
import mailbox
import os
import sqlite3
import tarfile
import time
import zipfile
from email.message import EmailMessage
from xml.sax.saxutils import escape as xml_escape

ZIP_TIME = (2023, 3, 1, 9, 30, 0)
TAR_MTIME = 1677663000  # 2023-03-01T09:30:00Z


# ------------------------------------------------------------------------- archives
def zip_bytes(members):
    """members: [(name, bytes)] -> a deflated zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            z.writestr(zi, data)
    return buf.getvalue()


def tar_bytes(members):
    """members: [(name, bytes)] -> an uncompressed GNU tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = TAR_MTIME
            info.mode = 0o644
            info.uid = info.gid = 1000
            info.uname = info.gname = "backup"
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gzip_bytes(data):
    # gzip.compress writes no file name and, with mtime=0, no time: reproducible.
    return gzip.compress(data, compresslevel=6, mtime=0)


def tar_gz_bytes(members):
    return gzip_bytes(tar_bytes(members))


def tar_bz2_bytes(members):
    return bz2.compress(tar_bytes(members), 9)


# ------------------------------------------------------------------------- mail
def email_message(frm, to, subject, date, body, attachments=(), boundary=None, body_cte=None):
    """An EmailMessage; attachments [(filename, bytes, maintype, subtype)] are
    base64-encoded. body_cte forces the text's transfer encoding ("base64",
    "quoted-printable"); by default the email package picks one."""
    m = EmailMessage()
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = date
    if body_cte:
        m.set_content(body, cte=body_cte)
    else:
        m.set_content(body)
    for name, data, maintype, subtype in attachments:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name, cte="base64")
    if attachments:
        m.set_boundary(boundary or "=_corpus_boundary_0001")
    return m


def eml_bytes(msg):
    return bytes(msg)


def mbox_bytes(messages, tmp_path):
    """messages: [EmailMessage] -> an mbox written by mailbox.mbox (at tmp_path, which
    is removed afterwards). The "From " separator lines carry fixed times."""
    if os.path.exists(tmp_path):
        os.remove(tmp_path)
    box = mailbox.mbox(tmp_path, create=True)
    try:
        box.lock()
        for i, m in enumerate(messages):
            mm = mailbox.mboxMessage(m)
            mm.set_from("MAILER-DAEMON", time.gmtime(TAR_MTIME + 3600 * i))
            box.add(mm)
        box.flush()
        box.unlock()
    finally:
        box.close()
    with open(tmp_path, "rb") as f:
        data = f.read()
    os.remove(tmp_path)
    return data


# ------------------------------------------------------------------------- office
CT_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           '<Default Extension="xml" ContentType="application/xml"/>')
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _root_rels(target):
    return (XML_DECL + f'<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_DOC_REL}" Target="{target}"/></Relationships>')


def _xml_text(s):
    # Characters XML 1.0 forbids do not occur in the corpus text; tabs and the like are kept.
    return xml_escape(s)


def docx_bytes(lines):
    """A .docx (hand-written minimal WordprocessingML in a real zip): one paragraph per
    line, each paragraph one run with one w:t."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    paras = []
    for line in lines:
        if line:
            paras.append(f'<w:p><w:r><w:t xml:space="preserve">{_xml_text(line)}</w:t></w:r></w:p>')
        else:
            paras.append("<w:p/>")
    document = (XML_DECL + f'<w:document xmlns:w="{w}"><w:body>' + "".join(paras) +
                '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>')
    ct = (CT_HEAD + '<Override PartName="/word/document.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    return zip_bytes([("[Content_Types].xml", ct.encode()),
                      ("_rels/.rels", _root_rels("word/document.xml").encode()),
                      ("word/document.xml", document.encode("utf-8"))])


def _col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_bytes(rows, sheet="Sheet1"):
    """An .xlsx (hand-written minimal SpreadsheetML in a real zip): one worksheet, every
    non-empty cell an inline string (t="inlineStr"), so ZIP codes and ids keep their
    leading zeros exactly as in the CSV."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            if v == "":
                continue
            cells.append(f'<c r="{_col(c)}{r}" t="inlineStr"><is><t xml:space="preserve">'
                         f'{_xml_text(v)}</t></is></c>')
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    ws = XML_DECL + f'<worksheet xmlns="{ns}"><sheetData>' + "".join(out) + "</sheetData></worksheet>"
    wb = (XML_DECL + f'<workbook xmlns="{ns}" xmlns:r="{rns}"><sheets>'
          f'<sheet name="{_xml_text(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = (XML_DECL + f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
               'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
               'Target="worksheets/sheet1.xml"/></Relationships>')
    ct = (CT_HEAD +
          '<Override PartName="/xl/workbook.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    return zip_bytes([("[Content_Types].xml", ct.encode()),
                      ("_rels/.rels", _root_rels("xl/workbook.xml").encode()),
                      ("xl/workbook.xml", wb.encode("utf-8")),
                      ("xl/_rels/workbook.xml.rels", wb_rels.encode()),
                      ("xl/worksheets/sheet1.xml", ws.encode("utf-8"))])


# ------------------------------------------------------------------------- sqlite
def sqlite_bytes(table, rows, tmp_path):
    """rows[0] is the header: one TEXT column per header cell, the rest are rows."""
    for p in (tmp_path, tmp_path + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    db = sqlite3.connect(tmp_path)
    try:
        cols = ", ".join('"' + h.replace('"', '""') + '" TEXT' for h in rows[0])
        db.execute(f'CREATE TABLE "{table}" ({cols})')
        marks = ", ".join("?" * len(rows[0]))
        names = ", ".join('"' + h.replace('"', '""') + '"' for h in rows[0])
        db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                       [[v if v != "" else None for v in r] for r in rows[1:]])
        db.commit()
    finally:
        db.close()
    with open(tmp_path, "rb") as f:
        data = f.read()
    os.remove(tmp_path)
    return data


# ------------------------------------------------------------------------- pdf
FONT_SIZE = 10
LEADING = 14
MARGIN = 36
HELVETICA_MAX_EM = 0.75  # generous per-character width, so no line runs off the page


def _pdf_string(s):
    b = s.encode("cp1252")  # WinAnsiEncoding; the corpus text is cp1252-representable
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(lines):
    """A one-page PDF 1.4 with each non-empty line as its own BT/ET text object in
    Helvetica (WinAnsiEncoding). The page is as wide as the longest line needs, so
    `pdftotext -layout` gives the lines back one by one."""
    width = int(2 * MARGIN + FONT_SIZE * HELVETICA_MAX_EM * max([len(l) for l in lines] + [40]))
    height = int(2 * MARGIN + LEADING * (len(lines) + 1))
    content = io.BytesIO()
    y = height - MARGIN - FONT_SIZE
    for line in lines:
        if line.strip():
            content.write(b"BT /F1 %d Tf %d %d Td " % (FONT_SIZE, MARGIN, y) + _pdf_string(line) + b" Tj ET\n")
        y -= LEADING
    stream = content.getvalue()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>" % (width, height),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Producer (breachscope corpus generator) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objs) + 1))
    out.write(b"0000000000 65535 f \n")
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, len(objs), xref))
    return out.getvalue()
