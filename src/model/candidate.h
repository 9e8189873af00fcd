// model/candidate.h — what detect/ and records/ produce, before redaction.
//
// A Candidate is one occurrence of one type in one text unit: its span, its
// confidence, and its canonical value as a Sensitive. Contact types (name,
// address) also carry their parts, which people.jsonl needs to notify a person;
// protected identifiers never do.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/pii_type.h"
#include "model/sensitive.h"
#include "model/source_path.h"

namespace breachscope {

// Parts of a contact value (plaintext by contract: they go to people.jsonl).
struct ContactParts {
  std::string first, last;               // name
  std::string street, city, state, zip;  // address (state: 2-letter code)
};

struct Candidate {
  PiiType type = PiiType::kSsn;
  uint64_t begin = 0, end = 0;  // byte span in the text unit it was read from
  float confidence = 0;
  Sensitive canonical;          // contract canonical form
  std::unique_ptr<ContactParts> contact;  // name/address only (kept out of line: most candidates have none)
  const char* code_system = nullptr;      // diagnosis only: "icd10" or "icd9"
  Location location;            // filled by the caller that knows lines/columns
  uint32_t record = 0;          // record index inside the unit (records/ assigns)
};

}  // namespace breachscope
