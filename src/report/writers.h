// report/writers.h — the contract's output files: findings.jsonl, people.jsonl,
// errors.jsonl, summary.json.
//
// FindingRow is a finding after redaction (fingerprint and mask only); the
// renderers turn rows, people and errors into the exact JSON of ../shared/contract.md.
// OutputFile creates files with mode 0600 whatever the umask, and reports write
// failures as Status.
//
// Thread-safety: renderers are pure; an OutputFile belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/item_error.h"
#include "model/pii_type.h"
#include "model/source_path.h"
#include "redact/redactor.h"
#include "resolve/people.h"

namespace breachscope::report {

// A finding after redaction, as the case store keeps it: compact fields, rendered to
// JSON only when the output is written (the store then holds a quarter of the bytes).
struct FindingRow {
  PiiType type = PiiType::kSsn;
  redact::Fingerprint hash{};
  std::string masked;
  uint16_t chain = 0;                  // index into its chunk's decoder chains
  float confidence = 0;
  const char* code_system = nullptr;   // diagnosis: "icd10" or "icd9" (static strings)
  Location location;
  uint32_t record = 0;  // unit-local record
};

std::string DecodersJson(const std::vector<std::string>& chain);

// The finding's JSON after its path, up to and including its confidence (and
// code_system), ending in ", ". The path is not part of it: a file's rows are stored
// once and may be written under another path (a copy of the same content).
// `decoders_json` is already rendered JSON (once per chain).
void AppendFindingHead(std::string& out, PiiType type, const redact::Fingerprint& hash, std::string_view masked,
                       std::string_view decoders_json, float confidence, const char* code_system);
// Opens a finding line: {"path": <path_json>, — `path_json` rendered once per path.
void AppendFindingPath(std::string& out, std::string_view path_json);
// Completes a finding line: location, record, person, closing brace and newline.
void AppendFindingTail(std::string& out, const Location& location, uint64_t record_id, uint64_t person_id);
void AppendPerson(std::string& out, uint64_t person_id, const resolve::Person& p,
                  const std::vector<std::string>& source_paths);
void AppendError(std::string& out, const ItemError& e);

struct SummaryCounts {
  uint64_t files_scanned = 0, bytes_scanned = 0;
  std::array<uint64_t, kPiiTypeCount> by_type{};
  uint64_t individuals = 0, individuals_state_unknown = 0, errors = 0;
  std::map<std::string, uint64_t> by_state;
  uint64_t people_listed = 0, records = 0, decoded_runs = 0;
};
std::string SummaryJson(const SummaryCounts& s);


class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Create(const std::filesystem::path& path);
  ~OutputFile();
  Status Append(std::string_view bytes);
  Status Close();

 private:
  OutputFile(int fd, std::filesystem::path p) : fd_(fd), path_(std::move(p)) {}
  Status WriteAll(const char* data, size_t n);
  bool DirectOff();  // clears O_DIRECT on the descriptor
  int fd_;
  std::filesystem::path path_;
  char* buffer_ = nullptr;  // block-aligned, for O_DIRECT
  size_t used_ = 0;
  bool direct_ = false;
};

}  // namespace breachscope::report
