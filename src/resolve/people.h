// resolve/people.h — records into people, first version.
//
// Every record (a row, an object, a window of prose: records/) becomes one person,
// and records that share a fingerprint of an SSN become one person (union-find over
// record ids). Full entity resolution (names, DOBs, nicknames, conflicts) is a later
// module behind the same interface.
//
// For each person: the first name/DOB/address/e-mail/phone seen (address: the most
// complete one), the fingerprints of every protected identifier, the exposed types
// and the sources. Contact data is plaintext by contract (people.jsonl notifies
// people); protected identifiers arrive here as fingerprints only.
//
// Thread-safety: PeopleBuilder is single-threaded; the scan feeds it records in
// output order after the workers finish.
#pragma once

#include <cstdint>
#include <cstring>
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

  // Counted in summary.json's `individuals`: a finding other than a name alone.
  bool Counted() const { return (exposed & ~Bit(PiiType::kName)) != 0; }
};

class PeopleBuilder {
 public:
  // Records must be added in global record order; returns the record's index.
  uint32_t Add(RecordSummary record);

  // Groups the records; `person_of[r]` is the 0-based person of record r, people are
  // numbered in order of their first record.
  void Resolve(std::vector<Person>& people, std::vector<uint32_t>& person_of);

  size_t size() const { return records_.size(); }

 private:
  uint32_t Find(uint32_t x);
  std::vector<RecordSummary> records_;
  std::vector<uint32_t> parent_;
  struct FpHash {
    size_t operator()(const redact::Fingerprint& f) const {
      size_t h;
      std::memcpy(&h, f.data(), sizeof h);
      return h;
    }
  };
  std::unordered_map<redact::Fingerprint, uint32_t, FpHash> ssn_owner_;
};

}  // namespace breachscope::resolve
