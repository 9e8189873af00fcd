// The jurisdiction rules compiled into the binary: all 54 jurisdictions, each with a
// citation and sources; the contract types all mapped; HIPAA's numbers as the rule
// states them; every jurisdiction still flagged uncertain is listed in the README.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/embedded_data.h"
#include "notify/rules.h"

namespace breachscope::notify {
namespace {

const char* kAll[] = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
                      "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
                      "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
                      "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI"};

TEST(NotifyRules, AllFiftyFourJurisdictionsWithCitationsAndSources) {
  auto rules = LoadEmbeddedRules();
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_EQ(rules->jurisdictions.size(), 54u);
  for (const char* code : kAll) {
    const Jurisdiction* j = rules->Find(code);
    ASSERT_NE(j, nullptr) << code;
    EXPECT_FALSE(j->citation.empty()) << code;
    EXPECT_FALSE(j->name.empty()) << code;
    EXPECT_FALSE(j->sources.empty()) << code;
    // Name + SSN is personal information everywhere.
    EXPECT_TRUE(j->pi_elements.count("ssn") || j->standalone_elements.count("ssn")) << code;
  }
}

TEST(NotifyRules, EveryContractTypeIsMapped) {
  auto rules = LoadEmbeddedRules();
  ASSERT_TRUE(rules.ok());
  for (const char* t : {"ssn", "dob", "email", "phone", "credit_card", "bank_account", "drivers_license", "passport",
                        "mbi", "health_id", "diagnosis", "student_id", "name", "address"})
    EXPECT_TRUE(rules->contract_type_map.count(t)) << t;
  EXPECT_EQ(rules->contract_type_map.at("diagnosis"), std::vector<std::string>{"medical"});
  EXPECT_EQ(rules->contract_type_map.at("mbi"), std::vector<std::string>{"health_insurance"});
  EXPECT_TRUE(rules->contract_type_map.at("phone").empty());
}

TEST(NotifyRules, HipaaNumbers) {
  auto rules = LoadEmbeddedRules();
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->hipaa.individual_days, 60);
  EXPECT_EQ(rules->hipaa.hhs_large_min_total, 500);
  EXPECT_EQ(rules->hipaa.media_min_per_state, 501);
  EXPECT_EQ(rules->hipaa.hhs_small_days_after_year_end, 60);
  EXPECT_EQ(rules->hipaa.short_citation, "45 CFR 164.404");
  EXPECT_FALSE(rules->ferpa.position.empty());
  EXPECT_EQ(rules->credit_bureaus.size(), 3u);
}

TEST(NotifyRules, KnownCells) {
  auto rules = LoadEmbeddedRules();
  ASSERT_TRUE(rules.ok());
  const auto& mo = *rules->Find("MO");
  EXPECT_EQ(mo.citation, "Mo. Rev. Stat. § 407.1500");
  EXPECT_FALSE(mo.deadline_days.has_value());
  ASSERT_EQ(mo.regulator_notices.size(), 1u);
  EXPECT_EQ(mo.regulator_notices[0].min_affected, 1001);
  ASSERT_TRUE(mo.cra_notice.has_value());
  EXPECT_EQ(mo.cra_notice->min_affected, 1001);
  EXPECT_TRUE(mo.pi_elements.count("medical"));
  EXPECT_EQ(rules->Find("CA")->deadline_days, 30);
  EXPECT_EQ(rules->Find("TX")->regulator_notices[0].min_affected, 250);
  EXPECT_EQ(rules->Find("MA")->identity_theft_months, 18);
}

TEST(NotifyRules, RejectsAnEntryWithoutCitation) {
  std::string j(EmbeddedFile("laws/jurisdictions.yaml"));
  std::string f(EmbeddedFile("laws/federal.yaml"));
  auto pos = j.find("citation: Mo. Rev. Stat.");
  ASSERT_NE(pos, std::string::npos);
  std::string broken = j;
  broken.replace(pos, std::string("citation: Mo. Rev. Stat. § 407.1500").size(), "citation: ''");
  auto r = ParseRules(broken, f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("MO"), std::string::npos);
}

TEST(NotifyRules, UncertainJurisdictionsAreListedInTheReadme) {
  auto rules = LoadEmbeddedRules();
  ASSERT_TRUE(rules.ok());
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/data/laws/README.md");
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string readme = ss.str();
  int uncertain = 0;
  for (const auto& [code, j] : rules->jurisdictions) {
    if (!j.uncertain) continue;
    ++uncertain;
    EXPECT_NE(readme.find("| " + code + " |"), std::string::npos) << code << " is uncertain but not in README";
  }
  EXPECT_GT(uncertain, 0);
}

}  // namespace
}  // namespace breachscope::notify
