// notify/outputs.cc — CSV, JSON, Markdown and the HTML report of NOTIFY_DIR.
//
// All text is built in memory then written once (a case of a million people gives
// files of tens of MB); JSON strings go through AppendJsonString, CSV fields are
// RFC 4180-quoted, HTML text is escaped, so a name with a comma, quote or '<'
// cannot break a file.
#include "notify/outputs.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "base/json_text.h"

namespace breachscope::notify {
namespace {

std::string J(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}
std::string JDate(const std::optional<Date>& d) { return d ? J(d->ToString()) : "null"; }
const char* JBool(bool b) { return b ? "true" : "false"; }
std::string JList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + J(v[i]);
  return s + "]";
}
std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? std::string(sep) : "") + v[i];
  return s;
}
std::string DateOr(const std::optional<Date>& d) { return d ? d->ToString() : ""; }

std::string Html(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string Md(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '|') o += "\\|";
    else if (c == '\n') o += ' ';
    else o += c;
  }
  return o;
}

std::string HhsEntityType(const std::string& t) {
  if (t == "health_plan") return "Health Plan";
  if (t == "healthcare_provider") return "Healthcare Provider";
  if (t == "healthcare_clearinghouse") return "Healthcare Clearing House";
  if (t == "business_associate") return "Business Associate";
  return "";
}
std::string HhsBreachType(const std::string& t) {
  if (t == "hacking_it_incident") return "Hacking/IT Incident";
  if (t == "unauthorized_access_disclosure") return "Unauthorized Access/Disclosure";
  if (t == "theft") return "Theft";
  if (t == "loss") return "Loss";
  if (t == "improper_disposal") return "Improper Disposal";
  return "Other";
}
std::string HhsLocation(const std::string& l) {
  if (l == "network_server") return "Network Server";
  if (l == "email") return "Email";
  if (l == "desktop_computer") return "Desktop Computer";
  if (l == "laptop") return "Laptop";
  if (l == "paper_films") return "Paper/Films";
  if (l == "other_portable_device") return "Other Portable Electronic Device";
  if (l == "electronic_medical_record") return "Electronic Medical Record";
  return "Other";
}
std::string Industry(const std::string& t) {
  if (t == "school_district") return "Education";
  if (t == "state_agency") return "Public Administration";
  if (t == "health_plan" || t == "healthcare_provider" || t == "healthcare_clearinghouse") return "Healthcare";
  if (t == "business_associate") return "Healthcare (business associate)";
  if (t == "nonprofit") return "Nonprofit";
  if (t == "business") return "Commercial";
  return "Other";
}
std::string Sensitivity(const std::string& t) {
  static const std::set<std::string> high = {"ssn", "credit_card", "bank_account", "drivers_license", "passport",
                                             "mbi", "health_id", "diagnosis"};
  static const std::set<std::string> medium = {"dob", "student_id"};
  return high.count(t) ? "high" : medium.count(t) ? "medium" : "low";
}

std::string VariantId(const NotifyRun& run, size_t i) {
  return run.variant_of[i] >= 0 ? run.variants[run.variant_of[i]].id : std::string();
}

// Exposed types -> people counts, over everyone and over those to notify.
std::map<std::string, std::pair<int, int>> TypeCounts(const NotifyRun& run) {
  std::map<std::string, std::pair<int, int>> m;
  for (size_t i = 0; i < run.data->people.size(); ++i)
    for (const auto& t : run.data->people[i].exposed) {
      ++m[t].first;
      if (run.obligations[i].notify) ++m[t].second;
    }
  return m;
}

}  // namespace

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string RenderObligationsJsonl(const NotifyRun& run) {
  std::string out;
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    const auto& o = run.obligations[i];
    out += "{\"person\": " + J(o.person) + ", \"notify\": " + JBool(o.notify) + ", \"laws\": " + JList(o.laws) +
           ", \"deadline\": " + JDate(o.deadline) + ", \"reasons\": " + JList(o.reasons) +
           ", \"jurisdiction\": " + J(o.jurisdiction) + ", \"state_flag\": " + JBool(o.state_from_entity) +
           ", \"state_law\": " + JBool(o.state_law) + ", \"hipaa\": " + JBool(o.hipaa) +
           ", \"deadline_basis\": " + (o.notify ? J(o.deadline_basis) : "null") +
           ", \"letter_variant\": " + (o.notify ? J(VariantId(run, i)) : "null") +
           ", \"contact_method\": " + (o.notify ? (run.usable[i] ? "\"mail\"" : "\"substitute\"") : "null") + "}\n";
  }
  return out;
}

