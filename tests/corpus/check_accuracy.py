#!/usr/bin/env python3
"""Accuracy check: generate the synthetic corpus, scan it, score it, assert floors.

    python3 tests/corpus/check_accuracy.py --breachscope BIN --work DIR [--seed N]
        [--people 400] [--no-quiet] [--timeout 800]

Steps (exit 0 only if every check passes, 1 otherwise; the table is printed either way):
  1. generate.py writes DIR/input, DIR/truth.jsonl, DIR/key, ... (DIR/out is removed so
     the scan starts a fresh case rather than resuming an old one);
  2. runs  BIN scan DIR/input --out DIR/out --key-file DIR/key --quiet  and requires
     exit status 0 and the contract's files (findings.jsonl, people.jsonl, errors.jsonl,
     summary.json);
  3. evaluate.py matches findings to truth by (path, type, hash) multisets and the floors
     are asserted: precision and recall >= 0.98 for ssn, credit_card, email, phone, mbi and
     >= 0.95 for every other contract type (a type with no truth and no findings passes);
     findings.jsonl must parse, and diagnosis findings must carry code_system "icd10";
  4. no plaintext leaks: no file under DIR/out may contain any protected identifier
     (protected_values.txt, every written form), and contact values (names, e-mails,
     phones, streets; contact_values.txt) may appear only in people.jsonl and in the case
     database (case.db and its SQLite side files), which people.jsonl is exported from.
     Matching is by whole-token sequence, case-insensitive, ignoring punctuation between
     tokens, so a value is found however it is punctuated but never inside a hash;
  5. every regular file under DIR/out has mode 0600.
"""

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import evaluate as evaluate_mod  # noqa: E402
import generate as generate_mod  # noqa: E402

STRICT_TYPES = ("ssn", "credit_card", "email", "phone", "mbi")
STRICT_FLOOR = 0.98
DEFAULT_FLOOR = 0.95
REQUIRED_FILES = ("findings.jsonl", "people.jsonl", "errors.jsonl", "summary.json")
TOKEN = re.compile(r"\w+")


def tokens_of(text):
    return TOKEN.findall(text.lower())


class SequenceIndex:
    """Finds values (as token sequences) inside a token stream."""

    def __init__(self, values):
        self.by_first = {}
        for v in values:
            toks = tuple(tokens_of(v))
            if not toks:
                continue
            self.by_first.setdefault(toks[0], {})[toks] = v

    def find(self, toks, limit=5):
        hits = []
        for i, t in enumerate(toks):
            cands = self.by_first.get(t)
            if not cands:
                continue
            for seq, v in cands.items():
                if tuple(toks[i:i + len(seq)]) == seq:
                    hits.append(v)
                    if len(hits) >= limit:
                        return hits
        return hits


def read_values(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def check_leaks(out_dir, corpus_dir):
    """Returns a list of problem strings."""
    problems = []
    protected = SequenceIndex(read_values(os.path.join(corpus_dir, "protected_values.txt")))
    contact = SequenceIndex(read_values(os.path.join(corpus_dir, "contact_values.txt")))
    for root, _, files in os.walk(out_dir):
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, out_dir)
            if not os.path.isfile(full):
                continue
            with open(full, "rb") as f:
                data = f.read()
            texts = [data.decode("utf-8", errors="replace")]
            if b"\x00" in data:  # binary (e.g. SQLite): also look at UTF-16 text runs
                texts.append(data.decode("utf-16-le", errors="replace"))
                texts.append(data[1:].decode("utf-16-le", errors="replace"))
            for text in texts:
                toks = tokens_of(text)
                hits = protected.find(toks)
                if hits:
                    problems.append(f"{rel}: contains protected plaintext "
                                    f"({len(hits)}+ hits, e.g. {hits[0]!r})")
                    break
            contact_ok = name == "people.jsonl" or name.startswith("case.db")
            if not contact_ok:
                for text in texts:
                    hits = contact.find(tokens_of(text))
                    if hits:
                        problems.append(f"{rel}: contains contact plaintext outside people.jsonl "
                                        f"({len(hits)}+ hits, e.g. {hits[0]!r})")
                        break
    return problems


