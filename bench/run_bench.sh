#!/usr/bin/env bash
# Corpus benchmark: breachscope against the reference scanners (bench/reference/) on the
# same bytes, in one run.
#
#   bench/run_bench.sh [--mb N] [--dir D] [--jobs "1 2"] [--corpus dense|sparse]
#
#   --mb N     corpus size in MB of 1,000,000 bytes (default 1000)
#   --corpus K dense (default): reference/make_corpus.py, PII every few dozen bytes (an HR
#              export); sparse: make_sparse_corpus.py, machine text full of non-PII
#              numbers with PII in a few places (a file share). Sparse uses
#              D/corpus-sparse and writes D/results-sparse.md
#   --dir D    work folder (default /tmp/bs-bench): D/corpus, D/corpus.manifest.json,
#              D/bin (reference scanners), D/logs (every run's stdout/stderr/time),
#              D/out (breachscope's case; deleted after the runs, the dense one is
#              ~10 GB), D/results.md
#   --jobs L   thread counts to measure (default "1 2")
#
# Steps: builds the reference scanners with g++ and breachscope with the release preset,
# generates the corpus (make_corpus.py --seed 1; skipped when D/corpus already holds a
# corpus of the same size), then times every tool with /usr/bin/time -f "%e %M %U %S" (wall
# seconds, peak RSS KB, user and sys CPU seconds). Before each timed run it waits until the
# rest of the machine is idle (at most QUIET_WAIT seconds, default 120; other CPU use during
# each run is reported) and warms the page cache (cat D/corpus/* >/dev/null). Prints a
# markdown table and writes it to D/results.md, with breachscope's findings_by_type next to
# the manifest's planted counts (a rough check only: the manifest counts pattern-shaped
# tags, not the contract's ground truth). Last, a write floor: dd writes as many bytes as
# breachscope's contract outputs, the least time any tool writing those files can take.
set -euo pipefail

MB=1000
DIR=/tmp/bs-bench
JOBS="1 2"
KIND=dense
while [ $# -gt 0 ]; do
    case "$1" in
        --mb) MB="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --jobs) JOBS="$2"; shift 2 ;;
        --corpus) KIND="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run_bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$MB" in ''|*[!0-9]*) echo "run_bench.sh: --mb needs a whole number" >&2; exit 2 ;; esac
case "$KIND" in dense|sparse) ;; *) echo "run_bench.sh: --corpus is dense or sparse" >&2; exit 2 ;; esac

REPO="$(cd "$(dirname "$0")/.." && pwd)"
REF="$REPO/bench/reference"
DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"
if [ "$KIND" = dense ]; then
    CORPUS="$DIR/corpus"
    GENERATOR=("$REF/make_corpus.py")
    RESULTS="$DIR/results.md"
else
    CORPUS="$DIR/corpus-sparse"
    GENERATOR=("$REPO/bench/make_sparse_corpus.py")
    RESULTS="$DIR/results-sparse.md"
