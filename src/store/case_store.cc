#include "store/case_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <map>
#include <mutex>
#include <set>

#include "store/chunk_segments.h"

namespace breachscope::store {

namespace {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() { return s_; }
  bool ok() const { return s_ != nullptr; }
  Stmt& Text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Blob(int i, std::string_view v) {
    sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_STATIC);  // bound data outlives the step
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }
  int64_t ColInt(int i) { return sqlite3_column_int64(s_, i); }
  bool ColNull(int i) { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  std::string ColText(int i) {
    const void* p = sqlite3_column_blob(s_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }
  // Into a caller's buffer, keeping its capacity (chunk blobs are megabytes, read once per pass).
  void ColInto(int i, std::string& out) {
    const void* p = sqlite3_column_blob(s_, i);
    if (p) out.assign(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, i)));
    else out.clear();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Member suffixes are stored as one blob, NUL-separated (a path level may hold any
// other character).
std::string JoinNul(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    out += s;
    out += '\0';
  }
  return out;
}

std::vector<std::string> SplitNul(const std::string& blob) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < blob.size()) {
    size_t nul = blob.find('\0', at);
    if (nul == std::string::npos) nul = blob.size();
    out.push_back(blob.substr(at, nul - at));
    at = nul + 1;
  }
  return out;
}

StatusCode ReasonCode(std::string_view reason) {
  for (StatusCode c : {StatusCode::kIo, StatusCode::kCorrupt, StatusCode::kUnsupported, StatusCode::kEncrypted,
                       StatusCode::kLimit, StatusCode::kInternal})
    if (ReasonName(c) == reason) return c;
  return StatusCode::kInternal;
}

// The default store: one SQLite connection in WAL mode.
class SqliteCaseStore final : public CaseStore {
 public:
  SqliteCaseStore(sqlite3* db, const std::filesystem::path& db_path)
      : db_(db), segments_(db_path.parent_path() / (db_path.stem().string() + ".chunks")) {}
  ~SqliteCaseStore() override {
    (void)CommitPending();
    sqlite3_close(db_);
  }

  Result<std::optional<std::string>> KeyCheck() override;
  Status SetKeyCheck(const std::string& check) override;
  Result<std::optional<std::string>> Meta(const std::string& key) override;
  Status SetMeta(const std::string& key, const std::string& value) override;
  Result<std::optional<StoredFile>> FindScanned(const FileIdentity& id) override;
  Result<std::optional<StoredFile>> FindByContent(uint64_t size, std::string_view content_hash) override;
  Result<int64_t> BeginFile(const FileIdentity& id, std::string_view content_hash) override;
  Result<int64_t> AddCopy(const FileIdentity& id, const StoredFile& stored) override;
  Status PutChunk(int64_t file, uint32_t seq, std::string_view meta, std::string_view findings,
                  std::string_view records) override;
  Result<bool> HasFileOfSize(uint64_t size) override;
  Status CompleteFile(int64_t file, uint32_t chunks, const std::vector<std::string>& member_suffixes,
                      const std::vector<ItemError>& errors, std::string_view content_hash) override;
  Status GetChunk(int64_t file, uint32_t seq, Chunk& out, bool with_findings, bool with_records) override;
  Status SaveScan(const std::vector<int64_t>& file_ids, const std::vector<ItemError>& walk_errors,
                  const std::vector<ItemError>& errors, const std::string& summary_json) override;
  Result<std::vector<std::pair<StoredFile, FileIdentity>>> LastScan() override;
  Result<std::vector<ItemError>> LastScanWalkErrors() override;
  Result<CompactReport> Compact() override;

  Status Exec(const char* sql);
  Status MigrateChunksTable();

 private:
  uint64_t DatabaseBytes();  // case.db and its chunk segments
  Status RewriteSegments();
  Status OpenPending();    // under mu_: the transaction chunk rows are stored in
  Status CommitPending();  // under mu_
  Status Error(const char* what);
  Result<std::optional<StoredFile>> Load(int64_t id);
  Result<int64_t> Begin(const FileIdentity& id, std::string_view content_hash, int64_t keep);
  sqlite3* db_;
  std::mutex mu_;
  ChunkSegments segments_;
  // Chunk rows are not committed one by one: a chunk only counts once its file is
  // complete (BeginFile forgets the chunks of an incomplete one), so they wait in one
  // open transaction that the next CompleteFile (or any other write) commits. A commit
  // per chunk wrote whole 64 KiB pages to the WAL each time: 11 s of the 1 GB
  // benchmark's work phase. Files whose rows a failed commit lost cannot complete.
  bool pending_ = false;
  std::set<int64_t> pending_files_, lost_files_;
};

}  // namespace

