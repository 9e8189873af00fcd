#!/usr/bin/env python3
"""End-to-end test of `breachscope notify`.

1. Scans real inputs (examples/sample-breach with examples/demo.key, and the contract
   example) with the built breachscope, then runs `notify` on each case and checks every
   output file the contract names: present, mode 0600, the contract's keys and columns,
   counts that agree across files (regulators.csv residents = notification_list rows +
   substitute rows per state; obligations = people), letters that pdftotext reads back
   and pdftoppm renders, and that no SSN or long identifier from the scanned inputs (known
   plaintext) appears in any output, PDFs included.
2. `--explain`, `--letters per-person`, and usage errors (exit 2 naming the
   INCIDENT.yaml key, unknown --explain person).
3. Generated cases (people.jsonl written here) for the HIPAA thresholds: 499 vs 500
   individuals for HHS, 500 vs 501 residents of one state for media, and Missouri's AG and
   CRA notices above 1,000.
4. report.html rendered by headless Chromium with no network: a screenshot is taken.
"""
import argparse
import csv
import datetime
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FAILURES = []
CHECKS = [0]

CONTRACT_FILES = ["obligations.jsonl", "notification_list.csv", "email_list.csv", "substitute_notice.csv",
                  "regulators.csv", "regulators.md", "incident.json", "report.html"]
REGULATOR_COLUMNS = ["jurisdiction", "residents", "notify_regulator", "regulator_deadline", "notify_cra"]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)
    return cond


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def pdf_text(path):
    r = run(["pdftotext", "-layout", path, "-"])
    check(r.returncode == 0, f"pdftotext reads {path}")
    return r.stdout


def pdf_pages(path):
    r = run(["pdfinfo", path])
    m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else 0


def known_plaintext(input_dir):
    """SSNs (dashed and undashed) and long digit runs in the scanned inputs."""
    secrets = set()
    for base, _, files in os.walk(input_dir):
        for name in files:
            raw = open(os.path.join(base, name), "rb").read()
            texts = [raw.decode("utf-8", "ignore")]
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:200]:
                for enc in ("utf-16", "utf-16-le", "utf-16-be"):
                    try:
                        texts.append(raw.decode(enc))
                    except UnicodeDecodeError:
                        pass
            for t in texts:
                for m in re.finditer(r"(?<!\d)(\d{3})-(\d{2})-(\d{4})(?!\d)", t):
                    secrets.add(m.group(0))
                    secrets.add("".join(m.groups()))
                for m in re.finditer(r"(?<![\d-])\d{8,19}(?![\d-])", t):
                    secrets.add(m.group(0))
    return secrets


def check_no_plaintext(out_dir, secrets, allowed):
    secrets = {s for s in secrets if s not in allowed}
    check(len(secrets) > 0, f"{out_dir}: the inputs hold known identifiers to look for")
    for base, _, files in os.walk(out_dir):
        for name in files:
            path = os.path.join(base, name)
            if name.endswith(".pdf"):
                text = pdf_text(path)
            elif name.endswith(".png"):
                continue
            else:
                text = open(path, encoding="utf-8", errors="replace").read()
            for s in secrets:
                check(s not in text, f"{path}: holds a plaintext identifier from the inputs (…{s[-2:]})")


def check_modes(out_dir):
    for base, dirs, files in os.walk(out_dir):
        for name in files:
            if name.endswith(".png"):
                continue  # the test's own screenshot
            mode = stat.S_IMODE(os.stat(os.path.join(base, name)).st_mode)
            check(mode == 0o600, f"{os.path.join(base, name)}: mode {oct(mode)} (want 0600)")


