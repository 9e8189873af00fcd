// scan/spill.h — per-worker temporary files holding redacted finding rows.
//
// Workers append each chunk's rows (and its record summaries) as segments and remember (offset, length);
// after the scan the rows are read back in path order to write findings.jsonl with
// record and person ids. Rows hold fingerprints and masks only, never plaintext.
// The files live in the output folder (mode 0600) and are removed at the end.
//
// Thread-safety: a SpillWriter belongs to one worker; ReadSegment() may be called
// from one thread after all writers are closed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "report/writers.h"
#include "resolve/people.h"

namespace breachscope::scan {

struct SpillSegment {
  int file = -1;  // which spill file
  uint64_t offset = 0, length = 0;
};

class SpillWriter {
 public:
  SpillWriter(const std::filesystem::path& path, int index);
  ~SpillWriter();
  SpillWriter(const SpillWriter&) = delete;
  SpillWriter& operator=(const SpillWriter&) = delete;

  Status status() const { return status_; }
  Result<SpillSegment> Write(const std::vector<report::FindingRow>& rows);
  Result<SpillSegment> WriteRecords(const std::vector<resolve::RecordSummary>& records);
  Status Close();
  const std::filesystem::path& path() const { return path_; }

 private:
  Result<SpillSegment> AppendBuffer();  // writes buf_ as one segment
  std::filesystem::path path_;
  int index_;
  std::FILE* f_ = nullptr;
  uint64_t size_ = 0;
  std::string buf_;
  Status status_;
};

Status ReadSegment(const std::filesystem::path& path, const SpillSegment& seg, std::vector<report::FindingRow>& rows);
Status ReadRecords(const std::filesystem::path& path, const SpillSegment& seg,
                   std::vector<resolve::RecordSummary>& records);

}  // namespace breachscope::scan
