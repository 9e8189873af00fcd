// notify/incident.h — INCIDENT.yaml: the facts of the breach that the laws need.
//
// Keys and values are fixed by the Notification section of the output contract
// (../shared/contract.md). ParseIncident() accepts exactly those keys plus the
// documented optional extensions below (docs/notify.md); any other key, a missing
// required key or a value out of its list is kInvalidArgument with a message naming
// the key ("INCIDENT.yaml: entity.type: must be one of ..."). Messages never echo
// the file's values.
//
// Thread-safety: plain values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "notify/dates.h"

namespace breachscope::notify {

// Value lists of the contract.
inline constexpr std::string_view kEntityTypes[] = {
    "school_district", "state_agency", "health_plan", "healthcare_provider", "healthcare_clearinghouse",
    "business_associate", "business", "nonprofit", "other"};
inline constexpr std::string_view kBreachTypes[] = {
    "hacking_it_incident", "unauthorized_access_disclosure", "theft", "loss", "improper_disposal", "other"};
inline constexpr std::string_view kLocations[] = {
    "network_server", "email", "desktop_computer", "laptop", "paper_films", "other_portable_device",
    "electronic_medical_record", "other"};

struct Contact {  // extension `contact:` (all optional)
  std::string phone, email, website, address;
  bool empty() const { return phone.empty() && email.empty() && website.empty() && address.empty(); }
};

struct CreditMonitoring {  // extension `credit_monitoring:` (all optional)
  int months = 0;          // 0: not stated
  std::string provider, enroll_url;
  std::optional<Date> enroll_by;
};

struct Incident {
  std::string entity_name, entity_type, entity_state;
  Date discovered;
  std::optional<Date> breach_start, breach_end;
  std::string breach_type, location;
  bool encrypted = false, business_associate = false, hipaa_covered = false;
  std::string description;

  // Documented optional extensions.
  bool key_compromised = false;  // encrypted, but the key or credentials were taken too
  Contact contact;
  CreditMonitoring credit_monitoring;
  std::optional<Date> disclosed;  // date the breach was made public (incident.json)
  std::vector<std::string> references;

  // State agencies and school districts are public bodies (government-only notices).
  bool IsGovernment() const { return entity_type == "state_agency" || entity_type == "school_district"; }
};

// `known_states`: the jurisdiction codes entity.state may take (the rules' codes).
Result<Incident> ParseIncident(std::string_view yaml_text, const std::vector<std::string>& known_states);
Result<Incident> LoadIncident(const std::filesystem::path& file, const std::vector<std::string>& known_states);

}  // namespace breachscope::notify
