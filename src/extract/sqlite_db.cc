// extract/sqlite_db.cc — every table of an SQLite database as a sheet.
//
// Why SQLite itself: the file format has overflow pages, WITHOUT ROWID tables,
// freelists and encodings; only SQLite reads all of them correctly. The database
// is opened read-only and never changed: a file on disk through the URI
// "file:PATH?mode=ro&immutable=1" (no locks, no journal or WAL files touched), a
// member in memory through sqlite3_deserialize() of a private copy (read-only; a
// WAL-mode header is switched to rollback mode in the copy, as an in-memory
// database cannot do WAL). A member larger than max_member_in_memory is written
// to a temporary file and opened from there instead of copied in memory.
//
// Hostile files: defensive mode and untrusted schema are on, the longest value is
// bounded, and a progress handler ends any statement that runs longer than
// Budget::member_seconds (a generated column or view cannot spin forever).
//
// Members: one per table (sqlite_master type='table', not sqlite_%), name ""
// (a table adds no path level; location.sheet = table name), decoders {"sqlite"},
// format "tsv", rows_are_lines: line 1 is the header of column names, line N+1 is
// row N. Cells are tab-separated; tabs, CR, LF and NUL inside a value become
// spaces. Integers are decimal text; a real that is integral is printed without
// exponent or fraction (an SSN stored as 123456789.0 reads 123456789); other reals
// with up to 17 significant digits; a blob that is valid UTF-8 is text, any other
// blob is an empty cell. Tables larger than max_member_in_memory go to a temp file.
//
// Errors: a file SQLite cannot read (not a database, corrupt schema) is kCorrupt
// with SQLite's message; a table that fails mid-way is handed over as far as it was
// read, then reported with sink.Error("", kCorrupt); a table SQLite cannot read at
// all (a virtual table whose module is missing) is sink.Error("", kUnsupported).
// Budgets: max_members (tables), max_expanded_bytes (text produced).
//
// Thread-safety: one connection per Extract() call (SQLite is built threadsafe).
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "extract/archive_spill.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

constexpr std::string_view kMagic("SQLite format 3\0", 16);
constexpr int kMaxValueBytes = 256 << 20;  // SQLITE_LIMIT_LENGTH for hostile files

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

std::string SqliteMessage(sqlite3* db, std::string_view what) {
  std::string m = "sqlite: ";
  m += what;
  m += ": ";
  m += db ? sqlite3_errmsg(db) : "out of memory";
  return m;
}

// "file:" URI of a path: '%', '?' and '#' (and non-ASCII) percent-encoded.
std::string FileUri(const std::filesystem::path& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (unsigned char c : path.string()) {
    if (c == '%' || c == '?' || c == '#' || c < 0x21 || c >= 0x7f) {
      uri.push_back('%');
      uri.push_back(kHex[c >> 4]);
      uri.push_back(kHex[c & 15]);
    } else {
      uri.push_back(static_cast<char>(c));
    }
  }
  return uri + "?mode=ro&immutable=1";
}

void AppendCleaned(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\t' || c == '\n' || c == '\r' || c == '\0' ? ' ' : c);
}

void AppendReal(std::string& out, double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e21) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.15g", v);
    if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  out += buf;
}

void AppendCell(std::string& out, sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
      out += std::to_string(sqlite3_column_int64(st, col));
      break;
    case SQLITE_FLOAT:
      AppendReal(out, sqlite3_column_double(st, col));
      break;
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      if (p) AppendCleaned(out, std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, col))));
      break;
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(st, col));
      std::string_view b(p ? p : "", p ? static_cast<size_t>(sqlite3_column_bytes(st, col)) : 0);
      if (IsValidUtf8(b)) AppendCleaned(out, b);
      break;
    }
    default:  // NULL
      break;
  }
}

std::string QuoteIdent(std::string_view name) {
  std::string q = "\"";
  for (char c : name) {
    q.push_back(c);
    if (c == '"') q.push_back('"');
  }
  q.push_back('"');
  return q;
}

struct Deadline {
  std::chrono::steady_clock::time_point end;
};

int ProgressHandler(void* arg) {
  auto* d = static_cast<Deadline*>(arg);
  return std::chrono::steady_clock::now() > d->end ? 1 : 0;
}

class SqliteReader final : public Extractor {
 public:
  std::string_view name() const override { return "sqlite"; }
  bool Accepts(std::string_view, std::string_view head) const override {
    return head.size() >= kMagic.size() && head.substr(0, kMagic.size()) == kMagic;
  }
  Status Extract(const Source& source, MemberSink& sink) const override;
};

