#!/usr/bin/env python3
"""Container benchmark corpus: the same PII-dense text wrapped per format family.

    python3 bench/make_family_corpus.py --out DIR [--mb N] [--seed S]

Generates N MB of plain text with bench/reference/make_corpus.py (CSV exports, prose,
JSON logs), then writes one folder per family into DIR, each holding about N MB of
container bytes made from that text:
  archives/     zip and tar.gz bundles of the CSV, text and log files
  office/       xlsx (one sheet per CSV) and docx (one per prose file)
  pdf/          PDFs of the prose and CSV files (one page per 60 lines)
  mail/         mbox folders whose messages carry the CSVs as base64 attachments
  html_base64/  HTML pages with records base64-encoded in script variables
The writers are the synthetic corpus's (tests/corpus/containers.py). Deterministic for
the same --mb and --seed.
"""
import argparse
import base64
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "corpus"))
import containers  # noqa: E402

FAMILIES = ("archives", "office", "pdf", "mail", "html_base64")


def plain_corpus(mb, seed, tmp):
    out = os.path.join(tmp, "plain")
    subprocess.run([sys.executable, os.path.join(HERE, "reference", "make_corpus.py"), "--out", out, "--mb", str(mb),
                    "--seed", str(seed), "--manifest", os.path.join(tmp, "manifest.json")],
                   check=True, stdout=subprocess.DEVNULL)
    texts = []
    for name in sorted(os.listdir(out)):
        if name.rsplit(".", 1)[-1] in ("csv", "txt", "jsonl", "log"):
            with open(os.path.join(out, name), "rb") as f:
                texts.append((name, f.read()))
    return texts


def fill(family_dir, target, make):
    """Calls make(i) -> (name, bytes) until the folder holds `target` bytes."""
    os.makedirs(family_dir, exist_ok=True)
    total, i = 0, 0
    while total < target:
        name, data = make(i)
        with open(os.path.join(family_dir, name), "wb") as f:
            f.write(data)
        total += len(data)
        i += 1


def lines_of(data):
    return data.decode("utf-8", "replace").splitlines()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    target = args.mb * 1_000_000
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        # Compressed families need more text than their size; office/pdf/html roughly 1:1.
        texts = plain_corpus(args.mb * 4, args.seed, tmp)
    csvs = [(n, d) for n, d in texts if n.endswith(".csv")]
    prose = [(n, d) for n, d in texts if n.endswith(".txt")]
    logs = [(n, d) for n, d in texts if n.endswith((".jsonl", ".log"))]
    pick = lambda seq, i: seq[i % len(seq)]  # noqa: E731

    def archive(i):
        members = [pick(csvs, i), pick(prose, i), pick(logs, i)]
        if i % 2:
            return f"bundle{i:04d}.zip", containers.zip_bytes(members)
        return f"bundle{i:04d}.tar.gz", containers.tar_gz_bytes(members)
    fill(os.path.join(args.out, "archives"), target, archive)

    def office(i):
        if i % 2:
            name, data = pick(csvs, i)
            rows = list(csv.reader(io.StringIO(data.decode("utf-8", "replace"))))
            return f"sheet{i:04d}.xlsx", containers.xlsx_bytes(rows)
        name, data = pick(prose, i)
        return f"letter{i:04d}.docx", containers.docx_bytes(lines_of(data))
    fill(os.path.join(args.out, "office"), target, office)

    def pdf(i):
        name, data = pick(prose if i % 2 else csvs, i)
        lines = [l.encode("cp1252", "replace").decode("cp1252") for l in lines_of(data)]
        start = (i // 2 * 60) % max(1, len(lines) - 60)
        return f"doc{i:05d}.pdf", containers.pdf_bytes(lines[start:start + 60])
    fill(os.path.join(args.out, "pdf"), target, pdf)

    def mail(i):
        with tempfile.TemporaryDirectory() as tmp:
            msgs = []
            for k in range(8):
                name, data = pick(csvs, i * 8 + k)
                msgs.append(containers.email_message(
                    "hr@example.com", "records@example.com", f"Export {k}", "Mon, 06 Feb 2023 09:15:00 -0600",
                    "Attached is the export.\n", attachments=[(name, data, "text", "csv")]))
            return f"folder{i:04d}.mbox", containers.mbox_bytes(msgs, os.path.join(tmp, "box"))
    fill(os.path.join(args.out, "mail"), target, mail)

    def html(i):
        parts = ["<html><body><h1>Search results</h1>\n"]
        name, data = pick(logs, i)
        for k, line in enumerate(lines_of(data)[:400]):
            b64 = base64.b64encode(line.encode()).decode()
            parts.append(f'<div class="row" id="r{k}">Result {k}</div>\n<script>var rec{k} = "{b64}";</script>\n')
        parts.append("</body></html>\n")
        return f"page{i:04d}.html", "".join(parts).encode()
    fill(os.path.join(args.out, "html_base64"), target, html)
    for fam in FAMILIES:
        d = os.path.join(args.out, fam)
        size = sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))
        print(f"{fam:<12} {len(os.listdir(d)):>5} files {size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
