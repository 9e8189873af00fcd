// records/fixed_width.h — fixed-width record files: layouts, inference, reading.
//
// Mainframe and claims-system extracts are often fixed-width: each line is a record
// and each field sits at fixed character positions, packed without separators
// ("123456789SMITH     JANE      19800402"), which a text scanner cannot read (the
// SSN is glued to the name). A FixedLayout says where the fields are and what they
// hold; it comes from a layout file (`breachscope scan --layout FILE`, JSON or YAML,
// see docs/formats-fixed-width.md) or from InferLayout(), which finds the column
// boundaries of a sample and types the columns by their values
// (records/column_typing.h).
//
// Layout file (JSON, or the same keys in YAML):
//   {"record_length": 120,                  optional: characters per record
//    "files": ["claims_*.dat", "*.txt"],    optional: file-name globs it applies to
//    "fields": [{"name": "SSN", "start": 1, "length": 9, "type": "ssn"}, ...]}
// A text whose first character is '{' and that parses as JSON is JSON; anything else is
// read by yaml-cpp and converted to the JSON document model with YAML 1.2 core-schema
// typing (a quoted '12' is a string, a plain 12 an integer, 1.0 a float), so one
// validator reads both and gives the same errors.
// `start` is 1-based; positions count characters (code points of the UTF-8 text the
// scan reads, i.e. after Windows-1252/UTF-16 transcoding). Types: ssn dob phone email
// health_id student_id drivers_license bank_account credit_card mbi passport diagnosis
// street (or address) city state zip name_first name_last name, text (scanned like
// prose) and ignore (not read). A diagnosis field may say "code_system": "icd9" or
// "icd10" (default: by shape: digits first = ICD-9). Unknown keys are errors.
//
// Which files a layout applies to (LayoutApplies): with "files", those whose name (or
// its last path level) matches a glob, whatever their format; without, text files
// sniffed as plain text or log (never CSV, JSON, X12, ...) whose sampled lines
// nearly all (90%) have a record's length: from the start of the last field + 1 up
// to record_length (or the end of the last field), so trailing spaces may be trimmed.
//
// Reading (ReadFixed): each non-blank line is a record (a record span). Typed fields
// are validated as their type: ssn/phone/email/card/... through the scanner with
// the type as the field's label, keeping only candidates of that type; dob by
// ParseBirthDate (YYYYMMDD, MMDDYYYY, YYYY-MM-DD, MM/DD/YYYY, ...: a real past date
// at most 120 years back); diagnosis codes by ICD shape; name parts (name_first +
// name_last, or name) become one name with ContactParts; street/city/state/zip one
// address. `text` fields and the characters no field covers are scanned as prose.
// Locations: the caller sets `line`; `column` is the layout field's name (for an
// inferred layout, the 1-based character range, "10-19").
//
// Thread-safety: pure functions; a FixedLayout is a plain value shared read-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "model/candidate.h"
#include "records/format.h"

namespace breachscope::records {

enum class FieldType : uint8_t {
  kText,
  kIgnore,
  kSsn,
  kDob,
  kPhone,
  kEmail,
  kHealthId,
  kStudentId,
  kDriversLicense,
  kBankAccount,
  kCreditCard,
  kMbi,
  kPassport,
  kDiagnosis,
  kStreet,
  kCity,
  kState,
  kZip,
  kFirstName,
  kLastName,
  kFullName,
};

// "ssn", "name_first", ... (the layout file's spelling).
std::string_view FieldTypeName(FieldType type);

struct FixedField {
  std::string name;
  uint32_t start = 0;   // 0-based character position
  uint32_t length = 0;  // characters
  FieldType type = FieldType::kText;
  const char* code_system = nullptr;  // diagnosis: "icd9"/"icd10" forced; nullptr: by shape
  uint32_t end() const { return start + length; }
};

struct FixedLayout {
  std::vector<FixedField> fields;  // sorted by start, not overlapping
  uint32_t record_length = 0;      // 0: not given
  std::vector<std::string> files;  // globs; empty: by line length
  bool inferred = false;
  bool header_line = false;        // inferred: the text's first line is a title, not a record
  // Line lengths (characters, line break excluded) a record may have.
  uint32_t MinRecordLength() const;
  uint32_t MaxRecordLength() const;
};

// Parses a layout file's text (JSON or YAML). kInvalidArgument naming the problem
// ("field 2 (LAST): \"start\" must be an integer of at least 1"; "not valid JSON (...)",
// "not valid YAML or JSON (line 3, column 5: ...)").
Result<FixedLayout> ParseLayout(std::string_view text);
// Reads and parses `path`; kInvalidArgument when it cannot be read or is invalid.
Result<FixedLayout> LoadLayoutFile(const std::filesystem::path& path);

// True when `layout` applies to the file called `name` (a path, container levels
// joined by '!') whose text starts with `head` and was sniffed as `sniffed`.
bool LayoutApplies(const FixedLayout& layout, std::string_view name, std::string_view head, Format sniffed);

// The layout of a fixed-width text, or nullopt when `head` is not one: at least 20
// non-blank lines sampled, 80% of them of one length and at most 2% longer, column
// boundaries at the same positions (runs of spaces, letter/digit transitions; inside
// digit blocks any position), and at least one column typed by its values as an SSN,
// date of birth, phone, e-mail, card or MBI (or a name and a street). Prose, logs and
// source code have none of this.
std::optional<FixedLayout> InferLayout(std::string_view head, const detect::NameLexicon& lexicon,
                                       const detect::Date& today);

// The layout a file is read with: `given` when it applies, else an inferred one when
// the file was sniffed as plain text or log; nullptr when the file is not fixed-width.
std::shared_ptr<const FixedLayout> ChooseFixedLayout(std::string_view name, std::string_view head, Format sniffed,
                                                     const std::shared_ptr<const FixedLayout>& given,
                                                     const detect::NameLexicon& lexicon, const detect::Date& today);

struct FixedRegion {
  uint64_t own_begin = 0;
  uint64_t own_end = std::numeric_limits<uint64_t>::max();
};

struct FixedResult {
  std::vector<Candidate> candidates;  // record = index into record_spans; column set
  std::vector<std::pair<uint64_t, uint64_t>> record_spans;  // lines (line break included), in order
};

// Reads the lines that start in `region` (a chunk of a big file reads only its own).
void ReadFixed(std::string_view text, const FixedLayout& layout, const detect::Scanner& scanner,
               const detect::NameLexicon& lexicon, FixedResult& out, FixedRegion region = {});

}  // namespace breachscope::records
