// notify/notify.h — `breachscope notify`: a finished scan + INCIDENT.yaml -> who
// must be told, by when, and the files to do it (the contract's Notification section).
//
// RunNotify() reads DIR/people.jsonl (and errors.jsonl, summary.json), the incident
// and the embedded rules, evaluates every person (engine.h), and writes into
// NOTIFY_DIR: obligations.jsonl, notification_list.csv, email_list.csv,
// substitute_notice.csv, regulators.csv, regulators.md, hhs_report.json (when
// hipaa_covered), incident.json, report.html, letters/variants.csv and the letters
// (letters/template_<variant>.pdf, letters/batch.pdf or letters/people/<person>.pdf; no
// batch.pdf when nobody is to be mailed).
// Every file is mode 0600. With `explain_person` set nothing is written: the
// explanation for that person is returned instead.
//
// Errors: kInvalidArgument for bad usage (missing people.jsonl, an INCIDENT.yaml
// error naming its key, an unknown --explain person) → exit status 2; kIo/kCorrupt/
// kInternal otherwise → exit status 1.
//
// Thread-safety: call from one thread.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace breachscope::notify {

enum class LettersMode { kBatch, kPerPerson, kNone };

struct NotifyConfig {
  std::filesystem::path case_dir, incident_file, out_dir;
  std::string explain_person;  // non-empty: explain this person, write nothing
  LettersMode letters = LettersMode::kBatch;
};

struct NotifyResult {
  int people = 0, to_notify = 0, mailed = 0, substitute = 0, emails = 0, jurisdictions = 0;
  int variants = 0, letter_pages = 0;
  std::string explanation;  // set in explain mode
};

Result<NotifyResult> RunNotify(const NotifyConfig& config);

}  // namespace breachscope::notify
