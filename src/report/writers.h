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
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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

// The write phase's renderers (one findings.jsonl line per finding, one people.jsonl
// line per person: gigabytes on a dense case) write through a raw cursor into a
// LineBuffer, sized once per line from a bound, instead of appending field by field to
// a std::string (a capacity check and a call per append). They give exactly the bytes
// of AppendFindingPath/Head/Tail and AppendPerson (tests compare them).
class LineBuffer {
 public:
  // Room for `n` more bytes; returns where they go. Commit() then says where they ended.
  char* Reserve(size_t n) {
    if (cap_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void Commit(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  std::string_view view() const { return {data_.get(), size_}; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void Grow(size_t n);
  std::unique_ptr<char[]> data_;  // not zero-filled
  size_t size_ = 0, cap_ = 0;
};

// A finding row ready to render: views into its chunk's blob and pre-rendered JSON.
struct FindingView {
  PiiType type = PiiType::kSsn;
  const uint8_t* hash = nullptr;  // 32 bytes (a redact::Fingerprint)
  std::string_view masked;
  std::string_view decoders_json;  // rendered once per chain
  float confidence = 0;
  const char* code_system = nullptr;
  // The location, as Location's fields.
  uint32_t page = 0;
  std::string_view sheet;
  uint64_t row = 0, line = 0;
  std::string_view column;
  uint64_t segment = 0;
  std::string_view loop;
  uint64_t message = 0;
  int64_t offset = -1;
  uint64_t record_id = 0, person_id = 0;
};
// The whole line: AppendFindingPath, AppendFindingHead, AppendFindingTail's bytes.
void RenderFinding(LineBuffer& out, std::string_view path_json, const FindingView& f);
// AppendPerson's bytes; `source_json` holds each source path already rendered as a
// JSON string (AppendJsonString of source_paths[i]).
void RenderPerson(LineBuffer& out, uint64_t person_id, const resolve::Person& p,
                  const std::vector<std::string>& source_json);

// A record as the case store keeps its summary (views into the blob).
struct RecordView {
  uint32_t source = 0;
  PiiTypeSet types = 0;
  std::string_view first, last, dob, email, phone, street, city, state, zip;
  std::string_view identifiers;  // each: a PiiType byte, then a 32-byte fingerprint
};
// The line of a person of that one record: RenderPerson's bytes for the Person the
// resolver makes of a lone record (its values as they are, identifiers sorted and
// unique by type, its one source), without making the Person. `source_json`: the
// record's source path rendered as a JSON string.
void RenderRecordPerson(LineBuffer& out, uint64_t person_id, const RecordView& r, std::string_view source_json);

struct SummaryCounts {
  uint64_t files_scanned = 0, bytes_scanned = 0;
  std::array<uint64_t, kPiiTypeCount> by_type{};
  uint64_t individuals = 0, individuals_state_unknown = 0, errors = 0;
  std::map<std::string, uint64_t> by_state;
  uint64_t people_listed = 0, records = 0, decoded_runs = 0;
};
std::string SummaryJson(const SummaryCounts& s);


// Full buffers are written by a thread of the file's own (started at the first full
// buffer, so small files never start one) while Append fills the other buffer: direct
// writes are synchronous, and a dense scan's writer would otherwise wait for the disk
// a second per GB. A failed write is reported by a later Append or by Close.
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
  // Hands the full buffer to the writer thread and takes the other one (waiting for its
  // write when it is still in flight); the write's failure, when one is known.
  Status Flush();
  Status WaitIdle();  // waits for the write in flight; its status
  void StopWriter();
  int fd_;
  std::filesystem::path path_;
  char* buffer_ = nullptr;  // block-aligned, for O_DIRECT: the one Append fills
  char* spare_ = nullptr;   // the other one (being written, or free)
  size_t used_ = 0;
  bool direct_ = false;     // written by the writer thread only while a write is in flight
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  const char* job_ = nullptr;  // under mu_: the buffer to write, until written
  size_t job_size_ = 0;
  bool stop_ = false;
  Status write_status_;  // under mu_: the first failed write
};

}  // namespace breachscope::report