Result<std::unique_ptr<CaseStore>> CaseStore::Open(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError("cannot open case database: " + msg);
  }
  ::chmod(db_path.c_str(), 0600);
  sqlite3_busy_timeout(db, 10000);
  auto store = std::make_unique<SqliteCaseStore>(db, db_path);
  // WAL with synchronous=NORMAL: a committed chunk survives the process being killed
  // (the WAL is written before commit returns); only a power cut may lose the last
  // commits, which a resumed scan then redoes.
  BS_RETURN_IF_ERROR(store->Exec(
      "PRAGMA page_size=65536;"
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS files (path TEXT NOT NULL, size INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS errors (path TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS walk_errors (path TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS scanned_files ("
      "  id INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
      "  inode INTEGER NOT NULL, content_hash TEXT NOT NULL, complete INTEGER NOT NULL DEFAULT 0,"
      "  rows_of INTEGER, chunks INTEGER NOT NULL DEFAULT 0, members BLOB, last_scan_order INTEGER);"
      "CREATE INDEX IF NOT EXISTS scanned_files_path ON scanned_files(path);"
      "CREATE INDEX IF NOT EXISTS scanned_files_content ON scanned_files(size, content_hash);"
      "CREATE TABLE IF NOT EXISTS file_errors (file_id INTEGER NOT NULL, path_suffix TEXT NOT NULL,"
      "  reason TEXT NOT NULL, detail TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS file_errors_file ON file_errors(file_id);"
      // A chunk's blobs are inline (segment NULL) or in a chunk segment at
      // seg_offset, in the order meta, records, findings (chunk_segments.h).
      "CREATE TABLE IF NOT EXISTS chunks (file_id INTEGER NOT NULL, seq INTEGER NOT NULL, meta BLOB NOT NULL,"
      "  findings BLOB NOT NULL, records BLOB NOT NULL, segment INTEGER, seg_offset INTEGER,"
      "  meta_len INTEGER, records_len INTEGER, findings_len INTEGER, PRIMARY KEY (file_id, seq));"));
  BS_RETURN_IF_ERROR(store->MigrateChunksTable());
  return std::unique_ptr<CaseStore>(std::move(store));
}

// Cases made before chunk segments existed have a chunks table without their columns;
// their chunks stay inline and are read as before.
Status SqliteCaseStore::MigrateChunksTable() {
  Stmt cols(db_, "SELECT 1 FROM pragma_table_info('chunks') WHERE name = 'segment'");
  if (cols.Step() == SQLITE_ROW) return Status::Ok();
  return Exec(
      "ALTER TABLE chunks ADD COLUMN segment INTEGER; ALTER TABLE chunks ADD COLUMN seg_offset INTEGER;"
      "ALTER TABLE chunks ADD COLUMN meta_len INTEGER; ALTER TABLE chunks ADD COLUMN records_len INTEGER;"
      "ALTER TABLE chunks ADD COLUMN findings_len INTEGER;");
}

Status SqliteCaseStore::OpenPending() {
  if (pending_) return Status::Ok();
  BS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  pending_ = true;
  return Status::Ok();
}

Status SqliteCaseStore::CommitPending() {
  if (!pending_) return Status::Ok();
  pending_ = false;
  Status s = Exec("COMMIT");
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    lost_files_.insert(pending_files_.begin(), pending_files_.end());
  }
  pending_files_.clear();
  return s;
}

Status SqliteCaseStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return IoError("case database: " + msg);
  }
  return Status::Ok();
}

Status SqliteCaseStore::Error(const char* what) {
  return IoError(std::string("case database (") + what + "): " + sqlite3_errmsg(db_));
}

