#!/usr/bin/env python3
"""Sparse benchmark corpus: what most of a real leak looks like (Python 3 stdlib only).

    python3 bench/make_sparse_corpus.py --out DIR --mb N [--seed S] [--jobs J] [--islands-per-mb K]

The reference corpus (reference/make_corpus.py) plants one valid SSN every 2,000 bytes
and an e-mail in nearly every log line: a breached HR export, not a file share. A
file share or a server image is mostly machine text full of numbers that are not PII
(timestamps, ids, hashes, versions, sizes, hex constants) with the PII in a few places.
This corpus is that: application and access logs without user data, metrics CSVs,
C-like source, JSON events with order and trace ids, and prose; into it, K "islands"
per MB (default 20) of real PII taken from reference/make_corpus.py's generators: a
log line with a user's SSN or card, an event with a user record, a letter paragraph
with a name, date of birth and SSN. One file in ten is a small customer export
(20-200 KB of rows with SSNs, cards, addresses), as spreadsheets sit on any share.

Writes exactly N * 1,000,000 bytes into DIR as .log/.csv/.c/.jsonl/.txt files of 1-8 MB;
the manifest (DIR.manifest.json beside DIR) counts the planted PII tags as
make_corpus.py does. Output is byte-identical for the same --mb, --seed and
--islands-per-mb (any --jobs).
"""

import argparse
import collections
import concurrent.futures
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import make_corpus as mc  # noqa: E402  (its PII generators: one definition of what is planted)

MB = 1_000_000
LEVELS = ["DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"]
SERVICES = ["api-gateway", "billing", "search", "scheduler", "auth", "inventory", "mailer"]
METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
C_TYPES = ["uint32_t", "int", "size_t", "uint64_t", "unsigned long", "int16_t"]


class Sparse:
    def __init__(self, rng, gen):
        self.r = rng
        self.gen = gen  # make_corpus.Gen: PII atoms, and tags for the manifest
        self.rows = 0   # rows of this file's customer export so far

    def ts(self):
        t = self.gen.ts()
        return f"{t[0]}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:{t[4]:02d}:{t[5]:02d}.{t[6]:03d}Z"

    def uuid(self):
        x = f"{self.r.getrandbits(128):032x}"
        return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"

    # ---------- text without PII ----------
    def app_log(self):
        r = self.r
        return (f"{self.ts()} {r.choice(LEVELS)} [{r.choice(SERVICES)}-{r.randrange(12)}] "
                f"request_id={self.uuid()} span={r.getrandbits(64):016x} path=/api/v{r.randrange(1, 4)}/items/"
                f"{r.randrange(10 ** 6, 10 ** 9)} status={r.choice([200, 200, 201, 204, 304, 404, 500])} "
                f"bytes={r.randrange(10 ** 2, 10 ** 7)} latency_ms={r.randrange(1, 5000)} "
                f"build={r.randrange(1, 9)}.{r.randrange(40)}.{r.randrange(300)}\n")

    def access_log(self):
        r = self.r
        t = self.gen.ts()
        return (f'{self.gen.ip()} - - [{t[2]:02d}/{mc.MONTHS[t[1] - 1]}/{t[0]}:{t[3]:02d}:{t[4]:02d}:{t[5]:02d} +0000] '
                f'"{r.choice(METHODS)} /static/{r.getrandbits(40):010x}/bundle.{r.randrange(10 ** 8):08d}.js HTTP/1.1" '
                f'{r.choice([200, 200, 304, 404])} {r.randrange(200, 9 * 10 ** 6)} "-" "{r.choice(mc.AGENTS)}"\n')

    def metrics_row(self):
        r = self.r
        return (f"{self.ts()},node-{r.randrange(400):03d},{r.random() * 100:.2f},{r.randrange(10 ** 9, 6 * 10 ** 10)},"
                f"{r.randrange(10 ** 12)},{r.randrange(10 ** 10)},{r.randrange(10 ** 10)},{r.random():.6f}\n")

    def code_line(self):
        r = self.r
        k = r.randrange(5)
        if k == 0:
            return f"#define REG_{r.getrandbits(20):05X}_OFFSET 0x{r.getrandbits(32):08x}\n"
        if k == 1:
            return f"static const {r.choice(C_TYPES)} kTable{r.randrange(99)}[] = {{{', '.join(str(r.randrange(10 ** r.randrange(1, 11))) for _ in range(8))}}};\n"
        if k == 2:
            return f"    if (len > {r.randrange(10 ** 6)} && crc != 0x{r.getrandbits(32):08X}U) return -{r.randrange(1, 140)};\n"
        if k == 3:
            return f"/* {self.gen.sentence(4, 12)} (rev {r.randrange(10 ** 5)}, {r.randrange(1990, 2026)}) */\n"
        return f"    {{ {r.randrange(10 ** 4)}, {r.randrange(10 ** 9)}ULL, {r.random():.9f}, \"{r.getrandbits(48):012x}\" }},\n"

    def event(self):
        r = self.r
        return json.dumps({"ts": self.ts(), "event": r.choice(["order.created", "cart.updated", "sku.restocked",
                                                               "job.finished", "cache.evicted"]),
                           "order": f"ORD-{r.randrange(10 ** 7, 10 ** 8)}-{r.randrange(100):02d}",
                           "sku": r.randrange(10 ** 11, 10 ** 12), "qty": r.randrange(1, 40),
                           "amount_cents": r.randrange(100, 10 ** 7), "trace": f"{r.getrandbits(128):032x}",
                           "shard": r.randrange(64)}, separators=(",", ":")) + "\n"

    def prose(self):
        return " ".join(self.gen.sentence() for _ in range(self.r.randrange(3, 8))) + "\n\n"

    # ---------- the PII islands ----------
    def export_row(self):  # a row of a small customer export (a whole file of them)
        self.rows += 1
        return self.gen.csv_row(self.rows, 0.5)

    def island(self, kind):
        g, r = self.gen, self.r
        if kind == "log":
            f, l, fa, la = g.person()
            extra = f"ssn={g.ssn(0.3)}" if r.random() < 0.5 else f"card={g.card()}"
            return (f"{self.ts()} WARN [{r.choice(SERVICES)}-{r.randrange(12)}] validation failed "
                    f"user={g.email(fa, la)} {extra} dob={g.dob()}\n")
        if kind == "jsonl":
            return g.json_line(0.5)
        return g.prose_para(0.6)  # prose: a letter paragraph


