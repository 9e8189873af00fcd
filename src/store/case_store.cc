#include "store/case_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

namespace breachscope::store {

namespace {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() { return s_; }
  bool ok() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
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
  std::unique_ptr<CaseStore> store(new CaseStore(db));
  BS_RETURN_IF_ERROR(store->Exec(
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS files (path TEXT NOT NULL, size INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS errors (path TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL);"));
  return store;
}

CaseStore::~CaseStore() { sqlite3_close(db_); }

Status CaseStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return IoError("case database: " + msg);
  }
  return Status::Ok();
}

Result<std::optional<std::string>> CaseStore::KeyCheck() {
  Stmt s(db_, "SELECT value FROM meta WHERE key = 'key_check'");
  if (!s.ok()) return IoError(std::string("case database: ") + sqlite3_errmsg(db_));
  if (sqlite3_step(s.get()) == SQLITE_ROW)
    return std::optional<std::string>(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
  return std::optional<std::string>();
}

Status CaseStore::SetKeyCheck(const std::string& check) {
  Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('key_check', ?)");
  sqlite3_bind_text(s.get(), 1, check.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return IoError(std::string("case database: ") + sqlite3_errmsg(db_));
  return Status::Ok();
}

Status CaseStore::SaveScan(const std::vector<FileRow>& files, const std::vector<ItemError>& errors,
                           const std::string& summary_json) {
  BS_RETURN_IF_ERROR(Exec("BEGIN; DELETE FROM files; DELETE FROM errors;"));
  {
    Stmt s(db_, "INSERT INTO files (path, size) VALUES (?, ?)");
    for (const auto& f : files) {
      sqlite3_bind_text(s.get(), 1, f.path.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(f.size));
      sqlite3_step(s.get());
      sqlite3_reset(s.get());
    }
  }
  {
    Stmt s(db_, "INSERT INTO errors (path, reason, detail) VALUES (?, ?, ?)");
    for (const auto& e : errors) {
      std::string reason(ReasonName(e.reason));
      sqlite3_bind_text(s.get(), 1, e.path.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s.get(), 2, reason.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s.get(), 3, e.detail.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(s.get());
      sqlite3_reset(s.get());
    }
  }
  {
    Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('summary', ?)");
    sqlite3_bind_text(s.get(), 1, summary_json.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(s.get());
  }
  return Exec("COMMIT;");
}

}  // namespace breachscope::store
