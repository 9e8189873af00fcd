// resolve/entity_resolver.h — records into people: entity resolution across a case.
//
// The same phases as PeopleBuilder (people.h), so the scan can use either:
//   1. AddRecords(count) then AddRecord(record, summary) for each record, in record
//      order. Only compact keys are kept per record (interned normalised names, the
//      DOB as an integer, 64-bit digests of e-mail and identifier fingerprints, the
//      phone as a number, ZIP and street number): about 60 bytes a record.
//   2. Finalize(): blocking, pair scoring, clustering; then people are numbered in
//      order of their first record. Deterministic: the result depends only on the
//      records and their order, not on the thread count (the key kinds are collected,
//      sorted and scored side by side, their results combined in a fixed order; every
//      merge runs on the calling thread in the one order), and no hash-table iteration
//      order leaks.
//   3. Feed(record, summary, emit) in record order: folds each record into its person
//      and emits the person when its last record arrives, with the best contact data.
//
// Blocking: records are compared only when they share a key: an SSN, another
// identifier (same type), surname + DOB, first name + DOB, e-mail, phone, surname +
// ZIP. Inside a block each record is compared with the previous `window` records
// (a chain is enough for union-find). A contact value (e-mail, phone) or non-SSN
// identifier whose records name more than one person (names that disagree: a school
// office's number, a household's phone, a family's case number), or that more than
// `max_contact_block` records share, is not specific: it is neither a block nor
// evidence for pairs (the household pass still sees it). Name blocks larger than
// `max_name_block` are skipped.
//
// Scoring: Fellegi–Sunter. Each field comparison has m = P(level | same person) and
// u = P(level | different people); a pair's score is the sum of log2(m/u) over the
// fields both records have. The m/u table is in entity_resolver.cc and
// docs/resolution.md. Pairs scoring >= `threshold` are accepted.
//
// Clustering: accepted pairs, strongest first, are merged by union-find unless the
// merge joins conflicting clusters: two different SSNs; DOBs that differ (not just a
// day/month transposition) with no shared person identifier (SSN, passport, driver's
// licence, MBI, student id); first names that disagree (not equal, nickname, initial
// or near spelling) with no shared person identifier. Conflicts are checked between
// whole clusters, so a chain A–B (SSN), B–C (e-mail) cannot join A and C when their
// SSNs differ.
//
// Same-name pass: after the pairs, clusters holding the same full name (first name more
// than an initial, surname) on records that have other evidence are merged when that
// name is carried by at most `max_name_clusters` clusters and no two of them conflict
// (the checks above, plus: a different driver's licence, passport, MBI, student or
// member id of the same type). When any two conflict, at least two people bear the
// name and none of its clusters is merged by it; a name in more clusters is too common.
//
// Household pass: a value (e-mail, phone, address, non-SSN identifier) shared by a few
// clusters, specific or not, joins two of them whose names agree (an initial agrees
// with its full name) when each is the other's only such partner ("H Phillips" and
// Henry; "T Weaver" at a household's address and phone, and Theresa Weaver there).
//
// Then a record holding nothing but a full name joins the one cluster carrying that
// name; a nameless cluster whose e-mail spells a full name ("lisa.warren@") does the
// same. Every join made on a name (these, and the two passes above) is refused when
// both clusters hold e-mails and share none.
//
// Thread-safety: one caller at a time, like PeopleBuilder. Finalize runs parts of its
// work on `threads` threads of its own and returns when they are done (but for one
// that frees its working memory while Feed begins; the destructor joins it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "resolve/name_match.h"
#include "resolve/people.h"

