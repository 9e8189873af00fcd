#!/usr/bin/env python3
"""One canonical document, wrapped many ways, must give the same fingerprints.

The canonical document (tests/e2e/wrappings/fixtures/canonical.txt, and the same
people as a table in canonical.csv) is scanned plain; every wrapping of it must
yield exactly the same set of (type, hash) findings, each with the right `path`,
`decoders` and location keys, and no errors.jsonl line. Wrappings that need
LibreOffice or a scanner are committed fixtures (fixtures/make.sh made them with
real tools); the rest are made here at test time with real tools and libraries
(zip, tar, 7z, gzip, python's email and mailbox packages, sqlite3).

Usage: wrappings.py --breachscope BIN --work DIR [--only NAME ...]
"""
import argparse
import base64
import gzip
import io
import json
import mailbox
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import urllib.parse
import zipfile
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "wrappings", "fixtures")
KEY = os.path.join(HERE, "contract_example", "key")

CASES = []


def case(name, source, path, decoders, location, headers=False):
    """Registers a wrapping: `name` is the file made in the scan folder; `source` the
    plain document it wraps ("txt" or "csv"); `path` and `decoders` what every finding
    of the document must carry; `location` the keys its location must have. With
    `headers`, the wrapping is mail: the senders' and recipients' addresses and names
    in its headers are findings too, and are the only findings allowed besides the
    document's."""
    def register(build):
        CASES.append(dict(name=name, source=source, path=path, decoders=decoders, location=location,
                          headers=headers, build=build))
        return build
    return register


