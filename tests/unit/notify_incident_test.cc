// INCIDENT.yaml: a valid file parses to the right values; every invalid, missing or
// unknown key is an InvalidArgument whose message names that key.
#include <gtest/gtest.h>

#include "notify/incident.h"
#include "notify/rules.h"

namespace breachscope::notify {
namespace {

const char* kValid = R"(entity: {name: "Example School District", type: school_district, state: MO}
discovered: 2023-02-18
breach_start: 2023-02-17
breach_end: 2023-02-18
breach_type: hacking_it_incident
location: network_server
encrypted: false
business_associate: false
hipaa_covered: false
description: "free text"
)";

std::vector<std::string> Codes() {
  static auto rules = LoadEmbeddedRules();
  return rules->Codes();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

// Parses `yaml`, expects failure naming `key`.
void ExpectError(const std::string& yaml, const std::string& key) {
  auto r = ParseIncident(yaml, Codes());
  ASSERT_FALSE(r.ok()) << "expected an error about " << key;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(key + ":"), std::string::npos) << r.status().message();
}

TEST(NotifyIncident, ValidFileParses) {
  auto r = ParseIncident(kValid, Codes());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->entity_name, "Example School District");
  EXPECT_EQ(r->entity_type, "school_district");
  EXPECT_EQ(r->entity_state, "MO");
  EXPECT_EQ(r->discovered.ToString(), "2023-02-18");
  EXPECT_EQ(r->breach_start->ToString(), "2023-02-17");
  EXPECT_FALSE(r->encrypted);
  EXPECT_TRUE(r->IsGovernment());
}

TEST(NotifyIncident, MissingKeysAreNamed) {
  ExpectError(Replace(kValid, "discovered: 2023-02-18\n", ""), "discovered");
  ExpectError(Replace(kValid, "breach_type: hacking_it_incident\n", ""), "breach_type");
  ExpectError(Replace(kValid, "location: network_server\n", ""), "location");
  ExpectError(Replace(kValid, "encrypted: false\n", ""), "encrypted");
  ExpectError(Replace(kValid, "hipaa_covered: false\n", ""), "hipaa_covered");
  ExpectError(Replace(kValid, "business_associate: false\n", ""), "business_associate");
  ExpectError(Replace(kValid, "description: \"free text\"\n", ""), "description");
  ExpectError(Replace(kValid, "name: \"Example School District\", ", ""), "entity.name");
  ExpectError(Replace(kValid, "entity: {name: \"Example School District\", type: school_district, state: MO}\n", ""),
              "entity");
}

TEST(NotifyIncident, InvalidValuesAreNamed) {
  ExpectError(Replace(kValid, "type: school_district", "type: school"), "entity.type");
  ExpectError(Replace(kValid, "state: MO", "state: ZZ"), "entity.state");
  ExpectError(Replace(kValid, "discovered: 2023-02-18", "discovered: 2023-02-30"), "discovered");
  ExpectError(Replace(kValid, "discovered: 2023-02-18", "discovered: 18/02/2023"), "discovered");
  ExpectError(Replace(kValid, "breach_type: hacking_it_incident", "breach_type: ransomware"), "breach_type");
  ExpectError(Replace(kValid, "location: network_server", "location: cloud"), "location");
  ExpectError(Replace(kValid, "encrypted: false", "encrypted: maybe"), "encrypted");
  ExpectError(Replace(kValid, "breach_end: 2023-02-18", "breach_end: 2023-02-01"), "breach_end");
  ExpectError(Replace(Replace(kValid, "breach_end: 2023-02-18\n", ""), "breach_start: 2023-02-17",
                      "breach_start: 2023-03-01"),
              "breach_start");
}

TEST(NotifyIncident, UnknownKeysAreErrors) {
  ExpectError(std::string(kValid) + "discoverd: 2023-02-19\n", "discoverd");
  ExpectError(Replace(kValid, "state: MO}", "state: MO, sector: k12}"), "entity.sector");
  ExpectError(std::string(kValid) + "contact: {fax: \"1\"}\n", "contact.fax");
}

TEST(NotifyIncident, ExtensionsParse) {
  std::string y = std::string(kValid) +
                  "key_compromised: true\ncontact: {phone: \"1-800-555-0100\"}\n"
                  "credit_monitoring: {months: 24, provider: X, enroll_by: 2023-06-01}\ndisclosed: 2023-03-01\n"
                  "references: [\"https://example.org\"]\n";
  auto r = ParseIncident(y, Codes());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->key_compromised);
  EXPECT_EQ(r->contact.phone, "1-800-555-0100");
  EXPECT_EQ(r->credit_monitoring.months, 24);
  EXPECT_EQ(r->disclosed->ToString(), "2023-03-01");
  ASSERT_EQ(r->references.size(), 1u);
  ExpectError(std::string(kValid) + "credit_monitoring: {months: lots}\n", "credit_monitoring.months");
}

TEST(NotifyIncident, NotYamlIsAnError) {
  auto r = ParseIncident("entity: [unclosed", Codes());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("INCIDENT.yaml"), std::string::npos);
}

}  // namespace
}  // namespace breachscope::notify