namespace breachscope::resolve {

struct ResolverOptions {
  double threshold = 15.0;           // log2 likelihood ratio a pair needs
  uint32_t window = 16;              // comparisons per record inside one block
  uint32_t max_contact_block = 50;   // e-mail/phone/non-SSN id shared by more records: not specific
  uint32_t max_block_people = 1;     // ... or by records naming more different people (e-mail, phone)
  uint32_t max_id_people = 1;        // the same, for non-SSN identifiers (a family's case number)
  uint32_t max_name_block = 200;     // surname+DOB, first+DOB, surname+ZIP blocks larger: skipped
  uint32_t max_name_clusters = 4;    // same-name pass: names found in more clusters are too common (0: off)
  uint32_t max_value_clusters = 8;   // household pass: values shared by more clusters are skipped (0: off)
  uint32_t threads = 0;              // Finalize's threads (0: the machine's cores); the result is the same
};

struct ResolverStats {
  uint64_t records = 0, comparisons = 0, accepted_pairs = 0, merges = 0, name_merges = 0, refused_merges = 0;
  uint64_t name_only_attached = 0;  // name-only records joined to the one person of that name
  uint64_t value_name_merges = 0;   // household pass: clusters joined by a shared value and a name
  uint64_t email_name_attached = 0; // nameless clusters joined to the one person their e-mail names
  uint64_t skipped_blocks = 0, nonspecific_values = 0, ambiguous_names = 0;
  uint64_t distinct_names = 0;
  // Finalize's wall time by step (seconds).
  double s_specific = 0, s_pairs = 0, s_merge = 0, s_same_names = 0, s_households = 0, s_attach = 0, s_number = 0;
};

class EntityResolver {
 public:
  explicit EntityResolver(ResolverOptions options = {}, const NicknameTable& nicknames = NicknameTable::Default());
  ~EntityResolver();

  // Phase 1, in record order.
  uint32_t AddRecords(uint32_t count);
  // Keeps the compact keys of `record` (a record never added keeps no keys).
  void AddRecord(uint32_t record, const RecordSummary& r);

  // Phase 2. `threads` (before Finalize) overrides options.threads: the scan's --jobs.
  void set_threads(uint32_t threads) { options_.threads = threads; }
  void Finalize();
  uint32_t PersonOf(uint32_t record) const { return person_of_[record]; }
  uint32_t people() const { return people_; }
  uint32_t records() const { return added_; }
  const ResolverStats& stats() const { return stats_; }

  // Phase 3, in record order; `emit(person, p)` once per person, after its last record.
  void Feed(uint32_t record, RecordSummary&& summary, const std::function<void(uint32_t, Person&&)>& emit);
  // After Finalize (read-only, safe beside Feed on another thread): whether the
  // record's person has no other record (Feed would emit it from this record alone, its
  // values as they are), and whether it is its person's last record (Feed emits then).
  bool AloneInPerson(uint32_t record) const { return last_record_[person_of_[record]] == kOneRecord; }
  bool LastOfPerson(uint32_t record) const {
    const uint32_t last = last_record_[person_of_[record]];
    return last == kOneRecord || last == record;
  }

  // The pair score of two records (phase 1 keys; for tests and docs). -infinity for a
  // hard conflict or a record with nothing but a name.
  double Score(uint32_t a, uint32_t b) const;

 private:
  struct Key {
    uint32_t first = 0, last = 0;  // interned normalised names (0 = none)
    uint32_t dob = 0;              // yyyymmdd
    uint32_t zip = 0;              // ZIP5 as a number + 1
    uint32_t number = 0;           // street number + 1
    uint32_t id_off = 0;           // this record's identifiers: ids_[id_off, id_off + id_count)
    uint64_t email = 0, phone = 0;
    uint16_t id_count = 0;
    // Values that are not specific (kSharedEmail/Phone/Address): no evidence for pairs,
    // kept for the household pass, where a name picks one of the people sharing them.
    uint8_t shared = 0;
    uint64_t Email() const { return shared & kSharedEmail ? 0 : email; }
    uint64_t Phone() const { return shared & kSharedPhone ? 0 : phone; }
    uint32_t Zip() const { return shared & kSharedAddress ? 0 : zip; }
    uint32_t Number() const { return shared & kSharedAddress ? 0 : number; }
  };
  static constexpr uint8_t kSharedEmail = 1, kSharedPhone = 2, kSharedAddress = 4;
  struct IdKey {
    uint64_t digest = 0;  // first 8 bytes of the fingerprint
    PiiType type = PiiType::kSsn;
    bool ignored = false;  // not specific (shared by many people)
  };
  struct Pair {
    float score;
    uint32_t a, b;
  };
  // Conflict state of a cluster: its SSNs, identifiers (type-tagged), DOBs, first names.
  struct Agg {
    std::vector<uint64_t> ssn, ids, email;  // email: specific e-mails only
    std::vector<uint32_t> dob, first;
  };
  // The Agg of each cluster of more than one record, by root: a slot per record (0: none)
  // into a pool whose released entries keep their vectors' capacity, so that the
  // millions of merges of a dense case neither hash nor allocate much. `x`, `y`,
  // `merged` are scratch for Unite and the conflict checks.
  class AggTable {
   public:
    explicit AggTable(uint32_t records) : slot_(records, 0) {}
    Agg* Find(uint32_t root) { return slot_[root] ? &pool_[slot_[root] - 1] : nullptr; }
    Agg& Put(uint32_t root);  // root's entry; made empty when it has none (may move others)
    void Drop(uint32_t root);
    Agg x, y, merged;