Result<std::optional<std::string>> SqliteCaseStore::KeyCheck() { return Meta("key_check"); }

Status SqliteCaseStore::SetKeyCheck(const std::string& check) { return SetMeta("key_check", check); }

Result<std::optional<std::string>> SqliteCaseStore::Meta(const std::string& key) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return Error("meta");
  s.Text(1, key);
  if (s.Step() == SQLITE_ROW) return std::optional<std::string>(s.ColText(0));
  return std::optional<std::string>();
}

Status SqliteCaseStore::SetMeta(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(CommitPending());
  Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  s.Text(1, key).Text(2, value);
  if (s.Step() != SQLITE_DONE) return Error("meta");
  return Status::Ok();
}

Result<std::optional<StoredFile>> SqliteCaseStore::Load(int64_t id) {
  Stmt s(db_, "SELECT rows_of, chunks, content_hash, members FROM scanned_files WHERE id = ? AND complete = 1");
  s.Int(1, id);
  if (s.Step() != SQLITE_ROW) return std::optional<StoredFile>();
  StoredFile f;
  f.id = id;
  f.rows_of = s.ColInt(0);
  f.chunks = static_cast<uint32_t>(s.ColInt(1));
  f.content_hash = s.ColText(2);
  f.member_suffixes = SplitNul(s.ColText(3));
  Stmt e(db_, "SELECT path_suffix, reason, detail FROM file_errors WHERE file_id = ? ORDER BY rowid");
  e.Int(1, id);
  while (e.Step() == SQLITE_ROW) f.errors.push_back({e.ColText(0), ReasonCode(e.ColText(1)), e.ColText(2)});
  return std::optional<StoredFile>(std::move(f));
}

Result<std::optional<StoredFile>> SqliteCaseStore::FindScanned(const FileIdentity& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_,
         "SELECT id FROM scanned_files WHERE path = ? AND size = ? AND mtime_ns = ? AND inode = ? AND complete = 1 "
         "ORDER BY id DESC LIMIT 1");
  s.Text(1, id.path).Int(2, static_cast<int64_t>(id.size)).Int(3, id.mtime_ns).Int(4, static_cast<int64_t>(id.inode));
  if (s.Step() != SQLITE_ROW) return std::optional<StoredFile>();
  return Load(s.ColInt(0));
}

Result<std::optional<StoredFile>> SqliteCaseStore::FindByContent(uint64_t size, std::string_view content_hash) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT id FROM scanned_files WHERE size = ? AND content_hash = ? AND complete = 1 LIMIT 1");
  s.Int(1, static_cast<int64_t>(size)).Text(2, content_hash);
  if (s.Step() != SQLITE_ROW) return std::optional<StoredFile>();
  return Load(s.ColInt(0));
}

Result<int64_t> SqliteCaseStore::BeginFile(const FileIdentity& id, std::string_view content_hash) {
  return Begin(id, content_hash, 0);
}

Result<int64_t> SqliteCaseStore::Begin(const FileIdentity& id, std::string_view content_hash, int64_t keep) {
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(CommitPending());
  BS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  // Forget what earlier runs stored under this path. Rows another file still shares
  // (a copy elsewhere) are kept, detached from the path.
  {
    Stmt old(db_, "SELECT id FROM scanned_files WHERE path = ?");
    old.Text(1, id.path);
    std::vector<int64_t> ids;
    while (old.Step() == SQLITE_ROW) ids.push_back(old.ColInt(0));
    for (int64_t x : ids) {
      Stmt shared(db_, "SELECT 1 FROM scanned_files WHERE rows_of = ? AND id <> ? LIMIT 1");
      shared.Int(1, x).Int(2, x);
      // `keep` holds the rows a copy is about to share (the same file, touched).
      if (x == keep || shared.Step() == SQLITE_ROW) {
        Stmt detach(db_, "UPDATE scanned_files SET path = '', last_scan_order = NULL WHERE id = ?");
        detach.Int(1, x).Step();
        continue;
      }
      for (const char* sql : {"DELETE FROM chunks WHERE file_id = ?", "DELETE FROM file_errors WHERE file_id = ?",
                              "DELETE FROM scanned_files WHERE id = ?"}) {
        Stmt d(db_, sql);
        d.Int(1, x);
        if (d.Step() != SQLITE_DONE) {
          (void)Exec("ROLLBACK");
          return Error("forget a file");
        }
      }
    }
  }
  Stmt s(db_,
         "INSERT INTO scanned_files (path, size, mtime_ns, inode, content_hash, complete) VALUES (?, ?, ?, ?, ?, 0)");
  s.Text(1, id.path).Int(2, static_cast<int64_t>(id.size)).Int(3, id.mtime_ns).Int(4, static_cast<int64_t>(id.inode));
  s.Text(5, content_hash);
  if (s.Step() != SQLITE_DONE) {
    (void)Exec("ROLLBACK");
    return Error("begin a file");
  }
  int64_t file = sqlite3_last_insert_rowid(db_);
  Stmt self(db_, "UPDATE scanned_files SET rows_of = id WHERE id = ?");
  self.Int(1, file).Step();
  BS_RETURN_IF_ERROR(Exec("COMMIT"));
  return file;
}

