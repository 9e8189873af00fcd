// notify/rules.cc — reading data/laws/*.yaml with yaml-cpp into plain structs.
//
// The YAML keeps the research notes (sources, uncertainty, free-text notes) next to
// the values the engine uses, so a reviewer checks one file; only the engine's
// fields are read here, and they are checked so a bad edit fails the unit tests.
#include "notify/rules.h"

#include <yaml-cpp/yaml.h>

#include "base/embedded_data.h"

namespace breachscope::notify {
namespace {

std::string Str(const YAML::Node& n) { return n.IsDefined() && n.IsScalar() ? n.Scalar() : std::string(); }

std::optional<int> OptInt(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull() || !n.IsScalar()) return std::nullopt;
  try {
    return n.as<int>();
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

std::optional<bool> OptBool(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull() || !n.IsScalar()) return std::nullopt;
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

std::vector<std::string> StrList(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n.IsDefined() && n.IsSequence())
    for (size_t i = 0; i < n.size(); ++i)
      if (n[i].IsScalar()) out.push_back(n[i].Scalar());
  return out;
}

Status Bad(const std::string& what) { return InternalError("data/laws: " + what); }

}  // namespace

const Jurisdiction* Rules::Find(std::string_view code) const {
  auto it = jurisdictions.find(std::string(code));
  return it == jurisdictions.end() ? nullptr : &it->second;
}

std::vector<std::string> Rules::Codes() const {
  std::vector<std::string> out;
  for (const auto& [code, j] : jurisdictions) out.push_back(code);
  return out;
}

Result<Rules> ParseRules(std::string_view jurisdictions_yaml, std::string_view federal_yaml) {
  YAML::Node root, fed;
  try {
    root = YAML::Load(std::string(jurisdictions_yaml));
    fed = YAML::Load(std::string(federal_yaml));
  } catch (const YAML::Exception& e) {
    return Bad(std::string("YAML error: ") + e.what());
  }
  Rules rules;
  YAML::Node vocab = root["element_vocabulary"];
  if (!vocab.IsMap()) return Bad("element_vocabulary missing");
  for (auto it = vocab.begin(); it != vocab.end(); ++it)
    rules.element_meaning[it->first.Scalar()] = Str(it->second["meaning"]);
  YAML::Node map = root["contract_type_map"];
  if (!map.IsMap()) return Bad("contract_type_map missing");
  for (auto it = map.begin(); it != map.end(); ++it) {
    auto elements = StrList(it->second);
    for (const auto& e : elements)
      if (!rules.element_meaning.count(e)) return Bad("contract_type_map names an unknown element: " + e);
    rules.contract_type_map[it->first.Scalar()] = elements;
  }
  rules.default_notice_content = StrList(root["default_notice_content"]);

  YAML::Node list = root["jurisdictions"];
  if (!list.IsSequence()) return Bad("jurisdictions missing");
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    Jurisdiction j;
    j.code = Str(n["code"]);
    j.name = Str(n["name"]);
    j.citation = Str(n["citation"]);
    if (j.code.size() != 2) return Bad("a jurisdiction without a two-letter code (entry " + std::to_string(i) + ")");
    if (j.name.empty() || j.citation.empty()) return Bad(j.code + ": name and citation are required");
    j.covers_government = OptBool(n["covers_government"]);
    j.government_notes = Str(n["government_notes"]);
    for (const auto& e : StrList(n["pi_elements"])) {
      if (!rules.element_meaning.count(e)) return Bad(j.code + ": unknown element " + e);
      j.pi_elements.insert(e);
    }
    for (const auto& e : StrList(n["standalone_elements"])) {
      if (!rules.element_meaning.count(e)) return Bad(j.code + ": unknown element " + e);
      j.standalone_elements.insert(e);
    }
    j.pi_notes = Str(n["pi_notes"]);
    j.encryption_safe_harbor = OptBool(n["encryption_safe_harbor"]).value_or(true);
    j.deadline_days = OptInt(n["individual_notice"]["deadline_days"]);
    j.clock_starts = Str(n["individual_notice"]["clock_starts"]);
    j.deadline_text = Str(n["individual_notice"]["text"]);
    if (YAML::Node regs = n["regulator_notices"]; regs.IsSequence()) {
      for (size_t k = 0; k < regs.size(); ++k) {
        RegulatorNotice r;
        r.recipient = Str(regs[k]["recipient"]);
        r.min_affected = OptInt(regs[k]["min_affected"]).value_or(1);
        r.threshold_text = Str(regs[k]["threshold_text"]);
        r.timing_days = OptInt(regs[k]["timing_days"]);
        r.timing_clock = Str(regs[k]["timing_clock"]);
        r.timing_business_days = OptBool(regs[k]["timing_business_days"]).value_or(false);
        r.timing_text = Str(regs[k]["timing_text"]);
        r.applies_to = Str(regs[k]["applies_to"]);
        if (r.applies_to.empty()) r.applies_to = "all";
        if (r.recipient.empty()) return Bad(j.code + ": regulator notice without a recipient");
        j.regulator_notices.push_back(std::move(r));
      }
    }
    if (YAML::Node c = n["cra_notice"]; c.IsMap()) {
      CraNotice cra;
      cra.min_affected = OptInt(c["min_affected"]).value_or(1);
      cra.threshold_text = Str(c["threshold_text"]);
      cra.timing_text = Str(c["timing_text"]);
      j.cra_notice = cra;
    }
    j.risk_of_harm_exception = OptBool(n["risk_of_harm_exception"]);
    j.harm_notes = Str(n["harm_notes"]);
    j.effective_notes = Str(n["effective_notes"]);
    j.notice_content = StrList(n["notice_content"]);
    if (YAML::Node s = n["identity_theft_services"]; s.IsMap()) {
      j.identity_theft_months = OptInt(s["months"]).value_or(0);
      j.identity_theft_when = StrList(s["when"]);
    }
    j.uncertain = OptBool(n["uncertain"]).value_or(false);
    j.uncertain_fields = StrList(n["uncertain_fields"]);
    j.sources = StrList(n["sources"]);
    j.verified = StrList(n["verified"]);
    if (j.sources.empty()) return Bad(j.code + ": no sources");
    if (!rules.jurisdictions.emplace(j.code, j).second) return Bad(j.code + ": listed twice");
  }

