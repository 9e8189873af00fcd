// resolve/entity_resolver.cc — blocking, Fellegi–Sunter scoring, conflict-aware
// clustering, and the best contact data of each person.
//
// Why this shape: a dense case has millions of records, so phase 1 keeps ~60 bytes a
// record (no strings but interned names), blocking is sort-based over one key kind at
// a time (no hash map of lists), pairs are scored once and merged strongest first so
// that identifier evidence is settled before weaker contact evidence, and the merge
// checks conflicts between whole clusters (a chain of individually plausible pairs
// must not join two people with different SSNs). Everything is ordered by record id,
// so the result does not depend on how the records were produced.
//
// Threads: the blocking key kinds are independent of each other within a pass, so
// Finalize collects, sorts and scores them side by side (Score is const) and combines
// what each found in a fixed order; the merges, whose order decides conflicts, run on
// one thread in the one order. So the people are the same on any number of threads.
//
// The weights (m/u probabilities) below are the documented ones (docs/resolution.md).
// They were set from what the fields mean, not fitted: e.g. two different people share
// a DOB with probability ~1/20000, but ~1/500 when they share a surname (families,
// twins); a phone or a street address agrees for different people with the same
// surname far more often than for strangers (households), so those agreements count
// less when the surnames agree.
#include "resolve/entity_resolver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <iterator>
#include <limits>
#include <numeric>
#include <thread>
#include <tuple>
#include <utility>

