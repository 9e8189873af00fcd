// notify/engine.h — the rules engine: one person + the incident -> obligations.
//
// For each person the engine picks the jurisdiction (the postal address's state;
// otherwise the entity's state, flagged), maps the person's exposed contract types
// onto that jurisdiction's data elements (data/laws/jurisdictions.yaml
// contract_type_map), applies the encryption safe harbour, computes the deadline
// from INCIDENT.yaml `discovered`, and adds HIPAA when the incident is HIPAA-covered
// and the person has a health_id, mbi or diagnosis. Every step is recorded in
// LawResult::notes so `--explain` can show why.
//
// Modelling choices (docs/notify.md has the full list):
// - The scan does not detect access codes, passwords or security answers, so an
//   element that needs one (financial_account_with_code, online_credentials, ...)
//   never matches; an account or card number counts only where the jurisdiction
//   lists financial_account_alone.
// - A risk-of-harm exception is never assumed: it needs a documented investigation.
// - "Without unreasonable delay" has no date: such a law contributes no deadline;
//   the person's deadline is the earliest fixed deadline of the laws that apply,
//   or null with the reason in deadline_basis.
// - HHS and regulator thresholds are aggregate: see Aggregate().
//
// Thread-safety: Engine is immutable after construction; Evaluate() is const.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "notify/case_input.h"
#include "notify/dates.h"
#include "notify/incident.h"
#include "notify/rules.h"

namespace breachscope::notify {

struct LawResult {
  std::string law;       // jurisdiction code, or "HIPAA"
  std::string citation;
  bool applies = false;
  std::vector<std::string> types;     // contract types that triggered (incl. "name" when needed)
  std::vector<std::string> elements;  // the law's elements they matched
  std::optional<Date> deadline;
  std::string deadline_basis;
  std::vector<std::string> notes;
};

struct Obligation {
  std::string person;
  std::string jurisdiction;           // where the person is handled
  bool state_from_entity = false;     // no known state: the entity's state, flagged
  bool notify = false;
  bool state_law = false, hipaa = false;
  std::vector<std::string> laws;      // citations of the laws requiring notice
  std::optional<Date> deadline;
  std::string deadline_basis;
  std::vector<std::string> reasons;   // contract types that triggered
  std::vector<LawResult> considered;  // state law, then HIPAA (when covered)
  std::vector<std::string> notes;     // person-level notes (FERPA, state fallback)
  bool ma_content = false;            // Massachusetts content rules apply to the letter
  int monitoring_months = 0;          // statutory identity-theft services to offer (0: none)
};

class Engine {
 public:
  // `keep_notes`: record every step in LawResult::notes (for --explain); a batch run
  // over a whole case turns it off to save time and memory.
  Engine(const Rules& rules, const Incident& incident, bool keep_notes = true)
      : rules_(rules), incident_(incident), keep_notes_(keep_notes) {}
  Obligation Evaluate(const CasePerson& person) const;
  const Rules& rules() const { return rules_; }
  const Incident& incident() const { return incident_; }

 private:
  LawResult EvaluateState(const Jurisdiction& j, const CasePerson& p) const;
  LawResult EvaluateHipaa(const CasePerson& p) const;
  const Rules& rules_;
  const Incident& incident_;
  bool keep_notes_ = true;
};

// Per-jurisdiction and HHS totals over all obligations.
struct RegulatorRow {
  std::string jurisdiction, name, citation;
  int residents = 0;            // residents to notify (any law)
  int residents_state_law = 0;  // of which under this jurisdiction's law (thresholds count these)
  int mailed = 0, substitute = 0, entity_state_fallback = 0;
  bool notify_regulator = false;
  std::string regulators, regulator_thresholds, regulator_timing;
  std::optional<Date> regulator_deadline;
  std::string regulator_deadline_basis;
  bool notify_cra = false;
  std::string cra_threshold;
  std::optional<Date> individual_deadline;
  std::string individual_deadline_basis;
  int hipaa_individuals = 0;
  bool media_notice = false;
  std::optional<Date> media_deadline;
  bool uncertain = false;
};

struct HhsSummary {
  bool covered = false;
  int individuals = 0;
  bool large = false;  // >= 500: within 60 days of discovery; else annual log
  Date deadline;
  std::string deadline_rule, citation;
  int substitute = 0;
  std::vector<std::pair<std::string, int>> media_states;  // states with > 500 HIPAA residents
  Date media_deadline;
};

struct Aggregate {
  std::vector<RegulatorRow> rows;  // sorted by jurisdiction code
  HhsSummary hhs;
};

// `usable_address[i]` says whether obligations[i]'s person has a usable postal address.
Aggregate Summarise(const Rules& rules, const Incident& incident, const std::vector<Obligation>& obligations,
                    const std::vector<bool>& usable_address);

// HHS rule for fewer than 500: within 60 days after the end of the calendar year of discovery.
Date HhsAnnualDeadline(Date discovered, int days_after_year_end);

// Human-readable explanation of one person's obligation (for --explain).
std::string Explain(const Rules& rules, const Incident& incident, const CasePerson& person, const Obligation& o);

// Plain-words description of a contract type ("your Social Security number").
std::string DescribeType(std::string_view type);

}  // namespace breachscope::notify