def check_modes(out_dir):
    problems = []
    for root, _, files in os.walk(out_dir):
        for name in sorted(files):
            full = os.path.join(root, name)
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) != 0o600:
                problems.append(f"{os.path.relpath(full, out_dir)}: mode "
                                f"{stat.S_IMODE(st.st_mode):04o}, want 0600")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--breachscope", required=True, help="path to the breachscope binary")
    ap.add_argument("--work", required=True, help="work directory (corpus and scan output)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=400)
    ap.add_argument("--timeout", type=int, default=800, help="scan time limit, seconds")
    ap.add_argument("--no-quiet", action="store_true", help="do not pass --quiet to the scanner")
    ap.add_argument("--show", type=int, default=5, help="FP/FN examples per type")
    a = ap.parse_args(argv)

    work = os.path.abspath(a.work)
    out_dir = os.path.join(work, "out")
    failures = []

    generate_mod.generate(work, a.seed, a.people)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)

    cmd = [a.breachscope, "scan", os.path.join(work, "input"), "--out", out_dir,
           "--key-file", os.path.join(work, "key")]
    if not a.no_quiet:
        cmd.append("--quiet")
    print("running:", " ".join(cmd))
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=a.timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL: scan did not finish within {a.timeout}s")
        return 1
    except OSError as e:
        print(f"FAIL: cannot run {a.breachscope}: {e}")
        return 1
    print(f"scan finished in {time.monotonic() - t0:.1f}s with exit status {proc.returncode}")
    if proc.returncode != 0:
        failures.append(f"scan exit status {proc.returncode}, want 0")
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-15:]
        for line in tail:
            print("  stderr:", line)

    for f in REQUIRED_FILES:
        if not os.path.isfile(os.path.join(out_dir, f)):
            failures.append(f"missing {f} in the output folder")
    findings = os.path.join(out_dir, "findings.jsonl")
    if os.path.isfile(findings):
        res = evaluate_mod.evaluate(work, findings, show=a.show)
        for typ, s in res["types"].items():
            if not s["known"]:
                continue
            floor = STRICT_FLOOR if typ in STRICT_TYPES else DEFAULT_FLOOR
            if s["precision"] < floor:
                failures.append(f"{typ}: precision {s['precision']:.3f} < {floor} "
                                f"({s['fp']} FP of {s['found']} found)")
            if s["recall"] < floor:
                failures.append(f"{typ}: recall {s['recall']:.3f} < {floor} "
                                f"({s['fn']} FN of {s['truth']} planted)")
        if res["unparsable_lines"]:
            failures.append(f"findings.jsonl: {len(res['unparsable_lines'])} lines are not JSON objects")
        if res["malformed"]:
            failures.append(f"findings.jsonl: {res['malformed']} findings lack string path/type/hash")
        if res["bad_code_system"]:
            failures.append(f"{res['bad_code_system']} diagnosis findings lack \"code_system\": \"icd10\"")

    errors_path = os.path.join(out_dir, "errors.jsonl")
    if os.path.isfile(errors_path):
        with open(errors_path, encoding="utf-8", errors="replace") as f:
            errs = [line.strip() for line in f if line.strip()]
        if errs:
            # Every corpus file is readable, so unreadable files show up as lost recall.
            print(f"note: errors.jsonl has {len(errs)} entries, e.g. {errs[0][:200]}")

    if os.path.isdir(out_dir):
        failures += check_leaks(out_dir, work)
        failures += check_modes(out_dir)

    if failures:
        print(f"FAIL ({len(failures)} problems):")
        for f in failures:
            print("  -", f)
        return 1
    print("PASS: all floors met, no plaintext leaks, output modes 0600")
    return 0


if __name__ == "__main__":
    sys.exit(main())