namespace breachscope::resolve {
namespace {

struct MU {
  double m, u;
};
double W(MU x) { return std::log2(x.m / x.u); }

// ---- the Fellegi–Sunter table (m = P(level | same person), u = P(level | different))
constexpr MU kSsnAgree{0.98, 1e-9};
constexpr MU kPersonIdAgree{0.95, 1e-8};  // passport, driver's licence, MBI, student id
constexpr MU kPersonIdDisagree{0.20, 0.9999};
constexpr MU kHealthIdAgree{0.90, 1e-6};  // member ids: a family may share a case number
constexpr MU kHealthIdDisagree{0.20, 0.9999};
constexpr MU kFinancialAgree{0.90, 1e-6};  // card, bank account (joint accounts exist)
constexpr MU kDobExact{0.95, 5e-5};
constexpr MU kDobExactSameSurname{0.95, 2e-3};
constexpr MU kDobTransposed{0.01, 1e-4};
constexpr MU kDobDisagree{0.02, 0.9999};  // only reached with a shared person identifier
constexpr MU kLastExact{0.92, 0.003};
constexpr MU kLastSimilar{0.05, 0.01};
constexpr MU kLastDisagree{0.01, 0.987};
constexpr MU kFirstExact{0.85, 0.01};
constexpr MU kFirstNickname{0.07, 0.002};
constexpr MU kFirstSimilar{0.02, 0.005};
constexpr MU kFirstInitial{0.04, 0.02};
constexpr MU kFirstDisagree{0.005, 0.96};
constexpr MU kEmailAgree{0.60, 1e-6};
constexpr MU kEmailDisagree{0.30, 0.999999};
constexpr MU kPhoneAgree{0.60, 2e-6};
constexpr MU kPhoneAgreeSameSurname{0.60, 0.05};
constexpr MU kPhoneDisagree{0.35, 0.99999};
constexpr MU kAddressAgree{0.70, 1e-5};  // ZIP, street number and name
constexpr MU kAddressAgreeSameSurname{0.70, 0.10};
constexpr MU kZipOnly{0.15, 0.01};  // same ZIP, one side without a street number
constexpr MU kZipOnlySameSurname{0.15, 0.15};
constexpr MU kAddressDisagree{0.25, 0.99};

uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
uint64_t Combine(uint64_t kind, uint64_t a, uint64_t b = 0) {
  return Mix64(Mix64(kind * 0x9E3779B97F4A7C15ULL + a) ^ (b + 0x632BE59BD9B4E019ULL));
}
uint64_t HashString(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return Mix64(h) | 1;  // never 0 (0 = none)
}

uint32_t ParseDob(std::string_view s) {  // YYYY-MM-DD -> yyyymmdd
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return 0;
  uint32_t v = 0;
  for (char c : s) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  const uint32_t m = v / 100 % 100, d = v % 100;
  return m >= 1 && m <= 12 && d >= 1 && d <= 31 ? v : 0;
}
uint32_t Transposed(uint32_t dob) {  // day and month swapped, 0 when not a valid swap
  uint32_t d = dob % 100, m = dob / 100 % 100;
  if (d == m || d > 12 || d == 0) return 0;
  return dob / 10000 * 10000 + d * 100 + m;
}
bool DobCompatible(uint32_t a, uint32_t b) { return a == b || Transposed(a) == b; }

uint64_t Digits(std::string_view s, size_t max_digits) {
  uint64_t v = 0;
  size_t n = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (++n > max_digits) break;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
  }
  return n ? v + 1 : 0;
}
// The street number and the first word of the street name ("12 N Elm St" -> 12, "elm"),
// hashed to 32 bits; 0 when the street has no leading number.
uint32_t StreetKey(std::string_view street) {
  std::string folded = FoldName(street);  // letters only: the number is read below
  size_t i = 0;
  while (i < street.size() && street[i] == ' ') ++i;
  uint64_t v = 0;
  size_t n = 0;
  while (i < street.size() && street[i] >= '0' && street[i] <= '9' && n < 9) {
    v = v * 10 + static_cast<uint64_t>(street[i++] - '0');
    ++n;
  }
  if (!n) return 0;
  std::string_view word;
  for (size_t a = 0; a < folded.size();) {
    size_t b = folded.find(' ', a);
    if (b == std::string::npos) b = folded.size();
    std::string_view t(folded.data() + a, b - a);
    const bool directional = t == "n" || t == "s" || t == "e" || t == "w" || t == "ne" || t == "nw" ||
                             t == "se" || t == "sw" || t == "north" || t == "south" || t == "east" || t == "west";
    if (!directional) {
      word = t;
      break;
    }
    a = b + 1;
  }
  return static_cast<uint32_t>(HashString(std::to_string(v) + " " + std::string(word)) >> 32) | 1;
}

bool IsOverrideId(PiiType t) {  // identifiers of one person only
  return t == PiiType::kSsn || t == PiiType::kPassport || t == PiiType::kDriversLicense || t == PiiType::kMbi ||
         t == PiiType::kStudentId;
}
// An identifier in a cluster's set: its type in the top byte, 56 bits of its digest.
uint64_t Tagged(PiiType t, uint64_t digest) { return (static_cast<uint64_t>(t) << 56) | (digest & 0x00FFFFFFFFFFFFFFULL); }
PiiType TypeOf(uint64_t tagged) { return static_cast<PiiType>(tagged >> 56); }
bool IsExclusiveId(PiiType t) { return IsOverrideId(t) || t == PiiType::kHealthId; }

template <typename T>
void SortUnique(std::vector<T>& v);
template <typename T>
bool Intersects(const std::vector<T>& x, const std::vector<T>& y);

// Both clusters carry identity documents (SSN, licence, passport, MBI, student or
// member id) and share none: as far as the case can tell, two namesakes. A name alone
// must not join them (a card or bank account is not such a document).
bool DistinctIdentitiesOf(const std::vector<uint64_t>& xs, const std::vector<uint64_t>& xi,
                          const std::vector<uint64_t>& ys, const std::vector<uint64_t>& yi) {
  auto has = [](const std::vector<uint64_t>& ssn, const std::vector<uint64_t>& ids) {
    if (!ssn.empty()) return true;
    for (uint64_t t : ids)
      if (IsExclusiveId(TypeOf(t))) return true;
    return false;
  };
  if (!has(xs, xi) || !has(ys, yi) || Intersects(xs, ys)) return false;
  for (uint64_t t : xi)
    if (IsExclusiveId(TypeOf(t)) && std::binary_search(yi.begin(), yi.end(), t)) return false;
  return true;
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Sorts a large vector on two threads (halves, then a merge) when `threads` > 1. Every
// comparator used with it is a total order on the fields, so the result is the one
// std::sort gives.
template <typename T, typename Less = std::less<>>
void SortLarge(std::vector<T>& v, uint32_t threads, Less less = {}) {
  constexpr size_t kTwoThreadsFrom = size_t{1} << 18;
  if (v.size() < kTwoThreadsFrom || threads < 2) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::thread first([&] { std::sort(v.begin(), mid, less); });
  std::sort(mid, v.end(), less);
  first.join();
  std::inplace_merge(v.begin(), mid, v.end(), less);
}

// Runs fn(task, worker) for every task in [0, count) on up to `threads` threads (the
// caller's one of them; `worker` < threads names the thread, for its scratch space).
// Tasks are taken in order as threads free up. Callers keep each task's results apart
// and combine them in task order, so what they compute does not depend on the threads.
// An exception thrown by a task (bad_alloc) is rethrown here, after the others finish.
template <typename Fn>
void ParallelTasks(uint32_t threads, size_t count, Fn&& fn) {
  const size_t workers = std::min<size_t>(std::max<uint32_t>(threads, 1), count);
  if (workers <= 1) {
    for (size_t t = 0; t < count; ++t) fn(t, size_t{0});
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(workers);
  auto loop = [&](size_t worker) {
    try {
      for (size_t t; (t = next.fetch_add(1)) < count;) fn(t, worker);
    } catch (...) {
      errors[worker] = std::current_exception();
      next = count;  // the others stop after their current task
    }
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(loop, w);
  loop(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Fills `out` with the entries that `each(r, sink)` gives for records [0, n) (sink(e)
// per entry), sorted by (key, record): the order SortLarge gives, in less time. Keys are
// 64-bit hashes, so their top bits spread the entries evenly over 2^bits buckets:
// one pass counts the entries per bucket, a second computes them again and puts each
// in its bucket's place (the entries themselves are never moved twice: `out` is the one
// buffer, sized exactly), then each small bucket is sorted. `counts` is scratch.
template <typename E, typename KeyOf, typename RecordOf, typename Each>
void CollectSorted(std::vector<E>& out, std::vector<uint32_t>& counts, uint32_t n, KeyOf key_of, RecordOf record_of,
                   Each&& each) {
  int bits = 8;
  while (bits < 20 && (uint64_t{32} << bits) < n) ++bits;  // ~32 records a bucket
  const int shift = 64 - bits;
  counts.assign((size_t{1} << bits) + 1, 0);
  for (uint32_t r = 0; r < n; ++r) each(r, [&](const E& e) { ++counts[(key_of(e) >> shift) + 1]; });
  for (size_t b = 1; b < counts.size(); ++b) counts[b] += counts[b - 1];  // counts[b]: start of bucket b
  out.resize(counts.back());
  for (uint32_t r = 0; r < n; ++r) each(r, [&](const E& e) { out[counts[key_of(e) >> shift]++] = e; });
  // counts[b] is now the end of bucket b (the start of b + 1).
  auto less = [&](const E& x, const E& y) {
    return key_of(x) != key_of(y) ? key_of(x) < key_of(y) : record_of(x) < record_of(y);
  };
  for (size_t b = 0, from = 0; b + 1 < counts.size(); from = counts[b++])
    if (counts[b] - from > 1) std::sort(out.begin() + from, out.begin() + counts[b], less);
}

// Sorts (key, record) pairs listed in record order by key, stably: the order std::sort
// gives them. Keys that are not hashes (a name's interned ids) are not spread in their
// top bits, so this is an LSD radix sort, 16 bits a pass, skipping the digits that are
// the same in every key (the ids' high bits). `tmp` is scratch of the same size.
void RadixSortByKey(std::vector<std::pair<uint64_t, uint32_t>>& v, std::vector<std::pair<uint64_t, uint32_t>>& tmp) {
  if (v.size() < 2) return;
  std::vector<uint32_t> counts(4 << 16, 0);
  for (const auto& e : v)
    for (int d = 0; d < 4; ++d) ++counts[(d << 16) + ((e.first >> (16 * d)) & 0xffff)];
  tmp.resize(v.size());
  for (int d = 0; d < 4; ++d) {
    uint32_t* c = counts.data() + (d << 16);
    if (c[(v[0].first >> (16 * d)) & 0xffff] == v.size()) continue;  // one value: nothing to sort
    uint32_t sum = 0;
    for (size_t b = 0; b < (1 << 16); ++b) sum += std::exchange(c[b], sum);
    for (const auto& e : v) tmp[c[(e.first >> (16 * d)) & 0xffff]++] = e;
    v.swap(tmp);
  }
}

template <typename T>
bool Intersects(const std::vector<T>& x, const std::vector<T>& y) {
  for (size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) return true;
    x[i] < y[j] ? ++i : ++j;
  }
  return false;
}

// Seconds since the last call (or construction): Finalize's steps, for the stats.
class Lap {
 public:
  double operator()() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - from_).count();
    from_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point from_ = std::chrono::steady_clock::now();
};

enum BlockKind : uint64_t {
  kBlockEmail = 1, kBlockPhone, kBlockAddress, kBlockLastDob, kBlockFirstDob, kBlockLastZip, kBlockId
};

}  // namespace

EntityResolver::EntityResolver(ResolverOptions options, const NicknameTable& nicknames)
    : options_(options), nicknames_(nicknames) {}

EntityResolver::~EntityResolver() {
  if (releaser_.joinable()) releaser_.join();
}

uint32_t EntityResolver::Threads() const {
  return options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
}

uint32_t EntityResolver::AddRecords(uint32_t count) {
  uint32_t first = added_;
  added_ += count;
  keys_.resize(added_);
  return first;
}

uint32_t EntityResolver::Intern(const std::string& s) {
  if (s.empty()) return 0;
  auto [it, fresh] = name_ids_.emplace(s, static_cast<uint32_t>(names_.size()));
  if (fresh) names_.push_back(s);
  return it->second;
}

void EntityResolver::AddRecord(uint32_t record, const RecordSummary& r) {
  Key& k = keys_[record];
  k.first = Intern(NormalizeFirst(r.first));
  k.last = Intern(NormalizeLast(r.last));
  k.dob = ParseDob(r.dob);
  k.email = r.email.empty() ? 0 : HashString(r.email);
  if (k.email && !k.first && !k.last) {
    // Two words of two or more letters in the local part: a name, order unknown.
    std::string_view local(r.email);
    local = local.substr(0, local.find('@'));
    std::vector<std::string> words;
    std::string word;
    for (size_t i = 0; i <= local.size(); ++i) {
      const char c = i < local.size() ? local[i] : '.';
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        word += c;
      } else if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    }
    if (words.size() == 2 && words[0].size() >= 2 && words[1].size() >= 2)
      email_names_.push_back({record, Intern(NormalizeLast(words[0])), Intern(NormalizeLast(words[1]))});
  }
  k.phone = Digits(r.phone, 15);
  k.zip = static_cast<uint32_t>(Digits(r.zip.substr(0, std::min<size_t>(r.zip.size(), 5)), 5));
  k.number = StreetKey(r.street);
  k.id_off = static_cast<uint32_t>(ids_.size());
  for (const auto& [type, fp] : r.identifiers) {
    if (!IsProtected(type) || k.id_count == UINT16_MAX) continue;
    IdKey id;
    std::memcpy(&id.digest, fp.data(), sizeof id.digest);
    id.type = type;
    ids_.push_back(id);
    ++k.id_count;
  }
}

bool EntityResolver::HasEvidence(const Key& k) const {
  return k.dob || k.Email() || k.Phone() || k.Zip() || k.id_count;
}

double EntityResolver::Score(uint32_t a, uint32_t b) const {
  constexpr double kNo = -std::numeric_limits<double>::infinity();
  const Key &x = keys_[a], &y = keys_[b];
  if (!HasEvidence(x) || !HasEvidence(y)) return kNo;  // a name alone never merges
  double s = 0;

  // Identifiers, type by type.
  bool override_shared = false;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < x.id_count; ++i) {
    const IdKey& xi = ids_[x.id_off + i];
    const uint32_t bit = 1u << static_cast<int>(xi.type);
    if (xi.ignored || (seen & bit)) continue;
    seen |= bit;
    bool y_has = false, agree = false;
    for (uint32_t j = 0; j < y.id_count; ++j) {
      const IdKey& yj = ids_[y.id_off + j];
      if (yj.ignored || yj.type != xi.type) continue;
      y_has = true;
      for (uint32_t k = i; k < x.id_count && !agree; ++k)
        agree = ids_[x.id_off + k].type == xi.type && !ids_[x.id_off + k].ignored && ids_[x.id_off + k].digest == yj.digest;
    }
    if (!y_has) continue;
    switch (xi.type) {
      case PiiType::kSsn:
        if (!agree) return kNo;  // two different SSNs never merge
        s += W(kSsnAgree);
        break;
      case PiiType::kHealthId:
        s += agree ? W(kHealthIdAgree) : W(kHealthIdDisagree);
        break;
      case PiiType::kCreditCard:
      case PiiType::kBankAccount:
        if (agree) s += W(kFinancialAgree);
        break;
      default:
        s += agree ? W(kPersonIdAgree) : W(kPersonIdDisagree);
        break;
    }
    if (agree && IsOverrideId(xi.type)) override_shared = true;
  }

  // Names.
  NameLevel last = CompareLast(names_[x.last], names_[y.last]);
  NameLevel first = CompareFirst(names_[x.first], names_[y.first], nicknames_);
  if (last == NameLevel::kDisagree && first == NameLevel::kDisagree && x.first && y.first &&
      CompareLast(names_[x.first], names_[y.last]) == NameLevel::kExact &&
      CompareLast(names_[x.last], names_[y.first]) == NameLevel::kExact) {
    last = first = NameLevel::kSimilar;  // first and last swapped
  }
  const bool same_surname = last == NameLevel::kExact || last == NameLevel::kSimilar;
  switch (last) {
    case NameLevel::kExact: s += W(kLastExact); break;
    case NameLevel::kSimilar: s += W(kLastSimilar); break;
    case NameLevel::kDisagree: s += W(kLastDisagree); break;
    default: break;
  }
  switch (first) {
    case NameLevel::kExact: s += W(kFirstExact); break;
    case NameLevel::kNickname: s += W(kFirstNickname); break;
    case NameLevel::kSimilar: s += W(kFirstSimilar); break;
    case NameLevel::kInitial: s += W(kFirstInitial); break;
    case NameLevel::kDisagree: s += W(kFirstDisagree); break;
    default: break;
  }

  // Date of birth.
  if (x.dob && y.dob) {
    if (x.dob == y.dob) s += W(same_surname ? kDobExactSameSurname : kDobExact);
    else if (Transposed(x.dob) == y.dob) s += W(kDobTransposed);
    else if (!override_shared) return kNo;  // different DOBs and no shared identifier
    else s += W(kDobDisagree);
  }

  // Contact data.
  const uint64_t xe = x.Email(), ye = y.Email(), xp = x.Phone(), yp = y.Phone();
  const uint32_t xz = x.Zip(), yz = y.Zip(), xn = x.Number(), yn = y.Number();
  if (xe && ye) s += xe == ye ? W(kEmailAgree) : W(kEmailDisagree);
  if (xp && yp) s += xp == yp ? W(same_surname ? kPhoneAgreeSameSurname : kPhoneAgree) : W(kPhoneDisagree);
  if (xz && yz) {
    if (xz != yz) s += W(kAddressDisagree);
    else if (xn && yn)
      s += xn == yn ? W(same_surname ? kAddressAgreeSameSurname : kAddressAgree) : W(kAddressDisagree);
    else s += W(same_surname ? kZipOnlySameSurname : kZipOnly);
  }
  return s;
}

void EntityResolver::Block(std::vector<Pair>& pairs) {
  struct Entry {
    uint64_t key;
    uint32_t record;
  };
  const uint32_t n = added_;
  const uint32_t threads = Threads();
  Lap lap;
  // One entry buffer per thread: a key kind's entries are collected, sorted and walked
  // by one thread, while the other thread does another kind.
  struct Scratch {
    std::vector<Entry> entries;
    std::vector<uint32_t> counts, reps;
  };
  std::vector<Scratch> scratch(std::min<uint32_t>(threads, 7));
  auto collect = [&](BlockKind kind, Scratch& sc) {
    auto each = [&](uint32_t r, auto&& sink) {
      const Key& k = keys_[r];
      switch (kind) {
        case kBlockEmail:
          if (k.Email()) sink({Combine(kind, k.email), r});
          break;
        case kBlockPhone:
          if (k.Phone()) sink({Combine(kind, k.phone), r});
          break;
        case kBlockAddress:
          if (k.Zip() && k.Number()) sink({Combine(kind, k.zip, k.number), r});
          break;
        case kBlockLastDob:
          if (k.last && k.dob) sink({Combine(kind, k.last, k.dob), r});
          break;
        case kBlockFirstDob:
          if (k.first && k.dob) sink({Combine(kind, k.first, k.dob), r});
          break;
        case kBlockLastZip:
          if (k.last && k.Zip()) sink({Combine(kind, k.last, k.zip), r});
          break;
        case kBlockId:
          for (uint32_t i = 0; i < k.id_count; ++i) {
            const IdKey& id = ids_[k.id_off + i];
            if (!id.ignored) sink({Combine(kind + 1 + static_cast<uint64_t>(id.type), id.digest), r});
          }
          break;
      }
    };
    CollectSorted<Entry>(sc.entries, sc.counts, n, [](const Entry& e) { return e.key; },
                         [](const Entry& e) { return e.record; }, each);
  };
  // Number of different people, by name, among a block's records: two names are one
  // person's when neither the surnames nor the first names disagree (near spellings,
  // nicknames and initials agree; nameless records are not counted).
  auto name_people = [&](Scratch& sc, size_t from, size_t to, uint32_t stop) {
    std::vector<uint32_t>& reps = sc.reps;  // one record per name-person
    reps.clear();
    for (size_t i = from; i < to && reps.size() <= stop; ++i) {
      const Key& k = keys_[sc.entries[i].record];
      if (!k.last && !k.first) continue;
      bool known = false;
      for (uint32_t r : reps) {
        const Key& o = keys_[r];
        if (CompareLast(names_[o.last], names_[k.last]) != NameLevel::kDisagree &&
            CompareFirst(names_[o.first], names_[k.first], nicknames_) != NameLevel::kDisagree) {
          known = true;
          break;
        }
      }
      if (!known) reps.push_back(sc.entries[i].record);
    }
    return reps.size();
  };
  auto for_groups = [](const std::vector<Entry>& entries, auto&& fn) {
    for (size_t i = 0; i < entries.size();) {
      size_t j = i + 1;
      while (j < entries.size() && entries[j].key == entries[i].key) ++j;
      if (j - i > 1) fn(i, j);
      i = j;
    }
  };

  // Pass 1: values that are not specific stop being evidence at all. The four kinds
  // read disjoint state (an e-mail's flag is not read by the phone kind, identifiers'
  // flags only by identifiers), so they run side by side, each listing what it finds;
  // the flags are set afterwards, in kind order.
  // These are also the household pass's values (every value, specific or not; no
  // identifier is ignored yet): their groups of 2 to max_contact_block records are kept
  // for it, which spares it sorting them again.
  struct Found {
    std::vector<uint32_t> records;                  // contact kinds: records whose value is not specific
    std::vector<std::pair<PiiType, uint64_t>> ids;  // identifiers that are not specific
    uint64_t count = 0;
  };
  constexpr BlockKind kSpecificKinds[] = {kBlockId, kBlockEmail, kBlockPhone, kBlockAddress};
  std::vector<Found> found(std::size(kSpecificKinds));
  const bool households = options_.max_name_clusters >= 2 && options_.max_value_clusters >= 2;
  value_groups_.assign(households ? std::size(kSpecificKinds) : 0, {});
  ParallelTasks(threads, std::size(kSpecificKinds), [&](size_t task, size_t worker) {
    const BlockKind kind = kSpecificKinds[task];
    Scratch& sc = scratch[worker];
    Found& f = found[task];
    collect(kind, sc);
    auto keep = [&](size_t i, size_t j) {
      if (!households || j - i < 2 || j - i > options_.max_contact_block) return;  // one record links nothing
      ValueGroups& g = value_groups_[task];
      for (size_t e = i; e < j; ++e) g.records.push_back(sc.entries[e].record);
      g.ends.push_back(static_cast<uint32_t>(g.records.size()));
    };
    if (kind != kBlockId) {
      for_groups(sc.entries, [&](size_t i, size_t j) {
        keep(i, j);
        if (j - i <= options_.max_contact_block &&
            name_people(sc, i, j, options_.max_block_people) <= options_.max_block_people)
          return;
        ++f.count;
        for (size_t e = i; e < j; ++e) f.records.push_back(sc.entries[e].record);
      });
      return;
    }
    for_groups(sc.entries, [&](size_t i, size_t j) {
      // The group's identifier: find it in the first record's list by its key.
      const Key& k0 = keys_[sc.entries[i].record];
      PiiType type = PiiType::kSsn;
      uint64_t digest = 0;
      for (uint32_t t = 0; t < k0.id_count; ++t) {
        const IdKey& id = ids_[k0.id_off + t];
        if (Combine(kBlockId + 1 + static_cast<uint64_t>(id.type), id.digest) == sc.entries[i].key) {
          type = id.type;
          digest = id.digest;
        }
      }
      if (type == PiiType::kSsn) return;  // an SSN is always specific (and not a household's value)
      keep(i, j);
      if (j - i <= options_.max_contact_block &&
          name_people(sc, i, j, options_.max_id_people) <= options_.max_id_people)
        return;
      ++f.count;
      f.ids.emplace_back(type, digest);
      for (size_t e = i; e < j; ++e) f.records.push_back(sc.entries[e].record);
    });
  });
  for (size_t t = 0; t < std::size(kSpecificKinds); ++t) {
    const BlockKind kind = kSpecificKinds[t];
    Found& f = found[t];
    stats_.nonspecific_values += f.count;
    if (kind != kBlockId) {
      // Kept for the household pass; no evidence for pairs, either way.
      const uint8_t flag = kind == kBlockEmail ? kSharedEmail : kind == kBlockPhone ? kSharedPhone : kSharedAddress;
      for (uint32_t r : f.records) keys_[r].shared |= flag;
      continue;
    }
    // Every identifier of these records equal to one found not specific (the records
    // are listed group by group, a group's records after its identifier's turn).
    SortUnique(f.ids);
    for (uint32_t r : f.records) {
      const Key& k = keys_[r];
      for (uint32_t i = 0; i < k.id_count; ++i) {
        IdKey& id = ids_[k.id_off + i];
        if (std::binary_search(f.ids.begin(), f.ids.end(), std::make_pair(id.type, id.digest))) id.ignored = true;
      }
    }
  }
  found.clear();
  stats_.s_specific = lap();

  // Pass 2: candidate pairs, each record against the previous `window` of its block.
  // Score() is const, so the kinds are scored side by side; each kind's pairs are kept
  // apart and appended in kind order (Merge sorts them by a total order anyway).
  const uint32_t window = std::max<uint32_t>(1, options_.window);
  constexpr BlockKind kPairKinds[] = {kBlockId, kBlockEmail, kBlockPhone, kBlockAddress,
                                      kBlockLastDob, kBlockFirstDob, kBlockLastZip};
  struct Scored {
    std::vector<Pair> pairs;
    uint64_t comparisons = 0, skipped = 0;
  };
  std::vector<Scored> scored(std::size(kPairKinds));
  ParallelTasks(threads, std::size(kPairKinds), [&](size_t task, size_t worker) {
    const BlockKind kind = kPairKinds[task];
    Scratch& sc = scratch[worker];
    Scored& out = scored[task];
    collect(kind, sc);
    const bool name_block = kind == kBlockLastDob || kind == kBlockFirstDob || kind == kBlockLastZip;
    const std::vector<Entry>& entries = sc.entries;
    for_groups(entries, [&](size_t i, size_t j) {
      if (name_block && j - i > options_.max_name_block) {
        ++out.skipped;
        return;
      }
      for (size_t b = i + 1; b < j; ++b) {
        for (size_t a = b > i + window ? b - window : i; a < b; ++a) {
          ++out.comparisons;
          double score = Score(entries[a].record, entries[b].record);
          if (score >= options_.threshold)
            out.pairs.push_back({static_cast<float>(score), entries[a].record, entries[b].record});
        }
      }
    });
  });
  scratch.clear();
  size_t total = pairs.size();
  for (const Scored& sc : scored) total += sc.pairs.size();
  pairs.reserve(total);
  for (Scored& sc : scored) {
    stats_.comparisons += sc.comparisons;
    stats_.skipped_blocks += sc.skipped;
    pairs.insert(pairs.end(), sc.pairs.begin(), sc.pairs.end());
    sc.pairs = {};
  }
  stats_.s_pairs = lap();
}

uint32_t EntityResolver::Find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

EntityResolver::Agg& EntityResolver::AggTable::Put(uint32_t root) {
  if (slot_[root]) return pool_[slot_[root] - 1];
  if (free_.empty()) {
    pool_.emplace_back();
    slot_[root] = static_cast<uint32_t>(pool_.size());
  } else {
    slot_[root] = free_.back();
    free_.pop_back();
  }
  Agg& g = pool_[slot_[root] - 1];
  g.ssn.clear(), g.ids.clear(), g.email.clear(), g.dob.clear(), g.first.clear();
  return g;
}

void EntityResolver::AggTable::Drop(uint32_t root) {
  if (!slot_[root]) return;
  free_.push_back(slot_[root]);
  slot_[root] = 0;
}

const EntityResolver::Agg& EntityResolver::AggOfRoot(AggTable& aggs, uint32_t root, Agg& tmp) const {
  if (const Agg* g = aggs.Find(root)) return *g;
  AggOf(root, tmp);
  return tmp;
}

void EntityResolver::AggOf(uint32_t record, Agg& g) const {
  g.ssn.clear(), g.ids.clear(), g.email.clear(), g.dob.clear(), g.first.clear();
  const Key& k = keys_[record];
  for (uint32_t i = 0; i < k.id_count; ++i) {
    const IdKey& id = ids_[k.id_off + i];
    if (id.ignored) continue;
    if (id.type == PiiType::kSsn) g.ssn.push_back(id.digest);
    g.ids.push_back(Tagged(id.type, id.digest));
  }
  SortUnique(g.ssn);
  SortUnique(g.ids);
  if (k.dob) g.dob.push_back(k.dob);
  if (k.first) g.first.push_back(k.first);
  if (k.Email()) g.email.push_back(k.Email());
}

bool EntityResolver::Conflict(const Agg& x, const Agg& y, bool by_name) const {
  if (!x.ssn.empty() && !y.ssn.empty() && !std::includes(x.ssn.begin(), x.ssn.end(), y.ssn.begin(), y.ssn.end()) &&
      !std::includes(y.ssn.begin(), y.ssn.end(), x.ssn.begin(), x.ssn.end()))
    return true;  // different SSNs
  // Identifier types both clusters hold, and whether they share a value of each.
  uint32_t both = 0, shared = 0;
  {
    uint32_t tx = 0, ty = 0;
    for (uint64_t t : x.ids) tx |= 1u << static_cast<int>(TypeOf(t));
    for (uint64_t t : y.ids) ty |= 1u << static_cast<int>(TypeOf(t));
    both = tx & ty;
    for (size_t i = 0, j = 0; i < x.ids.size() && j < y.ids.size();) {
      if (x.ids[i] == y.ids[j]) {
        shared |= 1u << static_cast<int>(TypeOf(x.ids[i]));
        ++i, ++j;
      } else {
        x.ids[i] < y.ids[j] ? ++i : ++j;
      }
    }
  }
  bool override_shared = false;
  for (PiiType t : kAllPiiTypes) {
    const uint32_t bit = 1u << static_cast<int>(t);
    if ((shared & bit) && IsOverrideId(t)) override_shared = true;
    // Joined by a name only: a different licence, passport, MBI, student or member id
    // is a different person.
    if (by_name && (both & bit) && !(shared & bit) && IsExclusiveId(t)) return true;
  }
  // Joined by a name only: e-mail addresses on both sides and none in common. People do
  // have several, but a name is too little to say these are one person's.
  if (by_name && !x.email.empty() && !y.email.empty() && !Intersects(x.email, y.email)) return true;
  if (override_shared) return false;  // a shared person identifier outweighs DOB and name
  if (!x.dob.empty() && !y.dob.empty()) {
    bool compatible = false;
    for (uint32_t a : x.dob)
      for (uint32_t b : y.dob) compatible = compatible || DobCompatible(a, b) || DobCompatible(b, a);
    if (!compatible) return true;
  }
  // Initials are left out: "R." sits with "Robert" and "Bob" alike (pairs weigh them).
  for (uint32_t a : x.first)
    for (uint32_t b : y.first)
      if (a != b && names_[a].size() > 1 && names_[b].size() > 1 &&
          CompareFirst(names_[a], names_[b], nicknames_) == NameLevel::kDisagree)
        return true;
  return false;
}

bool EntityResolver::Unite(uint32_t ra, uint32_t rb, AggTable& aggs, bool by_name) {
  constexpr size_t kMaxFirstNames = 32;  // a cluster's distinct first names kept for the name check
  const Agg& x = AggOfRoot(aggs, ra, aggs.x);
  const Agg& y = AggOfRoot(aggs, rb, aggs.y);
  if (Conflict(x, y, by_name)) {
    ++stats_.refused_merges;
    return false;
  }
  Agg& m = aggs.merged;
  auto unite = [](auto& out, const auto& a, const auto& b) {
    out.clear();
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  };
  unite(m.ssn, x.ssn, y.ssn);
  unite(m.ids, x.ids, y.ids);
  unite(m.dob, x.dob, y.dob);
  unite(m.first, x.first, y.first);
  unite(m.email, x.email, y.email);
  if (m.first.size() > kMaxFirstNames) m.first.resize(kMaxFirstNames);
  const uint32_t root = std::min(ra, rb), child = std::max(ra, rb);
  parent_[child] = root;
  aggs.Drop(ra);
  aggs.Drop(rb);
  std::swap(aggs.Put(root), m);  // m keeps the emptied entry's capacity
  ++(by_name ? stats_.name_merges : stats_.merges);
  return true;
}

void EntityResolver::Merge(std::vector<Pair>& pairs, AggTable& aggs) {
  Lap lap;
  SortLarge(pairs, Threads(), [](const Pair& p, const Pair& q) {
    if (p.score != q.score) return p.score > q.score;
    return p.a != q.a ? p.a < q.a : p.b < q.b;
  });
  pairs.erase(std::unique(pairs.begin(), pairs.end(),
                          [](const Pair& p, const Pair& q) { return p.a == q.a && p.b == q.b && p.score == q.score; }),
              pairs.end());
  stats_.accepted_pairs = pairs.size();
  // The pairs' records are far apart in memory: their union-find entries and keys are
  // fetched a few pairs ahead, so the misses overlap instead of stalling one by one.
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i + kAhead < pairs.size()) {
      const Pair& q = pairs[i + kAhead];
      __builtin_prefetch(&parent_[q.a]);
      __builtin_prefetch(&parent_[q.b]);
      __builtin_prefetch(&keys_[q.a]);
      __builtin_prefetch(&keys_[q.b]);
    }
    const Pair& p = pairs[i];
    uint32_t ra = Find(p.a), rb = Find(p.b);
    if (ra != rb) Unite(ra, rb, aggs, false);
  }
  pairs.clear();
  pairs.shrink_to_fit();
  stats_.s_merge = lap();
  if (options_.max_name_clusters >= 2) MergeSameNames(aggs);
}

