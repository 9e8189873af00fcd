// Entity resolution at case scale: synthetic record summaries as a dense scan produces
// them (people written several times over many files, with nickname, case, initial
// and accent variants, missing fields, households sharing addresses and phones, a few
// office phones shared by many, namesakes), fed through EntityResolver's three phases
// exactly as scan.cc drives the resolver: records are generated on the fly from their
// index (the scan decodes them from its spill files), so the measured memory is the
// resolver's own plus the benchmark's ground-truth vector (4 bytes a record).
//
// BM_Resolve/N resolves N records (~3.4 findings each: 3M records ~ 10M findings) and
// reports records, findings, people, the pairwise precision/recall against the
// generator's truth, seconds per phase, and the process's peak RSS (getrusage) after
// Finalize and after the last Feed (before the truth scoring, which needs its own
// maps). Run one size per process for a clean figure:
//   bench_resolve --benchmark_filter='BM_Resolve/3000000/1/2/'
// (the ground truth's person vector, 4 bytes a record, is included). The third argument
// is Finalize's thread count; `people` and the precision/recall do not depend on it.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "resolve/entity_resolver.h"

namespace {

using namespace breachscope;
using breachscope::resolve::RecordSummary;

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const char* kFormal[] = {"Robert", "William", "Elizabeth", "James", "Margaret", "Katherine", "Richard", "Thomas",
                         "Jennifer", "Michael", "Patricia", "Joseph", "Christopher", "Daniel", "Susan", "Deborah",
                         "Anthony", "Rebecca", "Nicholas", "Samantha", "Jose", "Maria", "Andre", "Zoe"};
const char* kNick[] = {"Bob", "Bill", "Liz", "Jim", "Peggy", "Kate", "Dick", "Tom", "Jenny", "Mike", "Pat", "Joe",
                       "Chris", "Dan", "Sue", "Debbie", "Tony", "Becky", "Nick", "Sam", "José", "María", "André", "Zoé"};
constexpr int kFirstCount = sizeof(kFormal) / sizeof(kFormal[0]);
const char* kOnset[] = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
                        "ch", "st", "tr", "gr", "sh", "th", "kl"};
const char* kVowel[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "y", "ie"};
const char* kCoda[] = {"n", "rs", "ll", "ck", "tt", "son", "man", "ley", "ford", "wood", "er", "ez", "ski", "berg"};

