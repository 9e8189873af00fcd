// The rules engine on hand-made people, each expectation tied to the rule's citation
// in data/laws: a Missourian with name + SSN, a Californian and a Kansan with name +
// diagnosis (HIPAA on and off), a Texan with an email only, encrypted data with and
// without the key, a person with no state, account numbers with and without the
// need for an access code; then the aggregate thresholds: HHS 499/500, media 500/501
// in one state, Missouri's AG and CRA at 1,000/1,001, dated regulator deadlines.
#include <gtest/gtest.h>

#include <algorithm>

#include "notify/engine.h"

namespace breachscope::notify {
namespace {

const Rules& TheRules() {
  static Rules rules = *LoadEmbeddedRules();
  return rules;
}

Incident MakeIncident(bool hipaa = false, bool encrypted = false, std::string state = "MO") {
  Incident inc;
  inc.entity_name = "Example Health Plan";
  inc.entity_type = hipaa ? "health_plan" : "business";
  inc.entity_state = state;
  inc.discovered = *Date::Parse("2023-02-18");
  inc.breach_type = "hacking_it_incident";
  inc.location = "network_server";
  inc.encrypted = encrypted;
  inc.hipaa_covered = hipaa;
  return inc;
}

CasePerson MakePerson(std::string id, std::string state, std::vector<std::string> exposed) {
  CasePerson p;
  p.id = std::move(id);
  p.first_name = "Jane";
  p.last_name = "Public";
  if (!state.empty()) {
    p.has_address = true;
    p.address = {"12 Elm St", "Columbia", state, "65201"};
    exposed.push_back("address");
  }
  exposed.push_back("name");
  std::sort(exposed.begin(), exposed.end());
  p.exposed = exposed;
  return p;
}

bool HasLaw(const Obligation& o, std::string_view citation) {
  return std::find(o.laws.begin(), o.laws.end(), citation) != o.laws.end();
}

TEST(NotifyDates, ParseAddAndBusinessDays) {
  auto d = Date::Parse("2023-02-18");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->AddDays(60).ToString(), "2023-04-19");
  EXPECT_EQ(d->weekday(), 6);  // a Saturday
  EXPECT_EQ(d->AddBusinessDays(5).ToString(), "2023-02-24");
  EXPECT_FALSE(Date::Parse("2023-02-29"));
  EXPECT_TRUE(Date::Parse("2024-02-29"));
  EXPECT_FALSE(Date::Parse("2023-13-01"));
}

TEST(NotifyEngine, MissourianWithNameAndSsn) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  Obligation o = e.Evaluate(MakePerson("p1", "MO", {"ssn"}));
  EXPECT_TRUE(o.notify);
  EXPECT_EQ(o.jurisdiction, "MO");
  EXPECT_FALSE(o.state_from_entity);
  EXPECT_TRUE(HasLaw(o, "Mo. Rev. Stat. § 407.1500"));
  EXPECT_EQ(o.reasons, (std::vector<std::string>{"name", "ssn"}));
  // § 407.1500.2(1): "without unreasonable delay" — no date, with the reason.
  EXPECT_FALSE(o.deadline.has_value());
  EXPECT_NE(o.deadline_basis.find("no fixed number of days"), std::string::npos) << o.deadline_basis;
}

TEST(NotifyEngine, FixedDeadlinesCountFromDiscovery) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  // Tex. Bus. & Com. Code § 521.053: 60 days; Cal. Civ. Code § 1798.82 (from 2026): 30 days.
  Obligation tx = e.Evaluate(MakePerson("p1", "TX", {"ssn"}));
  ASSERT_TRUE(tx.deadline.has_value());
  EXPECT_EQ(tx.deadline->ToString(), "2023-04-19");
  Obligation ca = e.Evaluate(MakePerson("p2", "CA", {"drivers_license"}));
  ASSERT_TRUE(ca.deadline.has_value());
  EXPECT_EQ(ca.deadline->ToString(), "2023-03-20");
  EXPECT_EQ(ca.reasons, (std::vector<std::string>{"drivers_license", "name"}));
  EXPECT_EQ(ca.monitoring_months, 12);  // § 1798.82(d)(2)(G): 12 months when SSN or DL
}