// Clusters that carry the same full name (normalised first and last, the first more
// than an initial) on records with other evidence, when that name is found in few
// clusters and none of them conflict: the name is then the case's only such person.
void EntityResolver::MergeSameNames(AggTable& aggs) {
  Lap lap;
  std::vector<std::pair<uint64_t, uint32_t>> named;
  for (uint32_t r = 0; r < added_; ++r) {
    const Key& k = keys_[r];
    if (k.last && k.first && names_[k.first].size() > 1 && HasEvidence(k))
      named.emplace_back((static_cast<uint64_t>(k.last) << 32) | k.first, r);
  }
  {
    std::vector<std::pair<uint64_t, uint32_t>> tmp;
    RadixSortByKey(named, tmp);  // listed in record order: the (name, record) order
  }
  std::vector<uint32_t> roots;
  for (size_t i = 0; i < named.size();) {
    size_t j = i;
    roots.clear();
    for (; j < named.size() && named[j].first == named[i].first; ++j) {
      uint32_t root = Find(named[j].second);
      if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
    }
    i = j;
    if (roots.size() < 2) continue;
    if (roots.size() > options_.max_name_clusters) {
      ++stats_.skipped_blocks;
      continue;
    }
    // Any two of them in conflict: at least two people have this name, and which one a
    // cluster belongs to is unknown. Leave them all apart.
    bool ambiguous = false;
    for (size_t a = 0; a < roots.size() && !ambiguous; ++a) {
      for (size_t b = a + 1; b < roots.size() && !ambiguous; ++b) {
        const Agg& x = AggOfRoot(aggs, roots[a], aggs.x);
        const Agg& y = AggOfRoot(aggs, roots[b], aggs.y);
        ambiguous = Conflict(x, y, true) || DistinctIdentitiesOf(x.ssn, x.ids, y.ssn, y.ids);
      }
    }
    if (ambiguous) {
      ++stats_.ambiguous_names;
      continue;
    }
    for (size_t k = 1; k < roots.size(); ++k) {
      uint32_t a = Find(roots[0]), b = Find(roots[k]);
      if (a != b) Unite(a, b, aggs, true);
    }
  }
  stats_.s_same_names = lap();
  MergeByValueAndName(aggs);
  stats_.s_households = lap();
  AttachNameOnly(named, aggs);
  AttachByEmailName(named, aggs);
  stats_.s_attach = lap();
}