std::string RenderNotificationListCsv(const NotifyRun& run) {
  std::string out =
      "person,first_name,last_name,full_name,street,city,state,zip,letter_variant,deadline,jurisdiction,laws,reasons,"
      "email\n";
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    const auto& o = run.obligations[i];
    if (!o.notify || !run.usable[i]) continue;
    const auto& p = run.data->people[i];
    std::vector<std::string> f = {p.id,
                                  p.first_name,
                                  p.last_name,
                                  p.FullName(),
                                  p.address.street,
                                  p.address.city,
                                  p.address.state,
                                  p.address.zip,
                                  VariantId(run, i),
                                  DateOr(o.deadline),
                                  o.jurisdiction,
                                  Join(o.laws, "; "),
                                  Join(o.reasons, " "),
                                  p.email};
    for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + CsvField(f[k]);
    out += "\n";
  }
  return out;
}

std::string RenderEmailListCsv(const NotifyRun& run) {
  std::string out = "person,first_name,last_name,email,letter_variant,state,deadline,has_postal_address\n";
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    const auto& o = run.obligations[i];
    const auto& p = run.data->people[i];
    if (!o.notify || p.email.empty()) continue;
    std::vector<std::string> f = {p.id, p.first_name, p.last_name, p.email, VariantId(run, i), o.jurisdiction,
                                  DateOr(o.deadline), run.usable[i] ? "true" : "false"};
    for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + CsvField(f[k]);
    out += "\n";
  }
  return out;
}

std::string RenderSubstituteNoticeCsv(const NotifyRun& run) {
  std::string out = "person,first_name,last_name,email,phone,state,state_flag,deadline,missing,letter_variant,laws\n";
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    const auto& o = run.obligations[i];
    if (!o.notify || run.usable[i]) continue;
    const auto& p = run.data->people[i];
    std::vector<std::string> missing;
    if (!p.has_address) {
      missing.push_back("address");
    } else {
      if (p.address.street.empty()) missing.push_back("street");
      if (p.address.city.empty()) missing.push_back("city");
      if (p.address.state.empty()) missing.push_back("state");
      else if (!run.rules->Find(p.address.state)) missing.push_back("us_state");
      if (p.address.zip.size() < 5) missing.push_back("zip");
    }
    std::vector<std::string> f = {p.id, p.first_name, p.last_name, p.email, p.phone, o.jurisdiction,
                                  o.state_from_entity ? "true" : "false", DateOr(o.deadline), Join(missing, " "),
                                  VariantId(run, i), Join(o.laws, "; ")};
    for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + CsvField(f[k]);
    out += "\n";
  }
  return out;
}

std::string RenderRegulatorsCsv(const NotifyRun& run) {
  std::string out =
      "jurisdiction,residents,notify_regulator,regulator_deadline,notify_cra,name,citation,residents_state_law,mailed,"
      "substitute,entity_state_fallback,regulators,regulator_threshold,regulator_timing,regulator_deadline_basis,"
      "cra_threshold,individual_deadline,individual_deadline_basis,hipaa_individuals,media_notice,media_deadline,"
      "rules_uncertain\n";
  for (const auto& r : run.agg.rows) {
    std::vector<std::string> f = {r.jurisdiction,
                                  std::to_string(r.residents),
                                  r.notify_regulator ? "true" : "false",
                                  DateOr(r.regulator_deadline),
                                  r.notify_cra ? "true" : "false",
                                  r.name,
                                  r.citation,
                                  std::to_string(r.residents_state_law),
                                  std::to_string(r.mailed),
                                  std::to_string(r.substitute),
                                  std::to_string(r.entity_state_fallback),
                                  r.regulators,
                                  r.regulator_thresholds,
                                  r.regulator_timing,
                                  r.regulator_deadline_basis,
                                  r.cra_threshold,
                                  DateOr(r.individual_deadline),
                                  r.individual_deadline_basis,
                                  std::to_string(r.hipaa_individuals),
                                  r.media_notice ? "true" : "false",
                                  DateOr(r.media_deadline),
                                  r.uncertain ? "true" : "false"};
    for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + CsvField(f[k]);
    out += "\n";
  }
  return out;
}