  YAML::Node h = fed["hipaa"];
  if (!h.IsMap()) return Bad("federal.yaml: hipaa missing");
  rules.hipaa.citation = Str(h["citation"]);
  rules.hipaa.short_citation = Str(h["short_citation"]);
  rules.hipaa.individual_days = OptInt(h["individual_notice"]["deadline_days"]).value_or(60);
  rules.hipaa.hhs_large_min_total = OptInt(h["hhs_notice"]["large"]["min_affected_total"]).value_or(500);
  rules.hipaa.hhs_large_days = OptInt(h["hhs_notice"]["large"]["deadline_days"]).value_or(60);
  rules.hipaa.hhs_small_days_after_year_end = OptInt(h["hhs_notice"]["small"]["deadline_days"]).value_or(60);
  rules.hipaa.hhs_large_citation = Str(h["hhs_notice"]["large"]["citation"]);
  rules.hipaa.hhs_small_citation = Str(h["hhs_notice"]["small"]["citation"]);
  rules.hipaa.media_min_per_state = OptInt(h["media_notice"]["min_affected_per_state"]).value_or(501);
  rules.hipaa.media_days = OptInt(h["media_notice"]["deadline_days"]).value_or(60);
  rules.hipaa.media_citation = Str(h["media_notice"]["citation"]);
  rules.hipaa.contract_types = StrList(h["contract_types"]);
  rules.hipaa.notice_content = StrList(h["notice_content_items"]);
  if (rules.hipaa.short_citation.empty() || rules.hipaa.contract_types.empty())
    return Bad("federal.yaml: hipaa.short_citation and hipaa.contract_types are required");
  YAML::Node f = fed["ferpa"];
  rules.ferpa.citation = Str(f["short_citation"]);
  rules.ferpa.position = Str(f["position"]);
  rules.ferpa.contract_types = StrList(f["contract_types"]);
  if (YAML::Node cr = fed["consumer_resources"]; cr.IsMap()) {
    auto read = [](const YAML::Node& n) { return ConsumerResource{Str(n["name"]), Str(n["phone"]), Str(n["website"]), Str(n["address"])}; };
    if (cr["credit_bureaus"].IsSequence())
      for (size_t i = 0; i < cr["credit_bureaus"].size(); ++i) rules.credit_bureaus.push_back(read(cr["credit_bureaus"][i]));
    rules.ftc = read(cr["ftc"]);
    rules.annual_credit_report = read(cr["annual_credit_report"]);
  }
  if (rules.credit_bureaus.empty() || rules.ftc.website.empty() || rules.annual_credit_report.website.empty())
    return Bad("federal.yaml: consumer_resources (credit_bureaus, ftc, annual_credit_report) are required");
  return rules;
}

Result<Rules> LoadEmbeddedRules() {
  std::string_view j = EmbeddedFile("laws/jurisdictions.yaml");
  std::string_view f = EmbeddedFile("laws/federal.yaml");
  if (j.empty() || f.empty()) return InternalError("data/laws: rules files are not embedded in this build");
  return ParseRules(j, f);
}

}  // namespace breachscope::notify
