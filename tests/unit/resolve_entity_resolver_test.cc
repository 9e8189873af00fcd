// Entity resolution: merging name variants, refusing conflicts, contact selection,
// determinism. Each test feeds record summaries as the scan would (phase 1, Finalize,
// phase 3) and checks which records end up as one person.
#include "resolve/entity_resolver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include <map>
#include <random>
#include <set>

namespace breachscope::resolve {
namespace {

redact::Fingerprint Fp(uint64_t v) {
  redact::Fingerprint f{};
  for (int i = 0; i < 8; ++i) f[i] = static_cast<uint8_t>(v >> (8 * i));
  f[31] = 0x5a;
  return f;
}

struct R {
  std::string first, last, dob, email, phone, street, city, state, zip;
  std::vector<std::pair<PiiType, uint64_t>> ids;
};

RecordSummary Summary(const R& r, uint32_t source = 0) {
  RecordSummary s;
  s.source = source;
  s.first = r.first;
  s.last = r.last;
  s.dob = r.dob;
  s.email = r.email;
  s.phone = r.phone;
  s.street = r.street;
  s.city = r.city;
  s.state = r.state;
  s.zip = r.zip;
  if (!r.first.empty() || !r.last.empty()) s.types |= Bit(PiiType::kName);
  if (!r.dob.empty()) s.types |= Bit(PiiType::kDob);
  if (!r.email.empty()) s.types |= Bit(PiiType::kEmail);
  if (!r.phone.empty()) s.types |= Bit(PiiType::kPhone);
  if (!r.street.empty()) s.types |= Bit(PiiType::kAddress);
  for (auto [t, v] : r.ids) {
    s.identifiers.emplace_back(t, Fp(v));
    s.types |= Bit(t);
  }
  return s;
}

// Resolves the records (phases 1 and 2) and returns each record's person.
std::vector<uint32_t> Resolve(const std::vector<R>& records, EntityResolver& er) {
  uint32_t base = er.AddRecords(static_cast<uint32_t>(records.size()));
  for (size_t i = 0; i < records.size(); ++i) er.AddRecord(base + static_cast<uint32_t>(i), Summary(records[i]));
  er.Finalize();
  std::vector<uint32_t> out;
  for (size_t i = 0; i < records.size(); ++i) out.push_back(er.PersonOf(base + static_cast<uint32_t>(i)));
  return out;
}
std::vector<uint32_t> Resolve(const std::vector<R>& records) {
  EntityResolver er;
  return Resolve(records, er);
}

const std::string kDob = "1980-04-02";

TEST(EntityResolver, NameVariantsMergeWhenDobAgrees) {
  auto p = Resolve({
      {"Robert", "Smith", kDob},
      {"BOB", "SMITH", kDob},          // nickname, upper case
      {"Robert J.", "Smith", kDob},    // middle initial
      {"R.", "Smith", kDob},           // initial
      {"Rob", "Smith Jr.", kDob},      // another nickname, suffix
      {"José", "Núñez", "1975-11-30"},
      {"JOSE", "NUNEZ", "1975-11-30"},  // accents and case
      {"Jose", "Nunez", "1975-30-11"},  // not a date: only a name, and the case's only José Núñez
  });
  EXPECT_EQ(p[7], p[5]);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(p[i], p[0]) << i;
  EXPECT_EQ(p[6], p[5]);
  EXPECT_NE(p[5], p[0]);
}

TEST(EntityResolver, NameVariantsMergeWhenAnIdentifierAgrees) {
  auto p = Resolve({
      {"William", "Turner", "", "", "", "", "", "", "", {{PiiType::kSsn, 11}}},
      {"Bill", "TURNER", "", "", "", "", "", "", "", {{PiiType::kSsn, 11}}},
      {"Élodie", "Durand", "", "", "", "", "", "", "", {{PiiType::kHealthId, 7}}},
      {"ELODIE", "DURAND", "", "", "", "", "", "", "", {{PiiType::kHealthId, 7}}},
      {"", "", "", "", "", "", "", "", "", {{PiiType::kSsn, 11}}},  // the SSN alone
  });
  EXPECT_EQ(p[1], p[0]);
  EXPECT_EQ(p[4], p[0]);
  EXPECT_EQ(p[3], p[2]);
  EXPECT_NE(p[2], p[0]);
}

TEST(EntityResolver, SameNameDifferentDobsDoNotMerge) {
  auto p = Resolve({
      {"John", "Smith", "1980-01-01", "", "5735550101", "12 Elm St", "Columbia", "MO", "65201"},
      {"John", "Smith", "1975-05-05", "", "5735550101", "12 Elm St", "Columbia", "MO", "65201"},
      {"John", "Smith", "1980-01-01"},
      {"John", "Smith", "1980-01-10"},  // 10 Jan vs 1 Jan is not a day/month swap
  });
  EXPECT_NE(p[0], p[1]);
  EXPECT_EQ(p[2], p[0]);
  EXPECT_NE(p[3], p[0]);
  EXPECT_NE(p[3], p[1]);
}

TEST(EntityResolver, TransposedDobStillMergesWithMoreEvidence) {
  auto p = Resolve({
      {"Ann", "Lee", "1980-04-02", "ann.lee@example.org"},
      {"Ann", "Lee", "1980-02-04", "ann.lee@example.org"},
  });
  EXPECT_EQ(p[0], p[1]);
}

TEST(EntityResolver, DifferentSsnsNeverMerge) {
  auto p = Resolve({
      {"Maria", "Garcia", kDob, "mg@example.org", "3145550100", "5 Oak Ave", "St. Louis", "MO", "63101",
       {{PiiType::kSsn, 1}}},
      {"Maria", "Garcia", kDob, "mg@example.org", "3145550100", "5 Oak Ave", "St. Louis", "MO", "63101",
       {{PiiType::kSsn, 2}}},
  });
  EXPECT_NE(p[0], p[1]);
}

TEST(EntityResolver, SharedOfficePhoneDoesNotMergePeople) {
  const std::string office = "5735551000";
  std::vector<R> recs = {
      {"Alice", "Adams", "", "", office}, {"Brian", "Baker", "", "", office}, {"Chloe", "Clark", "", "", office},
      {"Dylan", "Davis", "", "", office}, {"", "", "", "", office},  // the number alone
      {"Alice", "Adams", "2008-03-04", "", office}, {"Brian", "Baker", "2009-05-06", "", office},
  };
  EntityResolver er;
  auto p = Resolve(recs, er);
  // The office number links no one: the four people and the number stay apart. Alice's
  // and Brian's phone-only records (names only, once the number is dropped as not
  // specific) join the one Alice Adams and Brian Baker that have a DOB.
  EXPECT_EQ(std::set<uint32_t>(p.begin(), p.begin() + 5).size(), 5u);
  EXPECT_EQ(p[5], p[0]);
  EXPECT_EQ(p[6], p[1]);
  EXPECT_GE(er.stats().nonspecific_values, 1u);
}

TEST(EntityResolver, PersonalPhoneStillLinks) {
  auto p = Resolve({
      {"Grace", "Hopper", "", "", "2025550123"},
      {"", "", "", "", "2025550123"},  // the phone alone, in a log line
      {"Grace", "Hopper", "", "", "2025550123", "1 Navy Way", "Arlington", "VA", "22202"},
  });
  EXPECT_EQ(p[1], p[0]);
  EXPECT_EQ(p[2], p[0]);
}

TEST(EntityResolver, HouseholdMembersStaySeparate) {
  const R a{"Laura", "Nguyen", "", "", "6125550199", "88 Lake Dr", "Minneapolis", "MN", "55455"};
  R b = a;
  b.first = "Peter";
  R twin1{"Emma", "Olsen", "2010-06-01", "", "", "3 Pine Rd", "Duluth", "MN", "55802"};
  R twin2 = twin1;
  twin2.first = "Noah";
  auto p = Resolve({a, b, twin1, twin2});
  EXPECT_NE(p[0], p[1]);
  EXPECT_NE(p[2], p[3]);
}

TEST(EntityResolver, NameOnlyRecordsJoinTheOnePersonOfThatName) {
  auto p = Resolve({
      {"John", "Doe"},
      {"John", "Doe"},
      {"JOHN", "DOE", "", "", "", "", "", "", "", {{PiiType::kSsn, 9}}},
      {"John", "Doe", "", "", "", "", "", "", "", {{PiiType::kSsn, 9}}},
  });
  EXPECT_EQ(p[0], p[2]);
  EXPECT_EQ(p[1], p[2]);
  EXPECT_EQ(p[2], p[3]);
}

TEST(EntityResolver, NameOnlyRecordsStayAloneWhenTheNameIsAmbiguous) {
  // Two John Does with different SSNs: a bare "John Doe" could be either.
  auto p = Resolve({
      {"John", "Doe"},
      {"John", "Doe", "", "", "", "", "", "", "", {{PiiType::kSsn, 9}}},
      {"John", "Doe", "", "", "", "", "", "", "", {{PiiType::kSsn, 10}}},
  });
  EXPECT_NE(p[1], p[2]);
  EXPECT_NE(p[0], p[1]);
  EXPECT_NE(p[0], p[2]);
}

TEST(EntityResolver, SameNamePassKeepsApartNamesakesWithTheirOwnIdentityDocuments) {
  // One Randy Turner known by SSN and DOB, another only by his Medicaid ID: the name
  // alone must not make them one person.
  auto p = Resolve({
      {"Randy", "Turner", "1970-01-02", "", "", "", "", "", "", {{PiiType::kSsn, 41}}},
      {"Randy", "Turner", "", "", "", "", "", "", "", {{PiiType::kHealthId, 42}}},
  });
  EXPECT_NE(p[0], p[1]);
}

TEST(EntityResolver, NameOnlyRecordsWithNoOneToJoinStayAlone) {
  auto p = Resolve({{"Ada", "Lovelace"}, {"Ada", "Lovelace"}, {"Alan", "Turing", kDob}});
  EXPECT_NE(p[0], p[1]);
  EXPECT_NE(p[0], p[2]);
}

TEST(EntityResolver, SameNamePassJoinsFragmentsOfAnUnambiguousName) {
  // The card record shares nothing but the full name with Walter's other records.
  const R ssn{"Walter", "Gibson", "1986-04-03", "", "", "", "", "", "", {{PiiType::kSsn, 31}}};
  const R card{"Walter", "Gibson", "", "", "", "", "", "", "", {{PiiType::kCreditCard, 32}}};
  const R name_only{"Walter", "Gibson"};
  auto p = Resolve({ssn, card, name_only});
  EXPECT_EQ(p[0], p[1]);
  EXPECT_EQ(p[2], p[0]);  // the bare name joins the one Walter Gibson
  // Without the same-name pass the card stays apart.
  ResolverOptions off;
  off.max_name_clusters = 0;
  EntityResolver er(off);
  auto q = Resolve({ssn, card}, er);
  EXPECT_NE(q[0], q[1]);
}

TEST(EntityResolver, SameNamePassLeavesAmbiguousNamesApart) {
  // Two Jason Hamiltons (different DOBs): the card could be either one's.
  auto p = Resolve({
      {"Jason", "Hamilton", "1979-03-04", "", "", "", "", "", "", {{PiiType::kSsn, 41}}},
      {"Jason", "Hamilton", "2003-06-30", "", "", "", "", "", "", {{PiiType::kSsn, 42}}},
      {"Jason", "Hamilton", "", "", "", "", "", "", "", {{PiiType::kBankAccount, 43}}},
  });
  EXPECT_NE(p[0], p[1]);
  EXPECT_NE(p[2], p[0]);
  EXPECT_NE(p[2], p[1]);
  // Different driver's licences under one name are different people too.
  auto q = Resolve({
      {"Nora", "Quinn", "", "", "", "", "", "", "", {{PiiType::kDriversLicense, 51}}},
      {"Nora", "Quinn", "", "", "", "", "", "", "", {{PiiType::kDriversLicense, 52}}},
  });
  EXPECT_NE(q[0], q[1]);
}

TEST(EntityResolver, SameNamePassKeepsApartNamesWhoseEmailsDiffer) {
  // Lori Patterson (DOB, MBI, e-mail) and another Lori Patterson known only by her own
  // e-mail and a bank account: a name alone does not make them one person.
  const R lori{"Lori", "Patterson", "1947-10-31", "patterson.lori1983@example.com", "", "", "", "", "",
               {{PiiType::kMbi, 11}}};
  const R other_news{"Lori", "Patterson", "", "lpatterson50@mail.example.com"};
  const R other_ach{"Lori", "Patterson", "", "lpatterson50@mail.example.com", "", "", "", "", "",
                    {{PiiType::kBankAccount, 12}}};
  auto p = Resolve({lori, other_news, other_ach});
  EXPECT_EQ(p[1], p[2]);  // one e-mail: one person
  EXPECT_NE(p[1], p[0]);
  // Without an e-mail of its own, the account row joins the one Lori Patterson.
  R bare = other_ach;
  bare.email.clear();
  auto q = Resolve({lori, bare});
  EXPECT_EQ(q[1], q[0]);
}

TEST(EntityResolver, InitialJoinsThePersonWhoseSpecificValuesItShares) {
  // A mailing-list row "H Phillips" + Henry's address and phone: the pair scores fall
  // short (same surname: the phone and address count little; an initial counts little)
  // but Henry is the only person the case ties to those values whose name fits.
  const R henry_w2{"Henry", "Phillips", "", "", "", "9560 Old Mill Blvd", "Springfield", "MO", "65804",
                   {{PiiType::kSsn, 71}}};
  const R henry_intake{"HENRY", "PHILLIPS", "1948-09-08", "", "417-286-0654", "", "", "", "", {{PiiType::kSsn, 71}}};
  const R mailing{"H", "Phillips", "", "", "(417) 286-0654", "9560 Old Mill Blvd", "Springfield", "MO", "65804"};
  auto p = Resolve({henry_w2, henry_intake, mailing});
  EXPECT_EQ(p[0], p[1]);
  EXPECT_EQ(p[2], p[0]);
  // With the household pass off, the row stays apart (the pair scores alone do not join it).
  ResolverOptions off;
  off.max_value_clusters = 0;
  EntityResolver er(off);
  auto q = Resolve({henry_w2, henry_intake, mailing}, er);
  EXPECT_NE(q[2], q[0]);
}

TEST(EntityResolver, HouseholdValueJoinsTheMemberTheInitialNames) {
  // Theresa Weaver and Kathleen Medina share an address and a phone (not specific: two
  // people). "T Weaver" there is Theresa: the only one of them whose name fits.
  const R theresa{"Theresa", "Weaver", "1963-10-18", "", "720-639-4478", "4094 River Place", "Denver", "CO", "80202",
                  {{PiiType::kSsn, 81}}};
  const R kathleen{"Kathleen", "Medina", "1971-02-03", "", "7206394478", "4094 River Place", "Denver", "CO", "80202",
                   {{PiiType::kSsn, 82}}};
  const R t{"T", "Weaver", "", "", "(720) 639-4478", "4094 River Place", "Denver", "CO", "80202"};
  auto p = Resolve({theresa, kathleen, t});
  EXPECT_NE(p[0], p[1]);
  EXPECT_EQ(p[2], p[0]);
  // Add Tom Weaver at the same address: "T Weaver" could be either; it joins no one,
  // and Tom and Theresa stay apart.
  const R tom{"Tom", "Weaver", "1961-05-06", "", "720-639-4478", "4094 River Place", "Denver", "CO", "80202",
              {{PiiType::kSsn, 83}}};
  auto q = Resolve({theresa, kathleen, tom, t});
  EXPECT_NE(q[0], q[2]);
  EXPECT_NE(q[3], q[0]);
  EXPECT_NE(q[3], q[2]);
  EXPECT_NE(q[3], q[1]);
}

TEST(EntityResolver, HouseholdPassKeepsConflictsAndNeedsANameThatFits) {
  // Same surname and a shared phone, but other first names: no join.
  const R laura{"Laura", "Nguyen", "1970-01-01", "", "6125550142", "", "", "", "", {{PiiType::kSsn, 91}}};
  const R peter{"Peter", "Nguyen", "", "", "6125550142"};
  // An initial that fits, but a DOB that does not: no join either.
  const R l{"L", "Nguyen", "1999-09-09", "", "6125550142"};
  auto p = Resolve({laura, peter, l});
  EXPECT_NE(p[1], p[0]);
  EXPECT_NE(p[2], p[0]);
  EXPECT_NE(p[2], p[1]);
}

TEST(EntityResolver, NamelessEmailThatSpellsANameJoinsTheOnePersonOfThatName) {
  const R lisa{"Lisa", "Warren", "1986-07-21", "", "(502) 582-6005", "", "", "", "", {{PiiType::kDriversLicense, 61}}};
  const R event{"", "", "", "lisa.warren@example.com"};
  const R log{"", "", "", "lisa.warren@example.com"};
  const R reversed{"", "", "", "warren.lisa1986@example.org"};   // last.first + digits
  const R initial{"", "", "", "lwarren21@example.com"};           // not two words: stays apart
  auto p = Resolve({lisa, event, log, initial});
  EXPECT_EQ(p[1], p[0]);
  EXPECT_EQ(p[2], p[0]);
  EXPECT_NE(p[3], p[0]);
  auto r = Resolve({lisa, reversed});
  EXPECT_EQ(r[1], r[0]);
  // Once Lisa's person holds lisa.warren@, another address that spells her name is not
  // enough: joined by a name only, two people's e-mails that differ keep them apart.
  auto both = Resolve({lisa, event, reversed});
  EXPECT_EQ(both[1], both[0]);
  EXPECT_NE(both[2], both[0]);
  // Two Lisa Warrens (different SSNs): the e-mail names neither.
  auto q = Resolve({
      {"Lisa", "Warren", "", "", "", "", "", "", "", {{PiiType::kSsn, 62}}},
      {"Lisa", "Warren", "", "", "", "", "", "", "", {{PiiType::kSsn, 63}}},
      event,
  });
  EXPECT_NE(q[0], q[1]);
  EXPECT_NE(q[2], q[0]);
  EXPECT_NE(q[2], q[1]);
}

TEST(EntityResolver, AddressOnlyRecordJoinsTheOnlyPersonThere) {
  auto p = Resolve({
      {"Peter", "Chen", "1959-11-01", "", "", "6641 Redbud Circle", "Des Moines", "IA", "50310"},
      {"", "", "", "", "", "6641 Redbud Cir.", "Des Moines", "IA", "50310"},
      // A household: two people at one address; a nameless record there joins neither.
      {"Laura", "Nguyen", "1970-01-01", "", "", "88 Lake Dr", "Minneapolis", "MN", "55455"},
      {"Peter", "Nguyen", "1968-02-02", "", "", "88 Lake Dr", "Minneapolis", "MN", "55455"},
      {"", "", "", "", "", "88 Lake Drive", "Minneapolis", "MN", "55455"},
  });
  EXPECT_EQ(p[1], p[0]);
  EXPECT_NE(p[2], p[3]);
  EXPECT_NE(p[4], p[2]);
  EXPECT_NE(p[4], p[3]);
}

TEST(EntityResolver, ChainThroughSharedSsnAndEmailRespectsSsnConflict) {
  // A–B share an SSN, B–C share an e-mail; A and C have different SSNs.
  auto p = Resolve({
      {"Ann", "Lee", "", "", "", "", "", "", "", {{PiiType::kSsn, 100}}},
      {"Ann", "Lee", "", "ann@example.org", "", "", "", "", "", {{PiiType::kSsn, 100}}},
      {"Ann", "Lee", "", "ann@example.org", "", "", "", "", "", {{PiiType::kSsn, 200}}},
  });
  EXPECT_EQ(p[0], p[1]);
  EXPECT_NE(p[0], p[2]);
}

TEST(EntityResolver, ConflictIsCheckedBetweenClustersNotOnlyPairs) {
  // A–B share a passport (B has no SSN), B–C share an e-mail (C's SSN differs from A's):
  // each pair is fine on its own; the three together would join two SSNs.
  auto p = Resolve({
      {"Ann", "Lee", "", "", "", "", "", "", "", {{PiiType::kSsn, 100}, {PiiType::kPassport, 5}}},
      {"Ann", "Lee", "", "ann@example.org", "", "", "", "", "", {{PiiType::kPassport, 5}}},
      {"Ann", "Lee", "", "ann@example.org", "", "", "", "", "", {{PiiType::kSsn, 200}}},
  });
  EXPECT_EQ(p[0], p[1]);  // the passport is the stronger link, merged first
  EXPECT_NE(p[0], p[2]);
  // The same with DOBs: A–B by e-mail, B–C by phone, A and C born on different days.
  auto q = Resolve({
      {"Ann", "Lee", "1980-01-01", "ann@example.org"},
      {"Ann", "Lee", "", "ann@example.org", "3125550142"},
      {"Ann", "Lee", "1990-07-07", "", "3125550142"},
  });
  EXPECT_FALSE(q[0] == q[1] && q[1] == q[2]);
}

TEST(EntityResolver, ScoreIsSymmetricAndExplainsDecisions) {
  EntityResolver er;
  er.AddRecords(4);
  er.AddRecord(0, Summary({"Robert", "Smith", kDob}));
  er.AddRecord(1, Summary({"Bob", "Smith", kDob}));
  er.AddRecord(2, Summary({"Robert", "Smith", "1970-01-01"}));
  er.AddRecord(3, Summary({"Robert", "Smith"}));
  EXPECT_DOUBLE_EQ(er.Score(0, 1), er.Score(1, 0));
  EXPECT_GE(er.Score(0, 1), ResolverOptions{}.threshold);
  EXPECT_EQ(er.Score(0, 2), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(er.Score(0, 3), -std::numeric_limits<double>::infinity());
}

// Random people, each written several times with variants, in a shuffled order.
std::vector<R> SyntheticRecords(uint32_t seed, int people) {
  std::mt19937 rng(seed);
  const char* firsts[] = {"Robert", "William", "Elizabeth", "Mary", "James", "Linda", "Michael", "Susan"};
  const char* nicks[] = {"Bob", "Bill", "Liz", "Mary", "Jim", "Linda", "Mike", "Sue"};
  const char* lasts[] = {"Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore"};
  std::vector<R> out;
  for (int i = 0; i < people; ++i) {
    int f = rng() % 8;
    R base{firsts[f], lasts[rng() % 9], "19" + std::to_string(50 + rng() % 50) + "-0" + std::to_string(1 + rng() % 9) +
                                            "-1" + std::to_string(rng() % 10)};
    if (rng() % 2) base.ids.push_back({PiiType::kSsn, 1000 + static_cast<uint64_t>(i)});
    int copies = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < copies; ++c) {
      R r = base;
      if (rng() % 3 == 0) r.first = nicks[f];
      if (rng() % 4 == 0) r.dob.clear();
      out.push_back(r);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST(EntityResolver, DeterministicAndNumberedByFirstRecord) {
  auto recs = SyntheticRecords(7, 400);
  auto p1 = Resolve(recs), p2 = Resolve(recs);
  EXPECT_EQ(p1, p2);
  uint32_t next = 0;
  for (uint32_t p : p1) {
    ASSERT_LE(p, next);  // a new person is always the next number
    if (p == next) ++next;
  }
  EXPECT_GT(next, 0u);
  EXPECT_LT(next, recs.size());  // something merged
}

TEST(EntityResolver, FeedEmitsEachPersonOnceWithBestContactData) {
  std::vector<R> recs = {
      {"Dana", "Whitfield", "1984-07-19", "dana@example.org", "", "1207 Elm Street", "Columbia", "MO", "65201",
       {{PiiType::kSsn, 42}}},
      {"Kim", "Park"},  // name only: a person of one record
      {"DANA", "WHITFIELD", "", "", "5738824410", "99 Old Rd", "Austin", "TX", "78701", {{PiiType::kSsn, 42}}},
      {"Dana", "Whitfield", "1984-07-19", "", "", "1207 Elm Street", "", "", "65201", {{PiiType::kSsn, 42}}},
  };
  EntityResolver er;
  auto p = Resolve(recs, er);
  ASSERT_EQ(p[0], p[2]);
  ASSERT_EQ(p[0], p[3]);
  ASSERT_EQ(er.people(), 2u);
  std::map<uint32_t, Person> got;
  std::vector<uint32_t> order;
  for (uint32_t r = 0; r < recs.size(); ++r) {
    er.Feed(r, Summary(recs[r], 10 - r), [&](uint32_t id, Person&& person) {
      EXPECT_FALSE(got.count(id));
      order.push_back(id);
      got[id] = std::move(person);
    });
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(order, (std::vector<uint32_t>{1, 0}));  // Kim is complete first; Dana after her last record
  const Person& dana = got[0];
  EXPECT_EQ(dana.first, "Dana");  // the most frequent spelling
  EXPECT_EQ(dana.dob, "1984-07-19");
  EXPECT_EQ(dana.street, "1207 Elm Street");  // twice, against once in Austin
  EXPECT_EQ(dana.city, "Columbia");           // the more complete occurrence
  EXPECT_EQ(dana.state, "MO");
  EXPECT_EQ(dana.phone, "5738824410");
  EXPECT_FALSE(dana.substitute_notice);
  EXPECT_EQ(dana.identifiers.at(PiiType::kSsn).size(), 1u);
  EXPECT_EQ(dana.sources, (std::vector<uint32_t>{7, 8, 10}));
  EXPECT_TRUE(dana.exposed & Bit(PiiType::kPhone));
  const Person& kim = got[1];
  EXPECT_EQ(kim.last, "Park");
  EXPECT_TRUE(kim.substitute_notice);
  EXPECT_TRUE(kim.state.empty());
  EXPECT_FALSE(kim.Counted());
}

TEST(EntityResolver, APersonOfOneRecordIsWhatFoldingGives) {
  // A person of one record is built straight from its values; a person of two identical
  // records goes through the tallies. Both must give the same person.
  R full{"Dana", "Whitfield", "1984-07-19", "dana@example.org", "5738824410", "1207 Elm Street", "Columbia", "MO",
         "65201", {{PiiType::kSsn, 42}, {PiiType::kHealthId, 9}, {PiiType::kHealthId, 3}, {PiiType::kHealthId, 9}}};
  auto person_of = [&](size_t copies) {
    std::vector<R> recs(copies, full);
    EntityResolver er;
    Resolve(recs, er);
    EXPECT_EQ(er.people(), 1u);
    Person got;
    for (uint32_t r = 0; r < recs.size(); ++r) er.Feed(r, Summary(recs[r], 5), [&](uint32_t, Person&& x) { got = x; });
    return got;
  };
  Person one = person_of(1), two = person_of(2);
  for (const Person* p : {&one, &two}) {
    EXPECT_EQ(p->first, "Dana");
    EXPECT_EQ(p->zip, "65201");
    EXPECT_EQ(p->identifiers.at(PiiType::kHealthId).size(), 2u);  // sorted, unique
    EXPECT_TRUE(std::is_sorted(p->identifiers.at(PiiType::kHealthId).begin(), p->identifiers.at(PiiType::kHealthId).end()));
  }
  EXPECT_EQ(std::tie(one.first, one.last, one.dob, one.email, one.phone, one.street, one.city, one.state, one.zip),
            std::tie(two.first, two.last, two.dob, two.email, two.phone, two.street, two.city, two.state, two.zip));
  EXPECT_EQ(one.identifiers, two.identifiers);
  EXPECT_EQ(one.exposed, two.exposed);
  EXPECT_EQ(one.sources, two.sources);
  EXPECT_EQ(one.substitute_notice, two.substitute_notice);
  EXPECT_FALSE(one.substitute_notice);
}

TEST(EntityResolver, AddressTieGoesToTheLatestRecord) {
  std::vector<R> recs = {
      {"Ana", "Silva", "", "", "", "", "", "", "", {{PiiType::kSsn, 5}}},
      {"Ana", "Silva", "", "", "", "1 First St", "Reno", "NV", "89501", {{PiiType::kSsn, 5}}},
      {"Ana", "Silva", "", "", "", "2 Second St", "Boise", "ID", "83702", {{PiiType::kSsn, 5}}},
  };
  EntityResolver er;
  auto p = Resolve(recs, er);
  Person got;
  for (uint32_t r = 0; r < recs.size(); ++r) er.Feed(r, Summary(recs[r]), [&](uint32_t, Person&& x) { got = x; });
  EXPECT_EQ(got.state, "ID");
  EXPECT_EQ(got.zip, "83702");
}

}  // namespace
}  // namespace breachscope::resolve
