// store/case_store.h — the case database (DIR/case.db, SQLite, WAL).
//
// This first version keeps what a later run must know about the case: the key
// check (so a different --key-file is refused), the files scanned with their sizes,
// the errors, and the summary. Findings and people are exported to the JSONL files
// directly; moving them into the store (resumable, incremental scans) is the case
// store's own piece of work, behind this same interface.
//
// Thread-safety: one CaseStore per process, used from one thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/item_error.h"

struct sqlite3;

namespace breachscope::store {

struct FileRow {
  std::string path;
  uint64_t size = 0;
};

class CaseStore {
 public:
  static Result<std::unique_ptr<CaseStore>> Open(const std::filesystem::path& db_path);
  ~CaseStore();

  // The key check stored by the first scan of this case, if any.
  Result<std::optional<std::string>> KeyCheck();
  Status SetKeyCheck(const std::string& check);

  // Replaces the files, errors and summary of the case in one transaction.
  Status SaveScan(const std::vector<FileRow>& files, const std::vector<ItemError>& errors,
                  const std::string& summary_json);

 private:
  explicit CaseStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  sqlite3* db_;
};

}  // namespace breachscope::store
