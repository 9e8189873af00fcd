// notify/incident.cc — strict reading of INCIDENT.yaml with yaml-cpp.
//
// The contract makes an unknown key an error so that a typo ("discoverd") cannot
// silently move every deadline; every message names the key it is about and never
// the value, which may be free text.
#include "notify/incident.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace breachscope::notify {
namespace {

Status Bad(std::string_view key, std::string_view what) {
  return InvalidArgument("INCIDENT.yaml: " + std::string(key) + ": " + std::string(what));
}

template <size_t N>
std::string OneOf(const std::string_view (&values)[N]) {
  std::string s = "must be one of ";
  for (size_t i = 0; i < N; ++i) {
    if (i) s += " | ";
    s += values[i];
  }
  return s;
}

// Keys of a map, with an error for any key outside `allowed`.
Status CheckKeys(const YAML::Node& map, std::string_view prefix, const std::set<std::string>& allowed) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) return Bad(prefix.empty() ? "(top level)" : prefix, "keys must be plain names");
    std::string k = it->first.Scalar();
    if (!allowed.count(k)) {
      std::string full = prefix.empty() ? k : std::string(prefix) + "." + k;
      return Bad(full, "unknown key (see docs/notify.md for the keys INCIDENT.yaml may hold)");
    }
  }
  return Status::Ok();
}

Result<std::string> NeedString(const YAML::Node& parent, const std::string& key, std::string_view full,
                               bool required, bool allow_empty = false) {
  YAML::Node n = parent[key];
  if (!n.IsDefined() || n.IsNull()) {
    if (required) return Bad(full, "missing (required)");
    return std::string();
  }
  if (!n.IsScalar()) return Bad(full, "must be a text value");
  std::string v = n.Scalar();
  if (!allow_empty && v.find_first_not_of(" \t\r\n") == std::string::npos) return Bad(full, "must not be empty");
  return v;
}

Result<std::optional<Date>> NeedDate(const YAML::Node& parent, const std::string& key, std::string_view full,
                                     bool required) {
  YAML::Node n = parent[key];
  if (!n.IsDefined() || n.IsNull()) {
    if (required) return Bad(full, "missing (required; a date YYYY-MM-DD)");
    return std::optional<Date>();
  }
  if (!n.IsScalar()) return Bad(full, "must be a date YYYY-MM-DD");
  auto d = Date::Parse(n.Scalar());
  if (!d) return Bad(full, "must be a valid date YYYY-MM-DD");
  return std::optional<Date>(*d);
}

Result<bool> NeedBool(const YAML::Node& parent, const std::string& key, std::string_view full, bool required) {
  YAML::Node n = parent[key];
  if (!n.IsDefined() || n.IsNull()) {
    if (required) return Bad(full, "missing (required; true or false)");
    return false;
  }
  if (!n.IsScalar()) return Bad(full, "must be true or false");
  std::string v = n.Scalar();
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true") return true;
  if (v == "false") return false;
  return Bad(full, "must be true or false");
}

template <size_t N>
Status CheckEnum(const std::string& v, const std::string_view (&values)[N], std::string_view full) {
  for (auto x : values)
    if (x == v) return Status::Ok();
  return Bad(full, OneOf(values));
}

}  // namespace

