#!/usr/bin/env python3
"""CLI behaviour the contract fixes: exit statuses, usage messages, special and
unreadable files in errors.jsonl (never fatal), output modes 0600, the key check on
an existing case, files given directly (basename paths), symlinks not followed out of
the root, a file name holding an SSN masked in `path`, and no plaintext identifier
in any output or message."""
import argparse, json, os, shutil, socket, stat, subprocess, sys

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def run(bs, *args):
    return subprocess.run([bs, *args], capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    bs, w = a.breachscope, a.work
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    key = os.path.join(w, "key")
    open(key, "wb").write(b"k" * 32)
    other_key = os.path.join(w, "other_key")
    open(other_key, "wb").write(b"o" * 32)

    root = os.path.join(w, "root")
    os.makedirs(os.path.join(root, "sub"))
    ssn = "412-63-7781"
    open(os.path.join(root, "sub", "a.txt"), "w").write(f"Employee Dana Whitfield SSN {ssn}\n")
    open(os.path.join(root, f"records_{ssn}.txt"), "w").write("nothing here\n")
    os.mkfifo(os.path.join(root, "pipe"))
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(root, "sock"))
    outside = os.path.join(w, "outside.txt")
    open(outside, "w").write("SSN 529-44-9023\n")
    os.symlink(outside, os.path.join(root, "link_out"))
    os.symlink(os.path.join(root, "sub", "a.txt"), os.path.join(root, "link_in"))
    unreadable = os.path.join(root, "locked.txt")
    open(unreadable, "w").write("SSN 529-44-9023\n")
    os.chmod(unreadable, 0)
    open(os.path.join(root, "z.zip"), "wb").write(b"PK\x03\x04" + b"\0" * 40)
    # A hex id that decodes (as base64) to text starting with '{' is not a corrupt file.
    open(os.path.join(root, "events.jsonl"), "w").write('{"req_id":"e2972649f9a16aed","msg":"ok"}\n')

    out = os.path.join(w, "out")
    r = run(bs, "scan", root, "--out", out, "--key-file", key, "--quiet", "--jobs", "2")
    check(r.returncode == 0, f"scan with special files exits 0 (got {r.returncode}: {r.stderr.strip()})")
    errors = [json.loads(l) for l in open(os.path.join(out, "errors.jsonl"))]
    by_path = {e["path"]: e for e in errors}
    check(by_path.get("pipe", {}).get("reason") == "unsupported", "FIFO recorded as unsupported")
    check(by_path.get("sock", {}).get("reason") == "unsupported", "socket recorded as unsupported")
    check(by_path.get("link_out", {}).get("reason") == "unsupported", "symlink out of the root recorded, not followed")
    check("link_in" not in by_path, "symlink inside the root skipped silently (target scanned)")
    if os.geteuid() != 0:
        check(by_path.get("locked.txt", {}).get("reason") == "io", "unreadable file recorded as io")
    check(by_path.get("z.zip", {}).get("reason") == "corrupt", "a zip that is only a header recorded as corrupt")
    check("events.jsonl" not in by_path, "a valid JSON Lines file with hex ids is not reported corrupt")
    findings = [json.loads(l) for l in open(os.path.join(out, "findings.jsonl"))]
    paths = {f["path"] for f in findings}
    check("sub/a.txt" in paths, "finding path relative to the folder argument")
    check(not any("529449023" in f["hash"] for f in findings) and not any(f["path"] == "link_out" for f in findings),
          "nothing read through the outside symlink")
    for name in ("findings.jsonl", "people.jsonl", "errors.jsonl", "summary.json", "case.db"):
        mode = stat.S_IMODE(os.stat(os.path.join(out, name)).st_mode)
        check(mode == 0o600, f"{name} has mode 0600 (got {oct(mode)})")
    blob = b""
    for d, _, names in os.walk(out):  # case.chunks/ segment files included
        for name in names:
            p = os.path.join(d, name)
            blob += open(p, "rb").read()
            if d != out:
                mode = stat.S_IMODE(os.stat(p).st_mode)
                check(mode == 0o600, f"{os.path.relpath(p, out)} has mode 0600 (got {oct(mode)})")
    check(b"412-63-7781" not in blob and b"412637781" not in blob, "no plaintext SSN in any output file (incl. paths)")
    check(b"records_***-**-7781.txt" in blob, "an SSN in a file name is masked in the path")
    check(not any(n.startswith(".spill") for n in os.listdir(out)), "spill files removed")

    # Key check on an existing case.
    r = run(bs, "scan", root, "--out", out, "--key-file", other_key, "--quiet")
    check(r.returncode == 2 and "key" in r.stderr, f"a different --key-file on an existing case exits 2 ({r.returncode})")
    r = run(bs, "scan", root, "--out", out, "--key-file", key, "--quiet")
    check(r.returncode == 0, "the same key resumes/updates the case")

    # Without --key-file: a random key stored in DIR/case.key, mode 0600.
    out2 = os.path.join(w, "out2")
    r = run(bs, "scan", os.path.join(root, "sub", "a.txt"), "--out", out2, "--quiet")
    check(r.returncode == 0, "scan of a single file exits 0")
    kp = os.path.join(out2, "case.key")
    check(os.path.exists(kp) and os.path.getsize(kp) == 32 and stat.S_IMODE(os.stat(kp).st_mode) == 0o600,
          "case.key: 32 random bytes, mode 0600")
    f2 = [json.loads(l) for l in open(os.path.join(out2, "findings.jsonl"))]
    check(f2 and all(f["path"] == "a.txt" for f in f2), "a file argument is named by its basename")

    # Bad usage.
    r = run(bs, "scan", os.path.join(w, "does-not-exist"), "--out", os.path.join(w, "o3"))
    check(r.returncode == 2 and "does-not-exist" in r.stderr, "missing PATH exits 2 with a message")
    r = run(bs, "scan", os.path.join(w, "missing-412-63-7781.csv"), "--out", os.path.join(w, "o3b"))
    check(r.returncode == 2 and "412-63-7781" not in r.stderr and "***-**-7781" in r.stderr,
          "a missing PATH holding an SSN is masked in the message")
    r = run(bs, "scan", root, "--out", os.path.join(w, "o4"), "--frobnicate")
    check(r.returncode == 2 and "frobnicate" in r.stderr, "unknown flag exits 2 with a message")
    r = run(bs, "scan", root)
    check(r.returncode == 2 and "--out" in r.stderr, "missing --out exits 2")
    bad_layout = os.path.join(w, "bad.layout.json")
    with open(bad_layout, "w") as f:
        f.write('{"fields": [{"name": "SSN", "start": 0, "length": 9, "type": "ssn"}]}')
    r = run(bs, "scan", root, "--out", os.path.join(w, "o4b"), "--layout", bad_layout)
    check(r.returncode == 2 and "layout" in r.stderr, "an invalid --layout exits 2 naming the problem")
    r = run(bs, "scan", root, "--out", os.path.join(w, "o4c"), "--layout", os.path.join(w, "no-such-layout.json"))
    check(r.returncode == 2, "a missing --layout file exits 2")
    r = run(bs, "scan", root, "--out", os.path.join(w, "o5"), "--min-confidence", "7")
    check(r.returncode == 2, "out-of-range --min-confidence exits 2")
    r = run(bs, "--help")
    check(r.returncode == 0 and "scan" in r.stdout, "breachscope --help")
    r = run(bs, "scan", "--help")
    check(r.returncode == 0 and "--key-file" in r.stdout and "--jobs" in r.stdout, "breachscope scan --help")
    r = run(bs)
    check(r.returncode == 2, "no subcommand exits 2")

    os.chmod(unreadable, 0o600)
    print(f"{len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
