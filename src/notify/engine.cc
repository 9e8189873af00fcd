// notify/engine.cc — the rules engine. The decisions are deliberately literal: an
// element counts when the jurisdiction's rules list it and the scan found the
// contract type mapped to it (with a name unless the element counts alone); every
// other path leaves a note, so `--explain` shows the reasoning a lawyer can check
// against the citation.
#include "notify/engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace breachscope::notify {
namespace {

// Elements that need something the scan's contract types never carry.
const std::map<std::string, std::string>& NeedsCompanion() {
  static const std::map<std::string, std::string> k = {
      {"financial_account_with_code", "a security code, access code or password for the account"},
      {"electronic_id_or_routing_code_with_code", "a code or password for the account"},
      {"online_credentials", "a password or security question and answer"},
      {"financial_access_code_alone", "the access code or PIN itself"},
  };
  return k;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

}  // namespace

std::string DescribeType(std::string_view t) {
  static const std::map<std::string_view, std::string_view> k = {
      {"ssn", "Social Security number"},
      {"dob", "date of birth"},
      {"email", "email address"},
      {"phone", "telephone number"},
      {"credit_card", "payment card number"},
      {"bank_account", "bank account number"},
      {"drivers_license", "driver's license or state ID number"},
      {"passport", "passport number"},
      {"mbi", "Medicare number (Medicare Beneficiary Identifier)"},
      {"health_id", "health plan or Medicaid member ID number"},
      {"diagnosis", "medical diagnosis information"},
      {"student_id", "student ID number"},
      {"name", "name"},
      {"address", "postal address"},
  };
  auto it = k.find(t);
  return it == k.end() ? std::string(t) : std::string(it->second);
}

LawResult Engine::EvaluateState(const Jurisdiction& j, const CasePerson& p) const {
  LawResult r;
  r.law = j.code;
  r.citation = j.citation;
  const bool has_name = p.HasName();
  bool used_name = false;
  for (const auto& type : p.exposed) {
    if (type == "name") continue;
    auto it = rules_.contract_type_map.find(type);
    if (it == rules_.contract_type_map.end() || it->second.empty()) {
      if (keep_notes_) r.notes.push_back(type + ": not a personal-information element in any jurisdiction's definition");
      continue;
    }
    bool matched = false;
    std::vector<std::string> misses;
    for (const auto& e : it->second) {
      const bool listed = j.pi_elements.count(e) || j.standalone_elements.count(e);
      if (auto c = NeedsCompanion().find(e); c != NeedsCompanion().end()) {
        if (!keep_notes_) continue;
        if (listed)
          misses.push_back(e + " is listed in " + j.code + " but needs " + c->second +
                           ", which the scan does not detect: not counted");
        else
          misses.push_back(e + " is not an element in " + j.code);
        continue;
      }
      if (j.standalone_elements.count(e)) {
        if (keep_notes_) r.notes.push_back(type + " -> " + e + ": counts in " + j.code + " even without a name");
        r.elements.push_back(e);
        matched = true;
      } else if (j.pi_elements.count(e)) {
        if (has_name) {
          if (keep_notes_) r.notes.push_back(type + " -> " + e + ": counts in " + j.code + " with the person's name");
          r.elements.push_back(e);
          matched = used_name = true;
        } else if (keep_notes_) {
          misses.push_back(e + " counts in " + j.code + " only with a first name or initial and last name; none found");
        }
      } else if (keep_notes_) {
        misses.push_back(e + " is not an element in " + j.code);
      }
    }
    if (matched) {
      r.types.push_back(type);
    } else {
      if (keep_notes_)
        for (const auto& m : misses) r.notes.push_back(type + ": " + m);
      if (keep_notes_ && misses.empty()) r.notes.push_back(type + ": no element of " + j.code + " matches");
    }
  }
  if (used_name) r.types.push_back("name");
  SortUnique(r.types);
  SortUnique(r.elements);
  r.applies = !r.types.empty();

  if (r.applies && incident_.encrypted) {
    if (!j.encryption_safe_harbor) {
      if (keep_notes_) r.notes.push_back("encrypted: " + j.code + " has no encryption safe harbour in the rules; notice still required");
    } else if (incident_.key_compromised) {
      if (keep_notes_) r.notes.push_back("encrypted, but key_compromised: true, so the encryption safe harbour does not apply");
    } else {
      r.applies = false;
      if (keep_notes_) r.notes.push_back("encrypted: true and no compromised key: " + j.code +
                        "'s encryption safe harbour applies, no notice under this law");
    }
  }
  if (r.applies) {
    if (j.deadline_days) {
      r.deadline = incident_.discovered.AddDays(*j.deadline_days);
      r.deadline_basis = std::to_string(*j.deadline_days) + " days from " +
                         (j.clock_starts.empty() ? std::string("discovery") : j.clock_starts) +
                         " (counted from INCIDENT.yaml discovered): " + j.deadline_text;
    } else {
      r.deadline_basis = "no fixed number of days: " + (j.deadline_text.empty() ? "without unreasonable delay" : j.deadline_text);
    }
    if (j.risk_of_harm_exception.value_or(false))
      if (keep_notes_) r.notes.push_back("risk-of-harm exception exists (" + j.harm_notes +
                        "); not assumed: it needs a documented investigation");
    if (incident_.IsGovernment() && !j.covers_government.value_or(false))
      if (keep_notes_) r.notes.push_back("whether " + j.citation + " reaches a government entity is not established in the rules (" +
                        j.government_notes + "); treated as applying");
  }
  if (keep_notes_ && !j.effective_notes.empty())
    r.notes.push_back("the rules are current law; check the version in force at discovery: " + j.effective_notes);
  if (keep_notes_ && j.uncertain) r.notes.push_back("rules cells marked uncertain for " + j.code + ": " + Join(j.uncertain_fields, ", "));
  return r;
}

LawResult Engine::EvaluateHipaa(const CasePerson& p) const {
  LawResult r;
  r.law = "HIPAA";
  r.citation = rules_.hipaa.short_citation;
  for (const auto& t : rules_.hipaa.contract_types)
    if (p.Has(t)) r.types.push_back(t);
  SortUnique(r.types);
  if (r.types.empty()) {
    if (keep_notes_) r.notes.push_back("HIPAA-covered incident, but no health_id, mbi or diagnosis for this person");
    return r;
  }
  r.elements = {"protected_health_information"};
  if (keep_notes_) r.notes.push_back(Join(r.types, ", ") + ": protected health information held by a covered entity or business associate");
  if (incident_.encrypted && !incident_.key_compromised) {
    if (keep_notes_) r.notes.push_back("encrypted: true and no compromised key: secured PHI, no breach notice under the HIPAA rule");
    return r;
  }
  r.applies = true;
  r.deadline = incident_.discovered.AddDays(rules_.hipaa.individual_days);
  r.deadline_basis = "without unreasonable delay and no later than " + std::to_string(rules_.hipaa.individual_days) +
                     " calendar days after discovery (45 CFR 164.404(b))";
  return r;
}

Obligation Engine::Evaluate(const CasePerson& p) const {
  Obligation o;
  o.person = p.id;
  const Jurisdiction* j = nullptr;
  if (p.has_address && !p.address.state.empty()) j = rules_.Find(p.address.state);
  if (!j) {
    j = rules_.Find(incident_.entity_state);
    o.state_from_entity = true;
    o.notes.push_back(std::string("no known state of residence") +
                      (p.has_address && !p.address.state.empty() ? " (the address's state is not a US jurisdiction)" : "") +
                      ": handled under the law of the entity's state, " + incident_.entity_state + " (flagged)");
  }
  o.jurisdiction = j->code;
  o.considered.push_back(EvaluateState(*j, p));
  if (incident_.hipaa_covered) o.considered.push_back(EvaluateHipaa(p));

  for (const auto& r : o.considered) {
    if (!r.applies) continue;
    o.notify = true;
    o.laws.push_back(r.citation);
    o.reasons.insert(o.reasons.end(), r.types.begin(), r.types.end());
    if (r.law == "HIPAA") o.hipaa = true; else o.state_law = true;
    if (r.deadline && (!o.deadline || *r.deadline < *o.deadline)) {
      o.deadline = r.deadline;
      o.deadline_basis = r.law + ": " + r.deadline_basis;
    }
  }
  SortUnique(o.reasons);
  if (o.notify && !o.deadline) o.deadline_basis = o.considered[0].law + ": " + o.considered[0].deadline_basis;
  if (p.Has("student_id"))
    o.notes.push_back("FERPA (" + rules_.ferpa.citation + "): no breach-notice duty of its own; state law decides notice");
  o.ma_content = o.notify && o.jurisdiction == "MA";
  if (o.state_law && j->identity_theft_months > 0)
    for (const auto& t : j->identity_theft_when)
      if (p.Has(t)) o.monitoring_months = j->identity_theft_months;
  return o;
}

Date HhsAnnualDeadline(Date discovered, int days_after_year_end) {
  return Date::FromCivil(discovered.year(), 12, 31).AddDays(days_after_year_end);
}

Aggregate Summarise(const Rules& rules, const Incident& inc, const std::vector<Obligation>& obligations,
                    const std::vector<bool>& usable_address) {
  Aggregate agg;
  std::map<std::string, RegulatorRow> rows;
  for (size_t i = 0; i < obligations.size(); ++i) {
    const auto& o = obligations[i];
    if (!o.notify) continue;
    auto& row = rows[o.jurisdiction];
    row.jurisdiction = o.jurisdiction;
    ++row.residents;
    if (o.state_law) ++row.residents_state_law;
    if (usable_address[i]) ++row.mailed; else ++row.substitute;
    if (o.state_from_entity) ++row.entity_state_fallback;
    if (o.hipaa) {
      ++row.hipaa_individuals;
      ++agg.hhs.individuals;
      if (!usable_address[i]) ++agg.hhs.substitute;
    }
  }
  for (auto& [code, row] : rows) {
    const Jurisdiction& j = *rules.Find(code);
    row.name = j.name;
    row.citation = j.citation;
    row.uncertain = j.uncertain;
    if (j.deadline_days) {
      row.individual_deadline = inc.discovered.AddDays(*j.deadline_days);
      row.individual_deadline_basis = std::to_string(*j.deadline_days) + " days";
    } else {
      row.individual_deadline_basis = "without unreasonable delay (no fixed days)";
    }
    std::vector<std::string> names, thresholds, timings, undated;
    for (const auto& n : j.regulator_notices) {
      // A public-agency duty binds that jurisdiction's own public bodies only.
      bool applicable = n.applies_to == "all" ||
                        (n.applies_to == "government" && inc.IsGovernment() && inc.entity_state == code);
      if (!applicable || row.residents_state_law < n.min_affected) continue;
      names.push_back(n.recipient);
      thresholds.push_back(n.threshold_text);
      timings.push_back(n.timing_text);
      std::optional<Date> d;
      auto add = [&](Date from, int days) { return n.timing_business_days ? from.AddBusinessDays(days) : from.AddDays(days); };
      if ((n.timing_clock == "discovery" || n.timing_clock == "determination") && n.timing_days) {
        d = add(inc.discovered, *n.timing_days);
      } else if ((n.timing_clock == "with_individual_notice" || n.timing_clock == "before_individual_notice") &&
                 row.individual_deadline) {
        d = row.individual_deadline;
      } else if (n.timing_clock == "after_individual_notice" && n.timing_days && row.individual_deadline) {
        d = add(*row.individual_deadline, *n.timing_days);
      }
      if (d && (!row.regulator_deadline || *d < *row.regulator_deadline)) row.regulator_deadline = d;
      if (!d) undated.push_back(n.recipient + ": " + n.timing_text);
    }
    row.notify_regulator = !names.empty();
    row.regulators = Join(names, "; ");
    row.regulator_thresholds = Join(thresholds, "; ");
    row.regulator_timing = Join(timings, "; ");
    if (row.notify_regulator && !row.regulator_deadline)
      row.regulator_deadline_basis = "no fixed date: " + Join(undated, "; ");
    else if (row.regulator_deadline)
      row.regulator_deadline_basis = "earliest dated notice; counted from INCIDENT.yaml discovered" +
                                     std::string(undated.empty() ? "" : "; also undated: " + Join(undated, "; "));
    if (j.cra_notice && row.residents_state_law >= j.cra_notice->min_affected) {
      row.notify_cra = true;
      row.cra_threshold = j.cra_notice->threshold_text;
    }
    if (inc.hipaa_covered && row.hipaa_individuals >= rules.hipaa.media_min_per_state) {
      row.media_notice = true;
      row.media_deadline = inc.discovered.AddDays(rules.hipaa.media_days);
      agg.hhs.media_states.emplace_back(code, row.hipaa_individuals);
    }
    agg.rows.push_back(row);
  }
  auto& h = agg.hhs;
  h.covered = inc.hipaa_covered;
  h.large = h.individuals >= rules.hipaa.hhs_large_min_total;
  h.media_deadline = inc.discovered.AddDays(rules.hipaa.media_days);
  if (h.large) {
    h.deadline = inc.discovered.AddDays(rules.hipaa.hhs_large_days);
    h.deadline_rule = std::to_string(rules.hipaa.hhs_large_min_total) + " or more individuals: within " +
                      std::to_string(rules.hipaa.hhs_large_days) + " days of discovery, with the individual notices";
    h.citation = rules.hipaa.hhs_large_citation;
  } else {
    h.deadline = HhsAnnualDeadline(inc.discovered, rules.hipaa.hhs_small_days_after_year_end);
    h.deadline_rule = "fewer than " + std::to_string(rules.hipaa.hhs_large_min_total) +
                      " individuals: breach log, submitted within " +
                      std::to_string(rules.hipaa.hhs_small_days_after_year_end) +
                      " days after the end of the calendar year of discovery";
    h.citation = rules.hipaa.hhs_small_citation;
  }
  return agg;
}

std::string Explain(const Rules& rules, const Incident& inc, const CasePerson& p, const Obligation& o) {
  std::ostringstream s;
  s << "Person " << p.id << ": " << (p.FullName().empty() ? "(no name)" : p.FullName()) << "\n";
  s << "  exposed types: " << Join(p.exposed, ", ") << "\n";
  s << "  jurisdiction: " << o.jurisdiction
    << (o.state_from_entity ? " (FLAGGED: no known state; the entity's state is used)" : " (from the postal address)")
    << "\n";
  s << "  incident: discovered " << inc.discovered.ToString() << ", encrypted: " << (inc.encrypted ? "yes" : "no")
    << (inc.encrypted ? (inc.key_compromised ? " (key compromised)" : " (key not compromised)") : "")
    << ", HIPAA-covered: " << (inc.hipaa_covered ? "yes" : "no") << "\n\n";
  for (const auto& r : o.considered) {
    s << "Law considered: " << r.law << " - " << r.citation << "\n";
    for (const auto& n : r.notes) s << "  - " << n << "\n";
    s << "  => " << (r.applies ? "NOTICE REQUIRED" : "no notice under this law");
    if (r.applies) {
      s << "; triggered by: " << Join(r.types, ", ") << "; elements: " << Join(r.elements, ", ");
      s << "\n     deadline: " << (r.deadline ? r.deadline->ToString() : std::string("none fixed")) << " ("
        << r.deadline_basis << ")";
    }
    s << "\n\n";
  }
  if (!inc.hipaa_covered)
    s << "Law considered: HIPAA - " << rules.hipaa.short_citation
      << "\n  => not applied: INCIDENT.yaml hipaa_covered is false\n\n";
  for (const auto& n : o.notes) s << "Note: " << n << "\n";
  s << "Decision: notify = " << (o.notify ? "yes" : "no");
  if (o.notify) {
    s << "\n  laws: " << Join(o.laws, "; ");
    s << "\n  reasons: " << Join(o.reasons, ", ");
    s << "\n  deadline: " << (o.deadline ? o.deadline->ToString() : std::string("null")) << " (" << o.deadline_basis
      << ")";
    if (o.monitoring_months) s << "\n  identity-theft services to offer: " << o.monitoring_months << " months";
  }
  s << "\n";
  return s.str();
}

}  // namespace breachscope::notify