Result<Incident> ParseIncident(std::string_view text, const std::vector<std::string>& known_states) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("INCIDENT.yaml: not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
  }
  if (!root.IsMap()) return InvalidArgument("INCIDENT.yaml: must be a mapping of keys (entity, discovered, ...)");

  static const std::set<std::string> kTop = {
      "entity", "discovered", "breach_start", "breach_end", "breach_type", "location", "encrypted",
      "business_associate", "hipaa_covered", "description",
      // extensions (docs/notify.md)
      "key_compromised", "contact", "credit_monitoring", "disclosed", "references"};
  BS_RETURN_IF_ERROR(CheckKeys(root, "", kTop));

  Incident inc;
  YAML::Node entity = root["entity"];
  if (!entity.IsDefined() || entity.IsNull()) return Bad("entity", "missing (required; {name, type, state})");
  if (!entity.IsMap()) return Bad("entity", "must be a mapping {name, type, state}");
  BS_RETURN_IF_ERROR(CheckKeys(entity, "entity", {"name", "type", "state"}));
  {
    auto v = NeedString(entity, "name", "entity.name", true);
    if (!v.ok()) return v.status();
    inc.entity_name = *v;
  }
  {
    auto v = NeedString(entity, "type", "entity.type", true);
    if (!v.ok()) return v.status();
    BS_RETURN_IF_ERROR(CheckEnum(*v, kEntityTypes, "entity.type"));
    inc.entity_type = *v;
  }
  {
    auto v = NeedString(entity, "state", "entity.state", true);
    if (!v.ok()) return v.status();
    std::string s = *v;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    if (std::find(known_states.begin(), known_states.end(), s) == known_states.end())
      return Bad("entity.state", "must be a two-letter code of a US state, DC, PR, GU or VI");
    inc.entity_state = s;
  }
  {
    auto d = NeedDate(root, "discovered", "discovered", true);
    if (!d.ok()) return d.status();
    inc.discovered = **d;
  }
  {
    auto d = NeedDate(root, "breach_start", "breach_start", false);
    if (!d.ok()) return d.status();
    inc.breach_start = *d;
    auto e = NeedDate(root, "breach_end", "breach_end", false);
    if (!e.ok()) return e.status();
    inc.breach_end = *e;
    if (inc.breach_start && inc.breach_end && *inc.breach_end < *inc.breach_start)
      return Bad("breach_end", "must not be before breach_start");
    if (inc.breach_start && inc.discovered < *inc.breach_start)
      return Bad("breach_start", "must not be after discovered");
  }
  {
    auto v = NeedString(root, "breach_type", "breach_type", true);
    if (!v.ok()) return v.status();
    BS_RETURN_IF_ERROR(CheckEnum(*v, kBreachTypes, "breach_type"));
    inc.breach_type = *v;
  }
  {
    auto v = NeedString(root, "location", "location", true);
    if (!v.ok()) return v.status();
    BS_RETURN_IF_ERROR(CheckEnum(*v, kLocations, "location"));
    inc.location = *v;
  }
  for (auto [key, field] : {std::pair<const char*, bool*>{"encrypted", &inc.encrypted},
                            {"business_associate", &inc.business_associate},
                            {"hipaa_covered", &inc.hipaa_covered}}) {
    auto b = NeedBool(root, key, key, true);
    if (!b.ok()) return b.status();
    *field = *b;
  }
  {
    auto v = NeedString(root, "description", "description", true, /*allow_empty=*/true);
    if (!v.ok()) return v.status();
    inc.description = *v;
  }

  // Extensions.
  {
    auto b = NeedBool(root, "key_compromised", "key_compromised", false);
    if (!b.ok()) return b.status();
    inc.key_compromised = *b;
  }
  if (YAML::Node c = root["contact"]; c.IsDefined() && !c.IsNull()) {
    if (!c.IsMap()) return Bad("contact", "must be a mapping {phone, email, website, address}");
    BS_RETURN_IF_ERROR(CheckKeys(c, "contact", {"phone", "email", "website", "address"}));
    std::string* fields[] = {&inc.contact.phone, &inc.contact.email, &inc.contact.website, &inc.contact.address};
    const char* names[] = {"phone", "email", "website", "address"};
    for (int i = 0; i < 4; ++i) {
      auto v = NeedString(c, names[i], std::string("contact.") + names[i], false);
      if (!v.ok()) return v.status();
      *fields[i] = *v;
    }
  }
  if (YAML::Node c = root["credit_monitoring"]; c.IsDefined() && !c.IsNull()) {
    if (!c.IsMap()) return Bad("credit_monitoring", "must be a mapping {months, provider, enroll_url, enroll_by}");
    BS_RETURN_IF_ERROR(CheckKeys(c, "credit_monitoring", {"months", "provider", "enroll_url", "enroll_by"}));
    if (YAML::Node m = c["months"]; m.IsDefined() && !m.IsNull()) {
      int months = 0;
      bool ok = m.IsScalar();
      if (ok) {
        const std::string& s = m.Scalar();
        ok = !s.empty() && s.size() <= 3 && s.find_first_not_of("0123456789") == std::string::npos;
        if (ok) months = std::stoi(s);
      }
      if (!ok || months < 1) return Bad("credit_monitoring.months", "must be a whole number of months (1-999)");
      inc.credit_monitoring.months = months;
    }
    auto p = NeedString(c, "provider", "credit_monitoring.provider", false);
    if (!p.ok()) return p.status();
    inc.credit_monitoring.provider = *p;
    auto u = NeedString(c, "enroll_url", "credit_monitoring.enroll_url", false);
    if (!u.ok()) return u.status();
    inc.credit_monitoring.enroll_url = *u;
    auto d = NeedDate(c, "enroll_by", "credit_monitoring.enroll_by", false);
    if (!d.ok()) return d.status();
    inc.credit_monitoring.enroll_by = *d;
  }
  {
    auto d = NeedDate(root, "disclosed", "disclosed", false);
    if (!d.ok()) return d.status();
    inc.disclosed = *d;
  }
  if (YAML::Node r = root["references"]; r.IsDefined() && !r.IsNull()) {
    if (!r.IsSequence()) return Bad("references", "must be a list of text (URLs)");
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i].IsScalar()) return Bad("references", "must be a list of text (URLs)");
      inc.references.push_back(r[i].Scalar());
    }
  }
  return inc;
}

Result<Incident> LoadIncident(const std::filesystem::path& file, const std::vector<std::string>& known_states) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return InvalidArgument("INCIDENT.yaml: cannot read the file given to --incident");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseIncident(ss.str(), known_states);
}

}  // namespace breachscope::notify
