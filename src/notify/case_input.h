// notify/case_input.h — the finished scan notify reads: DIR/people.jsonl (the
// contract's Person objects), DIR/errors.jsonl and DIR/summary.json.
//
// Only contact data and the exposed types are read; people.jsonl holds no plaintext
// protected identifier (only fingerprints, which notify ignores), so nothing read
// here can leak one.
//
// Errors: kInvalidArgument when DIR has no people.jsonl (not a finished scan);
// kCorrupt when a line is not a Person object.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace breachscope::notify {

struct PostalAddress {
  std::string street, city, state, zip;
  // Street, city, state and ZIP all present: a mail house can post a letter to it.
  bool Usable() const { return !street.empty() && !city.empty() && state.size() == 2 && zip.size() >= 5; }
};

struct CasePerson {
  std::string id;  // "p000123"
  std::string first_name, last_name, dob, email, phone;
  bool has_address = false;
  PostalAddress address;
  std::vector<std::string> exposed;  // sorted contract type names
  std::vector<std::string> sources;

  bool Has(std::string_view type) const;
  bool HasName() const { return Has("name") || (!first_name.empty() && !last_name.empty()); }
  std::string FullName() const;
};

struct CaseError {
  std::string path, reason;
};

struct CaseData {
  std::vector<CasePerson> people;
  std::vector<CaseError> errors;
  uint64_t files_scanned = 0, bytes_scanned = 0;
};

Result<std::vector<CasePerson>> ParsePeopleJsonl(std::string_view jsonl);
Result<CaseData> LoadCase(const std::filesystem::path& dir);

}  // namespace breachscope::notify
