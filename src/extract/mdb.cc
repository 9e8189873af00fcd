// extract/mdb.cc — Microsoft Access databases (.mdb, .accdb) through mdbtools.
//
// Why child processes: mdbtools is the only free reader of the Jet/ACE format and
// it is a C library with a long history of crashes on damaged files; run as
// programs (mdb-tables, mdb-export) under RunChild's time and memory limits, a
// crash or a spin costs this database, never the scan. mdbtools needs a path, so a
// database that is not a file on disk (an archive member) is written to a
// temporary file (mode 0600, removed afterwards).
//
// Members: one per table listed by `mdb-tables -1` (user tables only), in that
// order: name "" (a table adds no path level; location.sheet = table name),
// decoders {"mdb"}, format "tsv", rows_are_lines: line 1 holds the column names,
// line N+1 row N. mdb-export is asked for unquoted cells separated by the ASCII
// unit separator and rows ended by the record separator (so tabs and newlines in
// memo fields cannot break rows), binary columns stripped, dates as YYYY-MM-DD
// (date-times as YYYY-MM-DD HH:MM:SS); cells are then joined with tabs, with tabs,
// CR, LF and NUL inside values turned into spaces.
//
// Errors: mdbtools missing → kUnsupported; mdb-tables failing or crashing →
// kCorrupt (mdbtools cannot tell encryption from damage; an ACE file encrypted
// with a password also ends here); a table whose export fails → the rows read are
// handed over and sink.Error("", kCorrupt); time/output limits → kLimit.
// Budgets: member_seconds and child_memory_bytes per child, max_members (tables),
// max_expanded_bytes (text produced; also caps each child's output), tables past
// max_member_in_memory go to a temporary file.
//
// Thread-safety: stateless; each Extract() runs its own children.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "extract/archive_spill.h"
#include "extract/child_process.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

constexpr char kCellSep = '\x1f';
constexpr char kRowSep = '\x1e';

bool HasJetMagic(std::string_view head) {
  return head.size() >= 19 &&
         (head.substr(4, 15) == "Standard Jet DB" || head.substr(4, 15) == "Standard ACE DB");
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

// One exported row (cells separated by kCellSep) as a TSV line.
void AppendRow(std::string& out, std::string_view row) {
  for (char c : row) {
    if (c == kCellSep) out.push_back('\t');
    else out.push_back(c == '\t' || c == '\n' || c == '\r' || c == '\0' ? ' ' : c);
  }
  out.push_back('\n');
}

class MdbReader final : public Extractor {
 public:
  std::string_view name() const override { return "mdb"; }
  bool Accepts(std::string_view, std::string_view head) const override { return HasJetMagic(head); }
  Status Extract(const Source& source, MemberSink& sink) const override;
};

Status MdbReader::Extract(const Source& source, MemberSink& sink) const {
  const Budget& budget = sink.budget();
  if (!HasJetMagic(source.bytes)) return CorruptError("mdb: not a Jet/ACE database");
  if (!HaveProgram("mdb-tables") || !HaveProgram("mdb-export"))
    return UnsupportedError("mdb: mdbtools (mdb-tables, mdb-export) is not installed");

  TempFile temp;
  std::string path;
  if (source.disk_path) {
    path = source.disk_path->string();
  } else {
    BS_RETURN_IF_ERROR(temp.Create(budget.temp_dir, source.bytes, ".mdb"));
    path = temp.path().string();
  }

  ChildLimits limits;
  limits.seconds = budget.member_seconds;
  limits.memory_bytes = budget.child_memory_bytes;
  limits.max_output = 16 << 20;
  auto listed = RunChild({"mdb-tables", "-1", "--", path}, limits);
  if (!listed.ok()) {
    if (listed.status().code() == StatusCode::kLimit) return LimitError("mdb: mdb-tables hit its time or output limit");
    return listed.status();
  }
  if (listed->exit_code != 0) return CorruptError("mdb: mdb-tables cannot read the database");
  std::vector<std::string> tables = Lines(listed->out);
  if (tables.size() > budget.max_members) return LimitError("mdb: more tables than max_members");

  uint64_t expanded = 0;
  for (const std::string& table : tables) {
    if (expanded >= budget.max_expanded_bytes) return LimitError("mdb: tables expand past max_expanded_bytes");
    limits.max_output = std::min<uint64_t>(budget.max_expanded_bytes - expanded, 1ull << 34);
    auto exported = RunChild({"mdb-export", "-Q", "-d", std::string(1, kCellSep), "-R", std::string(1, kRowSep),
                              "-b", "strip", "-D", "%Y-%m-%d", "-T", "%Y-%m-%d %H:%M:%S", "--", path, table},
                             limits);
    if (!exported.ok()) {
      if (exported.status().code() == StatusCode::kLimit) {
        sink.Error("", StatusCode::kLimit, "mdb: mdb-export hit its time or output limit");
        // The output limit is the expanded-bytes budget: nothing more can be read.
        return LimitError("mdb: stopped at a table past the time or expanded-bytes budget");
      }
      return exported.status();
    }
    std::string_view out = exported->out;
    MemberBuffer buffer(budget.max_member_in_memory, budget.temp_dir);
    std::string line;
    Status io;
    while (!out.empty()) {
      size_t end = out.find(kRowSep);
      std::string_view row = out.substr(0, end);
      line.clear();
      AppendRow(line, row);
      expanded += line.size();
      io = buffer.Append(line);
      if (!io.ok() || end == std::string_view::npos) break;
      out.remove_prefix(end + 1);
    }
    std::string().swap(exported->out);
    if (!io.ok()) {
      sink.Error("", io.code(), io.message());
      continue;
    }
    if (buffer.size() > 0) {
      Member m;
      m.decoders = {"mdb"};
      m.location.sheet = table;
      m.format = "tsv";
      m.rows_are_lines = true;
      Status s = buffer.MoveInto(m);
      if (!s.ok()) {
        sink.Error("", s.code(), s.message());
        continue;
      }
      BS_RETURN_IF_ERROR(sink.Add(std::move(m)));
    }
    if (exported->exit_code != 0) sink.Error("", StatusCode::kCorrupt, "mdb: mdb-export failed on a table");
  }
  return Status::Ok();
}

}  // namespace

const Extractor* MdbExtractor() {
  static const MdbReader reader;
  return &reader;
}

}  // namespace breachscope::extract