std::string Surname(uint64_t h) {  // ~25 * 10 * 14 * 25 * 10 = 875k spellings, skewed to short ones
  std::string s = kOnset[h % 25];
  s += kVowel[(h >> 5) % 10];
  s += kCoda[(h >> 9) % 14];
  if ((h >> 13) % 4 == 0) {
    s += kOnset[(h >> 15) % 25];
    s += kVowel[(h >> 20) % 10];
  }
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

struct Corpus {
  uint32_t records = 0;
  std::vector<uint32_t> person;  // truth: person of each record
  uint64_t findings = 0;
};

// People write 1..7 times (mean ~3); record order interleaves them as files would.
Corpus MakeCorpus(uint32_t records) {
  Corpus c;
  c.records = records;
  std::mt19937_64 rng(42);
  uint32_t p = 0;
  while (c.person.size() < records) {
    uint64_t h = Mix(p);
    int copies = 1 + static_cast<int>(h % 4) + static_cast<int>((h >> 8) % 4);  // 1..7
    for (int k = 0; k < copies && c.person.size() < records; ++k) c.person.push_back(p);
    ++p;
  }
  std::shuffle(c.person.begin(), c.person.end(), rng);
  return c;
}

// Record `r` of person `p`: the person's facts (from p) written with the record's variant (from r).
RecordSummary Generate(uint32_t r, uint32_t p, uint64_t* findings) {
  const uint64_t hp = Mix(p * 2 + 1), hr = Mix(0x5EED0000ULL + r), hr2 = Mix(hr);
  const uint32_t household = p / 2;  // p and p^1 share a household 1 time in 5
  const bool shares_home = Mix(household) % 5 == 0;
  const uint64_t hh = shares_home ? Mix(household * 7 + 3) : Mix(p * 7 + 3);
  RecordSummary s;
  s.source = r / 500;
  int f = static_cast<int>(hp % kFirstCount);
  // Names: many namesakes (24 first names, skewed surnames).
  std::string last = Surname(shares_home ? Mix(household) : (hp >> 8) % 40000);
  std::string first = kFormal[f];
  switch (hr % 10) {
    case 0: first = kNick[f]; break;
    case 1: first = std::string(1, kFormal[f][0]) + "."; break;
    case 2:
      for (auto& ch : first) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      for (auto& ch : last) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      break;
    case 3: first += " J."; break;
    default: break;
  }
  uint64_t n = 0;
  if ((hr >> 8) % 20 != 0) {  // 5% of records carry no name
    s.first = first;
    s.last = last;
    s.types |= Bit(PiiType::kName);
    ++n;
  }
  char buf[32];
  if ((hr >> 12) % 10 < 6) {
    uint32_t days = static_cast<uint32_t>((hp >> 20) % 25000);
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", 1940 + days / 365 % 70, 1 + days / 28 % 12, 1 + days % 28);
    s.dob = buf;
    s.types |= Bit(PiiType::kDob);
    ++n;
  }
  if ((hr >> 16) % 10 < 5) {  // SSN
    redact::Fingerprint fp{};
    uint64_t v = Mix(p ^ 0xABCDEF);
    std::memcpy(fp.data(), &v, 8);
    s.identifiers.emplace_back(PiiType::kSsn, fp);
    s.types |= Bit(PiiType::kSsn);
    ++n;
  }
  if ((hr >> 20) % 10 < 2) {  // a health plan id
    redact::Fingerprint fp{};
    uint64_t v = Mix(p ^ 0x4EA17);
    std::memcpy(fp.data(), &v, 8);
    s.identifiers.emplace_back(PiiType::kHealthId, fp);
    s.types |= Bit(PiiType::kHealthId);
    ++n;
  }
  if ((hr >> 24) % 10 < 3) {
    s.email = std::to_string(p) + "." + std::to_string(hp % 97) + "@example.org";
    s.types |= Bit(PiiType::kEmail);
    ++n;
  }
  if ((hr >> 28) % 10 < 3) {
    uint64_t number = (hr2 % 100 == 0) ? 5735550000ULL + hr2 / 100 % 200  // one of 200 office numbers
                                       : 2000000000ULL + hh % 7000000000ULL;
    s.phone = std::to_string(number);
    s.types |= Bit(PiiType::kPhone);
    ++n;
  }
  if ((hr >> 32) % 10 < 4) {
    s.street = std::to_string(1 + hh % 9000) + " " + Surname(hh >> 20) + " St";
    s.city = "Columbia";
    s.state = (hh >> 40) % 2 ? "MO" : "KS";
    s.zip = std::to_string(60000 + (hh >> 44) % 9000);
    if ((hr >> 36) % 8 == 0) s.zip.clear();  // incomplete address
    s.types |= Bit(PiiType::kAddress);
    ++n;
  }
  if ((hr >> 40) % 10 < 3) {
    s.types |= Bit(PiiType::kDiagnosis);  // findings without a matching field
    ++n;
  }
  if (findings) *findings += n;
  return s;
}

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

void BM_Resolve(benchmark::State& state) {
  const auto records = static_cast<uint32_t>(state.range(0));
  resolve::ResolverOptions options;
  if (state.range(1) == 0) options.max_name_clusters = 0;  // same-name pass off
  options.threads = static_cast<uint32_t>(state.range(2));
  Corpus c = MakeCorpus(records);
  uint64_t people = 0, emitted = 0;
  double precision = 0, recall = 0;
  using Clock = std::chrono::steady_clock;
  auto secs = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  for (auto _ : state) {
    // The generator's own cost, to subtract: the scan decodes summaries instead.
    auto t0 = Clock::now();
    uint64_t sink = 0;
    for (uint32_t r = 0; r < records; ++r) sink += Generate(r, c.person[r], nullptr).first.size();
    benchmark::DoNotOptimize(sink);
    auto t1 = Clock::now();
    resolve::EntityResolver er(options);
    c.findings = 0;
    er.AddRecords(records);
    for (uint32_t r = 0; r < records; ++r) er.AddRecord(r, Generate(r, c.person[r], &c.findings));
    auto t2 = Clock::now();
    er.Finalize();
    auto t3 = Clock::now();
    state.counters["rss_mb_after_finalize"] = static_cast<double>(PeakRssMb());
    people = er.people();
    emitted = 0;
    for (uint32_t r = 0; r < records; ++r)
      er.Feed(r, Generate(r, c.person[r], nullptr), [&](uint32_t, resolve::Person&&) { ++emitted; });
    auto t4 = Clock::now();
    state.counters["peak_rss_mb_resolver"] = static_cast<double>(PeakRssMb());  // before the scoring below
    state.counters["s_generate"] = secs(t0, t1);
    state.counters["s_add"] = secs(t1, t2);
    state.counters["s_finalize"] = secs(t2, t3);
    state.counters["s_feed"] = secs(t3, t4);
    const resolve::ResolverStats& st = er.stats();
    state.counters["s_fin_specific"] = st.s_specific;
    state.counters["s_fin_pairs"] = st.s_pairs;
    state.counters["s_fin_merge"] = st.s_merge;
    state.counters["s_fin_same_names"] = st.s_same_names;
    state.counters["s_fin_households"] = st.s_households;
    state.counters["s_fin_attach"] = st.s_attach;
    state.counters["s_fin_number"] = st.s_number;
    state.counters["comparisons"] = static_cast<double>(st.comparisons);
    state.counters["accepted_pairs"] = static_cast<double>(st.accepted_pairs);
    state.counters["merges"] = static_cast<double>(st.merges + st.name_merges);
    state.PauseTiming();
    // Pairwise precision/recall against the truth.
    std::unordered_map<uint64_t, uint32_t> cell, pred, truth;
    for (uint32_t r = 0; r < records; ++r) {
      ++cell[(uint64_t{er.PersonOf(r)} << 32) | c.person[r]];
      ++pred[er.PersonOf(r)];
      ++truth[c.person[r]];
    }
    auto c2 = [](double n) { return n * (n - 1) / 2; };
    double tp = 0, pp = 0, tt = 0;
    for (auto& [k, v] : cell) tp += c2(v);
    for (auto& [k, v] : pred) pp += c2(v);
    for (auto& [k, v] : truth) tt += c2(v);
    precision = pp ? tp / pp : 1;
    recall = tt ? tp / tt : 1;
    state.counters["true_people"] = static_cast<double>(truth.size());
    state.ResumeTiming();
  }
  state.counters["records"] = records;
  state.counters["findings"] = static_cast<double>(c.findings);
  state.counters["people"] = static_cast<double>(people);
  state.counters["emitted"] = static_cast<double>(emitted);
  state.counters["pair_precision"] = precision;
  state.counters["pair_recall"] = recall;
}
// Args: records, same-name pass (1 on, 0 off), Finalize's threads (the result is the same).
BENCHMARK(BM_Resolve)
    ->Args({300000, 1, 2})
    ->Args({300000, 0, 2})
    ->Args({3000000, 1, 1})
    ->Args({3000000, 1, 2})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