fi
MANIFEST="$CORPUS.manifest.json"
BIN="$DIR/bin"
LOGS="$DIR/logs"
OUT="$DIR/out"
KEY="$DIR/bench.key"
BS="$REPO/build/release/breachscope"
BYTES=$((MB * 1000000))
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "run_bench.sh: $TIME missing (Debian package 'time')" >&2; exit 1; }
mkdir -p "$BIN" "$LOGS"
rm -f "$LOGS"/*

log() { printf '[run_bench] %s\n' "$*" >&2; }

# ---------- build ----------
log "building reference scanners into $BIN"
(
    cd "$REF"
    g++ -O2 -std=c++17 -I. limit.cpp -lpthread -o "$BIN/limit"
    # shellcheck disable=SC2046
    g++ -O2 -std=c++17 -I. hs_scan.cpp $(pkg-config --cflags --libs libhs) -lpthread -o "$BIN/hs_scan"
    # shellcheck disable=SC2046
    g++ -O2 -std=c++17 -I. re2_scan.cpp $(pkg-config --cflags --libs re2) -lpthread -o "$BIN/re2_scan"
)
log "building breachscope (release preset)"
build_bs() {
    (
        cd "$REPO"
        cmake --preset release >/dev/null
        cmake --build --preset release --target breachscope
    ) >&2
}
# Another session building in the same tree can make a build step fail (truncated object):
# retry once.
build_bs || { log "build failed; retrying once in 20 s"; sleep 20; build_bs; }
[ -x "$BS" ] || { echo "run_bench.sh: $BS was not built" >&2; exit 1; }
# Time a private copy, so that a rebuild of build/release by someone else during the
# benchmark cannot swap the binary between runs; note what it was built from.
cp "$BS" "$BIN/breachscope"
BS_SRC="$(cd "$REPO" && git rev-parse --short HEAD)"
BS_DIRTY="$(cd "$REPO" && git status --porcelain --untracked-files=no -- src | cut -c4- | tr '\n' ' ')"
BS_SHA="$(sha256sum "$BIN/breachscope" | cut -c1-16)"
BS="$BIN/breachscope"

# The dashed-SSN pattern alone (first line of the reference pattern file).
head -n 1 "$REF/pii_patterns.txt" > "$DIR/pattern_ssn_dashed.txt"
# A fixed fingerprint key, so that runs are comparable (32 bytes, not a secret).
printf 'breachscope-bench-fixed-key-0001' > "$KEY"

# ---------- corpus ----------
corpus_ok() {
    [ -d "$CORPUS" ] && [ -f "$MANIFEST" ] || return 1
    local have
    have=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    [ "$have" = "$BYTES" ] || return 1
    python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["bytes"] == int(sys.argv[2]) and m["seed"] == 1 else 1)' \
        "$MANIFEST" "$BYTES"
}
if corpus_ok; then
    log "corpus $CORPUS already holds $MB MB: reusing it"
else
    log "generating a $MB MB corpus in $CORPUS"
    rm -rf "$CORPUS" "$MANIFEST"
    python3 "${GENERATOR[@]}" --out "$CORPUS" --mb "$MB" --seed 1 --manifest "$MANIFEST" >&2
fi
NFILES=$(find "$CORPUS" -type f | wc -l)

# ---------- timed runs ----------
warm() { cat "$CORPUS"/* > /dev/null; }

ROWS="$DIR/.rows.tsv"   # tool, threads, seconds, peak_kb, exit, log name, cpu_s, others_cpu_s, load1
: > "$ROWS"
# Busy CPU seconds of the whole machine so far (all CPUs; /proc/stat, USER_HZ ticks).
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
HZ=$(getconf CLK_TCK)
# waits (up to QUIET_WAIT seconds, default 120) until the other processes on the machine use
# under a quarter of a CPU over one second: other sessions' builds skew the timings.
wait_quiet() {
    local waited=0 a b
    while :; do
        a=$(busy_ticks); sleep 1; b=$(busy_ticks)
        [ $((b - a)) -lt $((HZ / 4)) ] && return 0
        waited=$((waited + 1))
        if [ "$waited" -ge "${QUIET_WAIT:-120}" ]; then
            log "machine still busy after ${waited}s; timing anyway (see the 'other CPU s' column)"
            return 0
        fi
    done
}
# run NAME THREADS CMD...: warms the cache, times CMD (stdout/stderr to $LOGS/NAME.{out,err}).
run() {
    local name="$1" threads="$2"; shift 2
    local tag="${name//[^A-Za-z0-9_.-]/_}-j$threads"
    wait_quiet
    warm
    log "timing $name, $threads thread(s)"
    local rc=0 load1 t0 t1
    load1=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(busy_ticks)
    "$TIME" -f "%e %M %U %S" -o "$LOGS/$tag.time" "$@" > "$LOGS/$tag.out" 2> "$LOGS/$tag.err" || rc=$?
    t1=$(busy_ticks)
    local secs kb us ss
    # The last line of the -o file is "%e %M %U %S" (time puts "Command exited with non-zero status" above it).
    read -r secs kb us ss < <(tail -n 1 "$LOGS/$tag.time")
    local cpu others
    cpu=$(awk -v u="$us" -v s="$ss" 'BEGIN {printf "%.2f", u + s}')
    others=$(awk -v b=$((t1 - t0)) -v hz="$HZ" -v c="$cpu" 'BEGIN {o = b / hz - c; printf "%.2f", o < 0 ? 0 : o}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$threads" "$secs" "$kb" "$rc" "$tag" "$cpu" "$others" "$load1" >> "$ROWS"
    if [ "$rc" -ne 0 ]; then
        log "$name -j$threads exited with status $rc; stderr:"
        tail -n 20 "$LOGS/$tag.err" >&2
    fi
}

# cat is single-threaded: measured once.
run "cat (read ceiling)" 1 cat "$CORPUS"/*
for j in $JOBS; do run "limit (mmap+memchr)" "$j" "$BIN/limit" -j "$j" "$CORPUS"; done
for j in $JOBS; do run "re2_scan re2-set" "$j" "$BIN/re2_scan" -p "$REF/pii_patterns.txt" --engine re2-set -j "$j" "$CORPUS"; done
for j in $JOBS; do run "re2_scan re2-alt" "$j" "$BIN/re2_scan" -p "$REF/pii_patterns.txt" --engine re2-alt -j "$j" "$CORPUS"; done
for j in $JOBS; do run "hs_scan pii_patterns_hs_at" "$j" "$BIN/hs_scan" -p "$REF/pii_patterns_hs_at.txt" -j "$j" "$CORPUS"; done
for j in $JOBS; do run "hs_scan pii_patterns" "$j" "$BIN/hs_scan" -p "$REF/pii_patterns.txt" -j "$j" "$CORPUS"; done
for j in $JOBS; do run "hs_scan dashed SSN only" "$j" "$BIN/hs_scan" -p "$DIR/pattern_ssn_dashed.txt" -j "$j" "$CORPUS"; done
for j in $JOBS; do
    rm -rf "$OUT"   # a fresh case each time (an existing case in --out would be resumed)
    run "breachscope" "$j" "$BS" scan "$CORPUS" --out "$OUT" --jobs "$j" --quiet --key-file "$KEY"
    [ -f "$OUT/summary.json" ] && cp "$OUT/summary.json" "$LOGS/breachscope-j$j.summary.json"
    [ -f "$OUT/errors.jsonl" ] && cp "$OUT/errors.jsonl" "$LOGS/breachscope-j$j.errors.jsonl"
    [ -f "$OUT/scan_stats.json" ] && cp "$OUT/scan_stats.json" "$LOGS/breachscope-j$j.scan_stats.json"
    ls -lR "$OUT" > "$LOGS/breachscope-j$j.out-files.txt" 2>&1 || true
done
# The write floor: the contract's output files alone, written with dd in 1 MiB direct
# writes (breachscope writes them with O_DIRECT too) to the same file system. Its MB/s is
# corpus MB over dd's seconds: no scanner that writes these files can beat it here. On the
# dense corpus the outputs are ~10x the input, so this, not the scan, bounds the figure.
OUT_BYTES=0
for f in findings.jsonl people.jsonl errors.jsonl summary.json; do
    [ -f "$OUT/$f" ] && OUT_BYTES=$((OUT_BYTES + $(stat -c %s "$OUT/$f")))
done
rm -rf "$OUT"   # the case is kept in the logs' summaries; its gigabytes would skew the floor
if [ "$OUT_BYTES" -gt 0 ]; then
    run "write floor: dd $((OUT_BYTES / 1000000)) MB of outputs, O_DIRECT" 1 \
        dd if=/dev/zero of="$DIR/write-floor.bin" bs=1M count=$(((OUT_BYTES + 1048575) / 1048576)) oflag=direct
    rm -f "$DIR/write-floor.bin"
fi

# ---------- report ----------
python3 - "$ROWS" "$BYTES" "$MANIFEST" "$LOGS" "$RESULTS" "$MB" "$NFILES" "$REPO" "$BS_SRC" "$BS_DIRTY" "$BS_SHA" "$KIND" <<'PY'
import collections, glob, json, os, re, subprocess, sys

rows_path, nbytes, manifest_path, logs, results, mb, nfiles, repo, bs_src, bs_dirty, bs_sha, kind = sys.argv[1:]
nbytes = int(nbytes)
out = []
p = out.append

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=repo).stdout.strip()
    except Exception:
        return "?"

dirty = bs_dirty.split()
commit = bs_src + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "") + f" (binary sha256 {bs_sha}…)"
p(f"# breachscope corpus benchmark\n")
generator = "reference/make_corpus.py (dense)" if kind == "dense" else "make_sparse_corpus.py (sparse)"
p(f"- corpus: {mb} MB ({nbytes:,} bytes, {nfiles} files), {generator} --seed 1")
p(f"- breachscope: {commit}, release preset")
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
kernel = sh("uname -sr")
p(f"- machine: {os.cpu_count()} CPUs ({cpu}), {kernel}")
p(f"- page cache warmed (cat corpus/* >/dev/null) right before each run; times from /usr/bin/time -f '%e %M %U %S'")
p("")
p("| tool | threads | seconds | MB/s | peak RSS MB | CPU s (user+sys) | other CPU s | load1 before |")
p("|---|---:|---:|---:|---:|---:|---:|---:|")
failed = []
for line in open(rows_path):
    name, threads, secs, kb, rc, tag, cpu, others, load1 = line.rstrip("\n").split("\t")
    s = float(secs)
    mbps = f"{nbytes / 1e6 / s:,.0f}" if s > 0 else "n/a (<0.01 s)"
    label = name if rc == "0" else f"{name} **(exit {rc})**"
    if rc != "0":
        failed.append((name, threads, rc, tag))
    p(f"| {label} | {threads} | {s:.2f} | {mbps} | {int(kb) / 1024:,.1f} | {cpu} | {others} | {load1} |")
p("")
p("MB = 1,000,000 bytes of corpus on disk (archives counted compressed); peak RSS in MiB. "
  "'other CPU s' = CPU seconds the rest of the machine used during the run (from /proc/stat): "
  "well above 0 means the run shared the CPUs with something else and its wall time may be inflated "
  "(it also counts kernel threads working for the tool, e.g. writeback of breachscope's output files). "
  "'write floor' writes as many bytes as breachscope's contract outputs (findings, people, errors, summary) "
  "and nothing else; its MB/s is corpus MB over its seconds, a ceiling for any tool that writes those files here.")

# The reference tools' own timing of their scan loop (excludes start-up and pattern compilation).
p("")
p("Reference tools' own report lines (scan loop only):\n")
p("```")
for f in sorted(glob.glob(os.path.join(logs, "*.out"))):
    tag = os.path.basename(f)[:-4]
    for l in open(f, errors="replace"):
        if re.match(r"^(limit|hs_scan|re2_scan\[[^]]*\]): files=", l):
            p(f"{tag}: {l.strip()}")
p("```")

if failed:
    p("\n## Failed runs\n")
    for name, threads, rc, tag in failed:
        err = open(os.path.join(logs, tag + ".err"), errors="replace").read().strip().splitlines()
        p(f"- {name}, {threads} thread(s): exit {rc}; last stderr lines:")
        p("```")
        out.extend(err[-15:] or ["(no stderr)"])
        p("```")

# ---------- sanity check: breachscope findings vs the manifest's planted tags ----------
man = json.load(open(manifest_path))
planted = man["planted"]
all_layers, plain, outside = collections.Counter(), collections.Counter(), collections.Counter()
for k, v in planted.items():
    base = k.split(":")[-1]
    all_layers[base] += v
    if ":" not in k:
        plain[base] += v
    if not k.startswith(("gz:", "zip:")):
        outside[base] += v
groups = {  # breachscope type -> manifest tags
    "ssn": ["ssn_valid_dashed", "ssn_valid_undashed", "ssn_valid_spaced"],
    "credit_card": ["card_valid_16", "card_valid_amex"],
    "email": ["email"], "phone": ["phone"], "dob": ["dob"],
    "bank_account": ["nine_digit_account"],
}
summaries = {}
for f in sorted(glob.glob(os.path.join(logs, "breachscope-j*.summary.json"))):
    j = re.search(r"-j(\d+)\.summary", f).group(1)
    summaries[j] = json.load(open(f))
p("\n## Findings vs manifest (rough: the manifest counts pattern-shaped planted tags)\n")
if not summaries:
    p("No breachscope summary.json was written.")
else:
    js = sorted(summaries, key=int)
    types = list(summaries[js[0]].get("findings_by_type", {}))
    p("| type | " + " | ".join(f"breachscope -j{j}" for j in js) + " | manifest all layers | manifest outside gz/zip | manifest plain text | manifest tags |")
    p("|---|" + "---:|" * len(js) + "---:|---:|---:|---|")
    for t in types:
        tags = groups.get(t, [])
        a = sum(all_layers[x] for x in tags) if tags else None
        b = sum(plain[x] for x in tags) if tags else None
        o = sum(outside[x] for x in tags) if tags else None
        cells = " | ".join(f"{summaries[j]['findings_by_type'].get(t, 0):,}" for j in js)
        p(f"| {t} | {cells} | {'' if a is None else f'{a:,}'} | {'' if o is None else f'{o:,}'} | {'' if b is None else f'{b:,}'} | {', '.join(tags) or '(no tag)'} |")
    p("")
    for j in js:
        s = summaries[j]
        other = {k: v for k, v in s.items() if k not in ("findings_by_type", "individuals_by_state")}
        p(f"- -j{j} summary: " + json.dumps(other))
        ef = os.path.join(logs, f"breachscope-j{j}.errors.jsonl")
        if os.path.exists(ef):
            for l in open(ef, errors="replace"):
                p(f"  - errors.jsonl: {l.strip()}")
        of = os.path.join(logs, f"breachscope-j{j}.out-files.txt")
        if os.path.exists(of):
            sizes = [l.split() for l in open(of) if l.startswith("-")]
            p("  - output files: " + ", ".join(f"{x[-1]} {int(x[4]) / 1e6:,.1f} MB" for x in sizes))
        sf = os.path.join(logs, f"breachscope-j{j}.scan_stats.json")
        if os.path.exists(sf):
            st = json.load(open(sf))
            p("  - scan_stats.json: " + json.dumps({k: st[k] for k in ("work_seconds", "write_seconds",
              "worker_cpu_seconds", "store_put_seconds", "write_phase_seconds", "peak_rss_mib") if k in st}))
    p("")
    p("Manifest decoys (should not be findings): " + ", ".join(
        f"{k}={all_layers[k]:,}" for k in ("ssn_decoy_invalid", "ssn_masked", "card_decoy_nonluhn") if k in all_layers)
      + "".join(f"; {k}={man[k]:,}" for k in ("ssn_valid_plain", "ssn_valid_all_layers") if k in man))
    p("\nManifest planted (by layer):\n")
    p("```")
    p(json.dumps(planted, indent=None, sort_keys=True))
    p("```")

text = "\n".join(out) + "\n"
open(results, "w").write(text)
sys.stdout.write(text)
PY
log "results written to $RESULTS (logs in $LOGS)"