std::string RenderRegulatorsMd(const NotifyRun& run) {
  const Incident& inc = *run.incident;
  std::string o = "# Regulator and agency notices\n\n";
  o += "Entity: " + Md(inc.entity_name) + " (" + inc.entity_type + ", " + inc.entity_state + "). Discovered " +
       inc.discovered.ToString() + ". Encrypted: " + (inc.encrypted ? "yes" : "no") +
       ". HIPAA-covered: " + (inc.hipaa_covered ? "yes" : "no") + ".\n\n";
  o += "Deadlines count from `discovered`. Where a statute counts from *determination* or *awareness*, the date "
       "shown is the earliest it can be. \"No fixed date\" means the statute says *without unreasonable delay* "
       "or ties the notice to the resident notices. Research notes, not legal advice: check each citation.\n\n";
  o += "| Jurisdiction | Residents to notify | Under state law | Regulator notice | Recipient | Regulator deadline | "
       "CRA notice | Individual deadline | Citation |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : run.agg.rows) {
    o += "| " + r.jurisdiction + " " + Md(r.name) + (r.uncertain ? " (rules uncertain)" : "") + " | " +
         std::to_string(r.residents) + (r.entity_state_fallback ? " (" + std::to_string(r.entity_state_fallback) + " with no known state)" : "") +
         " | " + std::to_string(r.residents_state_law) + " | " + (r.notify_regulator ? "**yes**" : "no") + " | " +
         Md(r.regulators) + " | " +
         (r.regulator_deadline ? r.regulator_deadline->ToString() : (r.notify_regulator ? Md(r.regulator_deadline_basis) : "-")) +
         " | " + (r.notify_cra ? "**yes** (" + Md(r.cra_threshold) + ")" : "no") + " | " +
         (r.individual_deadline ? r.individual_deadline->ToString() : "no fixed date") + " | " + Md(r.citation) + " |\n";
  }
  if (inc.hipaa_covered) {
    const auto& h = run.agg.hhs;
    o += "\n## HIPAA: HHS Office for Civil Rights breach report\n\n";
    o += "| Field | Value |\n|---|---|\n";
    o += "| Name of covered entity | " + Md(inc.entity_name) + " |\n";
    o += "| Entity type | " + (HhsEntityType(inc.entity_type).empty() ? inc.entity_type + " (choose the HHS type)" : HhsEntityType(inc.entity_type)) + " |\n";
    o += "| State | " + inc.entity_state + " |\n";
    o += "| Individuals affected | " + std::to_string(h.individuals) + " |\n";
    o += "| Breach type | " + HhsBreachType(inc.breach_type) + " |\n";
    o += "| Location of breached information | " + HhsLocation(inc.location) + " |\n";
    o += "| Business associate present | " + std::string(inc.business_associate ? "Yes" : "No") + " |\n";
    o += "| Submission deadline | " + h.deadline.ToString() + " (" + Md(h.deadline_rule) + "; " + h.citation + ") |\n";
    o += "\nMedia notice (" + run.rules->hipaa.media_citation + ", more than " +
         std::to_string(run.rules->hipaa.media_min_per_state - 1) + " residents of one state): ";
    if (h.media_states.empty()) {
      o += "not required in any state.\n";
    } else {
      std::vector<std::string> s;
      for (const auto& [st, n] : h.media_states) s.push_back(st + " (" + std::to_string(n) + ")");
      o += "**required** in " + Join(s, ", ") + " by " + h.media_deadline.ToString() + ".\n";
    }
    if (h.substitute)
      o += "\nSubstitute notice: " + std::to_string(h.substitute) +
           " HIPAA individuals have no usable postal address (" +
           (h.substitute >= 10 ? "10 or more: website posting for 90 days or major media, plus a toll-free number"
                               : "fewer than 10: another written notice, telephone or other means") +
           ").\n";
  }
  bool students = false;
  for (const auto& p : run.data->people) students |= p.Has("student_id");
  if (students)
    o += "\n## FERPA\n\n" + Md(run.rules->ferpa.position) + " (" + run.rules->ferpa.citation +
         "). State breach laws above still apply where their elements were exposed.\n";
  std::vector<std::string> unc;
  for (const auto& r : run.agg.rows)
    if (r.uncertain) unc.push_back(r.jurisdiction);
  if (!unc.empty())
    o += "\nRules with cells not fully verified (see data/laws/README.md): " + Join(unc, ", ") + ".\n";
  return o;
}

