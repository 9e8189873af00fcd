// store/case_store.h — the case database (DIR/case.db, SQLite, WAL).
//
// The case holds everything a scan learned, so that the output files are exports of
// it and a scan can be resumed or updated:
//   - the key check (a different --key-file is refused);
//   - every file scanned: its safe path, size, modification time, inode and content
//     hash (SHA-256), whether it was scanned completely, its member paths and errors;
//   - per file, its chunks: the redacted finding rows (fingerprints and masks only),
//     the record summaries people are resolved from, and the chunk's metadata — as
//     opaque blobs that scan/ encodes; large chunks live in append-only segment files
//     beside case.db (DIR/case.chunks/, chunk_segments.h), small ones in case.db;
//   - the files of the last scan in order, its walk errors and summary (tables
//     `files`, `errors`, and meta 'summary').
//
// Resuming: a file's chunks are stored as they are scanned and committed at the latest
// with the file's completion after its last chunk, so a scan killed at any moment
// (kill -9) leaves only complete files and perhaps chunks of incomplete ones, which
// BeginFile() forgets. A file
// whose path, size, mtime and inode match a complete one is not read again; a file
// whose content hash matches a complete one is not scanned again (its rows are
// shared).
//
// Nothing here is plaintext: paths are masked by scan/, rows hold fingerprints.
//
// The interface is the seam for a PostgreSQL backend (a team's shared case); SQLite
// (SqliteCaseStore, case_store.cc) is the default and needs no server.
//
// Thread-safety: every method may be called from any thread (the SQLite store has one
// connection, serialised by an internal mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/item_error.h"

namespace breachscope::store {

// What identifies a file on disk between runs without reading it.
struct FileIdentity {
  std::string path;  // safe path (identifiers masked)
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
};

// A file scanned completely by an earlier run.
struct StoredFile {
  int64_t id = 0;
  int64_t rows_of = 0;      // the file whose chunks hold the rows (itself, or an identical one)
  uint32_t chunks = 0;
  std::string content_hash;  // hex
  std::vector<std::string> member_suffixes;  // member paths after the file's own path ("!a/b.csv")
  std::vector<ItemError> errors;             // paths relative like member_suffixes ("" = the file)
};

struct Chunk {
  std::string meta, findings, records;
};

// What Compact() removed.
struct CompactReport {
  uint64_t files_removed = 0, chunks_removed = 0;
  uint64_t bytes_before = 0, bytes_after = 0;  // case.db and its chunk segments
};

class CaseStore {
 public:
  // Opens (creating if needed) the SQLite case database at `db_path`.
  static Result<std::unique_ptr<CaseStore>> Open(const std::filesystem::path& db_path);
  virtual ~CaseStore() = default;

  // The key check stored by the first scan of this case, if any.
  virtual Result<std::optional<std::string>> KeyCheck() = 0;
  virtual Status SetKeyCheck(const std::string& check) = 0;
  // Other small facts of the case (e.g. the scan settings its rows were made with).
  virtual Result<std::optional<std::string>> Meta(const std::string& key) = 0;
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;

  // The complete file with this identity, if any.
  virtual Result<std::optional<StoredFile>> FindScanned(const FileIdentity& id) = 0;
  // A complete file with this content, if any.
  virtual Result<std::optional<StoredFile>> FindByContent(uint64_t size, std::string_view content_hash) = 0;
  // Whether any file of this size is stored (complete or not). A file whose size no
  // stored file (and no other file of the scan) has cannot be a copy of one: its
  // content hash can be taken as its bytes are read and given to CompleteFile.
  virtual Result<bool> HasFileOfSize(uint64_t size) = 0;

  // Starts (or restarts) a file: forgets earlier rows stored under this path and
  // returns the new file's id.
  virtual Result<int64_t> BeginFile(const FileIdentity& id, std::string_view content_hash) = 0;
  // Records `id` as a copy of complete file `stored` (its rows are shared).
  virtual Result<int64_t> AddCopy(const FileIdentity& id, const StoredFile& stored) = 0;
  virtual Status PutChunk(int64_t file, uint32_t seq, std::string_view meta, std::string_view findings,
                          std::string_view records) = 0;
  // Marks the file complete, with its member path suffixes and its errors; a non-empty
  // `content_hash` replaces the one BeginFile stored (a file hashed as it was read).
  virtual Status CompleteFile(int64_t file, uint32_t chunks, const std::vector<std::string>& member_suffixes,
                              const std::vector<ItemError>& errors, std::string_view content_hash) = 0;

  virtual Status GetChunk(int64_t file, uint32_t seq, Chunk& out, bool with_findings, bool with_records) = 0;

  // The end of a scan: the files of this scan (ids in output order), all errors, the
  // summary; files of earlier scans that are no longer on disk are kept.
  virtual Status SaveScan(const std::vector<int64_t>& file_ids, const std::vector<ItemError>& walk_errors,
                          const std::vector<ItemError>& errors, const std::string& summary_json) = 0;

  // The files of the last scan, in output order, with their safe paths.
  virtual Result<std::vector<std::pair<StoredFile, FileIdentity>>> LastScan() = 0;
  virtual Result<std::vector<ItemError>> LastScanWalkErrors() = 0;

  // Forgets every file that is not part of the last completed scan (files deleted from
  // disk since, or renamed), with its rows unless a file of the last scan shares them,
  // and gives the space back. Refused (kInvalidArgument) when no scan of this case
  // ever completed: the rows of a killed first scan are what its resume needs.
  virtual Result<CompactReport> Compact() = 0;
};

}  // namespace breachscope::store
