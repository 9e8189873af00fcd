// notify/rules.h — the jurisdiction rules (data/laws/*.yaml), loaded once, immutable.
//
// data/laws/jurisdictions.yaml holds one entry per jurisdiction (50 states, DC, PR,
// GU, VI): citation, the data elements that make "personal information" with a name
// (pi_elements) or alone (standalone_elements), the encryption safe harbour, the
// individual deadline, regulator and consumer-reporting-agency notices with their
// thresholds, the risk-of-harm exception, letter content items and sources.
// data/laws/federal.yaml holds HIPAA's Breach Notification Rule, the HHS portal
// fields and a FERPA note. Both are compiled into the binary (cmake/embed_data.cmake).
//
// ParseRules() validates what the engine relies on (every entry has a code, a name,
// a citation and sources; element names come from the vocabulary) and returns
// kInternal otherwise: bad rules are a build defect, not a user error.
//
// Thread-safety: a Rules value is immutable after loading; share it freely.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace breachscope::notify {

struct RegulatorNotice {
  std::string recipient;
  int min_affected = 1;            // residents of the jurisdiction to notify
  std::string threshold_text;
  std::optional<int> timing_days;
  std::string timing_clock;        // discovery | determination | with_/before_/after_individual_notice | ""
  bool timing_business_days = false;
  std::string timing_text;
  std::string applies_to = "all";  // all | government | dfs_regulated | no_notice_determination
};

struct CraNotice {
  int min_affected = 1;
  std::string threshold_text, timing_text;
};

struct Jurisdiction {
  std::string code, name, citation;
  std::optional<bool> covers_government;
  std::string government_notes;
  std::set<std::string> pi_elements, standalone_elements;
  std::string pi_notes;
  bool encryption_safe_harbor = true;
  std::optional<int> deadline_days;
  std::string clock_starts, deadline_text;
  std::vector<RegulatorNotice> regulator_notices;
  std::optional<CraNotice> cra_notice;
  std::optional<bool> risk_of_harm_exception;
  std::string harm_notes;
  std::string effective_notes;  // when recent changes took effect (rules are current law)
  std::vector<std::string> notice_content;
  int identity_theft_months = 0;
  std::vector<std::string> identity_theft_when;  // contract types
  bool uncertain = false;
  std::vector<std::string> uncertain_fields, sources, verified;
};

struct HipaaRules {
  std::string citation, short_citation;
  int individual_days = 60;
  int hhs_large_min_total = 500;
  int hhs_large_days = 60;
  int hhs_small_days_after_year_end = 60;
  std::string hhs_large_citation, hhs_small_citation;
  int media_min_per_state = 501;
  int media_days = 60;
  std::string media_citation;
  std::vector<std::string> contract_types;  // health_id, mbi, diagnosis
  std::vector<std::string> notice_content;
};

struct FerpaNote {
  std::string citation, position;
  std::vector<std::string> contract_types;
};

struct ConsumerResource {
  std::string name, phone, website, address;
};

struct Rules {
  std::map<std::string, std::vector<std::string>> contract_type_map;  // contract type -> elements
  std::map<std::string, std::string> element_meaning;
  std::vector<std::string> default_notice_content;
  std::map<std::string, Jurisdiction> jurisdictions;  // by code
  HipaaRules hipaa;
  FerpaNote ferpa;
  std::vector<ConsumerResource> credit_bureaus;  // for letters
  ConsumerResource ftc, annual_credit_report;

  const Jurisdiction* Find(std::string_view code) const;
  std::vector<std::string> Codes() const;
};

Result<Rules> ParseRules(std::string_view jurisdictions_yaml, std::string_view federal_yaml);
// The rules compiled into the binary (data/laws/).
Result<Rules> LoadEmbeddedRules();

}  // namespace breachscope::notify