def check_outputs(case_dir, out_dir, incident_hipaa):
    people = [json.loads(l) for l in open(os.path.join(case_dir, "people.jsonl"), encoding="utf-8") if l.strip()]
    for f in CONTRACT_FILES:
        check(os.path.isfile(os.path.join(out_dir, f)), f"{out_dir}/{f} exists")
    check(os.path.isfile(os.path.join(out_dir, "hhs_report.json")) == incident_hipaa,
          f"{out_dir}: hhs_report.json present exactly when hipaa_covered")
    check_modes(out_dir)

    obligations = [json.loads(l) for l in open(os.path.join(out_dir, "obligations.jsonl"), encoding="utf-8")]
    check(len(obligations) == len(people), f"{out_dir}: one obligation per person")
    check({o["person"] for o in obligations} == {p["person"] for p in people}, f"{out_dir}: same person ids")
    for o in obligations:
        for k in ("person", "notify", "laws", "deadline", "reasons"):
            check(k in o, f"{out_dir}: obligation has {k}")
        check(isinstance(o["notify"], bool), "notify is a boolean")
        check(o["deadline"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", o["deadline"]), "deadline is a date or null")
        check(o["notify"] == bool(o["laws"]), f"{o['person']}: notify iff laws")
        check(o["notify"] == bool(o["reasons"]), f"{o['person']}: notify iff reasons")
    notify = {o["person"]: o for o in obligations if o["notify"]}
    by_id = {p["person"]: p for p in people}

    header, rows = read_csv(os.path.join(out_dir, "notification_list.csv"))
    for col in ("person", "first_name", "last_name", "street", "city", "state", "zip", "letter_variant", "deadline"):
        check(col in header, f"notification_list.csv has column {col}")
    mailed = {r["person"] for r in rows}
    check(mailed == {p for p, o in notify.items() if o["contact_method"] == "mail"},
          f"{out_dir}: notification_list = people to notify by mail")
    for r in rows:
        p = by_id[r["person"]]
        check(p["address"] and r["street"] == p["address"]["street"] and r["zip"] == p["address"]["zip"],
              f"{r['person']}: mailing address from people.jsonl")
        check(r["state"] == notify[r["person"]]["jurisdiction"], f"{r['person']}: state column = jurisdiction")
        check(r["letter_variant"] == notify[r["person"]]["letter_variant"], f"{r['person']}: letter variant")
        check(r["deadline"] == (notify[r["person"]]["deadline"] or ""), f"{r['person']}: deadline")

    _, subst = read_csv(os.path.join(out_dir, "substitute_notice.csv"))
    check({r["person"] for r in subst} == {p for p, o in notify.items() if o["contact_method"] == "substitute"},
          f"{out_dir}: substitute_notice = people to notify without a usable address")
    check(not (mailed & {r["person"] for r in subst}), "nobody is both mailed and in substitute notice")
    _, emails = read_csv(os.path.join(out_dir, "email_list.csv"))
    check({r["person"] for r in emails} == {p for p in notify if by_id[p]["email"]},
          f"{out_dir}: email_list = people to notify with an email")

    header, regs = read_csv(os.path.join(out_dir, "regulators.csv"))
    check(header[:5] == REGULATOR_COLUMNS, f"regulators.csv starts with the contract's columns: {header[:5]}")
    per_state = {}
    for o in notify.values():
        per_state[o["jurisdiction"]] = per_state.get(o["jurisdiction"], 0) + 1
    check({r["jurisdiction"]: int(r["residents"]) for r in regs} == per_state,
          f"{out_dir}: regulators.csv residents = people to notify per jurisdiction")
    for r in regs:
        in_list = sum(1 for x in rows if x["state"] == r["jurisdiction"])
        check(int(r["mailed"]) == in_list, f"{r['jurisdiction']}: mailed = notification_list rows of that state")
        check(int(r["mailed"]) + int(r["substitute"]) == int(r["residents"]), f"{r['jurisdiction']}: mailed + substitute")
        check(r["notify_regulator"] in ("true", "false") and r["notify_cra"] in ("true", "false"), "booleans")

    inc = json.load(open(os.path.join(out_dir, "incident.json"), encoding="utf-8"))
    for k in ("affected_entities", "attack_vector", "data_breach", "dates", "impact", "regulatory_notifications",
              "references"):
        check(k in inc, f"incident.json has {k}")
    check(inc["impact"]["individuals_to_notify"] == len(notify), "incident.json individuals_to_notify")
    if incident_hipaa:
        hhs = json.load(open(os.path.join(out_dir, "hhs_report.json"), encoding="utf-8"))
        check(hhs["individuals_affected"] == sum(1 for o in notify.values() if o["hipaa"]),
              "hhs_report individuals_affected = HIPAA people")
        for k in ("name_of_covered_entity", "covered_entity_type", "state", "type_of_breach",
                  "location_of_breached_information", "business_associate_present", "submission_deadline"):
            check(k in hhs, f"hhs_report.json has {k}")

    letters = os.path.join(out_dir, "letters")
    _, variants = read_csv(os.path.join(letters, "variants.csv"))
    check({v["letter_variant"] for v in variants} == {o["letter_variant"] for o in notify.values()},
          "variants.csv lists every variant used")
    for v in variants:
        t = os.path.join(letters, f"template_{v['letter_variant']}.pdf")
        check(os.path.isfile(t), f"template {t}")
        text = pdf_text(t)
        check("[ENROLLMENT CODE]" in text and "[FULL NAME]" in text, f"{t}: placeholders")
    batch = os.path.join(letters, "batch.pdf")
    if mailed:
        text = pdf_text(batch)
        check(pdf_pages(batch) >= len(mailed), f"batch.pdf has at least one page per mailed person")
        for pid in mailed:
            p = by_id[pid]
            check(f"{p['first_name']} {p['last_name']}" in text, f"batch.pdf addresses {pid}")
            check(f"Reference {pid}" in text, f"batch.pdf carries {pid}'s reference")
        for must in ("Notice of Data Breach", "What Information Was Involved", "annualcreditreport.com",
                     "identitytheft.gov", "Fraud alert", "Credit freeze", "[ENROLLMENT CODE]"):
            check(must in text, f"batch.pdf says {must!r}")
        png = os.path.join(out_dir, "page")
        r = run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", batch, png])
        check(r.returncode == 0 and any(f.startswith("page") and f.endswith(".png") for f in os.listdir(out_dir)),
              "pdftoppm renders batch.pdf")
    return people, obligations


def screenshot(out_dir, work):
    html = open(os.path.join(out_dir, "report.html"), encoding="utf-8").read()
    check(not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "report.html loads nothing from the network")
    check("<svg" in html and "People to notify by state" in html, "report.html has the map")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not check(chromium is not None, "chromium is installed (scripts/install-deps.sh)"):
        return
    shot = os.path.join(work, "report.png")
    r = run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--proxy-server=127.0.0.1:9", "--window-size=1280,1800", f"--screenshot={shot}",
             "file://" + os.path.abspath(os.path.join(out_dir, "report.html"))], timeout=120)
    check(os.path.isfile(shot) and os.path.getsize(shot) > 20000, f"chromium screenshot of report.html ({r.returncode})")
    print("screenshot:", shot)