Result<int64_t> SqliteCaseStore::AddCopy(const FileIdentity& id, const StoredFile& stored) {
  // Same bookkeeping as BeginFile (keeping the rows to share even when they were
  // stored under this very path), then the copy is complete at once.
  auto file = Begin(id, stored.content_hash, stored.rows_of);
  if (!file.ok()) return file;
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(CommitPending());
  BS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Stmt s(db_, "UPDATE scanned_files SET rows_of = ?, chunks = ?, members = ?, complete = 1 WHERE id = ?");
  std::string members = JoinNul(stored.member_suffixes);
  s.Int(1, stored.rows_of).Int(2, stored.chunks).Blob(3, members).Int(4, *file);
  if (s.Step() != SQLITE_DONE) {
    (void)Exec("ROLLBACK");
    return Error("record a copy");
  }
  for (const auto& e : stored.errors) {
    Stmt ins(db_, "INSERT INTO file_errors (file_id, path_suffix, reason, detail) VALUES (?, ?, ?, ?)");
    ins.Int(1, *file).Text(2, e.path).Text(3, ReasonName(e.reason)).Text(4, e.detail).Step();
  }
  BS_RETURN_IF_ERROR(Exec("COMMIT"));
  return file;
}

Status SqliteCaseStore::PutChunk(int64_t file, uint32_t seq, std::string_view meta, std::string_view findings,
                           std::string_view records) {
  if (meta.size() + findings.size() + records.size() < kSegmentMinBytes) {
    std::lock_guard lock(mu_);
    BS_RETURN_IF_ERROR(OpenPending());
    Stmt s(db_, "INSERT OR REPLACE INTO chunks (file_id, seq, meta, findings, records) VALUES (?, ?, ?, ?, ?)");
    s.Int(1, file).Int(2, seq).Blob(3, meta).Blob(4, findings).Blob(5, records);
    if (s.Step() != SQLITE_DONE) return Error("store a chunk");
    pending_files_.insert(file);
    return Status::Ok();
  }
  // Written before the row that points at it, and outside the lock: workers' segment
  // writes run in parallel.
  const std::string_view parts[] = {meta, records, findings};
  auto at = segments_.Append(file, seq, parts);
  if (!at.ok()) return at.status();
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(OpenPending());
  Stmt s(db_,
         "INSERT OR REPLACE INTO chunks (file_id, seq, meta, findings, records, segment, seg_offset, meta_len,"
         " records_len, findings_len) VALUES (?, ?, x'', x'', x'', ?, ?, ?, ?, ?)");
  s.Int(1, file).Int(2, seq).Int(3, at->segment).Int(4, static_cast<int64_t>(at->offset));
  s.Int(5, static_cast<int64_t>(meta.size())).Int(6, static_cast<int64_t>(records.size()));
  s.Int(7, static_cast<int64_t>(findings.size()));
  if (s.Step() != SQLITE_DONE) return Error("store a chunk");
  pending_files_.insert(file);
  return Status::Ok();
}

Result<bool> SqliteCaseStore::HasFileOfSize(uint64_t size) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT 1 FROM scanned_files WHERE size = ? LIMIT 1");
  s.Int(1, static_cast<int64_t>(size));
  return s.Step() == SQLITE_ROW;
}

