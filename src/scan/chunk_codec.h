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
void EncodeRecords(const std::vector<resolve::RecordSummary>& records, std::string& out);
Status DecodeRecords(std::string_view blob, std::vector<resolve::RecordSummary>& records);

}  // namespace breachscope::scan