def person(pid, first, last, state, exposed, email=None, address=True):
    addr = {"street": f"{pid[1:]} Oak Street", "city": "Springfield", "state": state, "zip": "65801"} if address else None
    ex = sorted(set(exposed + ["name"] + (["address"] if address else [])))
    return {"person": pid, "first_name": first, "last_name": last, "dob": None, "address": addr, "email": email,
            "phone": None, "identifiers": {}, "exposed": ex, "sources": ["generated.csv"]}


def generated_case(work, name, people):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "people.jsonl"), "w", encoding="utf-8") as f:
        for p in people:
            f.write(json.dumps(p) + "\n")
    return d


def write_incident(path, **over):
    v = {"entity": '{name: "Example Health Plan", type: health_plan, state: MO}', "discovered": "2023-02-18",
         "breach_type": "hacking_it_incident", "location": "network_server", "encrypted": "false",
         "business_associate": "false", "hipaa_covered": "true", "description": '"Files were copied."'}
    v.update(over)
    with open(path, "w", encoding="utf-8") as f:
        for k, val in v.items():
            if val is not None:
                f.write(f"{k}: {val}\n")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--breachscope", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    bs, work = a.breachscope, a.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    incident = os.path.join(HERE, "incident_sample.yaml")

    # 1. Real scans.
    cases = [("sample", os.path.join(ROOT, "examples", "sample-breach"), os.path.join(ROOT, "examples", "demo.key")),
             ("contract", os.path.join(ROOT, "tests", "e2e", "contract_example", "input"),
              os.path.join(ROOT, "tests", "e2e", "contract_example", "key"))]
    for name, inp, key in cases:
        case = os.path.join(work, name + "-case")
        r = run([bs, "scan", inp, "--out", case, "--key-file", key, "--quiet"])
        if not check(r.returncode == 0, f"scan {name}: {r.stderr[-300:]}"):
            continue
        out = os.path.join(work, name + "-notify")
        r = run([bs, "notify", "--case", case, "--incident", incident, "--out", out])
        if not check(r.returncode == 0, f"notify {name}: {r.stderr[-300:]}"):
            continue
        people, obligations = check_outputs(case, out, incident_hipaa=True)
        check(any(o["notify"] for o in obligations), f"{name}: someone must be notified")
        phones = {p["phone"] for p in people if p.get("phone")}
        zips = {p["address"]["zip"] for p in people if p.get("address")}
        check_no_plaintext(out, known_plaintext(inp), allowed=phones | zips)
        if name == "sample":
            screenshot(out, work)
            # Ties to the rules: name + SSN in Missouri and Minnesota; students (student_id) in MO are not notified.
            by = {o["person"]: o for o in obligations}
            for p in people:
                o = by[p["person"]]
                if "ssn" in p["exposed"]:
                    check(o["notify"], f"{p['person']}: name + SSN is notified")
                if p["exposed"] and set(p["exposed"]) <= {"name", "address", "dob", "email", "phone", "student_id"}:
                    check(not o["notify"], f"{p['person']}: no element of a breach law, no notice")
                if not (p.get("address") or {}).get("state"):
                    check(o["state_flag"] and o["jurisdiction"] == "MO", f"{p['person']}: no state -> MO, flagged")
            # --explain and per-person letters.
            first = next(o["person"] for o in obligations if o["notify"])
            r = run([bs, "notify", "--case", case, "--incident", incident, "--out", out, "--explain", first])
            check(r.returncode == 0 and "Law considered" in r.stdout and "Decision: notify = yes" in r.stdout,
                  "--explain prints the mapping")
            r = run([bs, "notify", "--case", case, "--incident", incident, "--out", out, "--explain", "p999999"])
            check(r.returncode == 2, "--explain of an unknown person exits 2")
            out2 = os.path.join(work, "sample-per-person")
            r = run([bs, "notify", "--case", case, "--incident", incident, "--out", out2, "--letters", "per-person",
                     "--quiet"])
            check(r.returncode == 0, "--letters per-person runs")
            mailed = [o["person"] for o in obligations if o["notify"] and o["contact_method"] == "mail"]
            for pid in mailed:
                f = os.path.join(out2, "letters", "people", pid + ".pdf")
                check(os.path.isfile(f) and f"Reference {pid}" in pdf_text(f), f"per-person letter {pid}")
            check_modes(out2)
            # 2. Usage errors name the key and exit 2.
            for key, over in (("discovered", {"discovered": None}), ("entity.type", {"entity": "{name: X, type: shop, state: MO}"}),
                              ("discoverd", {"discoverd": "2023-02-18"}), ("encrypted", {"encrypted": "perhaps"})):
                bad = write_incident(os.path.join(work, "bad.yaml"), **over)
                r = run([bs, "notify", "--case", case, "--incident", bad, "--out", os.path.join(work, "bad-out")])
                check(r.returncode == 2 and f"{key}:" in r.stderr, f"bad INCIDENT.yaml ({key}) exits 2 naming it: {r.stderr.strip()}")
            r = run([bs, "notify", "--case", os.path.join(work, "nowhere"), "--incident", incident, "--out", out2])
            check(r.returncode == 2, "a --case without people.jsonl exits 2")

    # 3. Generated cases for the thresholds.
    hip = write_incident(os.path.join(work, "hipaa.yaml"))
    for n_ks, large in ((499, False), (500, True)):
        people = [person(f"p{i:06d}", "Ann", f"Lee{i}", "KS", ["health_id"]) for i in range(1, n_ks + 1)]
        case = generated_case(work, f"gen{n_ks}", people)
        out = os.path.join(work, f"gen{n_ks}-notify")
        r = run([bs, "notify", "--case", case, "--incident", hip, "--out", out, "--letters", "none", "--quiet"])
        if check(r.returncode == 0, f"notify gen{n_ks}: {r.stderr[-300:]}"):
            hhs = json.load(open(os.path.join(out, "hhs_report.json")))
            check(hhs["individuals_affected"] == n_ks, f"gen{n_ks}: HHS individuals")
            want = "2023-04-19" if large else "2024-02-29"
            check(hhs["submission_deadline"] == want, f"gen{n_ks}: HHS deadline {hhs['submission_deadline']} want {want}")
            check(hhs["breach_affecting"].startswith("500 or More") == large, f"gen{n_ks}: breach_affecting")
            check(hhs["media_notice_required"] is False, f"gen{n_ks}: no media notice at {n_ks} in one state")
    people = ([person(f"p{i:06d}", "Ann", f"Lee{i}", "KS", ["health_id"]) for i in range(1, 502)] +
              [person(f"p{i:06d}", "Bo", f"Ray{i}", "NE", ["diagnosis"]) for i in range(502, 902)] +
              [person(f"p{i:06d}", "Cy", f"Fox{i}", "MO", ["ssn"], address=(i % 7 != 0), email=f"c{i}@example.org")
               for i in range(902, 1903)] +
              [person("p009999", "Di", "Tan", "TX", ["email"])])
    case = generated_case(work, "gen-mixed", people)
    out = os.path.join(work, "gen-mixed-notify")
    r = run([bs, "notify", "--case", case, "--incident", hip, "--out", out, "--letters", "none", "--quiet"])
    if check(r.returncode == 0, f"notify gen-mixed: {r.stderr[-300:]}"):
        hhs = json.load(open(os.path.join(out, "hhs_report.json")))
        check(hhs["individuals_affected"] == 901, "gen-mixed: HHS counts the 901 health people")
        check([m["state"] for m in hhs["media_notice"]] == ["KS"], f"gen-mixed: media only in KS: {hhs['media_notice']}")
        _, regs = read_csv(os.path.join(out, "regulators.csv"))
        by = {r["jurisdiction"]: r for r in regs}
        check(by["KS"]["media_notice"] == "true" and by["NE"]["media_notice"] == "false", "media column per state")
        check(by["MO"]["residents"] == "1001" and by["MO"]["notify_regulator"] == "true" and by["MO"]["notify_cra"] == "true",
              f"gen-mixed: MO AG and CRA notice above 1,000: {by.get('MO')}")
        check(by["NE"]["residents"] == "400" and by["NE"]["residents_state_law"] == "0",
              "NE diagnosis: HIPAA only (no medical element in NE)")
        check("TX" not in by, "an email alone notifies nobody")
        obligations = [json.loads(l) for l in open(os.path.join(out, "obligations.jsonl"))]
        check(len(obligations) == len(people), "gen-mixed: one obligation per person")
        check_outputs_lists = read_csv(os.path.join(out, "notification_list.csv"))[1]
        for st in ("KS", "NE", "MO"):
            check(int(by[st]["mailed"]) == sum(1 for x in check_outputs_lists if x["state"] == st),
                  f"gen-mixed: {st} mailed = notification_list rows")
        check(by["MO"]["substitute"] == str(sum(1 for i in range(902, 1903) if i % 7 == 0)), "gen-mixed: MO substitute")

    print(f"notify_e2e: {CHECKS[0] - len(FAILURES)} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