std::string RenderHhsReportJson(const NotifyRun& run) {
  const Incident& inc = *run.incident;
  const auto& h = run.agg.hhs;
  std::set<std::string> phi;
  std::map<std::string, int> by_state;
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    if (!run.obligations[i].hipaa) continue;
    ++by_state[run.obligations[i].jurisdiction];
    for (const auto& t : run.data->people[i].exposed) {
      if (t == "diagnosis") phi.insert("Clinical");
      else if (t == "credit_card" || t == "bank_account") phi.insert("Financial");
      else if (t == "health_id" || t == "mbi") phi.insert("Other");
      else phi.insert("Demographic");
    }
  }
  std::string o = "{\n";
  o += " \"name_of_covered_entity\": " + J(inc.entity_name) + ",\n";
  o += " \"state\": " + J(inc.entity_state) + ",\n";
  std::string et = HhsEntityType(inc.entity_type);
  o += " \"covered_entity_type\": " + (et.empty() ? std::string("null") : J(et)) + ",\n";
  if (et.empty())
    o += " \"covered_entity_type_note\": " + J("INCIDENT.yaml entity.type " + inc.entity_type +
                                               " is not an HHS type; choose Health Plan, Healthcare Provider, "
                                               "Healthcare Clearing House or Business Associate") + ",\n";
  o += " \"individuals_affected\": " + std::to_string(h.individuals) + ",\n";
  o += " \"breach_affecting\": " + J(h.large ? "500 or More Individuals" : "Fewer Than 500 Individuals") + ",\n";
  o += " \"report_type\": \"Initial Breach Report\",\n";
  o += " \"breach_start_date\": " + JDate(inc.breach_start) + ",\n";
  o += " \"breach_end_date\": " + JDate(inc.breach_end) + ",\n";
  o += " \"discovery_date\": " + J(inc.discovered.ToString()) + ",\n";
  o += " \"type_of_breach\": " + JList({HhsBreachType(inc.breach_type)}) + ",\n";
  o += " \"location_of_breached_information\": " + JList({HhsLocation(inc.location)}) + ",\n";
  o += " \"business_associate_present\": " + J(inc.business_associate ? "Yes" : "No") + ",\n";
  o += " \"type_of_protected_health_information\": " + JList({phi.begin(), phi.end()}) + ",\n";
  o += " \"web_description\": " + J(inc.description) + ",\n";
  o += " \"individual_notice_deadline\": " + J(inc.discovered.AddDays(run.rules->hipaa.individual_days).ToString()) + ",\n";
  o += " \"submission_deadline\": " + J(h.deadline.ToString()) + ",\n";
  o += " \"submission_rule\": " + J(h.deadline_rule) + ",\n";
  o += " \"citation\": " + J(h.citation) + ",\n";
  o += " \"substitute_notice_required\": " + std::string(JBool(h.substitute > 0)) + ",\n";
  o += " \"substitute_notice_individuals\": " + std::to_string(h.substitute) + ",\n";
  o += " \"media_notice_required\": " + std::string(JBool(!h.media_states.empty())) + ",\n";
  o += " \"media_notice\": [";
  for (size_t i = 0; i < h.media_states.size(); ++i)
    o += std::string(i ? ", " : "") + "{\"state\": " + J(h.media_states[i].first) +
         ", \"residents\": " + std::to_string(h.media_states[i].second) + ", \"deadline\": " +
         J(h.media_deadline.ToString()) + "}";
  o += "],\n \"individuals_affected_by_state\": {";
  bool first = true;
  for (const auto& [st, n] : by_state) {
    o += std::string(first ? "" : ", ") + J(st) + ": " + std::to_string(n);
    first = false;
  }
  o += "}\n}\n";
  return o;
}