TEST(NotifyEngine, DiagnosisCountsOnlyWhereMedicalInformationDoes) {
  Incident inc = MakeIncident(/*hipaa=*/false);
  Engine e(TheRules(), inc);
  // California lists medical information (Cal. Civ. Code § 1798.82(h)(1)(D)).
  Obligation ca = e.Evaluate(MakePerson("p1", "CA", {"diagnosis"}));
  EXPECT_TRUE(ca.notify);
  EXPECT_TRUE(ca.state_law);
  // Kansas does not (Kan. Stat. § 50-7a01: SSN, DL, account + code).
  ASSERT_FALSE(TheRules().Find("KS")->pi_elements.count("medical"));
  Obligation ks = e.Evaluate(MakePerson("p2", "KS", {"diagnosis"}));
  EXPECT_FALSE(ks.notify);
  EXPECT_TRUE(ks.laws.empty());
  EXPECT_TRUE(ks.reasons.empty());
}

TEST(NotifyEngine, HipaaAddsNoticeForHealthData) {
  Incident inc = MakeIncident(/*hipaa=*/true);
  Engine e(TheRules(), inc);
  Obligation ks = e.Evaluate(MakePerson("p2", "KS", {"diagnosis"}));
  EXPECT_TRUE(ks.notify);
  EXPECT_FALSE(ks.state_law);
  EXPECT_TRUE(ks.hipaa);
  EXPECT_TRUE(HasLaw(ks, "45 CFR 164.404"));
  ASSERT_TRUE(ks.deadline.has_value());
  EXPECT_EQ(ks.deadline->ToString(), "2023-04-19");  // 60 days
  EXPECT_EQ(ks.reasons, (std::vector<std::string>{"diagnosis"}));
  // An MBI alone, no name: PHI under HIPAA; state law needs a name.
  CasePerson anon;
  anon.id = "p3";
  anon.exposed = {"mbi"};
  Obligation a = e.Evaluate(anon);
  EXPECT_TRUE(a.hipaa);
  EXPECT_FALSE(a.state_law);
  // A Missourian with name + SSN + health ID: both laws, the earlier deadline (HIPAA's 60 days).
  Obligation mo = e.Evaluate(MakePerson("p4", "MO", {"health_id", "ssn"}));
  EXPECT_TRUE(mo.state_law && mo.hipaa);
  EXPECT_EQ(mo.laws.size(), 2u);
  EXPECT_EQ(mo.deadline->ToString(), "2023-04-19");
  // No health data: HIPAA does not apply.
  Obligation plain = e.Evaluate(MakePerson("p5", "KS", {"email"}));
  EXPECT_FALSE(plain.notify);
}

TEST(NotifyEngine, EmailAloneIsNotPersonalInformation) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  Obligation tx = e.Evaluate(MakePerson("p1", "TX", {"email", "phone", "dob"}));
  EXPECT_FALSE(tx.notify);
  // Even where username/email + password counts (CA), no password was found.
  Obligation ca = e.Evaluate(MakePerson("p2", "CA", {"email"}));
  EXPECT_FALSE(ca.notify);
  bool explained = false;
  for (const auto& n : ca.considered[0].notes) explained |= n.find("password") != std::string::npos;
  EXPECT_TRUE(explained);
}

TEST(NotifyEngine, EncryptionSafeHarbourUnlessKeyTaken) {
  Incident inc = MakeIncident(/*hipaa=*/true, /*encrypted=*/true);
  Engine e(TheRules(), inc);
  Obligation o = e.Evaluate(MakePerson("p1", "MO", {"ssn", "health_id"}));
  EXPECT_FALSE(o.notify);
  inc.key_compromised = true;
  Engine e2(TheRules(), inc);
  Obligation o2 = e2.Evaluate(MakePerson("p1", "MO", {"ssn", "health_id"}));
  EXPECT_TRUE(o2.notify);
  EXPECT_TRUE(o2.state_law && o2.hipaa);
}