Status SqliteCaseStore::CompleteFile(int64_t file, uint32_t chunks, const std::vector<std::string>& member_suffixes,
                                     const std::vector<ItemError>& errors, std::string_view content_hash) {
  std::lock_guard lock(mu_);
  if (lost_files_.count(file))
    return IoError("case database: this file's chunks were lost in a failed commit; the next scan reads it again");
  // One commit: the file marked complete with every chunk row stored since the last
  // one. A statement that fails leaves the file incomplete (the transaction stays open
  // for the other files' rows; a later commit keeps its stray error rows, which the next
  // BeginFile of its path forgets).
  BS_RETURN_IF_ERROR(OpenPending());
  for (const auto& e : errors) {
    Stmt ins(db_, "INSERT INTO file_errors (file_id, path_suffix, reason, detail) VALUES (?, ?, ?, ?)");
    ins.Int(1, file).Text(2, e.path).Text(3, ReasonName(e.reason)).Text(4, e.detail);
    if (ins.Step() != SQLITE_DONE) return Error("store an error");
  }
  // An empty key keeps the one BeginFile stored.
  Stmt s(db_,
         "UPDATE scanned_files SET chunks = ?, members = ?, complete = 1, "
         "content_hash = COALESCE(NULLIF(?, ''), content_hash) WHERE id = ?");
  std::string members = JoinNul(member_suffixes);
  s.Int(1, chunks).Blob(2, members).Text(3, content_hash).Int(4, file);
  if (s.Step() != SQLITE_DONE) return Error("complete a file");
  return CommitPending();
}

Status SqliteCaseStore::GetChunk(int64_t file, uint32_t seq, Chunk& out, bool with_findings, bool with_records) {
  SegmentPlace at;
  uint64_t meta_len, records_len, findings_len;
  {
    std::lock_guard lock(mu_);
    Stmt s(db_, with_findings
                    ? "SELECT meta, findings, x'', segment, seg_offset, meta_len, records_len, findings_len FROM chunks "
                      "WHERE file_id = ? AND seq = ?"
                : with_records
                    ? "SELECT meta, x'', records, segment, seg_offset, meta_len, records_len, findings_len FROM chunks "
                      "WHERE file_id = ? AND seq = ?"
                    : "SELECT meta, x'', x'', segment, seg_offset, meta_len, records_len, findings_len FROM chunks "
                      "WHERE file_id = ? AND seq = ?");
    s.Int(1, file).Int(2, seq);
    if (s.Step() != SQLITE_ROW) return InternalError("case database: a chunk of a complete file is missing");
    if (s.ColNull(3)) {
      s.ColInto(0, out.meta);
      s.ColInto(1, out.findings);
      s.ColInto(2, out.records);
      return Status::Ok();
    }
    at = {s.ColInt(3), static_cast<uint64_t>(s.ColInt(4))};
    meta_len = static_cast<uint64_t>(s.ColInt(5));
    records_len = static_cast<uint64_t>(s.ColInt(6));
    findings_len = static_cast<uint64_t>(s.ColInt(7));
  }
  // Read outside the lock, so the write phase's readers overlap. The header, meta and
  // (when asked) records are one read, split in place.
  const uint64_t head = kSegmentHeaderBytes + meta_len;
  BS_RETURN_IF_ERROR(segments_.Read(at, 0, head + (with_records ? records_len : 0), out.meta));
  BS_RETURN_IF_ERROR(segments_.CheckHeader(out.meta, at, file, seq, meta_len + records_len + findings_len));
  if (with_records) out.records.assign(out.meta, head, records_len);
  else out.records.clear();
  out.meta.erase(0, kSegmentHeaderBytes);
  out.meta.resize(meta_len);
  if (with_findings) return segments_.Read(at, head + records_len, findings_len, out.findings);
  out.findings.clear();
  return Status::Ok();
}