std::string RenderIncidentJson(const NotifyRun& run) {
  const Incident& inc = *run.incident;
  int counted = 0, to_notify = 0, unknown = 0;
  std::map<std::string, int> by_state;
  for (size_t i = 0; i < run.data->people.size(); ++i) {
    const auto& p = run.data->people[i];
    bool c = std::any_of(p.exposed.begin(), p.exposed.end(), [](const std::string& t) { return t != "name"; });
    if (c) ++counted;
    if (!run.obligations[i].notify) continue;
    ++to_notify;
    ++by_state[run.obligations[i].jurisdiction];
    if (run.obligations[i].state_from_entity) ++unknown;
  }
  auto types = TypeCounts(run);
  bool any_high = false;
  for (const auto& [t, n] : types) any_high |= Sensitivity(t) == "high" && n.first > 0;
  std::string o = "{\n \"schema\": \"breachscope.incident/1\",\n";
  o += " \"summary\": " + J(inc.description) + ",\n";
  o += " \"affected_entities\": [{\"name\": " + J(inc.entity_name) + ", \"industry\": " + J(Industry(inc.entity_type)) +
       ", \"type\": " + J(inc.entity_type) + ", \"location\": {\"country\": \"US\", \"state\": " + J(inc.entity_state) +
       "}}],\n";
  o += " \"attack_vector\": {\"breach_type\": " + J(inc.breach_type) + ", \"hhs_type_of_breach\": " +
       J(HhsBreachType(inc.breach_type)) + ", \"location_of_data\": " + J(inc.location) +
       ", \"hhs_location\": " + J(HhsLocation(inc.location)) +
       ", \"business_associate_present\": " + JBool(inc.business_associate) + "},\n";
  o += " \"data_breach\": {\"types_of_data_compromised\": [";
  bool first = true;
  for (const auto& [t, n] : types) {
    o += std::string(first ? "" : ", ") + "{\"type\": " + J(t) + ", \"description\": " + J(DescribeType(t)) +
         ", \"individuals\": " + std::to_string(n.first) + ", \"sensitivity\": " + J(Sensitivity(t)) + "}";
    first = false;
  }
  o += "], \"sensitivity\": " + J(any_high ? "high" : types.empty() ? "low" : "medium") +
       ", \"encrypted\": " + JBool(inc.encrypted) + ", \"key_compromised\": " + JBool(inc.key_compromised) + "},\n";
  o += " \"dates\": {\"breach_start\": " + JDate(inc.breach_start) + ", \"breach_end\": " + JDate(inc.breach_end) +
       ", \"detected\": " + J(inc.discovered.ToString()) + ", \"disclosed\": " + JDate(inc.disclosed) + "},\n";
  o += " \"impact\": {\"individuals\": " + std::to_string(counted) +
       ", \"individuals_to_notify\": " + std::to_string(to_notify) + ", \"by_state\": {";
  first = true;
  for (const auto& [st, n] : by_state) {
    o += std::string(first ? "" : ", ") + J(st) + ": " + std::to_string(n);
    first = false;
  }
  o += "}, \"state_unknown\": " + std::to_string(unknown) + ", \"files_scanned\": " +
       std::to_string(run.data->files_scanned) + ", \"unreadable_files\": " + std::to_string(run.data->errors.size()) +
       "},\n";
  o += " \"regulatory_notifications\": [";
  first = true;
  for (const auto& r : run.agg.rows) {
    if (r.notify_regulator) {
      o += std::string(first ? "" : ", ") + "\n  {\"jurisdiction\": " + J(r.jurisdiction) + ", \"recipient\": " +
           J(r.regulators) + ", \"residents\": " + std::to_string(r.residents_state_law) +
           ", \"deadline\": " + JDate(r.regulator_deadline) + ", \"citation\": " + J(r.citation) + "}";
      first = false;
    }
    if (r.notify_cra) {
      o += std::string(first ? "" : ", ") + "\n  {\"jurisdiction\": " + J(r.jurisdiction) +
           ", \"recipient\": \"nationwide consumer reporting agencies\", \"residents\": " +
           std::to_string(r.residents_state_law) + ", \"deadline\": null, \"citation\": " + J(r.citation) + "}";
      first = false;
    }
  }
  if (inc.hipaa_covered && run.agg.hhs.individuals > 0) {
    o += std::string(first ? "" : ", ") + "\n  {\"jurisdiction\": \"US\", \"recipient\": \"HHS Office for Civil Rights\", " +
         "\"residents\": " + std::to_string(run.agg.hhs.individuals) + ", \"deadline\": " +
         J(run.agg.hhs.deadline.ToString()) + ", \"citation\": " + J(run.agg.hhs.citation) + "}";
    for (const auto& [st, n] : run.agg.hhs.media_states)
      o += ",\n  {\"jurisdiction\": " + J(st) + ", \"recipient\": \"prominent media outlets\", \"residents\": " +
           std::to_string(n) + ", \"deadline\": " + J(run.agg.hhs.media_deadline.ToString()) +
           ", \"citation\": " + J(run.rules->hipaa.media_citation) + "}";
  }
  o += "],\n \"references\": " + JList(inc.references) + "\n}\n";
  return o;
}

std::string RenderVariantsCsv(const NotifyRun& run) {
  std::string out = "letter_variant,people,exposed_types,massachusetts_content,hipaa,monitoring_months,template\n";
  for (size_t i = 0; i < run.variants.size(); ++i) {
    const auto& v = run.variants[i];
    std::vector<std::string> f = {v.id, std::to_string(run.variant_people[i]), Join(v.types, " "),
                                  v.ma ? "true" : "false", v.hipaa ? "true" : "false",
                                  std::to_string(v.monitoring_months),
                                  run.letters_dir.empty() ? "" : run.letters_dir + "/template_" + v.id + ".pdf"};
    for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + CsvField(f[k]);
    out += "\n";
  }
  return out;
}