TEST(NotifyEngine, NoKnownStateUsesTheEntityStateAndIsFlagged) {
  Incident inc = MakeIncident(false, false, "MN");
  Engine e(TheRules(), inc);
  Obligation o = e.Evaluate(MakePerson("p1", "", {"ssn"}));
  EXPECT_TRUE(o.notify);
  EXPECT_EQ(o.jurisdiction, "MN");
  EXPECT_TRUE(o.state_from_entity);
  EXPECT_TRUE(HasLaw(o, TheRules().Find("MN")->citation));
  // An address outside the 54 jurisdictions (a Canadian province) is no known state either.
  CasePerson p = MakePerson("p2", "ON", {"ssn"});
  Obligation o2 = e.Evaluate(p);
  EXPECT_EQ(o2.jurisdiction, "MN");
  EXPECT_TRUE(o2.state_from_entity);
}

TEST(NotifyEngine, AccountNumbersWithoutAccessCode) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  // Missouri needs the access code (§ 407.1500.1(9)(c)): not detected, so not counted.
  EXPECT_FALSE(e.Evaluate(MakePerson("p1", "MO", {"bank_account"})).notify);
  // Massachusetts counts the number with or without a code (M.G.L. c. 93H § 1).
  Obligation ma = e.Evaluate(MakePerson("p2", "MA", {"bank_account"}));
  EXPECT_TRUE(ma.notify);
  EXPECT_TRUE(ma.ma_content);
  // Illinois too: "account number or credit or debit card number, or ... in combination
  // with any required code" (815 ILCS 530/5).
  EXPECT_TRUE(e.Evaluate(MakePerson("p3", "IL", {"credit_card"})).notify);
  // Without a name, no state counts an account number.
  CasePerson anon = MakePerson("p4", "IL", {"bank_account"});
  anon.first_name.clear();
  anon.last_name.clear();
  anon.exposed.erase(std::find(anon.exposed.begin(), anon.exposed.end(), "name"));
  EXPECT_FALSE(e.Evaluate(anon).notify);
}

TEST(NotifyEngine, StandaloneSsnWithoutName) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  CasePerson p;
  p.id = "p1";
  p.has_address = true;
  p.address = {"1 Main St", "Indianapolis", "IN", "46204"};
  p.exposed = {"address", "ssn"};
  EXPECT_TRUE(e.Evaluate(p).notify);  // Ind. Code § 24-4.9-2-10: an unencrypted SSN alone
  p.address.state = "MO";
  EXPECT_FALSE(e.Evaluate(p).notify);  // Missouri needs a name
}

TEST(NotifyEngine, ExplainShowsTheMapping) {
  Incident inc = MakeIncident(true);
  Engine e(TheRules(), inc);
  CasePerson p = MakePerson("p000007", "KS", {"diagnosis", "email"});
  std::string text = Explain(TheRules(), inc, p, e.Evaluate(p));
  EXPECT_NE(text.find("p000007"), std::string::npos);
  EXPECT_NE(text.find(TheRules().Find("KS")->citation), std::string::npos);
  EXPECT_NE(text.find("medical is not an element in KS"), std::string::npos) << text;
  EXPECT_NE(text.find("45 CFR 164.404"), std::string::npos);
  EXPECT_NE(text.find("Decision: notify = yes"), std::string::npos);
  EXPECT_NE(text.find("2023-04-19"), std::string::npos);
}

// Builds `n` HIPAA people in `state` (name + health_id).
void AddHealthPeople(const Engine& e, std::vector<Obligation>& o, std::vector<bool>& usable, int n, std::string state) {
  for (int i = 0; i < n; ++i) {
    o.push_back(e.Evaluate(MakePerson("p" + std::to_string(o.size()), state, {"health_id"})));
    usable.push_back(true);
  }
}

TEST(NotifyAggregate, HhsThreshold499And500) {
  Incident inc = MakeIncident(true);
  Engine e(TheRules(), inc);
  std::vector<Obligation> o;
  std::vector<bool> usable;
  AddHealthPeople(e, o, usable, 499, "KS");
  Aggregate a = Summarise(TheRules(), inc, o, usable);
  EXPECT_EQ(a.hhs.individuals, 499);
  EXPECT_FALSE(a.hhs.large);
  // 45 CFR 164.408(c): within 60 days after the end of 2023 -> 2024-02-29 (leap year).
  EXPECT_EQ(a.hhs.deadline.ToString(), "2024-02-29");
  AddHealthPeople(e, o, usable, 1, "KS");
  a = Summarise(TheRules(), inc, o, usable);
  EXPECT_EQ(a.hhs.individuals, 500);
  EXPECT_TRUE(a.hhs.large);
  EXPECT_EQ(a.hhs.deadline.ToString(), "2023-04-19");  // 164.408(b): 60 days after discovery
  EXPECT_EQ(HhsAnnualDeadline(*Date::Parse("2022-05-01"), 60).ToString(), "2023-03-01");
}

