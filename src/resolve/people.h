// resolve/people.h — records into people, first version.
//
// Every record (a row, an object, a window of prose: records/) becomes one person,
// and records that share a fingerprint of an SSN become one person (union-find over
// record ids). Full entity resolution (names, DOBs, nicknames, conflicts) is a later
// module behind the same interface.
//
// Memory does not hold the records: the builder keeps two integers per record
// (union-find parent, person number) and the SSN fingerprints. Record summaries are
// then fed back in record order (the scan reads them from its spill files); a
// person is emitted as soon as its last record has been fed, so only people whose
// records are still arriving are held.
//
// For each person: the first name/DOB/e-mail/phone seen, the most complete address,
// the fingerprints of every protected identifier, the exposed types and the
// sources. Contact data is plaintext by contract (people.jsonl notifies people);
// protected identifiers arrive here as fingerprints only.
//
// Thread-safety: single-threaded; used by the scan after the workers finish.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/pii_type.h"
#include "redact/redactor.h"

namespace breachscope::resolve {

struct RecordSummary {
  uint32_t source = 0;  // index into the caller's table of paths
  PiiTypeSet types = 0;
  std::string first, last, dob, email, phone;
  std::string street, city, state, zip;
  std::vector<std::pair<PiiType, redact::Fingerprint>> identifiers;  // protected types only
};

struct Person {
  std::string first, last, dob, email, phone;
  std::string street, city, state, zip;
  std::map<PiiType, std::vector<redact::Fingerprint>> identifiers;  // sorted, unique
  PiiTypeSet exposed = 0;
  std::vector<uint32_t> sources;  // sorted, unique
  // No usable postal address (a street and a ZIP, or a street, city and state): the
  // person can only be told by substitute notice (people.jsonl "substitute_notice").
  bool substitute_notice = false;

  bool HasPostalAddress() const { return !street.empty() && (!zip.empty() || (!city.empty() && !state.empty())); }
  // Counted in summary.json's `individuals`: a finding other than a name alone.
  bool Counted() const { return (exposed & ~Bit(PiiType::kName)) != 0; }
};

class PeopleBuilder {
 public:
  // Phase 1, in record order: reserve ids for `count` more records; returns the first.
  uint32_t AddRecords(uint32_t count);
  // Joins `record` with every earlier record holding the same SSN fingerprint.
  void AddSsn(uint32_t record, const redact::Fingerprint& ssn);

  // Phase 2: numbers people in order of their first record.
  void Finalize();
  uint32_t PersonOf(uint32_t record) const { return person_of_[record]; }
  uint32_t people() const { return people_; }
  uint32_t records() const { return static_cast<uint32_t>(parent_.size()); }

  // Phase 3, in record order: folds each record into its person; `emit(person, p)`
  // is called once per person, when its last record has been fed.
  void Feed(uint32_t record, RecordSummary&& summary, const std::function<void(uint32_t, Person&&)>& emit);

 private:
  uint32_t Find(uint32_t x);
  static void Fold(Person& p, RecordSummary&& r, int& best_address);
  static void Tidy(Person& p);

  std::vector<uint32_t> parent_;     // union-find, then reused
  std::vector<uint32_t> person_of_;
  uint32_t people_ = 0;
  struct FpHash {
    size_t operator()(const redact::Fingerprint& f) const {
      size_t h;
      std::memcpy(&h, f.data(), sizeof h);
      return h;
    }
  };
  std::unordered_map<redact::Fingerprint, uint32_t, FpHash> ssn_owner_;
  std::unordered_map<uint32_t, uint32_t> last_record_;  // person -> its last record (people with several)
  struct Pending {
    Person person;
    int best_address = 0;
  };
  std::unordered_map<uint32_t, Pending> pending_;
};

}  // namespace breachscope::resolve
