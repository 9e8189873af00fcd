#!/usr/bin/env bash
# Container benchmark: MB/s per format family (archives, office, PDF, mail,
# HTML with base64) with 1 and all jobs, peak RSS, and the share of worker time
# in each stage (extract / detect / redact / read) from scan_stats.json.
#
#   bench/run_containers.sh [--mb N] [--dir D] [--jobs "1 2"]
#
#   --mb N    MB of container bytes per family (default 50)
#   --dir D   work folder (default /tmp/bs-containers): D/corpus/<family>, D/out, D/results.md
#
# Builds breachscope with the release preset, generates the corpus
# (bench/make_family_corpus.py; skipped when D/corpus exists for the same size), warms
# the page cache, then times each family with /usr/bin/time.
set -euo pipefail
MB=50
DIR=/tmp/bs-containers
JOBS="1 2"
while [ $# -gt 0 ]; do
    case "$1" in
        --mb) MB="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --jobs) JOBS="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run_containers.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
REPO="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DIR"
BS="$REPO/build/release/breachscope"
cmake --preset release >/dev/null
cmake --build "$REPO/build/release" --target breachscope >/dev/null
if [ "$(cat "$DIR/corpus.mb" 2>/dev/null)" != "$MB" ]; then
    python3 "$REPO/bench/make_family_corpus.py" --out "$DIR/corpus" --mb "$MB"
    echo "$MB" > "$DIR/corpus.mb"
fi
head -c 32 /dev/urandom > "$DIR/bench.key"
RESULTS="$DIR/results.md"
{
    echo "| family | jobs | MB | seconds | MB/s | peak RSS MB | findings | extract | detect | redact | read+other | write s |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$RESULTS"
for fam in archives office pdf mail html_base64; do
    in="$DIR/corpus/$fam"
    bytes=$(du -sb "$in" | cut -f1)
    cat "$in"/* > /dev/null
    for j in $JOBS; do
        rm -rf "$DIR/out"
        /usr/bin/time -f "%e %M" -o "$DIR/time" "$BS" scan "$in" --out "$DIR/out" --key-file "$DIR/bench.key" \
            --jobs "$j" --quiet
        read -r secs rss < "$DIR/time"
        python3 - "$fam" "$j" "$bytes" "$secs" "$rss" "$DIR/out" >> "$RESULTS" <<'PY'
import json, sys
fam, jobs, size, secs, rss, out = sys.argv[1:]
size, secs, rss = int(size), float(secs), int(rss)
st = json.load(open(f"{out}/scan_stats.json"))
summ = json.load(open(f"{out}/summary.json"))
cpu = st["worker_cpu_seconds"]
busy = sum(cpu.values()) or 1
share = lambda k: f"{100 * cpu[k] / busy:.0f}%"
findings = sum(summ["findings_by_type"].values())
print(f"| {fam} | {jobs} | {size / 1e6:.0f} | {secs:.1f} | {size / 1e6 / secs:.1f} | {rss / 1024:.0f} | {findings} | "
      f"{share('extract')} | {share('detect')} | {share('redact')} | {share('read_and_other')} | {st['write_seconds']:.1f} |")
PY
    done
done
cat "$RESULTS"