   private:
    std::vector<uint32_t> slot_;
    std::vector<Agg> pool_;
    std::vector<uint32_t> free_;
  };
  // Phase 3: candidate values of a person with their counts.
  struct Tally {
    std::string key;
    uint32_t count = 0;
    int completeness = 0;
    uint32_t last_record = 0;
    std::vector<std::string> fields;  // the values as written (latest most complete)
  };
  struct Pending {
    Person person;
    std::vector<Tally> names, dobs, emails, phones, addresses;
  };

  uint32_t Threads() const;
  uint32_t Intern(const std::string& s);
  uint32_t Find(uint32_t x);
  bool HasEvidence(const Key& k) const;
  void Block(std::vector<Pair>& pairs);
  void Merge(std::vector<Pair>& pairs, AggTable& aggs);
  void AggOf(uint32_t record, Agg& g) const;
  // The cluster's Agg: its table entry, or (one record) `tmp` filled with the record's.
  const Agg& AggOfRoot(AggTable& aggs, uint32_t root, Agg& tmp) const;
  bool Conflict(const Agg& x, const Agg& y, bool by_name) const;
  bool Unite(uint32_t ra, uint32_t rb, AggTable& aggs, bool by_name);
  void MergeSameNames(AggTable& aggs);
  void MergeByValueAndName(AggTable& aggs);
  static constexpr uint32_t kNoCluster = UINT32_MAX;
  uint32_t OnlyClusterNamed(const std::vector<std::pair<uint64_t, uint32_t>>& named, uint64_t name);
  void AttachByEmailName(const std::vector<std::pair<uint64_t, uint32_t>>& named, AggTable& aggs);
  void AttachNameOnly(const std::vector<std::pair<uint64_t, uint32_t>>& named, AggTable& aggs);
  static void Fold(Pending& p, uint32_t record, RecordSummary&& r);
  static Person FromOneRecord(RecordSummary&& r);
  static Person Finish(Pending&& p);

  ResolverOptions options_;
  const NicknameTable& nicknames_;
  std::vector<Key> keys_;
  std::vector<IdKey> ids_;
  struct EmailName {
    uint32_t record, a, b;  // the two words of a nameless record's e-mail, interned
  };
  std::vector<EmailName> email_names_;
  // Block's first pass to the household pass: per value kind, the records of each value
  // shared by 2 to max_contact_block records (group g is records[ends[g-1], ends[g])).
  struct ValueGroups {
    std::vector<uint32_t> records, ends;
  };
  std::vector<ValueGroups> value_groups_;
  std::unordered_map<std::string, uint32_t> name_ids_;
  std::vector<std::string> names_{""};
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> person_of_;
  uint32_t people_ = 0;
  uint32_t added_ = 0;
  ResolverStats stats_;

  static constexpr uint32_t kOneRecord = UINT32_MAX;
  std::vector<uint32_t> last_record_;  // by person: its last record, kOneRecord for a person of one
 public:
  // Phase 3 on several threads: a Folder folds the records of some of the people (all
  // of a person's records to the same Folder, in record order) with pending people of
  // its own, and emits each person at its last record, as Feed does. Folders of one
  // resolver may run side by side (they only read it); the resolver must outlive them.
  class Folder {
   public:
    explicit Folder(const EntityResolver& people) : people_(people) {}
    uint32_t PersonOf(uint32_t record) const { return people_.PersonOf(record); }
    void Feed(uint32_t record, RecordSummary&& summary, const std::function<void(uint32_t, Person&&)>& emit);

   private:
    const EntityResolver& people_;
    // By person: the pending people of several records (an index, not a hash table:
    // a dense case holds hundreds of thousands at once).
    std::vector<std::unique_ptr<Pending>> pending_;
  };

 private:
  std::unique_ptr<Folder> folder_;  // Feed's
  // Frees what Finalize no longer needs (millions of small blocks) while the caller goes
  // on to Feed; it touches nothing else.
  std::thread releaser_;
};

}  // namespace breachscope::resolve