// ---------------------------------------------------------------------------
// report.html

namespace {

struct Tile { const char* code; int col, row; };
constexpr Tile kTiles[] = {
    {"AK", 0, 0}, {"ME", 11, 0}, {"WI", 6, 1}, {"VT", 10, 1}, {"NH", 11, 1}, {"WA", 1, 2}, {"ID", 2, 2},
    {"MT", 3, 2}, {"ND", 4, 2},  {"MN", 5, 2}, {"IL", 6, 2},  {"MI", 7, 2},  {"NY", 9, 2}, {"MA", 10, 2},
    {"OR", 1, 3}, {"NV", 2, 3},  {"WY", 3, 3}, {"SD", 4, 3},  {"IA", 5, 3},  {"IN", 6, 3}, {"OH", 7, 3},
    {"PA", 8, 3}, {"NJ", 9, 3},  {"CT", 10, 3}, {"RI", 11, 3}, {"CA", 1, 4}, {"UT", 2, 4}, {"CO", 3, 4},
    {"NE", 4, 4}, {"MO", 5, 4},  {"KY", 6, 4}, {"WV", 7, 4},  {"VA", 8, 4},  {"MD", 9, 4}, {"DE", 10, 4},
    {"AZ", 2, 5}, {"NM", 3, 5},  {"KS", 4, 5}, {"AR", 5, 5},  {"TN", 6, 5},  {"NC", 7, 5}, {"SC", 8, 5},
    {"DC", 9, 5}, {"OK", 4, 6},  {"LA", 5, 6}, {"MS", 6, 6},  {"AL", 7, 6},  {"GA", 8, 6}, {"HI", 0, 7},
    {"TX", 4, 7}, {"FL", 9, 7},  {"GU", 0, 8}, {"PR", 10, 8}, {"VI", 11, 8},
};

std::string Color(int n, int max) {
  if (n <= 0) return "#e8eaed";
  double t = max > 0 ? static_cast<double>(n) / max : 0;
  t = 0.25 + 0.75 * t;
  int r = static_cast<int>(222 - t * (222 - 8)), g = static_cast<int>(235 - t * (235 - 69)),
      b = static_cast<int>(247 - t * (247 - 148));
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

}  // namespace

std::string RenderReportHtml(const NotifyRun& run) {
  const Incident& inc = *run.incident;
  int notify = 0, mailed = 0, substitute = 0, emails = 0, flagged = 0;
  std::map<std::string, int> by_state;
  for (size_t i = 0; i < run.obligations.size(); ++i) {
    if (!run.obligations[i].notify) continue;
    ++notify;
    ++by_state[run.obligations[i].jurisdiction];
    if (run.usable[i]) ++mailed; else ++substitute;
    if (!run.data->people[i].email.empty()) ++emails;
    if (run.obligations[i].state_from_entity) ++flagged;
  }
  int regulators = 0, cras = 0;
  for (const auto& r : run.agg.rows) {
    regulators += r.notify_regulator;
    cras += r.notify_cra;
  }
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>Breach notification report: " + Html(inc.entity_name) + "</title>\n<style>\n"
       "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0;background:#f5f6f8;color:#1f2328}"
       "header{background:#0b3a66;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:24px}"
       "header p{margin:0;opacity:.85}main{padding:20px 32px;max-width:1200px}"
       ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}"
       ".card{background:#fff;border-radius:8px;padding:12px 18px;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:140px}"
       ".card b{display:block;font-size:28px;color:#0b3a66}.card span{font-size:13px;color:#57606a}"
       "section{background:#fff;border-radius:8px;padding:16px 20px;margin-bottom:18px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
       "h2{font-size:18px;margin:0 0 12px;color:#0b3a66}table{border-collapse:collapse;width:100%;font-size:13px}"
       "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e1e4e8;vertical-align:top}th{background:#f0f3f6}"
       ".bar{background:#2f6fb0;height:14px;border-radius:3px}.bar.n{background:#b9cde3}"
       ".row{display:flex;align-items:center;gap:8px;margin:3px 0;font-size:13px}.row .l{width:230px}"
       ".grid{display:flex;gap:24px;flex-wrap:wrap}.muted{color:#57606a;font-size:12px}.yes{color:#b3261e;font-weight:bold}"
       "</style></head><body>\n";
  h += "<header><h1>" + Html(inc.entity_name) + ": who must be told, by when</h1><p>" + Html(inc.entity_type) + ", " +
       Html(inc.entity_state) + " &middot; discovered " + inc.discovered.ToString() + " &middot; " +
       Html(HhsBreachType(inc.breach_type)) + " &middot; " + Html(HhsLocation(inc.location)) +
       (inc.hipaa_covered ? " &middot; HIPAA-covered" : "") + "</p></header>\n<main>\n";
  auto card = [&](int n, const std::string& label) {
    h += "<div class=\"card\"><b>" + std::to_string(n) + "</b><span>" + Html(label) + "</span></div>";
  };
  h += "<div class=\"cards\">";
  card(static_cast<int>(run.data->people.size()), "people in the case");
  card(notify, "people to notify");
  card(mailed, "letters to mail");
  card(substitute, "need substitute notice");
  card(emails, "with an email address");
  card(static_cast<int>(run.agg.rows.size()), "jurisdictions");
  card(regulators, "regulator notices");
  card(cras, "credit-bureau notices");
  if (inc.hipaa_covered) card(run.agg.hhs.individuals, "HIPAA individuals");
  card(flagged, "no known state (flagged)");
  h += "</div>\n";

