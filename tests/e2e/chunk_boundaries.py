#!/usr/bin/env python3
"""A large file split into many small chunks (parallel chunks for UTF-8 text and CSV,
sequential chunks for UTF-16 and SQL) must give exactly the findings of an unsplit
scan: every match across a chunk boundary found once, none twice, same lines."""
import argparse, collections, json, os, random, shutil, subprocess, sys

FIRST = ["Dana", "Marcus", "Rosa", "Tomas", "Gloria", "Henry", "Maya", "Eli"]
LAST = ["Whitfield", "Oyelaran", "Delgado", "Nguyen", "Pham", "Osei", "Castillo", "Brennan"]


def ssn(rng):
    while True:
        a, g, s = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        if a != 666:
            return f"{a:03d}-{g:02d}-{s:04d}"


def make(root, rng):
    os.makedirs(root)
    lines = []
    for i in range(3000):
        # Varying filler so values land on every possible offset of a 4 KiB chunk.
        filler = "x" * rng.randint(0, 90)
        lines.append(f"{filler} {rng.choice(FIRST)} {rng.choice(LAST)} SSN {ssn(rng)} "
                     f"phone ({rng.randint(201, 989)}) {rng.randint(201, 989)}-{rng.randint(1000, 9999)} "
                     f"mail u{i}@example.org")
    open(os.path.join(root, "notes.txt"), "w").write("\n".join(lines) + "\n")
    rows = ["first_name,last_name,ssn,dob"]
    for i in range(3000):
        rows.append(f"{rng.choice(FIRST)},{rng.choice(LAST)},{ssn(rng).replace('-', '')},"
                    f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1940, 2010)}")
    open(os.path.join(root, "staff.csv"), "w").write("\n".join(rows) + "\n")
    text = "\n".join(lines[:800]) + "\n"
    open(os.path.join(root, "utf16.txt"), "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
    sql = ["CREATE TABLE t (", "  name text,", "  ssn text", ");", "INSERT INTO t (name, ssn) VALUES"]
    sql += [f"('{rng.choice(FIRST)} {rng.choice(LAST)}', '{ssn(rng).replace('-', '')}')," for _ in range(1500)]
    sql.append(f"('Dana Whitfield', '{ssn(rng).replace('-', '')}');")
    open(os.path.join(root, "dump.sql"), "w").write("\n".join(sql) + "\n")


def findings(bs, root, out, key, extra):
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([bs, "scan", root, "--out", out, "--key-file", key, "--quiet", *extra],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("scan failed:", r.stderr)
        sys.exit(1)
    rows = [json.loads(l) for l in open(os.path.join(out, "findings.jsonl"))]
    return collections.Counter((f["path"], f["type"], f["hash"], f["location"].get("line")) for f in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    root = os.path.join(a.work, "input")
    make(root, random.Random(5))
    key = os.path.join(a.work, "key")
    open(key, "wb").write(b"c" * 32)
    whole = findings(a.breachscope, root, os.path.join(a.work, "whole"), key, ["--jobs", "1"])
    split = findings(a.breachscope, root, os.path.join(a.work, "split"), key, ["--jobs", "2", "--chunk-size", "4096"])
    ok = True
    types = collections.Counter(k[1] for k in whole.elements())
    print("unsplit findings by type:", dict(types))
    for want in ("ssn", "phone", "email", "name", "dob"):
        if types[want] < 1000:
            print(f"FAIL: too few {want} findings in the unsplit scan ({types[want]})")
            ok = False
    missing, extra = whole - split, split - whole
    for k in list(missing)[:5]:
        print("FAIL: lost in the split scan:", k)
    for k in list(extra)[:5]:
        print("FAIL: extra in the split scan:", k)
    ok = ok and not missing and not extra
    print(f"{sum(whole.values())} findings unsplit, {sum(split.values())} split: {'same' if ok else 'DIFFERENT'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