// Household pass. A value shared by a few clusters (a household's phone or address, a
// family's case number, or a specific value whose pair score fell short: "H Phillips"
// and Henry Phillips share a phone, 8.3 + 1.0 + 3.6 < 15) joins two of them when their
// names agree (surname equal or near, first names equal, nickname, near or an initial)
// and each is the other's only such partner: among everyone the case links to that
// value, the name picks out one person. When a name fits two of them ("T Weaver" and
// Tom and Theresa Weaver at one address), nothing is merged. Conflicts are checked as
// for the same-name pass.
void EntityResolver::MergeByValueAndName(AggTable& aggs) {
  if (options_.max_value_clusters < 2) return;
  const uint32_t n = added_;
  // 1. Pairs of clusters that share a value (shared values included). No merge happens
  // in this step, so the union-find is flattened first (every record points at its
  // root) and the four kinds run side by side reading it, each with its own links.
  for (uint32_t r = 0; r < n; ++r) parent_[r] = Find(r);
  const std::vector<uint32_t>& root_of = parent_;
  const uint32_t threads = Threads();
  // The values' groups of records were kept by Block's first pass (one list per kind).
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> kind_links(value_groups_.size());  // (root, root)
  ParallelTasks(threads, value_groups_.size(), [&](size_t kind, size_t) {
    const ValueGroups& g = value_groups_[kind];
    auto& links = kind_links[kind];
    std::vector<uint32_t> roots;
    for (size_t gi = 0, i = 0; gi < g.ends.size(); i = g.ends[gi++]) {
      const size_t j = g.ends[gi];
      roots.clear();
      for (size_t e = i; e < j && roots.size() <= options_.max_value_clusters; ++e) {
        uint32_t root = root_of[g.records[e]];
        if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
      }
      if (roots.size() >= 2 && roots.size() <= options_.max_value_clusters)
        for (size_t a = 0; a < roots.size(); ++a)
          for (size_t b = 0; b < roots.size(); ++b)
            if (a != b) links.emplace_back(roots[a], roots[b]);
    }
  });
  value_groups_.clear();
  value_groups_.shrink_to_fit();
  std::vector<std::pair<uint32_t, uint32_t>> links;  // (root, root)
  for (auto& l : kind_links) {
    links.insert(links.end(), l.begin(), l.end());
    l = {};
  }
  SortUnique(links);
  if (links.empty()) return;
  // 2. The distinct names of the clusters involved.
  std::vector<uint8_t> involved(n, 0);  // by root
  for (const auto& l : links) involved[l.first] = 1;
  // Still no merge: record ranges side by side, on the flat union-find.
  using Name = std::tuple<uint32_t, uint32_t, uint32_t>;  // (root, last, first)
  const size_t chunks = threads > 1 ? size_t{threads} * 4 : 1;
  std::vector<std::vector<Name>> chunk_names(chunks);
  ParallelTasks(threads, chunks, [&](size_t c, size_t) {
    for (uint32_t r = static_cast<uint32_t>(n * c / chunks); r < n * (c + 1) / chunks; ++r) {
      const Key& k = keys_[r];
      if (!k.last || !k.first) continue;
      const uint32_t root = root_of[r];
      if (involved[root]) chunk_names[c].emplace_back(root, k.last, k.first);
    }
  });
  std::vector<Name> names;
  for (auto& c : chunk_names) {
    names.insert(names.end(), c.begin(), c.end());
    c = {};
  }
  SortLarge(names, threads);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto names_of = [&](uint32_t root) {
    auto lo = std::lower_bound(names.begin(), names.end(), std::make_tuple(root, 0u, 0u));
    auto hi = lo;
    while (hi != names.end() && std::get<0>(*hi) == root) ++hi;
    return std::make_pair(lo, hi);
  };
  auto compatible = [&](uint32_t a, uint32_t b) {
    auto [alo, ahi] = names_of(a);
    auto [blo, bhi] = names_of(b);
    for (auto x = alo; x != ahi; ++x)
      for (auto y = blo; y != bhi; ++y) {
        NameLevel last = CompareLast(names_[std::get<1>(*x)], names_[std::get<1>(*y)]);
        if (last != NameLevel::kExact && last != NameLevel::kSimilar) continue;
        if (CompareFirst(names_[std::get<2>(*x)], names_[std::get<2>(*y)], nicknames_) != NameLevel::kDisagree)
          return true;
      }
    return false;
  };
  // 3. Compatible partners; merge the pairs that are each other's only one.
  std::vector<uint8_t> fits(links.size());  // compared side by side (const), kept in order
  ParallelTasks(threads, chunks, [&](size_t c, size_t) {
    for (size_t i = links.size() * c / chunks; i < links.size() * (c + 1) / chunks; ++i)
      fits[i] = compatible(links[i].first, links[i].second);
  });
  std::vector<std::pair<uint32_t, uint32_t>> partners;
  for (size_t i = 0; i < links.size(); ++i)
    if (fits[i]) partners.push_back(links[i]);
  auto only_partner = [&](uint32_t x) -> uint32_t {
    auto lo = std::lower_bound(partners.begin(), partners.end(), std::make_pair(x, 0u));
    if (lo == partners.end() || lo->first != x) return UINT32_MAX;
    auto next = lo + 1;
    return next != partners.end() && next->first == x ? UINT32_MAX : lo->second;
  };
  for (const auto& [x, y] : partners) {
    if (x > y || only_partner(x) != y || only_partner(y) != x) continue;
    uint32_t a = Find(x), b = Find(y);
    if (a != b && Unite(a, b, aggs, true)) ++stats_.value_name_merges;
  }
}