  // Map.
  int max = 0;
  for (const auto& [s, n] : by_state) max = std::max(max, n);
  const int cell = 52;
  h += "<section><h2>People to notify by state</h2><div class=\"grid\"><svg role=\"img\" aria-label=\"map of people to "
       "notify by state\" width=\"" + std::to_string(12 * cell + 4) + "\" height=\"" + std::to_string(9 * cell + 4) +
       "\" viewBox=\"0 0 " + std::to_string(12 * cell + 4) + " " + std::to_string(9 * cell + 4) + "\">";
  for (const auto& t : kTiles) {
    int n = by_state.count(t.code) ? by_state[t.code] : 0;
    int x = t.col * cell + 2, y = t.row * cell + 2;
    bool dark = n > 0 && max > 0 && n * 2 > max;
    h += "<g><title>" + std::string(t.code) + ": " + std::to_string(n) + "</title><rect x=\"" + std::to_string(x) +
         "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(cell - 4) + "\" height=\"" +
         std::to_string(cell - 4) + "\" rx=\"5\" fill=\"" + Color(n, max) + "\"/><text x=\"" +
         std::to_string(x + (cell - 4) / 2) + "\" y=\"" + std::to_string(y + 20) +
         "\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\" fill=\"" + (dark ? "#fff" : "#1f2328") +
         "\">" + t.code + "</text>";
    if (n > 0)
      h += "<text x=\"" + std::to_string(x + (cell - 4) / 2) + "\" y=\"" + std::to_string(y + 38) +
           "\" text-anchor=\"middle\" font-size=\"12\" fill=\"" + (dark ? "#fff" : "#1f2328") + "\">" +
           std::to_string(n) + "</text>";
    h += "</g>";
  }
  h += "</svg><div><table><tr><th>State</th><th>To notify</th><th>Regulator</th><th>CRA</th></tr>";
  for (const auto& r : run.agg.rows)
    h += "<tr><td>" + Html(r.jurisdiction) + " " + Html(r.name) + "</td><td>" + std::to_string(r.residents) +
         "</td><td>" + (r.notify_regulator ? "<span class=\"yes\">yes</span>" : "no") + "</td><td>" +
         (r.notify_cra ? "<span class=\"yes\">yes</span>" : "no") + "</td></tr>";
  h += "</table>";
  if (flagged)
    h += "<p class=\"muted\">" + std::to_string(flagged) + " people with no known state are counted under " +
         Html(inc.entity_state) + ", the entity's state.</p>";
  h += "</div></div></section>\n";