Status SqliteReader::Extract(const Source& source, MemberSink& sink) const {
  const Budget& budget = sink.budget();
  if (source.bytes.size() < kMagic.size() || source.bytes.substr(0, kMagic.size()) != kMagic)
    return CorruptError("sqlite: not an SQLite 3 database");

  sqlite3* raw_db = nullptr;
  TempFile temp;
  const std::filesystem::path* path = source.disk_path;
  if (!path && source.bytes.size() > budget.max_member_in_memory) {
    BS_RETURN_IF_ERROR(temp.Create(budget.temp_dir, source.bytes));
    path = &temp.path();
  }
  if (path) {
    int rc = sqlite3_open_v2(FileUri(*path).c_str(), &raw_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    Db db_guard(raw_db);
    if (rc != SQLITE_OK) return rc == SQLITE_NOMEM ? InternalError("sqlite: out of memory")
                                                   : IoError(SqliteMessage(raw_db, "cannot open"));
    db_guard.release();
  } else {
    int rc = sqlite3_open_v2(":memory:", &raw_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr);
    Db db_guard(raw_db);
    if (rc != SQLITE_OK) return InternalError(SqliteMessage(raw_db, "cannot open an in-memory database"));
    auto size = static_cast<sqlite3_int64>(source.bytes.size());
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(size)));
    if (!copy) return InternalError("sqlite: out of memory");
    std::memcpy(copy, source.bytes.data(), source.bytes.size());
    // Bytes 18/19 are the write/read format versions; 2 means WAL, which an
    // in-memory database cannot open. 1 (rollback journal) reads the same pages.
    if (size > 19) {
      if (copy[18] == 2) copy[18] = 1;
      if (copy[19] == 2) copy[19] = 1;
    }
    rc = sqlite3_deserialize(raw_db, "main", copy, size, size,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) return CorruptError(SqliteMessage(raw_db, "cannot load"));
    db_guard.release();
  }
  Db db(raw_db);

  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  Deadline deadline;
  sqlite3_progress_handler(db.get(), 10000, ProgressHandler, &deadline);
  auto arm = [&] { deadline.end = std::chrono::steady_clock::now() + std::chrono::seconds(budget.member_seconds); };

  // The table names first, so no statement is open on the schema while tables are read.
  std::vector<std::string> tables;
  {
    arm();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db.get(),
                                "SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                                -1, &raw, nullptr);
    Stmt st(raw);
    if (rc != SQLITE_OK) return CorruptError(SqliteMessage(db.get(), "cannot read the schema"));
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
      if (t) tables.emplace_back(t, static_cast<size_t>(sqlite3_column_bytes(st.get(), 0)));
    }
    if (rc != SQLITE_DONE) {
      if (rc == SQLITE_INTERRUPT) return LimitError("sqlite: reading the schema took longer than member_seconds");
      return CorruptError(SqliteMessage(db.get(), "cannot read the schema"));
    }
  }
  if (tables.size() > budget.max_members) return LimitError("sqlite: more tables than max_members");

  uint64_t expanded = 0;
  for (const std::string& table : tables) {
    arm();
    sqlite3_stmt* raw = nullptr;
    std::string sql = "SELECT * FROM " + QuoteIdent(table);
    int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr);
    Stmt st(raw);
    if (rc != SQLITE_OK) {
      int ext = sqlite3_errcode(db.get());
      sink.Error("", ext == SQLITE_CORRUPT || ext == SQLITE_NOTADB ? StatusCode::kCorrupt : StatusCode::kUnsupported,
                 SqliteMessage(db.get(), "cannot read a table"));
      continue;
    }
    MemberBuffer buffer(budget.max_member_in_memory, budget.temp_dir);
    std::string line;
    int ncol = sqlite3_column_count(st.get());
    for (int c = 0; c < ncol; ++c) {
      if (c) line.push_back('\t');
      const char* n = sqlite3_column_name(st.get(), c);
      if (n) AppendCleaned(line, n);
    }
    line.push_back('\n');
    Status failure;
    bool limited = false;
    for (;;) {
      if (expanded + line.size() > budget.max_expanded_bytes) {
        limited = true;
        break;
      }
      expanded += line.size();
      Status s = buffer.Append(line);
      if (!s.ok()) {
        failure = s;
        break;
      }
      line.clear();
      rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        failure = rc == SQLITE_INTERRUPT ? LimitError("sqlite: a table took longer than member_seconds")
                  : rc == SQLITE_TOOBIG  ? LimitError(SqliteMessage(db.get(), "a value is too large"))
                                         : CorruptError(SqliteMessage(db.get(), "a table stopped mid-way"));
        break;
      }
      for (int c = 0; c < ncol; ++c) {
        if (c) line.push_back('\t');
        AppendCell(line, st.get(), c);
      }
      line.push_back('\n');
    }
    if (failure.code() == StatusCode::kIo) {
      sink.Error("", failure.code(), failure.message());
      continue;
    }
    Member m;
    m.decoders = {"sqlite"};
    m.location.sheet = table;
    m.format = "tsv";
    m.rows_are_lines = true;
    Status s = buffer.MoveInto(m);
    if (!s.ok()) {
      sink.Error("", s.code(), s.message());
      continue;
    }
    BS_RETURN_IF_ERROR(sink.Add(std::move(m)));
    if (limited) return LimitError("sqlite: tables expand past max_expanded_bytes");
    if (!failure.ok()) sink.Error("", failure.code(), failure.message());
  }
  return Status::Ok();
}

}  // namespace

const Extractor* SqliteExtractor() {
  static const SqliteReader reader;
  return &reader;
}

}  // namespace breachscope::extract