TEST(NotifyAggregate, MediaOnlyAboveFiveHundredInOneState) {
  Incident inc = MakeIncident(true);
  Engine e(TheRules(), inc);
  std::vector<Obligation> o;
  std::vector<bool> usable;
  AddHealthPeople(e, o, usable, 500, "KS");
  AddHealthPeople(e, o, usable, 400, "NE");
  Aggregate a = Summarise(TheRules(), inc, o, usable);
  EXPECT_TRUE(a.hhs.large);
  EXPECT_TRUE(a.hhs.media_states.empty());  // 900 in total, but no state above 500
  AddHealthPeople(e, o, usable, 1, "KS");
  a = Summarise(TheRules(), inc, o, usable);
  ASSERT_EQ(a.hhs.media_states.size(), 1u);
  EXPECT_EQ(a.hhs.media_states[0].first, "KS");
  EXPECT_EQ(a.hhs.media_states[0].second, 501);
  for (const auto& r : a.rows) EXPECT_EQ(r.media_notice, r.jurisdiction == "KS") << r.jurisdiction;
}

TEST(NotifyAggregate, MissouriAttorneyGeneralAndCraAboveOneThousand) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  std::vector<Obligation> o;
  std::vector<bool> usable;
  for (int i = 0; i < 1000; ++i) {
    o.push_back(e.Evaluate(MakePerson("p" + std::to_string(i), "MO", {"ssn"})));
    usable.push_back(i % 10 != 0);  // every tenth has no usable address
  }
  Aggregate a = Summarise(TheRules(), inc, o, usable);
  ASSERT_EQ(a.rows.size(), 1u);
  EXPECT_EQ(a.rows[0].residents, 1000);
  EXPECT_EQ(a.rows[0].mailed, 900);
  EXPECT_EQ(a.rows[0].substitute, 100);
  EXPECT_FALSE(a.rows[0].notify_regulator);
  EXPECT_FALSE(a.rows[0].notify_cra);
  o.push_back(e.Evaluate(MakePerson("p1000", "MO", {"ssn"})));
  usable.push_back(true);
  a = Summarise(TheRules(), inc, o, usable);
  EXPECT_TRUE(a.rows[0].notify_regulator);
  EXPECT_TRUE(a.rows[0].notify_cra);
  EXPECT_FALSE(a.rows[0].regulator_deadline.has_value());  // "without unreasonable delay"
}

TEST(NotifyAggregate, DatedRegulatorDeadlines) {
  Incident inc = MakeIncident();
  Engine e(TheRules(), inc);
  std::vector<Obligation> o;
  std::vector<bool> usable;
  for (int i = 0; i < 250; ++i) {
    o.push_back(e.Evaluate(MakePerson("t" + std::to_string(i), "TX", {"ssn"})));
    usable.push_back(true);
  }
  for (int i = 0; i < 501; ++i) {
    o.push_back(e.Evaluate(MakePerson("c" + std::to_string(i), "CA", {"ssn"})));
    usable.push_back(true);
  }
  Aggregate a = Summarise(TheRules(), inc, o, usable);
  ASSERT_EQ(a.rows.size(), 2u);
  const auto& ca = a.rows[0];
  const auto& tx = a.rows[1];
  ASSERT_EQ(ca.jurisdiction, "CA");
  // CA: sample notice to the AG within 15 days after notifying residents (30-day limit).
  ASSERT_TRUE(ca.regulator_deadline.has_value());
  EXPECT_EQ(ca.regulator_deadline->ToString(), "2023-04-04");
  // TX: at least 250 residents -> AG within 30 days.
  EXPECT_TRUE(tx.notify_regulator);
  EXPECT_EQ(tx.regulator_deadline->ToString(), "2023-03-20");
  EXPECT_FALSE(tx.notify_cra);  // Texas CRA notice only above 10,000
}

}  // namespace
}  // namespace breachscope::notify