  // Exposed types.
  auto types = TypeCounts(run);
  int tmax = 1;
  for (const auto& [t, n] : types) tmax = std::max(tmax, n.first);
  std::vector<std::pair<std::string, std::pair<int, int>>> tv(types.begin(), types.end());
  std::sort(tv.begin(), tv.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  h += "<section><h2>What was exposed (people per type)</h2>";
  for (const auto& [t, n] : tv) {
    h += "<div class=\"row\"><span class=\"l\">" + Html(DescribeType(t)) + "</span><div class=\"bar\" style=\"width:" +
         std::to_string(n.second > 0 ? std::max(2, n.second * 600 / tmax) : 0) + "px\"></div><div class=\"bar n\" style=\"width:" +
         std::to_string(std::max(0, (n.first - n.second) * 600 / tmax)) + "px\"></div><span>" +
         std::to_string(n.first) + " (" + std::to_string(n.second) + " to notify)</span></div>";
  }
  h += "<p class=\"muted\">Dark: people to notify; light: others in the case with that type.</p></section>\n";

  // Timeline.
  struct Event { Date d; std::string what; };
  std::vector<Event> ev;
  ev.push_back({inc.discovered, "discovered (the clock starts)"});
  std::map<int64_t, std::vector<std::string>> indiv;
  for (const auto& r : run.agg.rows) {
    if (r.individual_deadline && r.residents_state_law) indiv[r.individual_deadline->days()].push_back(r.jurisdiction);
    if (r.regulator_deadline) ev.push_back({*r.regulator_deadline, r.jurisdiction + " regulator: " + r.regulators});
  }
  for (const auto& [d, codes] : indiv) {
    Date date = inc.discovered.AddDays(d - inc.discovered.days());
    ev.push_back({date, "individual notices due: " + Join(codes, ", ")});
  }
  if (inc.hipaa_covered && run.agg.hhs.individuals > 0) {
    ev.push_back({inc.discovered.AddDays(run.rules->hipaa.individual_days), "HIPAA individual notices due"});
    ev.push_back({run.agg.hhs.deadline, "HHS OCR breach report due"});
    if (!run.agg.hhs.media_states.empty()) ev.push_back({run.agg.hhs.media_deadline, "HIPAA media notices due"});
  }
  std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.d < b.d; });
  int64_t span = std::max<int64_t>(1, ev.back().d.days() - inc.discovered.days());
  const int W = 900, rowh = 22;
  h += "<section><h2>Deadlines</h2><svg width=\"" + std::to_string(W + 20) + "\" height=\"" +
       std::to_string(40 + rowh * ev.size()) + "\" role=\"img\" aria-label=\"timeline of deadlines\">";
  h += "<line x1=\"10\" y1=\"20\" x2=\"" + std::to_string(W / 2 + 10) + "\" y2=\"20\" stroke=\"#57606a\"/>";
  for (size_t i = 0; i < ev.size(); ++i) {
    int x = 10 + static_cast<int>((ev[i].d.days() - inc.discovered.days()) * (W / 2) / span);
    int y = 40 + static_cast<int>(i) * rowh;
    h += "<circle cx=\"" + std::to_string(x) + "\" cy=\"20\" r=\"5\" fill=\"#b3261e\"/>";
    h += "<line x1=\"" + std::to_string(x) + "\" y1=\"20\" x2=\"" + std::to_string(x) + "\" y2=\"" +
         std::to_string(y - 4) + "\" stroke=\"#d0d7de\" stroke-dasharray=\"2,2\"/>";
    h += "<text x=\"" + std::to_string(x + 6) + "\" y=\"" + std::to_string(y) + "\" font-size=\"12\"><tspan font-weight=\"bold\">" +
         ev[i].d.ToString() + "</tspan> (day " + std::to_string(ev[i].d.days() - inc.discovered.days()) + ") " +
         Html(ev[i].what) + "</text>";
  }
  h += "</svg><p class=\"muted\">Statutes that say only \"without unreasonable delay\" have no date here; see "
       "regulators.md.</p></section>\n";

  // Files with the most people.
  std::map<std::string, int> files;
  for (const auto& p : run.data->people)
    for (const auto& s : p.sources) ++files[s];
  std::vector<std::pair<std::string, int>> fv(files.begin(), files.end());
  std::sort(fv.begin(), fv.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  h += "<section><h2>Files with the most people</h2><table><tr><th>File</th><th>People</th></tr>";
  for (size_t i = 0; i < fv.size() && i < 15; ++i)
    h += "<tr><td>" + Html(fv[i].first) + "</td><td>" + std::to_string(fv[i].second) + "</td></tr>";
  h += "</table></section>\n";

  // Errors.
  h += "<section><h2>Unreadable files (" + std::to_string(run.data->errors.size()) +
       ")</h2><p class=\"muted\">These files could not be read; they may hold more people.</p>";
  if (!run.data->errors.empty()) {
    h += "<table><tr><th>File</th><th>Reason</th></tr>";
    for (size_t i = 0; i < run.data->errors.size() && i < 50; ++i)
      h += "<tr><td>" + Html(run.data->errors[i].path) + "</td><td>" + Html(run.data->errors[i].reason) + "</td></tr>";
    h += "</table>";
    if (run.data->errors.size() > 50)
      h += "<p class=\"muted\">and " + std::to_string(run.data->errors.size() - 50) + " more in errors.jsonl</p>";
  } else {
    h += "<p>None.</p>";
  }
  h += "</section>\n<p class=\"muted\">Made by breachscope notify. Research notes on the law, not legal advice.</p>\n"
       "</main></body></html>\n";
  return h;
}

}  // namespace breachscope::notify
