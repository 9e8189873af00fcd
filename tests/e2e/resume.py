#!/usr/bin/env python3
"""The case store: a scan killed at any moment (kill -9) and run again with the same
arguments ends with exactly the output of an uninterrupted scan; a re-scan skips
files the case already holds (same file, or the same content under another name);
a changed file is scanned again; `breachscope export` writes the same files from
the case store alone.

Usage: resume.py --breachscope BIN --work DIR
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KEY = os.path.join(HERE, "contract_example", "key")
OUTPUTS = ("findings.jsonl", "people.jsonl", "errors.jsonl", "summary.json")

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def scan(bs, inp, out, *extra):
    return subprocess.run([bs, "scan", inp, "--out", out, "--key-file", KEY, "--quiet", *extra],
                          capture_output=True, text=True)


def stats(out):
    return json.load(open(os.path.join(out, "scan_stats.json")))


def segment_bytes(case):
    d = os.path.join(case, "case.chunks")
    return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d)) if os.path.isdir(d) else 0


def same_outputs(a, b):
    return all(read(os.path.join(a, n)) == read(os.path.join(b, n)) for n in OUTPUTS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bs = args.breachscope
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    corpus = os.path.join(args.work, "corpus")
    subprocess.run([sys.executable, os.path.join(REPO, "tests", "corpus", "generate.py"), "--out", corpus,
                    "--seed", "7", "--people", "300", "--quiet"], check=True)
    inp = os.path.join(corpus, "input")
    # One large export, so that chunks big enough for the case's segment files
    # (DIR/case.chunks/) are stored, killed half-written, resumed, reused and compacted.
    parts = [read(os.path.join(d, n)) for d, _, fs in sorted(os.walk(inp)) for n in sorted(fs)
             if n.endswith((".csv", ".log"))]
    merged = os.path.join(inp, "zz-merged-export.log")
    with open(merged, "wb") as f:
        f.write(b"\n".join(parts))
    n_files = sum(len(fs) for _, _, fs in os.walk(inp))

    ref = os.path.join(args.work, "ref")
    t0 = time.time()
    r = scan(bs, inp, ref)
    full = time.time() - t0
    check(r.returncode == 0, f"uninterrupted scan completes ({full:.1f} s, {n_files} files)")
    if r.returncode:
        print(r.stderr)
        return 1
    check(segment_bytes(ref) > 0, f"large chunks are stored in segment files ({segment_bytes(ref)} bytes)")
    seg_dir = os.path.join(ref, "case.chunks")
    modes = {n: stat.S_IMODE(os.stat(os.path.join(seg_dir, n)).st_mode) for n in os.listdir(seg_dir)}
    check(stat.S_IMODE(os.stat(seg_dir).st_mode) == 0o700 and all(m == 0o600 for m in modes.values()),
          f"the segment folder is 0700 and its files 0600 ({ {n: oct(m) for n, m in modes.items()} })")

    # Killed at several moments, then resumed with the same arguments.
    resumed_some = False
    for i, frac in enumerate((0.15, 0.35, 0.55, 0.75, 0.95)):
        out = os.path.join(args.work, f"killed{i}")
        p = subprocess.Popen([bs, "scan", inp, "--out", out, "--key-file", KEY, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * frac)
        p.send_signal(signal.SIGKILL)
        p.wait()
        r = scan(bs, inp, out)
        check(r.returncode == 0, f"scan killed at {frac:.0%} of its time resumes and completes")
        check(same_outputs(out, ref), f"resumed scan (killed at {frac:.0%}) gives exactly the uninterrupted output")
        resumed_some |= stats(out)["files_reused"] > 0
    check(resumed_some, "at least one resumed scan reused files a killed run had completed")

    # A second scan of an unchanged case reads nothing again.
    r = scan(bs, inp, ref)
    check(r.returncode == 0 and stats(ref)["files_reused"] == n_files,
          f"re-scan reuses all {n_files} files (reused {stats(ref)['files_reused']})")
    first = os.path.join(args.work, "first")
    shutil.copytree(ref, first)
    check(same_outputs(ref, first), "re-scan output is unchanged")

    # A changed file is scanned again; a copy under a new name is known by its content.
    changed = None
    for dirpath, _, files in os.walk(inp):
        for name in sorted(files):
            if name.endswith(".txt"):
                changed = os.path.join(dirpath, name)
                break
        if changed:
            break
    with open(changed, "a") as f:
        f.write("\nEmployee SSN: 529-18-3306\n")
    some_csv = next(os.path.join(d, n) for d, _, fs in os.walk(inp) for n in sorted(fs) if n.endswith(".csv"))
    shutil.copy(some_csv, os.path.join(inp, "copy-of-export.csv"))
    r = scan(bs, inp, ref)
    st = stats(ref)
    check(r.returncode == 0 and st["files_reused"] == n_files,
          f"after one change and one copy: {n_files - 1} unchanged files and the copy reused (reused {st['files_reused']})")
    findings = [json.loads(l) for l in open(os.path.join(ref, "findings.jsonl"))]
    rel_changed = os.path.relpath(changed, inp)
    check(any(f["path"] == rel_changed and f["masked"] == "***-**-3306" for f in findings),
          "the changed file's new SSN is found")
    rel_csv = os.path.relpath(some_csv, inp)
    orig = sorted((f["type"], f["hash"]) for f in findings if f["path"] == rel_csv)
    copy = sorted((f["type"], f["hash"]) for f in findings if f["path"] == "copy-of-export.csv")
    check(orig and orig == copy, "the copy's findings are the original's, under the copy's path")

    # The same file replaced by an identical copy (new inode and mtime, same path) is
    # known by its content; its rows stay usable.
    before = read(os.path.join(ref, "findings.jsonl"))
    data = read(some_csv)
    os.remove(some_csv)
    with open(some_csv, "wb") as f:
        f.write(data)
    r = scan(bs, inp, ref)
    check(r.returncode == 0 and stats(ref)["files_reused"] == n_files + 1 and
          read(os.path.join(ref, "findings.jsonl")) == before,
          "a file rewritten with the same bytes is reused by content and the output is unchanged")

    # Other settings make other rows: nothing is reused.
    r = scan(bs, inp, ref, "--min-confidence", "0.9")
    check(r.returncode == 0 and stats(ref)["files_reused"] == 0,
          "a re-scan with another --min-confidence reuses nothing")
    r = scan(bs, inp, ref)
    check(r.returncode == 0 and read(os.path.join(ref, "findings.jsonl")) == before,
          "back to the first settings, the output is the first output again")

    # Rows made without a helper program (here pdftotext: the PDF gets an error line)
    # are not reused once the program is installed: the next scan reads the file again.
    pdf_in = os.path.join(args.work, "pdf-input")
    pdf_out = os.path.join(args.work, "pdf-case")
    os.makedirs(pdf_in)
    shutil.copy(os.path.join(REPO, "tests", "fixtures", "pdf", "mixed.pdf"), os.path.join(pdf_in, "letter.pdf"))
    no_tools = dict(os.environ, PATH=os.path.join(args.work, "empty-path"))
    r = subprocess.run([bs, "scan", pdf_in, "--out", pdf_out, "--key-file", KEY, "--quiet"],
                       capture_output=True, text=True, env=no_tools)
    errs = [json.loads(l) for l in open(os.path.join(pdf_out, "errors.jsonl"))] if r.returncode == 0 else []
    check(r.returncode == 0 and any(e["path"] == "letter.pdf" and "pdftotext" in e["detail"] for e in errs),
          "without pdftotext the PDF gets an error line that says so")
    r = scan(bs, pdf_in, pdf_out)
    errs = [json.loads(l) for l in open(os.path.join(pdf_out, "errors.jsonl"))]
    pdf_findings = [json.loads(l) for l in open(os.path.join(pdf_out, "findings.jsonl"))]
    check(r.returncode == 0 and stats(pdf_out)["files_reused"] == 0 and not errs and pdf_findings,
          f"with pdftotext back the PDF is read again, not reused ({len(pdf_findings)} findings, {len(errs)} errors)")

    # A large file whose size no other file has is not read a second time to be hashed:
    # its parallel chunks hash their own pieces (--chunk-size makes them small here). The
    # key it stores is the documented one, and it finds the file's copies and rewrites
    # by content, which are hashed in a pass of their own.
    big_in = os.path.join(args.work, "big-input")
    big_case = os.path.join(args.work, "big-case")
    os.makedirs(big_in)
    big = os.path.join(big_in, "big.log")
    shutil.copy(merged, big)
    shutil.copy(some_csv, os.path.join(big_in, "small.csv"))
    bom16 = os.path.join(big_in, "letter-utf16.txt")  # read whole, hashed as read, BOM included
    with open(bom16, "wb") as f:
        f.write(b"\xff\xfe" + "Dear Ms. Rivera,\nyour member ID W123456789 and SSN 529-18-3306.\n".encode("utf-16-le"))
    chunk = 4096
    r = scan(bs, big_in, big_case, "--chunk-size", str(chunk))
    data = read(big)
    pieces = b"".join(hashlib.sha256(data[i:i + chunk]).digest() for i in range(0, len(data), chunk))
    want_key = hashlib.sha256(f"breachscope-content-2|{len(data)}|{chunk}|".encode() + pieces).hexdigest()
    stored_key = subprocess.run(["sqlite3", os.path.join(big_case, "case.db"),
                                 "SELECT content_hash FROM scanned_files WHERE path = 'big.log'"],
                                capture_output=True, text=True).stdout.strip()
    check(r.returncode == 0 and len(data) > 2 * chunk and stored_key == want_key,
          f"a file read in parallel chunks stores its content key, hashed piece by piece ({stored_key[:12]}...)")
    shutil.copy(big, os.path.join(big_in, "big-copy.log"))
    shutil.copy(bom16, os.path.join(big_in, "letter-utf16-copy.txt"))
    os.remove(big)
    with open(big, "wb") as f:
        f.write(data)
    r = scan(bs, big_in, big_case, "--chunk-size", str(chunk))
    big_findings = [json.loads(l) for l in open(os.path.join(big_case, "findings.jsonl"))]
    same = (sorted((f["type"], f["hash"]) for f in big_findings if f["path"] == "big.log") ==
            sorted((f["type"], f["hash"]) for f in big_findings if f["path"] == "big-copy.log"))
    same16 = (sorted((f["type"], f["hash"]) for f in big_findings if f["path"] == "letter-utf16.txt") ==
              sorted((f["type"], f["hash"]) for f in big_findings if f["path"] == "letter-utf16-copy.txt"))
    check(r.returncode == 0 and stats(big_case)["files_reused"] == 5 and same and same16,
          f"its copy and its rewrite, and a copy of a UTF-16 file hashed as it was read whole, are reused by content "
          f"(reused {stats(big_case)['files_reused']} of 5), with the same findings")

    # Exports from the case store alone.
    exp = os.path.join(args.work, "export")
    r = subprocess.run([bs, "export", "all", "--case", ref, "--out", exp], capture_output=True, text=True)
    check(r.returncode == 0 and same_outputs(exp, ref), "export all writes the scan's output files again")
    r = subprocess.run([bs, "export", "findings", "--case", ref], capture_output=True)
    check(r.returncode == 0 and r.stdout == read(os.path.join(ref, "findings.jsonl")),
          "export findings prints findings.jsonl")
    r = subprocess.run([bs, "export", "people", "--case", os.path.join(args.work, "nowhere")], capture_output=True)
    check(r.returncode == 2, "export from a folder without a case is a usage error")

    # compact: files deleted from disk since are forgotten; the last scan's output and
    # its reuse stay exactly as they were.
    def case_files(case):
        return int(subprocess.run(["sqlite3", os.path.join(case, "case.db"), "SELECT count(*) FROM scanned_files"],
                                  capture_output=True, text=True, check=True).stdout)
    gone = sorted(os.path.join(d, n) for d, _, fs in os.walk(inp) for n in fs)[:5] + [merged]
    for g in gone:
        os.remove(g)
    r = scan(bs, inp, ref)
    kept_output = {n: read(os.path.join(ref, n)) for n in OUTPUTS}
    before_files, before_segments = case_files(ref), segment_bytes(ref)
    r = subprocess.run([bs, "compact", "--case", ref], capture_output=True, text=True)
    after_files, after_segments = case_files(ref), segment_bytes(ref)
    check(r.returncode == 0 and after_files <= before_files - len(gone),
          f"compact forgets the {len(gone)} deleted files ({before_files} -> {after_files} files; {r.stderr.strip()})")
    check(after_segments < before_segments,
          f"compact gives back the segment space of the deleted large file ({before_segments} -> {after_segments} bytes)")
    exp2 = os.path.join(args.work, "export-after-compact")
    r = subprocess.run([bs, "export", "all", "--case", ref, "--out", exp2], capture_output=True, text=True)
    check(r.returncode == 0 and all(read(os.path.join(exp2, n)) == kept_output[n] for n in OUTPUTS),
          "after compact, export all writes the last scan's output unchanged")
    r = scan(bs, inp, ref)
    check(r.returncode == 0 and stats(ref)["files_reused"] == n_files + 1 - len(gone) and
          all(read(os.path.join(ref, n)) == kept_output[n] for n in OUTPUTS),
          "after compact, a re-scan reuses every remaining file and gives the same output")
    never = os.path.join(args.work, "never-completed")
    p = subprocess.Popen([bs, "scan", inp, "--out", never, "--key-file", KEY, "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(full * 0.3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if os.path.exists(os.path.join(never, "case.db")):
        r = subprocess.run([bs, "compact", "--case", never], capture_output=True, text=True)
        check(r.returncode == 2, "compact refuses a case whose first scan never completed (its resume needs the rows)")
    r = subprocess.run([bs, "compact", "--case", os.path.join(args.work, "nowhere")], capture_output=True)
    check(r.returncode == 2, "compact of a folder without a case is a usage error")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