Status SqliteCaseStore::SaveScan(const std::vector<int64_t>& file_ids, const std::vector<ItemError>& walk_errors,
                           const std::vector<ItemError>& errors, const std::string& summary_json) {
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(CommitPending());
  BS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE; UPDATE scanned_files SET last_scan_order = NULL;"
                          "DELETE FROM files; DELETE FROM errors; DELETE FROM walk_errors;"));
  for (size_t i = 0; i < file_ids.size(); ++i) {
    Stmt s(db_, "UPDATE scanned_files SET last_scan_order = ? WHERE id = ?");
    s.Int(1, static_cast<int64_t>(i)).Int(2, file_ids[i]).Step();
  }
  BS_RETURN_IF_ERROR(Exec("INSERT INTO files (path, size) SELECT path, size FROM scanned_files "
                          "WHERE last_scan_order IS NOT NULL ORDER BY last_scan_order"));
  for (auto [table, list] : {std::pair{"errors", &errors}, std::pair{"walk_errors", &walk_errors}}) {
    std::string sql = std::string("INSERT INTO ") + table + " (path, reason, detail) VALUES (?, ?, ?)";
    Stmt s(db_, sql.c_str());
    for (const auto& e : *list) {
      s.Text(1, e.path).Text(2, ReasonName(e.reason)).Text(3, e.detail).Step();
      sqlite3_reset(s.get());
    }
  }
  {
    Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('summary', ?)");
    s.Text(1, summary_json).Step();
  }
  return Exec("COMMIT");
}

Result<std::vector<std::pair<StoredFile, FileIdentity>>> SqliteCaseStore::LastScan() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<StoredFile, FileIdentity>> out;
  Stmt s(db_,
         "SELECT id, path, size, mtime_ns, inode FROM scanned_files WHERE last_scan_order IS NOT NULL "
         "ORDER BY last_scan_order");
  std::vector<std::pair<int64_t, FileIdentity>> ids;
  while (s.Step() == SQLITE_ROW)
    ids.push_back({s.ColInt(0), {s.ColText(1), static_cast<uint64_t>(s.ColInt(2)), s.ColInt(3),
                                 static_cast<uint64_t>(s.ColInt(4))}});
  for (auto& [id, ident] : ids) {
    auto f = Load(id);
    if (!f.ok()) return f.status();
    if (!f->has_value()) return InternalError("case database: a file of the last scan is incomplete");
    out.emplace_back(std::move(**f), std::move(ident));
  }
  return out;
}

Result<std::vector<ItemError>> SqliteCaseStore::LastScanWalkErrors() {
  std::lock_guard lock(mu_);
  std::vector<ItemError> out;
  Stmt s(db_, "SELECT path, reason, detail FROM walk_errors ORDER BY rowid");
  while (s.Step() == SQLITE_ROW) out.push_back({s.ColText(0), ReasonCode(s.ColText(1)), s.ColText(2)});
  return out;
}

uint64_t SqliteCaseStore::DatabaseBytes() {
  uint64_t bytes = 0;
  for (auto [n, size] : segments_.OnDisk()) bytes += size;
  Stmt count(db_, "PRAGMA page_count"), size(db_, "PRAGMA page_size");
  if (count.Step() != SQLITE_ROW || size.Step() != SQLITE_ROW) return bytes;
  return bytes + static_cast<uint64_t>(count.ColInt(0)) * static_cast<uint64_t>(size.ColInt(0));
}