// The one cluster whose records carry the full name `name` (last << 32 | first) with
// other evidence; kNoCluster when none does, or when two do (namesakes).
uint32_t EntityResolver::OnlyClusterNamed(const std::vector<std::pair<uint64_t, uint32_t>>& named, uint64_t name) {
  auto lo = std::lower_bound(named.begin(), named.end(), std::make_pair(name, 0u));
  uint32_t root = kNoCluster;
  for (auto it = lo; it != named.end() && it->first == name; ++it) {
    uint32_t rt = Find(it->second);
    if (root != kNoCluster && rt != root) return kNoCluster;
    root = rt;
  }
  return root;
}

// A record with only a full name ("Dear Walter Gibson," in a letter; a name in a log)
// joins the person of that name when exactly one person in the case carries it with
// other evidence. With two such people, or none, it stays on its own.
void EntityResolver::AttachNameOnly(const std::vector<std::pair<uint64_t, uint32_t>>& named,
                                    AggTable& aggs) {
  for (uint32_t r = 0; r < added_; ++r) {
    const Key& k = keys_[r];
    if (!k.last || !k.first || names_[k.first].size() <= 1 || HasEvidence(k)) continue;
    const uint32_t root = OnlyClusterNamed(named, (static_cast<uint64_t>(k.last) << 32) | k.first);
    if (root == kNoCluster) continue;
    uint32_t mine = Find(r);
    if (mine != root && Unite(mine, root, aggs, true)) ++stats_.name_only_attached;
  }
}