KINDS = {  # weight, extension, filler line, island kind (None: no islands)
    "app": (30, "log", Sparse.app_log, "log"),
    "access": (15, "log", Sparse.access_log, "log"),
    "metrics": (15, "csv", Sparse.metrics_row, None),
    "code": (15, "c", Sparse.code_line, "txt"),
    "events": (15, "jsonl", Sparse.event, "jsonl"),
    "prose": (10, "txt", Sparse.prose, "txt"),
    "export": (0, "csv", Sparse.export_row, None),  # small spreadsheets of customers, planned apart
}


def build_file(job):
    seed, idx, kind, size, islands_per_mb, outdir = job
    rng = random.Random(f"breachscope-sparse:{seed}:{idx}")
    gen = mc.Gen(rng)
    s = Sparse(rng, gen)
    _, ext, filler, island_kind = KINDS[kind]
    p_island = islands_per_mb * 200 / MB  # lines are ~200 bytes
    parts, n, tags = [], 0, collections.Counter()
    header = {"metrics": "timestamp,host,cpu_pct,mem_bytes,disk_io,net_rx,net_tx,ratio\n",
              "export": mc.Gen.CSV_HEADER}.get(kind, "")
    if header:
        parts.append(header.encode())
        n += len(parts[-1])
    while True:
        gen.tags = []
        line = s.island(island_kind) if island_kind and rng.random() < p_island else filler(s)
        b = line.encode()
        if n + len(b) > size:
            break
        parts.append(b)
        n += len(b)
        tags.update(gen.tags)
    pad = size - n  # exact size: a trailing comment/blank line
    if pad > 0:
        parts.append((("#" + " " * (pad - 2) + "\n") if pad > 1 else "\n").encode())
    data = b"".join(parts)
    name = f"{idx:05d}_{kind}.{ext}"
    with open(os.path.join(outdir, name), "wb") as fh:
        fh.write(data)
    return name, len(data), tags


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--islands-per-mb", type=float, default=20.0)
    ap.add_argument("--manifest")
    a = ap.parse_args()
    outdir = a.out.rstrip("/") or a.out
    os.makedirs(outdir, exist_ok=True)
    if os.listdir(outdir):
        sys.exit(f"make_sparse_corpus: {outdir} is not empty")
    plan = random.Random(f"breachscope-sparse-plan:{a.seed}")
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    total, planned, jobs = a.mb * MB, 0, []
    while planned < total:
        # One file in ten is a small customer export (20-200 KB): dense PII, few bytes.
        export = plan.random() < 0.1
        size = plan.randrange(20_000, 200_000) if export else plan.randrange(1 * MB, 8 * MB)
        size = min(size, total - planned)
        kind = "export" if export else plan.choices(kinds, weights)[0]
        jobs.append((a.seed, len(jobs), kind, size, a.islands_per_mb, outdir))
        planned += size
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        results = list(ex.map(build_file, jobs))
    assert sum(r[1] for r in results) == total, "size mismatch"
    truth = collections.Counter()
    for _, _, c in results:
        truth.update(c)
    manifest = {"generator": "bench/make_sparse_corpus.py", "seed": a.seed, "mb": a.mb, "bytes": total,
                "files": len(results), "islands_per_mb": a.islands_per_mb, "planted": dict(sorted(truth.items()))}
    path = a.manifest or outdir + ".manifest.json"
    with open(path, "w") as fh:
        json.dump(manifest, fh, indent=1)
    print(f"make_sparse_corpus: {len(results)} files, {total} bytes, manifest {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
