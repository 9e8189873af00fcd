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
     database (case.db, its SQLite side files and its chunk segments case.chunks/*.seg),
     which people.jsonl is exported from.
     Matching is by whole-token sequence, case-insensitive, ignoring punctuation between
     tokens, so a value is found however it is punctuated but never inside a hash;
  5. every regular file under DIR/out has mode 0600;
  6. people (people_metrics.py: findings joined to truth on (path, type, hash), each with
     its true and its predicted person): pairwise and B-cubed precision/recall, people
     found, over-merged, over-split, exposed-type exactness and summary.json's
     `individuals` against the truth count are at least the floors in PEOPLE_FLOORS (the
     issue's targets, which are printed beside them).
"""

import argparse
import collections
import json
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
import people_metrics as people_mod  # noqa: E402

# Person-level floors (people_metrics.py defines the metrics), over the whole corpus:
# the targets (people_metrics.ISSUE_TARGETS: person recall >= 0.99, no
# over-merge, over-split <= 2%, exposed-type sets exact for >= 97% of people,
# `individuals` within 0.5% of the truth), plus precision >= 0.99.
# Measured (400 people, after the household pass, e-mail names, the e-mail conflict of
# name-only joins, and payment/log rows that carry the payee's e-mail):
#   seed 1 (ctest): 613 true people, 613 predicted, pairwise/B3 P 1.000 R 1.000,
#                   over-merged 0, over-split 0.000, exposed exact 1.000, individuals 613
#   seed 2: over-split 0.003, exposed 0.997, individuals 609 for 607 (0.33%)
#   seed 3: over-split 0.011, exposed 0.989, individuals 618 for 611 (1.15%: NOT within
#           0.5%; docs/resolution.md "Accuracy" lists the seven split people and why)
#   seeds 4-8, 11, 12: over-merged 0, over-split <= 0.005, individuals within 0.49%;
#   seed 10: individuals 0.66% off (chance namesakes); seed 9: intake forms cut one
#   line off by records/ (see docs/resolution.md).
# over-merged is a hard floor: no two true people in one predicted person.
PEOPLE_FLOORS = {
    "people_found": (">=", 0.99),
    "pair_precision": (">=", 0.99),
    "pair_recall": (">=", 0.99),
    "b3_precision": (">=", 0.99),
    "b3_recall": (">=", 0.99),
    "over_merged": ("<=", 0),
    "over_split_frac": ("<=", 0.02),
    "exposed_exact_frac": (">=", 0.97),
    "individuals_rel_err": ("<=", 0.005),
}

# Recall and precision floors per container kind (the part of a kind before ':', see
# generate.CONTAINER_KINDS). Only kinds whose extractor was in place and measured are
# listed; a kind not listed is reported but not asserted. Measured at seed 1, 400 people
# (the ctest run): every kind had precision 1.000 and recall 1.000, except zip 0.998 and
# tar.bz2 0.997 (one Washington "WDL" licence the detector misses). Kinds with fewer than
# 50 planted values (a few letters each) get 0.85, which allows one miss.
_BIG = ("zip", "tar.gz", "tar.bz2", "gz", "tar.gz>zip", "eml", "mbox", "docx", "xlsx")
_SMALL = ("zip>docx", "eml-body", "mbox-body", "html-base64", "html-gzip-base64", "url", "hex",
          "sqlite", "pdf")
CONTAINER_RECALL_FLOORS = dict([(k, 0.95) for k in _BIG] + [(k, 0.85) for k in _SMALL])
CONTAINER_PRECISION_FLOORS = dict(CONTAINER_RECALL_FLOORS)

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
            contact_ok = (name == "people.jsonl" or name.startswith("case.db") or
                          (os.path.dirname(rel) == "case.chunks" and name.endswith(".seg")))
            if not contact_ok:
                for text in texts:
                    hits = contact.find(tokens_of(text))
                    if hits:
                        problems.append(f"{rel}: contains contact plaintext outside people.jsonl "
                                        f"({len(hits)}+ hits, e.g. {hits[0]!r})")
                        break
    return problems


load_jsonl = people_mod.load_jsonl


def file_kind(manifest, path):
    """Kind of the on-disk file a (member) path lies in, or None."""
    return manifest["files"].get(path.split("!", 1)[0])


def is_plain_path(manifest, path):
    k = file_kind(manifest, path)
    return k is None or k not in generate_mod.CONTAINER_KINDS


def split_plain(work, findings_path, manifest):
    """Writes the plain documents' truth, traps and findings to WORK/eval-plain/ (so the
    per-type floors keep measuring the plain formats) and returns that folder and the
    findings file in it."""
    d = os.path.join(work, "eval-plain")
    os.makedirs(d, exist_ok=True)
    for name in ("truth.jsonl", "traps.jsonl"):
        with open(os.path.join(work, name), encoding="utf-8") as src, \
                open(os.path.join(d, name), "w", encoding="utf-8") as dst:
            for line in src:
                if line.strip() and is_plain_path(manifest, json.loads(line)["path"]):
                    dst.write(line)
    out = os.path.join(d, "findings.jsonl")
    with open(findings_path, "rb") as src, open(out, "wb") as dst:
        for raw in src:
            try:
                obj = json.loads(raw)
                path = obj.get("path") if isinstance(obj, dict) else None
            except ValueError:
                path = None
            # unparsable lines stay with the plain set, so evaluate() still reports them
            if not isinstance(path, str) or is_plain_path(manifest, path):
                dst.write(raw)
    return d, out


def container_scores(work, findings_path, manifest):
    """Precision and recall per container (the kind before ':') and per full kind
    ("zip:csv"), matching (path, type, hash) multisets as evaluate.py does. A false
    positive counts against the kind of the document at its path, or against the
    container of the file it lies in (mail headers and bodies, wrapper text)."""
    truth = load_jsonl(os.path.join(work, "truth.jsonl"))
    findings = load_jsonl(findings_path)
    tcount, fcount = collections.Counter(), collections.Counter()
    path_kind = dict(manifest["members"])
    for t in truth:
        key = (t["path"], t["type"], t["hash"])
        tcount[key] += 1
        path_kind.setdefault(t["path"], t["kind"])
    for f in findings:
        if all(isinstance(f.get(k), str) for k in ("path", "type", "hash")):
            fcount[(f["path"], f["type"], f["hash"])] += 1

    def kind_of(path):
        k = path_kind.get(path)
        if k is None:
            fk = file_kind(manifest, path)
            k = fk if fk in generate_mod.CONTAINER_KINDS else None
        return k

    stats = collections.defaultdict(collections.Counter)
    for key in set(tcount) | set(fcount):
        k = kind_of(key[0])
        ck = k.split(":", 1)[0] if k else None
        if ck not in generate_mod.CONTAINER_KINDS:
            continue
        t, f = tcount.get(key, 0), fcount.get(key, 0)
        m = min(t, f)
        for name in {k, ck}:
            s = stats[name]
            s["truth"] += t
            s["found"] += f
            s["tp"] += m
            s["fp"] += f - m
            s["fn"] += t - m
    return stats


def print_container_scores(stats, out=sys.stdout):
    ratio = evaluate_mod.ratio
    containers = [k for k in generate_mod.CONTAINER_KINDS if k in stats]
    print(f"{'container / kind':<26}{'truth':>7}{'found':>7}{'TP':>7}{'FP':>6}{'FN':>6}"
          f"{'prec':>8}{'recall':>8}", file=out)
    for ck in containers:
        for k in [ck] + sorted(k for k in stats if k.startswith(ck + ":")):
            s = stats[k]
            label = k if k == ck else "  " + k
            print(f"{label:<26}{s['truth']:>7}{s['found']:>7}{s['tp']:>7}{s['fp']:>6}{s['fn']:>6}"
                  f"{ratio(s['tp'], s['found']):>8.3f}{ratio(s['tp'], s['truth']):>8.3f}", file=out)


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
    ap.add_argument("--show-containers", action="store_true",
                    help="also print the whole-corpus table with FP/FN examples from containers")
    ap.add_argument("--scan-only", action="store_true",
                    help="reuse the corpus already in --work (skip generation)")
    a = ap.parse_args(argv)

    work = os.path.abspath(a.work)
    out_dir = os.path.join(work, "out")
    failures = []

    t0 = time.monotonic()
    if not a.scan_only:
        generate_mod.generate(work, a.seed, a.people)
        print(f"corpus generated in {time.monotonic() - t0:.1f}s")
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
        with open(os.path.join(work, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        print("== plain documents (per-type floors) ==")
        plain_dir, plain_findings = split_plain(work, findings, manifest)
        res = evaluate_mod.evaluate(plain_dir, plain_findings, show=a.show)
        print("== documents in containers and encodings (per-kind floors) ==")
        cstats = container_scores(work, findings, manifest)
        print_container_scores(cstats)
        for ck in generate_mod.CONTAINER_KINDS:
            s = cstats.get(ck)
            if s is None or not s["truth"]:
                if ck in CONTAINER_RECALL_FLOORS:
                    failures.append(f"container {ck}: the corpus has no planted values in it")
                continue
            rec = evaluate_mod.ratio(s["tp"], s["truth"])
            prec = evaluate_mod.ratio(s["tp"], s["found"])
            if ck in CONTAINER_RECALL_FLOORS and rec < CONTAINER_RECALL_FLOORS[ck]:
                failures.append(f"container {ck}: recall {rec:.3f} < {CONTAINER_RECALL_FLOORS[ck]} "
                                f"({s['fn']} FN of {s['truth']} planted)")
            if ck in CONTAINER_PRECISION_FLOORS and prec < CONTAINER_PRECISION_FLOORS[ck]:
                failures.append(f"container {ck}: precision {prec:.3f} < {CONTAINER_PRECISION_FLOORS[ck]} "
                                f"({s['fp']} FP of {s['found']} found)")
        if a.show_containers:
            print("== whole corpus ==")
            evaluate_mod.evaluate(work, findings, show=a.show)
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
        print("== people (entity resolution; whole corpus) ==")
        people_mod.self_test()
        pm = people_mod.person_metrics(work, out_dir)
        people_mod.print_metrics(pm, floors=PEOPLE_FLOORS, show=a.show)
        for key, (op, floor) in PEOPLE_FLOORS.items():
            val = pm[key]
            ok = val >= floor if op == ">=" else val <= floor
            if not ok:
                failures.append(f"people: {key} {val:.4g} not {op} {floor}")
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