// A cluster with no name at all whose e-mail spells one ("lisa.warren@", "russell.
// danielle1971@": two words, either order) joins the one person of that full name, as
// a name-only record would. A name the case gives two people, or whose two orders name
// two different people, joins nobody; so does a local part that is not two words of
// two or more letters ("lnichols21@").
void EntityResolver::AttachByEmailName(const std::vector<std::pair<uint64_t, uint32_t>>& named,
                                       AggTable& aggs) {
  if (email_names_.empty()) return;
  std::vector<uint8_t> has_name(added_, 0);  // by root
  for (uint32_t r = 0; r < added_; ++r)
    if (keys_[r].last || keys_[r].first) has_name[Find(r)] = 1;
  for (const EmailName& e : email_names_) {
    const uint32_t mine = Find(e.record);
    if (has_name[mine]) continue;
    const uint32_t one = OnlyClusterNamed(named, (static_cast<uint64_t>(e.b) << 32) | e.a);
    const uint32_t two = OnlyClusterNamed(named, (static_cast<uint64_t>(e.a) << 32) | e.b);
    const uint32_t root = one == kNoCluster ? two : (two == kNoCluster || two == one ? one : kNoCluster);
    if (root == kNoCluster || root == mine) continue;
    if (Unite(mine, root, aggs, true)) {
      ++stats_.email_name_attached;
      has_name[Find(mine)] = 1;
    }
  }
}

