#!/usr/bin/env python3
"""Hostile input: every case ends as an errors.jsonl line within its budget, memory
stays bounded, and the rest of the scan completes.

One scan runs over a folder of hostile files plus a control file holding a known SSN;
the control's finding must be there, each hostile file must give the errors.jsonl
reason it names (or, for inputs that are merely awkward, be read without error), and
the scan's peak RSS must stay under the budget. Files are made at test time.

Usage: malicious.py --breachscope BIN --work DIR [--big]
  --big: the sizes the issue names (2 GB sparse file, 500 MB line); the default
         sizes are smaller so the suite stays quick in a Debug build under CI.
"""
import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = os.path.join(HERE, "contract_example", "key")
CONTROL_SSN_MASK = "***-**-7781"
CONTROL = b"Employee: Jane Public\nSSN: 412-63-7781\n"

# Budgets given on the command line, so the bombs stop early and the test stays fast.
FLAGS = ["--max-ratio", "100", "--max-expanded", str(256 << 20), "--member-timeout", "3", "--max-members", "5000"]
RSS_LIMIT_MB = 512


def zeros_zip(path_or_buf, name, size):
    """A zip whose one member is `size` zero bytes (deflate: about 1000:1)."""
    with zipfile.ZipFile(path_or_buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(name, "w", force_zip64=size > (1 << 31)) as w:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                w.write(chunk)


def make_files(d, big):
    cases = {}  # file name -> (expected reasons in errors.jsonl for that file, or None for "read, no error")

    with open(os.path.join(d, "control.txt"), "wb") as f:
        f.write(CONTROL)

    # 42.zip-style: zips of zips of zeros; the expansion ratio budget stops it.
    inner = io.BytesIO()
    zeros_zip(inner, "zeros.bin", 64 << 20)
    with zipfile.ZipFile(os.path.join(d, "bomb.zip"), "w", zipfile.ZIP_STORED) as z:
        for i in range(16):
            z.writestr(f"layer{i}.zip", inner.getvalue())
    cases["bomb.zip"] = {"limit"}

    # Deep nesting: 20 zips inside each other around a CSV; the depth limit (16) stops it.
    payload = CONTROL
    name = "deep.txt"
    for level in range(20):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, payload)
        payload, name = buf.getvalue(), f"level{19 - level}.zip"
    with open(os.path.join(d, "deep.zip"), "wb") as f:
        f.write(payload)
    cases["deep.zip"] = {"limit"}

    # Encrypted member (zip -P, a real tool) next to a readable one.
    stage = os.path.join(d, "stage")
    os.makedirs(stage)
    with open(os.path.join(stage, "secret.txt"), "wb") as f:
        f.write(CONTROL)
    subprocess.run(["zip", "-q", "-P", "hunter2", "../encrypted.zip", "secret.txt"], cwd=stage, check=True)
    shutil.rmtree(stage)
    cases["encrypted.zip"] = {"encrypted"}

    # Truncated archive: the first member is whole, the rest cut off.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("first.txt", CONTROL)
        z.writestr("second.txt", os.urandom(200_000))
    data = buf.getvalue()
    with open(os.path.join(d, "truncated.zip"), "wb") as f:
        f.write(data[: len(data) // 2])
    cases["truncated.zip"] = {"corrupt"}

    # A file that lies about its type: a .zip that is text.
    with open(os.path.join(d, "liar.zip"), "wb") as f:
        f.write(b"this is not a zip at all\n" + CONTROL)
    cases["liar.zip"] = None

    # Sparse file of zeros (holes): read without error, quickly.
    with open(os.path.join(d, "sparse.bin"), "wb") as f:
        f.truncate((2 << 30) if big else (256 << 20))
    cases["sparse.bin"] = None

    # One giant line without a line break, with an SSN at its very end.
    line_mb = 500 if big else 48
    with open(os.path.join(d, "oneline.txt"), "wb") as f:
        chunk = b"x" * (1 << 20)
        for _ in range(line_mb):
            f.write(chunk)
        f.write(b" SSN: 529-18-3306\n")
    cases["oneline.txt"] = None

    # Invalid UTF-8 and UTF-16 (odd length, lone surrogates) around a valid line.
    with open(os.path.join(d, "bad-utf8.txt"), "wb") as f:
        f.write(b"caf\xc3 \xff\xfe\xed\xa0\x80 broken\n" + CONTROL + b"\xc0\xaf\xe2\x82\n")
    with open(os.path.join(d, "bad-utf16.txt"), "wb") as f:
        f.write(b"\xff\xfe" + "SSN: 412-63-7781\n".encode("utf-16-le") + b"\x00\xd8\x41\x00\x00\xdc" + b"\x41")
    cases["bad-utf8.txt"] = None
    cases["bad-utf16.txt"] = None

    # A PDF that keeps pdftotext busy: one page whose content stream inflates to
    # millions of text operators. The per-member time budget stops it.
    ops = b"BT /F1 1 Tf 1 0 0 1 10 10 Tm (x) Tj ET\n" * (6_000_000 if big else 3_000_000)
    stream = zlib.compress(ops, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(os.path.join(d, "spin.pdf"), "wb") as f:
        f.write(out)
    cases["spin.pdf"] = {"limit"}

    # A PDF with a broken xref table and a truncated tail: read what can be read.
    with open(os.path.join(d, "broken.pdf"), "wb") as f:
        f.write(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 9\ngarbage\n")
    cases["broken.pdf"] = {"corrupt"}
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--big", action="store_true")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    d = os.path.join(args.work, "in")
    os.makedirs(d)
    cases = make_files(d, args.big)
    out = os.path.join(args.work, "out")
    t0 = time.time()
    r = subprocess.run([args.breachscope, "scan", d, "--out", out, "--key-file", KEY, "--quiet", *FLAGS],
                       capture_output=True, text=True)
    seconds = time.time() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    failures = []
    if r.returncode != 0:
        failures.append(f"scan exited {r.returncode}: {r.stderr.strip()}")
    else:
        findings = [json.loads(l) for l in open(os.path.join(out, "findings.jsonl"))]
        errors = [json.loads(l) for l in open(os.path.join(out, "errors.jsonl"))]
        if not any(f["path"] == "control.txt" and f["type"] == "ssn" for f in findings):
            failures.append("the control file's SSN was not found: the scan did not complete its work")
        for name, expected in cases.items():
            reasons = {e["reason"] for e in errors if e["path"].split("!", 1)[0] == name}
            if expected is None and reasons:
                failures.append(f"{name}: unexpected errors {sorted(reasons)}")
            if expected is not None and not expected <= reasons:
                failures.append(f"{name}: expected errors.jsonl reasons {sorted(expected)}, got {sorted(reasons)}")
            print(f"{name:<14} reasons {sorted(reasons)}")
        if not any(f["path"] == "oneline.txt" and f["type"] == "ssn" for f in findings):
            failures.append("oneline.txt: the SSN at the end of the giant line was not found")
        if not any(f["path"].startswith("truncated.zip!first.txt") for f in findings):
            failures.append("truncated.zip: the whole first member was not scanned")
        if not any(f["path"] == "liar.zip" and f["type"] == "ssn" for f in findings):
            failures.append("liar.zip: a text file named .zip was not read as text")
        if not any(f["path"] in ("bad-utf8.txt",) and f["type"] == "ssn" for f in findings):
            failures.append("bad-utf8.txt: the valid line between invalid bytes was not read")
        plaintext = [n for n in ("412-63-7781", "529-18-3306", "412637781")
                     for p in os.listdir(out) if os.path.isfile(os.path.join(out, p)) and p != "case.db"
                     and n.encode() in open(os.path.join(out, p), "rb").read()]
        if plaintext:
            failures.append(f"plaintext identifiers in the outputs: {plaintext}")
    if rss_mb > RSS_LIMIT_MB:
        failures.append(f"peak RSS {rss_mb:.0f} MB is over {RSS_LIMIT_MB} MB")
    print(f"scan took {seconds:.1f} s, peak RSS {rss_mb:.0f} MB")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
