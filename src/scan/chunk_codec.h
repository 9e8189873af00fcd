// scan/chunk_codec.h — a scanned chunk as the case store's blobs.
//
// A chunk of a file (or of a member) is stored as three blobs (store/case_store.h):
// its finding rows (redacted: fingerprints and masks, never plaintext), its record
// summaries (the contact data people.jsonl needs, and fingerprints), and its metadata
// (which member path, base location, line bookkeeping, decoder chains). The scan
// writes them as each chunk is done and reads them back to write the outputs, now or
// in a later run that resumes or updates the case.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/source_path.h"
#include "report/writers.h"
#include "resolve/people.h"

namespace breachscope::scan {

struct ChunkMeta {
  uint32_t member = 0;          // index into the file's member paths (0: the file itself)
  Location base;                // page / sheet / message of that member
  bool rows_are_lines = false;  // a sheet: line N is row N
  bool parallel = false;        // a piece of a split file: lines are fixed up at output
  int64_t line_shift = 0;       // added to the chunk's local line numbers (parallel chunks)
  uint64_t own_newlines = 0;
  uint32_t record_count = 0;
  uint32_t decoded_runs = 0;
  std::vector<std::string> chains;  // decoder chains of the chunk's findings, as JSON arrays
};

void EncodeMeta(const ChunkMeta& meta, std::string& out);
Status DecodeMeta(std::string_view blob, ChunkMeta& meta);
// Appends one row to a chunk's rows blob (the scan appends each finding as it is redacted).
void AppendRow(const report::FindingRow& row, std::string& out);
Status DecodeRows(std::string_view blob, std::vector<report::FindingRow>& rows);

// A finding row as its blob holds it: the strings are views into the blob (which must
// outlive them). What the output writer renders from, without copying each row's
// strings into a FindingRow first.
struct RowView {
  PiiType type = PiiType::kSsn;
  const uint8_t* hash = nullptr;  // 32 bytes in the blob
  std::string_view masked;
  uint16_t chain = 0;
  float confidence = 0;
  const char* code_system = nullptr;  // "icd10", "icd9" or null
  uint64_t line = 0;
  std::string_view column;
  int64_t offset = -1;
  uint64_t segment = 0;
  std::string_view loop;
  uint32_t record = 0;
};
// Reads a rows blob one row at a time (DecodeRows reads with it too).
class RowReader {
 public:
  explicit RowReader(std::string_view blob) : b_(blob) {}
  // The next row; false at the end of the blob or at a truncated row (then !ok()).
  bool Next(RowView& row);
  bool ok() const { return ok_; }

 private:
  bool Var(uint64_t& v);
  bool View(std::string_view& s);
  std::string_view b_;
  size_t pos_ = 0;
  bool ok_ = true;
};
void EncodeRecords(const std::vector<resolve::RecordSummary>& records, std::string& out);
Status DecodeRecords(std::string_view blob, std::vector<resolve::RecordSummary>& records);

// Reads a records blob one record at a time, as views into it (DecodeRecords reads
// with it too).
class RecordReader {
 public:
  explicit RecordReader(std::string_view blob) : b_(blob) {}
  // The next record; false at the end of the blob or at a truncated record (then !ok()).
  bool Next(report::RecordView& r);
  bool ok() const { return ok_; }

 private:
  bool U32(uint32_t& v);
  bool Str(std::string_view& s);
  std::string_view b_;
  size_t pos_ = 0;
  bool ok_ = true;
};
// A record's summary, its strings copied out of the blob.
void ToSummary(const report::RecordView& v, resolve::RecordSummary& r);

}  // namespace breachscope::scan