void EntityResolver::Finalize() {
  const uint32_t n = added_;
  stats_.records = n;
  stats_.distinct_names = names_.size() - 1;
  parent_.resize(n);
  std::iota(parent_.begin(), parent_.end(), 0u);
  AggTable aggs(n);  // clusters of more than one record
  {
    std::vector<Pair> pairs;
    Block(pairs);
    Merge(pairs, aggs);
  }
  // People in order of their first record. The phase-1 keys and the clusters' conflict
  // state are not needed any more; freeing them (millions of small blocks: 0.7 s at 3 M
  // records) is left to a second thread while this one numbers the people.
  Lap lap;
  auto release = [aggs = std::move(aggs), keys = std::move(keys_), ids = std::move(ids_),
                  email_names = std::move(email_names_), name_ids = std::move(name_ids_),
                  names = std::move(names_)]() mutable {
    AggTable a = std::move(aggs);
    auto k = std::move(keys);
    auto i = std::move(ids);
    auto e = std::move(email_names);
    auto ni = std::move(name_ids);
    auto nm = std::move(names);
  };
  if (Threads() > 1) releaser_ = std::thread(std::move(release));  // joined by the destructor
  else release();
  keys_.clear();
  ids_.clear();
  email_names_.clear();
  name_ids_.clear();
  names_.assign(1, "");
  person_of_.assign(n, 0);
  std::vector<uint32_t>& person_of_root = parent_;  // reused: roots point to themselves
  for (uint32_t r = 0; r < n; ++r) parent_[r] = Find(r);
  std::vector<uint32_t> number(n, UINT32_MAX);
  people_ = 0;
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t root = person_of_root[r];
    if (number[root] == UINT32_MAX) number[root] = people_++;
    person_of_[r] = number[root];
  }
  // The last record of each person of several (a root is its cluster's first record).
  last_record_.assign(people_, kOneRecord);
  for (uint32_t r = 0; r < n; ++r)
    if (person_of_root[r] != r) last_record_[person_of_[r]] = r;
  for (auto* v : {&parent_, &number}) {
    v->clear();
    v->shrink_to_fit();
  }
  stats_.s_number = lap();
}

