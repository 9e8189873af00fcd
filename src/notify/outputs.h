// notify/outputs.h — the files of NOTIFY_DIR other than the letters.
//
// Renderers are pure (they return the file's bytes) so unit tests can check
// columns and values; notify.cc writes them through report::OutputFile (mode 0600).
// Column sets are fixed by the contract's Notification section, with extra columns
// after the contract's ones where useful to a mail house or counsel.
//
// Nothing rendered here holds a protected identifier: people.jsonl carries only
// names and contact data for people (the contract's allowance), and the obligations
// name contract *types*.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "notify/case_input.h"
#include "notify/engine.h"
#include "notify/incident.h"
#include "notify/letters.h"
#include "notify/rules.h"

namespace breachscope::notify {

struct NotifyRun {
  const Rules* rules = nullptr;
  const Incident* incident = nullptr;
  const CaseData* data = nullptr;
  std::vector<Obligation> obligations;  // parallel to data->people
  std::vector<bool> usable;             // usable postal address
  std::vector<int> variant_of;          // index into variants, -1 when not notified
  std::vector<LetterVariant> variants;
  std::vector<int> variant_people;      // people per variant
  Aggregate agg;
  std::string letters_dir;              // relative to NOTIFY_DIR, "" when none
};

std::string CsvField(std::string_view s);
std::string RenderObligationsJsonl(const NotifyRun& run);
std::string RenderNotificationListCsv(const NotifyRun& run);
std::string RenderEmailListCsv(const NotifyRun& run);
std::string RenderSubstituteNoticeCsv(const NotifyRun& run);
std::string RenderRegulatorsCsv(const NotifyRun& run);
std::string RenderRegulatorsMd(const NotifyRun& run);
std::string RenderHhsReportJson(const NotifyRun& run);
std::string RenderIncidentJson(const NotifyRun& run);
std::string RenderVariantsCsv(const NotifyRun& run);
std::string RenderReportHtml(const NotifyRun& run);

}  // namespace breachscope::notify
