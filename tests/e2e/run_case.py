#!/usr/bin/env python3
"""Golden end-to-end case: scan tests/e2e/<case>/input with <case>/key and compare
with <case>/expected as the contract example's README describes: every finding's
path, type and hash (as a multiset), the encodings in decoders, which findings share
a person, each person's fields, and the summary's counts. Ignored: record/person ids,
line order, location, confidence, masks of contact types, a plain file's own format
in decoders."""
import argparse, collections, json, os, shutil, subprocess, sys

ENCODINGS = {"base64", "hex", "url", "entity", "jsescape", "qp", "utf16", "viewstate"}
CONTACT = {"name", "email", "phone", "dob", "address"}


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def finding_key(f):
    # Containers/encodings matter; the plain file's own format ([] vs ["csv"]) does not.
    decs = list(f["decoders"])
    if decs and decs[0] in ("csv", "json", "html", "xml") and not any(d in ENCODINGS for d in decs):
        decs = []
    masked = None if f["type"] in CONTACT else f["masked"]
    return (f["path"], f["type"], f["hash"], tuple(decs), masked)


def person_groups(findings):
    groups = collections.defaultdict(set)
    for f in findings:
        groups[f["person"]].add((f["path"], f["type"], f["hash"]))
    return sorted(tuple(sorted(g)) for g in groups.values())


# The contract's Person fields; breachscope may add others (the contract allows
# extensions), which the golden comparison ignores.
PERSON_FIELDS = ("first_name", "last_name", "dob", "address", "email", "phone", "identifiers", "exposed", "sources")


def person_key(p):
    missing = [k for k in PERSON_FIELDS if k not in p]
    q = {k: p.get(k) for k in PERSON_FIELDS}
    if missing:
        q["missing"] = missing
    return json.dumps(q, sort_keys=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    out = os.path.join(a.work, "out")
    r = subprocess.run([a.breachscope, "scan", os.path.join(a.case, "input"), "--out", out,
                        "--key-file", os.path.join(a.case, "key"), "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        print("scan failed", r.returncode, r.stderr)
        return 1
    exp = os.path.join(a.case, "expected")
    problems = []
    got_f, exp_f = load_jsonl(os.path.join(out, "findings.jsonl")), load_jsonl(os.path.join(exp, "findings.jsonl"))
    gc = collections.Counter(map(finding_key, got_f))
    ec = collections.Counter(map(finding_key, exp_f))
    for k in ec - gc:
        problems.append(f"missing finding {k}")
    for k in gc - ec:
        problems.append(f"unexpected finding {k}")
    if person_groups(got_f) != person_groups(exp_f):
        problems.append("findings are grouped into people differently")
    gp = sorted(map(person_key, load_jsonl(os.path.join(out, "people.jsonl"))))
    ep = sorted(map(person_key, load_jsonl(os.path.join(exp, "people.jsonl"))))
    if gp != ep:
        problems.append("people differ:\n  got      " + "\n  got      ".join(gp) + "\n  expected " + "\n  expected ".join(ep))
    gs = json.load(open(os.path.join(out, "summary.json")))
    es = json.load(open(os.path.join(exp, "summary.json")))
    for k, v in es.items():
        if gs.get(k) != v:
            problems.append(f"summary {k}: got {gs.get(k)} expected {v}")
    ge = [(e["path"], e["reason"]) for e in load_jsonl(os.path.join(out, "errors.jsonl"))]
    ee = [(e["path"], e["reason"]) for e in load_jsonl(os.path.join(exp, "errors.jsonl"))]
    if sorted(ge) != sorted(ee):
        problems.append(f"errors differ: got {ge} expected {ee}")
    for p in problems:
        print("FAIL:", p)
    print(f"{os.path.basename(a.case)}: {len(got_f)} findings, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
