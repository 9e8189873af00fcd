// Finalize on several threads gives exactly what it gives on one: the same person for
// every record (so the same numbering), and the same counts in every step. The case is
// generated to reach every pass: crowded names (namesakes, nicknames, initials),
// households sharing an address and a phone, office phones and family case numbers
// shared by many, name-only records, nameless records whose e-mail spells a name.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "resolve/entity_resolver.h"

namespace breachscope::resolve {
namespace {

redact::Fingerprint Fp(uint64_t v) {
  redact::Fingerprint f{};
  std::memcpy(f.data(), &v, sizeof v);
  return f;
}

std::vector<RecordSummary> Case(uint32_t people, uint32_t seed) {
  const char* formal[] = {"Robert", "William", "Elizabeth", "Katherine", "Thomas", "Deborah", "Jose", "Zoe"};
  const char* nick[] = {"Bob", "Bill", "Liz", "Kate", "Tom", "Debbie", "José", "Zoé"};
  const char* surname[] = {"Smith", "Garcia", "Nguyen", "Miller", "Okafor", "Kowalski", "Brown", "Lopez",
                           "Davis", "Wilson", "Moore", "Taylor", "Clark", "Lewis", "Walker", "Hall"};
  std::mt19937_64 rng(seed);
  std::vector<RecordSummary> out;
  for (uint32_t p = 0; p < people; ++p) {
    const uint32_t household = p / 2;
    const bool shares_home = household % 4 == 0;
    const uint64_t home = shares_home ? household : people + p;
    const int f = static_cast<int>(rng() % 8);
    std::string last = surname[(shares_home ? household : rng()) % 16] + std::string(rng() % 3 ? "" : "son");
    if (!shares_home && rng() % 3 == 0) {  // a surname of this person's own (letters from p)
      last = "Q";
      for (uint32_t x = p; x; x /= 26) last += static_cast<char>('a' + x % 26);
    }
    const std::string dob = "19" + std::to_string(40 + rng() % 60) + "-0" + std::to_string(1 + rng() % 9) + "-1" +
                            std::to_string(rng() % 9);
    const int copies = 1 + static_cast<int>(rng() % 5);
    for (int c = 0; c < copies; ++c) {
      RecordSummary s;
      s.source = static_cast<uint32_t>(rng() % 50);
      const uint64_t v = rng();
      if (v % 23 != 0) {  // some records carry no name
        s.first = v % 5 == 0 ? nick[f] : v % 7 == 0 ? std::string(1, formal[f][0]) + "." : formal[f];
        s.last = last;
        s.types |= Bit(PiiType::kName);
      } else if (v % 2) {  // a nameless record whose e-mail spells the name
        s.email = std::string(formal[f]) + "." + last + "@example.org";
        s.types |= Bit(PiiType::kEmail);
      }
      if ((v >> 8) % 3 == 0) {
        s.dob = dob;
        s.types |= Bit(PiiType::kDob);
      }
      if ((v >> 12) % 3 == 0) {
        s.identifiers.emplace_back(PiiType::kSsn, Fp(0x55000000ULL + p));
        s.types |= Bit(PiiType::kSsn);
      }
      if ((v >> 16) % 6 == 0) {  // a member id: a family's case number, now and then
        s.identifiers.emplace_back(PiiType::kHealthId, Fp(0x4E000000ULL + (shares_home ? household : people + p)));
        s.types |= Bit(PiiType::kHealthId);
      }
      if ((v >> 20) % 4 == 0 && s.email.empty()) {
        s.email = "p" + std::to_string(p) + "@example.org";
        s.types |= Bit(PiiType::kEmail);
      }
      if ((v >> 24) % 4 == 0) {
        s.phone = (v >> 28) % 40 == 0 ? "573555" + std::to_string(1000 + (v >> 32) % 20)  // office phones
                                      : std::to_string(2000000000ULL + home * 7919 % 7000000000ULL);
        s.types |= Bit(PiiType::kPhone);
      }
      if ((v >> 36) % 3 == 0) {
        s.street = std::to_string(1 + home % 900) + " Elm St";
        s.city = "Columbia";
        s.state = "MO";
        s.zip = std::to_string(65000 + home % 50);
        s.types |= Bit(PiiType::kAddress);
      }
      out.push_back(std::move(s));
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

struct Outcome {
  std::vector<uint32_t> person;
  ResolverStats stats;
};

Outcome Resolve(const std::vector<RecordSummary>& records, uint32_t threads) {
  ResolverOptions options;
  options.threads = threads;
  EntityResolver er(options);
  er.AddRecords(static_cast<uint32_t>(records.size()));
  for (uint32_t r = 0; r < records.size(); ++r) er.AddRecord(r, records[r]);
  er.Finalize();
  Outcome o;
  for (uint32_t r = 0; r < records.size(); ++r) o.person.push_back(er.PersonOf(r));
  o.stats = er.stats();
  return o;
}

void ExpectSameStats(const ResolverStats& a, const ResolverStats& b) {
  EXPECT_EQ(a.comparisons, b.comparisons);
  EXPECT_EQ(a.accepted_pairs, b.accepted_pairs);
  EXPECT_EQ(a.merges, b.merges);
  EXPECT_EQ(a.name_merges, b.name_merges);
  EXPECT_EQ(a.refused_merges, b.refused_merges);
  EXPECT_EQ(a.name_only_attached, b.name_only_attached);
  EXPECT_EQ(a.value_name_merges, b.value_name_merges);
  EXPECT_EQ(a.email_name_attached, b.email_name_attached);
  EXPECT_EQ(a.skipped_blocks, b.skipped_blocks);
  EXPECT_EQ(a.nonspecific_values, b.nonspecific_values);
  EXPECT_EQ(a.ambiguous_names, b.ambiguous_names);
}

TEST(EntityResolverThreads, TwoAndThreeThreadsGiveEveryRecordTheSamePerson) {
  const auto records = Case(25000, 11);
  ASSERT_GT(records.size(), 60000u);
  const Outcome one = Resolve(records, 1);
  // The case reaches every step, so a step that went wrong on two threads would show.
  EXPECT_GT(one.stats.merges, 10000u);
  EXPECT_GT(one.stats.refused_merges, 0u);
  EXPECT_GT(one.stats.name_merges, 0u);
  EXPECT_GT(one.stats.value_name_merges, 0u);
  EXPECT_GT(one.stats.name_only_attached, 0u);
  EXPECT_GT(one.stats.email_name_attached, 0u);
  EXPECT_GT(one.stats.nonspecific_values, 0u);
  EXPECT_GT(one.stats.skipped_blocks, 0u);
  for (uint32_t threads : {2u, 3u}) {
    SCOPED_TRACE(threads);
    const Outcome many = Resolve(records, threads);
    ASSERT_EQ(many.person.size(), one.person.size());
    size_t differ = 0;
    for (size_t r = 0; r < one.person.size(); ++r) differ += many.person[r] != one.person[r];
    EXPECT_EQ(differ, 0u);
    ExpectSameStats(one.stats, many.stats);
  }
}

// Small cases (a record, none, a few) take the same paths on several threads.
TEST(EntityResolverThreads, TinyCasesAreTheSameOnTwoThreads) {
  for (uint32_t people : {0u, 1u, 3u, 40u}) {
    SCOPED_TRACE(people);
    const auto records = Case(people, 5 + people);
    EXPECT_EQ(Resolve(records, 1).person, Resolve(records, 2).person);
  }
}

}  // namespace
}  // namespace breachscope::resolve