def read(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- committed fixtures (real tools)
for fixture, source, decoders, location in [
        ("canonical.docx", "txt", ["docx"], ["line"]),
        ("canonical.odt", "txt", ["odt"], ["line"]),
        ("canonical.pdf", "txt", ["pdf"], ["page"]),
        ("canonical.xlsx", "csv", ["xlsx"], ["sheet", "row", "column"]),
        ("canonical.ods", "csv", ["ods"], ["sheet", "row", "column"]),
        ("scan.png", "txt", ["ocr"], ["line"]),
        ("scan.jpg", "txt", ["ocr"], ["line"]),
        ("scanned.pdf", "txt", ["pdf", "ocr"], ["page"])]:
    case(fixture, source, fixture, decoders, location)(lambda d, n=fixture: shutil.copy(os.path.join(FIXTURES, n), d))


# ---------------------------------------------------------------- archives
@case("txt.zip", "txt", "txt.zip!canonical.txt", ["zip"], ["line"])
def _(d):
    shutil.copy(os.path.join(FIXTURES, "canonical.txt"), os.path.join(d, "tmp-canonical.txt"))
    os.makedirs(os.path.join(d, "stage"), exist_ok=True)
    shutil.move(os.path.join(d, "tmp-canonical.txt"), os.path.join(d, "stage", "canonical.txt"))
    run(["zip", "-q", "../txt.zip", "canonical.txt"], os.path.join(d, "stage"))
    shutil.rmtree(os.path.join(d, "stage"))


@case("csv.tar.gz", "csv", "csv.tar.gz!canonical.csv", ["gzip", "tar", "csv"], ["line", "column"])
def _(d):
    with tarfile.open(os.path.join(d, "csv.tar.gz"), "w:gz") as t:
        t.add(os.path.join(FIXTURES, "canonical.csv"), arcname="canonical.csv")


@case("nested.zip", "csv", "nested.zip!mid.tar.gz!inner.zip!canonical.csv",
      ["zip", "gzip", "tar", "zip", "csv"], ["line", "column"])
def _(d):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("canonical.csv", read("canonical.csv"))
    mid = io.BytesIO()
    with tarfile.open(fileobj=mid, mode="w:gz") as t:
        info = tarfile.TarInfo("inner.zip")
        info.size = len(inner.getvalue())
        t.addfile(info, io.BytesIO(inner.getvalue()))
    with zipfile.ZipFile(os.path.join(d, "nested.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mid.tar.gz", mid.getvalue())


@case("csv.7z", "csv", "csv.7z!canonical.csv", ["7z", "csv"], ["line", "column"])
def _(d):
    stage = os.path.join(d, "stage7z")
    os.makedirs(stage)
    shutil.copy(os.path.join(FIXTURES, "canonical.csv"), stage)
    run(["7z", "a", "-bd", "../csv.7z", "canonical.csv"], stage)
    shutil.rmtree(stage)


@case("lone.csv.gz", "csv", "lone.csv.gz", ["gzip", "csv"], ["line", "column"])
def _(d):
    with gzip.open(os.path.join(d, "lone.csv.gz"), "wb") as g:
        g.write(read("canonical.csv"))


# ---------------------------------------------------------------- mail
def message_with_attachment(subject):
    m = EmailMessage()
    m["From"] = "HR Office <hr@example.com>"
    m["To"] = "Payroll <payroll@example.com>"
    m["Subject"] = subject
    m["Date"] = "Mon, 06 Feb 2023 09:15:00 -0600"
    m.set_content("Attached is the staff extract you asked for.\n")
    m.add_attachment(read("canonical.csv"), maintype="text", subtype="csv", filename="canonical.csv")
    return m


@case("attached.eml", "csv", "attached.eml!canonical.csv", ["eml", "mime", "csv"], ["line", "column"], headers=True)
def _(d):
    m = message_with_attachment("Staff extract")
    # base64 transfer encoding for the attachment, as mail clients send CSVs
    for part in m.iter_attachments():
        data = part.get_payload(decode=True)
        part.set_content(data, maintype="text", subtype="csv", filename="canonical.csv", cte="base64")
    with open(os.path.join(d, "attached.eml"), "wb") as f:
        f.write(bytes(m))


@case("body.eml", "txt", "body.eml", ["eml"], ["line"], headers=True)
def _(d):
    m = EmailMessage()
    m["From"] = "HR Office <hr@example.com>"
    m["To"] = "Records <records@example.com>"
    m["Subject"] = "Personnel records"
    m["Date"] = "Mon, 06 Feb 2023 09:15:00 -0600"
    m.set_content(read("canonical.txt").decode(), cte="quoted-printable")
    with open(os.path.join(d, "body.eml"), "wb") as f:
        f.write(bytes(m))


@case("mail.mbox", "csv", "mail.mbox!2!canonical.csv", ["mbox", "mime", "csv"], ["line", "column", "message"],
      headers=True)
def _(d):
    box = mailbox.mbox(os.path.join(d, "mail.mbox"))
    first = EmailMessage()
    first["From"] = "Facilities <facilities@example.com>"
    first["To"] = "All staff <staff@example.com>"
    first["Subject"] = "Parking"
    first["Date"] = "Fri, 03 Feb 2023 08:00:00 -0600"
    first.set_content("The north lot is closed on Monday.\n")
    box.add(first)
    box.add(message_with_attachment("Staff extract"))
    box.flush()
    box.close()


# ---------------------------------------------------------------- web pages and encodings
def txt():
    return read("canonical.txt")


@case("script.html", "txt", "script.html", ["html", "base64"], ["line", "offset"])
def _(d):
    b64 = base64.b64encode(txt()).decode()
    page = f'<html><body><h1>Educator search</h1>\n<script>\nvar record = "{b64}";\n</script>\n</body></html>\n'
    with open(os.path.join(d, "script.html"), "w") as f:
        f.write(page)


@case("gzipped.html", "txt", "gzipped.html", ["html", "base64", "gzip"], ["line", "offset"])
def _(d):
    b64 = base64.b64encode(gzip.compress(txt())).decode()
    with open(os.path.join(d, "gzipped.html"), "w") as f:
        f.write(f'<html><body>\n<script>var blob = "{b64}";</script>\n</body></html>\n')


def viewstate_payload(lines):
    """An ObjectStateFormatter stream: the \\xff\\x01 preamble, then string tokens
    (0x05, 7-bit encoded length, UTF-8 bytes) as ASP.NET writes them."""
    out = bytearray(b"\xff\x01\x0f\x0f")
    for line in lines:
        data = line.encode()
        out.append(0x05)
        n = len(data)
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
        out += data
    return bytes(out)


@case("viewstate.html", "txt", "viewstate.html", ["html", "viewstate"], ["line"])
def _(d):
    lines = [l for l in txt().decode().splitlines() if l.strip()]
    vs = base64.b64encode(viewstate_payload(lines)).decode()
    page = ('<html><body><form method="post" action="./Search.aspx">\n'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{vs}" />\n'
            '</form></body></html>\n')
    with open(os.path.join(d, "viewstate.html"), "w") as f:
        f.write(page)


@case("hex.txt", "txt", "hex.txt", ["hex"], ["line"])
def _(d):
    with open(os.path.join(d, "hex.txt"), "w") as f:
        f.write("export payload follows\n" + txt().hex() + "\n")


@case("url.txt", "txt", "url.txt", ["url"], ["line"])
def _(d):
    with open(os.path.join(d, "url.txt"), "w") as f:
        f.write("GET /search?q=" + urllib.parse.quote(txt().decode(), safe="") + " HTTP/1.1\n")


@case("utf16.txt", "txt", "utf16.txt", ["utf16"], ["line"])
def _(d):
    with open(os.path.join(d, "utf16.txt"), "wb") as f:
        f.write(b"\xff\xfe" + txt().decode().encode("utf-16-le"))


@case("staff.db", "csv", "staff.db", ["sqlite"], ["sheet", "row", "column"])
def _(d):
    import csv
    db = sqlite3.connect(os.path.join(d, "staff.db"))
    rows = list(csv.reader(io.StringIO(read("canonical.csv").decode())))
    db.execute("CREATE TABLE staff (" + ", ".join(f'"{c}" TEXT' for c in rows[0]) + ")")
    db.executemany("INSERT INTO staff VALUES (" + ", ".join("?" * len(rows[0])) + ")", rows[1:])
    db.commit()
    db.close()


@case("site.har", "txt", "site.har!https://example.org/staff?id=1", ["har", "html"], ["line"])
def _(d):
    body = "<html><body>\n" + "".join(f"<p>{l}</p>\n" for l in txt().decode().splitlines()) + "</body></html>\n"
    har = {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120.0"}, "entries": [{
        "startedDateTime": "2023-02-06T09:15:00.000-06:00", "time": 12,
        "request": {"method": "GET", "url": "https://example.org/staff?id=1", "httpVersion": "HTTP/1.1",
                    "headers": [], "queryString": [{"name": "id", "value": "1"}], "cookies": [],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                     "content": {"size": len(body), "mimeType": "text/html; charset=utf-8", "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2}}]}}
    with open(os.path.join(d, "site.har"), "w") as f:
        json.dump(har, f)


# ---------------------------------------------------------------- the check
def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def top_level(path):
    return path.split("!", 1)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    cases = [c for c in CASES if not args.only or c["name"] in args.only]
    shutil.rmtree(args.work, ignore_errors=True)
    scan_dir = os.path.join(args.work, "in")
    os.makedirs(scan_dir)
    shutil.copy(os.path.join(FIXTURES, "canonical.txt"), os.path.join(scan_dir, "plain.txt"))
    shutil.copy(os.path.join(FIXTURES, "canonical.csv"), os.path.join(scan_dir, "plain.csv"))
    for c in cases:
        c["build"](scan_dir)
    out = os.path.join(args.work, "out")
    r = subprocess.run([args.breachscope, "scan", scan_dir, "--out", out, "--key-file", KEY, "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"scan failed with {r.returncode}: {r.stderr}")
        return 1
    findings = load_jsonl(os.path.join(out, "findings.jsonl"))
    errors = load_jsonl(os.path.join(out, "errors.jsonl"))
    by_file = {}
    for f in findings:
        by_file.setdefault(top_level(f["path"]), []).append(f)
    reference = {src: {(f["type"], f["hash"]) for f in by_file.get(f"plain.{src}", [])} for src in ("txt", "csv")}
    for src, ref in reference.items():
        if len(ref) < 10:
            print(f"the plain {src} document gave only {len(ref)} distinct findings: the reference is broken")
            return 1
    failed = 0
    for c in cases:
        got = by_file.get(c["name"], [])
        problems = []
        ref = reference[c["source"]]
        if c["headers"]:
            # Mail: the document's findings are those that are not header addresses and
            # names; the header ones must be only emails and names.
            header = [f for f in got if (f["type"], f["hash"]) not in ref or f["path"] != c["path"]]
            got = [f for f in got if f not in header]
            stray = sorted({f["type"] for f in header} - {"email", "name"})
            if stray:
                problems.append(f"unexpected finding types outside the document: {stray}")
        pairs = {(f["type"], f["hash"]) for f in got}
        if pairs != ref:
            missing = sorted(t for t, _ in ref - pairs)
            extra = sorted(t for t, _ in pairs - ref)
            problems.append(f"fingerprints differ: missing {missing}, extra {extra}")
        for f in got:
            if f["path"] != c["path"]:
                problems.append(f"path {f['path']!r}, expected {c['path']!r}")
                break
        for f in got:
            if f["decoders"] != c["decoders"]:
                problems.append(f"decoders {f['decoders']}, expected {c['decoders']}")
                break
        for f in got:
            if any(k not in f["location"] for k in c["location"]):
                problems.append(f"location {f['location']} lacks one of {c['location']}")
                break
        errs = [e for e in errors if top_level(e["path"]) == c["name"]]
        if errs:
            problems.append(f"errors.jsonl: {errs}")
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {c['name']:<16} {len(got):>3} findings {c['decoders']}")
        for p in problems:
            print(f"       {p}")
        failed += bool(problems)
    print(f"{len(cases) - failed}/{len(cases)} wrappings give the canonical fingerprints")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