// ---------------------------------------------------------------- phase 3
namespace {

int AddressCompleteness(const RecordSummary& r) {
  return !r.street.empty() * 8 + !r.zip.empty() * 4 + !r.state.empty() * 2 + !r.city.empty();
}

std::string CollapseLower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

void EntityResolver::Fold(Pending& p, uint32_t record, RecordSummary&& r) {
  auto add = [record](std::vector<Tally>& tallies, std::string key, int completeness, std::vector<std::string>&& fields) {
    for (Tally& t : tallies) {
      if (t.key != key) continue;
      ++t.count;
      if (completeness >= t.completeness) {
        t.completeness = completeness;
        t.fields = std::move(fields);
      }
      t.last_record = record;
      return;
    }
    tallies.push_back({std::move(key), 1, completeness, record, std::move(fields)});
  };
  if (!r.first.empty() || !r.last.empty()) {
    std::string nf = NormalizeFirst(r.first);
    int completeness = (nf.size() > 1) * 2 + !r.last.empty();
    std::string key = nf + "|" + NormalizeLast(r.last);  // before the fields are moved
    add(p.names, std::move(key), completeness, {std::move(r.first), std::move(r.last)});
  }
  if (!r.dob.empty()) add(p.dobs, r.dob, 1, {r.dob});
  if (!r.email.empty()) add(p.emails, r.email, 1, {r.email});
  if (!r.phone.empty()) add(p.phones, r.phone, 1, {r.phone});
  int completeness = AddressCompleteness(r);
  if (completeness) {
    std::string key = CollapseLower(r.street) + "|" + r.zip.substr(0, std::min<size_t>(r.zip.size(), 5));
    add(p.addresses, std::move(key), completeness,
        {std::move(r.street), std::move(r.city), std::move(r.state), std::move(r.zip)});
  }
  for (const auto& [type, fp] : r.identifiers) p.person.identifiers[type].push_back(fp);
  p.person.exposed |= r.types;
  p.person.sources.push_back(r.source);
}

// What Fold then Finish give for a person of one record (most people of a dense case),
// without building tallies: each value is the record's own (empty when it has none).
Person EntityResolver::FromOneRecord(RecordSummary&& r) {
  Person person;
  person.first = std::move(r.first);
  person.last = std::move(r.last);
  person.dob = std::move(r.dob);
  person.email = std::move(r.email);
  person.phone = std::move(r.phone);
  person.street = std::move(r.street);
  person.city = std::move(r.city);
  person.state = std::move(r.state);
  person.zip = std::move(r.zip);
  for (const auto& [type, fp] : r.identifiers) person.identifiers[type].push_back(fp);
  for (auto& [type, fps] : person.identifiers) SortUnique(fps);
  person.exposed |= r.types;
  person.sources.push_back(r.source);
  person.substitute_notice = !person.HasPostalAddress();
  return person;
}

Person EntityResolver::Finish(Pending&& p) {
  // Most frequent; tie: most complete, then the latest record.
  auto best = [](const std::vector<Tally>& tallies) -> const Tally* {
    const Tally* b = nullptr;
    for (const Tally& t : tallies)
      if (!b || std::tie(t.count, t.completeness, t.last_record) > std::tie(b->count, b->completeness, b->last_record))
        b = &t;
    return b;
  };
  Person person = std::move(p.person);
  if (const Tally* t = best(p.names)) {
    person.first = t->fields[0];
    person.last = t->fields[1];
  }
  if (const Tally* t = best(p.dobs)) person.dob = t->fields[0];
  if (const Tally* t = best(p.emails)) person.email = t->fields[0];
  if (const Tally* t = best(p.phones)) person.phone = t->fields[0];
  if (const Tally* t = best(p.addresses)) {
    person.street = t->fields[0];
    person.city = t->fields[1];
    person.state = t->fields[2];
    person.zip = t->fields[3];
  }
  for (auto& [type, fps] : person.identifiers) SortUnique(fps);
  SortUnique(person.sources);
  person.substitute_notice = !person.HasPostalAddress();
  return person;
}

void EntityResolver::Feed(uint32_t record, RecordSummary&& summary,
                          const std::function<void(uint32_t, Person&&)>& emit) {
  if (!folder_) folder_ = std::make_unique<Folder>(*this);
  folder_->Feed(record, std::move(summary), emit);
}

void EntityResolver::Folder::Feed(uint32_t record, RecordSummary&& summary,
                                  const std::function<void(uint32_t, Person&&)>& emit) {
  const uint32_t p = people_.person_of_[record];
  const uint32_t last = people_.last_record_[p];
  if (last == kOneRecord) {  // a person of one record: its values, no tallies
    emit(p, FromOneRecord(std::move(summary)));
    return;
  }
  if (pending_.size() <= p) pending_.resize(std::max<size_t>(people_.people_, p + 1));
  std::unique_ptr<Pending>& pending = pending_[p];
  if (!pending) pending = std::make_unique<Pending>();
  Fold(*pending, record, std::move(summary));
  if (record == last) {
    Person person = Finish(std::move(*pending));
    pending.reset();
    emit(p, std::move(person));
  }
}

}  // namespace breachscope::resolve