// Segments are append-only, so forgotten chunks leave dead bytes behind. A segment
// with any is rewritten: its live chunks are copied into a fresh segment and their rows
// moved in one transaction; then every segment no row points into is deleted (also
// those a killed scan left). A segment without dead bytes is left as it is.
Status SqliteCaseStore::RewriteSegments() {
  struct Live {
    int64_t file;
    uint32_t seq;
    SegmentPlace at;
    uint64_t body;
  };
  std::map<int64_t, std::vector<Live>> live;
  {
    Stmt s(db_,
           "SELECT file_id, seq, segment, seg_offset, meta_len + records_len + findings_len FROM chunks "
           "WHERE segment IS NOT NULL ORDER BY segment, seg_offset");
    while (s.Step() == SQLITE_ROW)
      live[s.ColInt(2)].push_back({s.ColInt(0), static_cast<uint32_t>(s.ColInt(1)),
                                   {s.ColInt(2), static_cast<uint64_t>(s.ColInt(3))},
                                   static_cast<uint64_t>(s.ColInt(4))});
  }
  const auto disk = segments_.OnDisk();
  std::vector<std::pair<const Live*, SegmentPlace>> moved;
  std::string chunk;
  for (const auto& [segment, chunks] : live) {
    uint64_t live_bytes = 0;
    for (const auto& c : chunks) live_bytes += ChunkSegments::PlacedBytes(c.body);
    auto on_disk = disk.find(segment);
    if (on_disk != disk.end() && on_disk->second == live_bytes) continue;
    for (const auto& c : chunks) {
      BS_RETURN_IF_ERROR(segments_.Read(c.at, 0, kSegmentHeaderBytes + c.body, chunk));
      BS_RETURN_IF_ERROR(segments_.CheckHeader(chunk, c.at, c.file, c.seq, c.body));
      const std::string_view body[] = {std::string_view(chunk).substr(kSegmentHeaderBytes)};
      auto to = segments_.Append(c.file, c.seq, body);
      if (!to.ok()) return to.status();
      moved.emplace_back(&c, *to);
    }
  }
  if (!moved.empty()) {
    BS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Stmt u(db_, "UPDATE chunks SET segment = ?, seg_offset = ? WHERE file_id = ? AND seq = ?");
    for (const auto& [c, to] : moved) {
      u.Int(1, to.segment).Int(2, static_cast<int64_t>(to.offset)).Int(3, c->file).Int(4, c->seq);
      if (u.Step() != SQLITE_DONE) {
        (void)Exec("ROLLBACK");
        return Error("move a chunk");
      }
      sqlite3_reset(u.get());
    }
    BS_RETURN_IF_ERROR(Exec("COMMIT"));
  }
  std::set<int64_t> used;
  {
    Stmt s(db_, "SELECT DISTINCT segment FROM chunks WHERE segment IS NOT NULL");
    while (s.Step() == SQLITE_ROW) used.insert(s.ColInt(0));
  }
  for (auto [segment, size] : segments_.OnDisk())
    if (!used.count(segment)) BS_RETURN_IF_ERROR(segments_.Remove(segment));
  return Status::Ok();
}

Result<CompactReport> SqliteCaseStore::Compact() {
  std::lock_guard lock(mu_);
  BS_RETURN_IF_ERROR(CommitPending());
  {
    Stmt done(db_, "SELECT 1 FROM meta WHERE key = 'summary'");
    if (done.Step() != SQLITE_ROW)
      return InvalidArgument("no scan of this case has completed yet: finish (resume) the scan before compacting");
  }
  CompactReport report;
  report.bytes_before = DatabaseBytes();
  // Kept: the last scan's files and the files whose rows they share.
  BS_RETURN_IF_ERROR(Exec(
      "BEGIN IMMEDIATE;"
      "CREATE TEMP TABLE keep_files AS"
      "  SELECT id FROM scanned_files WHERE last_scan_order IS NOT NULL"
      "  UNION SELECT rows_of FROM scanned_files WHERE last_scan_order IS NOT NULL AND rows_of IS NOT NULL;"));
  auto count = [&](const char* sql) -> int64_t {
    Stmt s(db_, sql);
    return s.Step() == SQLITE_ROW ? s.ColInt(0) : 0;
  };
  report.files_removed =
      static_cast<uint64_t>(count("SELECT count(*) FROM scanned_files WHERE id NOT IN (SELECT id FROM keep_files)"));
  report.chunks_removed =
      static_cast<uint64_t>(count("SELECT count(*) FROM chunks WHERE file_id NOT IN (SELECT id FROM keep_files)"));
  Status s = Exec(
      "DELETE FROM chunks WHERE file_id NOT IN (SELECT id FROM keep_files);"
      "DELETE FROM file_errors WHERE file_id NOT IN (SELECT id FROM keep_files);"
      "DELETE FROM scanned_files WHERE id NOT IN (SELECT id FROM keep_files);"
      "DROP TABLE keep_files;"
      "COMMIT;");
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  BS_RETURN_IF_ERROR(RewriteSegments());
  // VACUUM rewrites the database without the freed pages; the checkpoint first empties
  // the WAL so its pages are not counted twice.
  BS_RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"));
  report.bytes_after = DatabaseBytes();
  return report;
}

}  // namespace breachscope::store
