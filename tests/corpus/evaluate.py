#!/usr/bin/env python3
"""Score breachscope findings against the synthetic corpus ground truth.

    python3 tests/corpus/evaluate.py --truth DIR --findings OUT/findings.jsonl [--show N]

Matching: findings and truth are multisets of (path, type, hash) -- one element per
occurrence, as the contract asks for one finding per occurrence. For each key,
TP = min(truth count, finding count); the rest are FN / FP. `location`, `confidence`,
`masked`, `decoders`, `record` and `person` are not compared (person linking is a
separate concern). For diagnosis TPs, the contract's `code_system` key is checked too.

The first few FP and FN are listed with the synthetic plaintext value taken from the
truth (or, for an FP, from traps.jsonl / another file's truth when the hash is known)
so that a developer can debug. That listing goes to the terminal only.

Python 3 standard library only. `evaluate()` returns a dict for check_accuracy.py.
"""

import argparse
import collections
import json
import os
import sys

ALL_TYPES = ("ssn", "dob", "email", "phone", "credit_card", "bank_account",
             "drivers_license", "passport", "mbi", "health_id", "diagnosis",
             "student_id", "name", "address")


def load_jsonl(path):
    out, bad = [], []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                continue
            try:
                obj = json.loads(line.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                out.append(obj)
            except (ValueError, UnicodeDecodeError) as e:
                bad.append((n, str(e)))
    return out, bad


def ratio(num, den):
    return num / den if den else 1.0


def evaluate(truth_dir, findings_path, show=8, out=sys.stdout):
    truth, _ = load_jsonl(os.path.join(truth_dir, "truth.jsonl"))
    traps = []
    tp_path = os.path.join(truth_dir, "traps.jsonl")
    if os.path.exists(tp_path):
        traps, _ = load_jsonl(tp_path)
    findings, bad_lines = load_jsonl(findings_path)

    malformed = []
    fkeys = []
    for i, f in enumerate(findings):
        if not all(isinstance(f.get(k), str) for k in ("path", "type", "hash")):
            malformed.append(f)
            continue
        fkeys.append((f["path"], f["type"], f["hash"]))
    tkeys = [(t["path"], t["type"], t["hash"]) for t in truth]
    tcount = collections.Counter(tkeys)
    fcount = collections.Counter(fkeys)

    # value lookup for messages: exact key first, then any truth/trap with the same hash
    by_key = {}
    for t in truth:
        by_key.setdefault((t["path"], t["type"], t["hash"]), t)
    by_hash = {}
    for t in truth:
        by_hash.setdefault((t["type"], t["hash"]), ("truth elsewhere: " + t["path"], t["canonical"]))
    for t in traps:
        by_hash.setdefault((t["could_be"], t["hash"]), ("trap: " + t.get("note", ""), t["written"]))

    stats = {}
    fp_list, fn_list = [], []
    types = list(ALL_TYPES) + sorted({k[1] for k in fkeys} - set(ALL_TYPES))
    for typ in types:
        stats[typ] = {"truth": 0, "found": 0, "tp": 0, "fp": 0, "fn": 0}
    for key in set(tcount) | set(fcount):
        typ = key[1]
        t, f = tcount.get(key, 0), fcount.get(key, 0)
        s = stats[typ]
        m = min(t, f)
        s["truth"] += t
        s["found"] += f
        s["tp"] += m
        if f > m:
            s["fp"] += f - m
            fp_list.append((key, f - m))
        if t > m:
            s["fn"] += t - m
            fn_list.append((key, t - m))
    for typ, s in stats.items():
        s["precision"] = ratio(s["tp"], s["found"])
        s["recall"] = ratio(s["tp"], s["truth"])
        s["known"] = typ in ALL_TYPES

    # diagnosis code_system: the contract says a diagnosis finding carries it.
    dx_truth_keys = {k for k in tcount if k[1] == "diagnosis"}
    bad_code_system = [f for f in findings
                       if f.get("type") == "diagnosis"
                       and (f.get("path"), f.get("type"), f.get("hash")) in dx_truth_keys
                       and f.get("code_system") != "icd10"]

    fp_list.sort()
    fn_list.sort()
    result = {"types": stats, "fp": fp_list, "fn": fn_list,
              "findings": len(findings), "truth": len(truth),
              "unparsable_lines": bad_lines, "malformed": len(malformed),
              "bad_code_system": len(bad_code_system)}

    p = lambda *a: print(*a, file=out)
    p(f"{'type':<16}{'truth':>7}{'found':>7}{'TP':>7}{'FP':>6}{'FN':>6}{'prec':>8}{'recall':>8}")
    tot = collections.Counter()
    for typ in types:
        s = stats[typ]
        if not s["known"] and not s["found"]:
            continue
        tag = "" if s["known"] else "  (type not in contract)"
        p(f"{typ:<16}{s['truth']:>7}{s['found']:>7}{s['tp']:>7}{s['fp']:>6}{s['fn']:>6}"
          f"{s['precision']:>8.3f}{s['recall']:>8.3f}{tag}")
        for k in ("truth", "found", "tp", "fp", "fn"):
            tot[k] += s[k]
    p(f"{'all':<16}{tot['truth']:>7}{tot['found']:>7}{tot['tp']:>7}{tot['fp']:>6}{tot['fn']:>6}"
      f"{ratio(tot['tp'], tot['found']):>8.3f}{ratio(tot['tp'], tot['truth']):>8.3f}")
    if bad_lines:
        p(f"unparsable findings.jsonl lines: {len(bad_lines)} (first: line {bad_lines[0][0]}: {bad_lines[0][1]})")
    if malformed:
        p(f"findings without string path/type/hash: {len(malformed)}")
    if bad_code_system:
        p(f"diagnosis true positives without \"code_system\": \"icd10\": {len(bad_code_system)}")

    if show:
        def describe_fn(key):
            t = by_key[key]
            return f"{t['canonical']!r} written {t['written']!r} person {t['person']}"

        def describe_fp(key):
            if key in by_key:
                t = by_key[key]
                return f"{t['canonical']!r} (reported more often than it occurs in this file)"
            hit = by_hash.get((key[1], key[2]))
            return f"{hit[1]!r} ({hit[0]})" if hit else "value not in truth or traps"

        for label, lst, desc in (("false negatives", fn_list, describe_fn),
                                 ("false positives", fp_list, describe_fp)):
            if not lst:
                continue
            # show a few per type so one noisy type does not hide the others
            per_type = collections.defaultdict(list)
            for key, n in lst:
                per_type[key[1]].append((key, n))
            p(f"-- first {label} per type (synthetic values, for debugging) --")
            for typ in types:
                for key, n in per_type.get(typ, [])[:show]:
                    mult = f" x{n}" if n > 1 else ""
                    p(f"  {typ:<15} {key[0]}  {key[2][:16]}…  {desc(key)}{mult}")
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", required=True, help="corpus directory (holds truth.jsonl)")
    ap.add_argument("--findings", required=True, help="findings.jsonl written by the scanner")
    ap.add_argument("--show", type=int, default=5, help="FP/FN examples per type (0: none)")
    a = ap.parse_args(argv)
    evaluate(a.truth, a.findings, a.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
