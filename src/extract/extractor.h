// extract/extractor.h — containers and documents into child Items.
//
// An Extractor turns one container Item (an archive, an Office document, a PDF, a
// mailbox, a web archive, a database, an image) into child Items: members, parts,
// pages, sheets, messages, response bodies. It hands each child to a MemberSink as
// soon as it has it; the sink (scan/) scans the child, recursively, before Add()
// returns, so a container never sits in memory as a whole and findings keep the
// order of the members.
//
// Where a child sits: `Member::name` is the new `path` level ("2022/staff.xlsx",
// "17", "https://example.org/search?id=4"), or empty when the child does not add a
// level (the text of a lone .gz, the pages of a PDF, the body of a docx);
// `Member::decoders` are the contract decoder names this step adds ({"zip"},
// {"xlsx"}, {"pdf", "ocr"}); `Member::location` is the base location (page, sheet,
// message) findings inside the child carry.
//
// Errors: Extract() returns a non-OK Status for the container as a whole (kCorrupt,
// kEncrypted, kUnsupported, kLimit, kIo); members handed over before that stay
// scanned. A single member that cannot be read is reported with
// MemberSink::Error() and extraction goes on. A non-OK Status from
// MemberSink::Add() is a budget the scan ran out of: stop and return it.
//
// Thread-safety: extractors are immutable and shared by all workers; Extract()
// keeps its state on the stack.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/source_path.h"

namespace breachscope::extract {

enum class OcrMode { kAuto, kOn, kOff };

// Explicit limits for recursion; docs/containers.md lists them. Exceeding one is a
// kLimit error for that member, and the scan goes on.
struct Budget {
  int max_depth = 16;                             // container and decoder nesting
  uint64_t max_expanded_bytes = 64ull << 30;      // all members of one top-level file together
  double max_ratio = 1000;                        // expanded / compressed bytes of one archive member
  uint64_t max_members = 1'000'000;               // members of one container
  int member_seconds = 120;                       // wall time of one child process (pdftotext, ...)
  uint64_t child_memory_bytes = 2ull << 30;       // address-space limit of one child process
  uint64_t max_member_in_memory = 64ull << 20;    // larger members go to a temporary file
  std::filesystem::path temp_dir = "/tmp";        // where those files go (the scan sets it)
  OcrMode ocr = OcrMode::kAuto;
};

// The container's bytes: a mapped file or a member in memory.
struct Source {
  std::string_view bytes;
  std::string_view name;                            // last path level's file name, for extensions
  const std::filesystem::path* disk_path = nullptr; // set when `bytes` is this file on disk
};

// One child Item.
struct Member {
  std::string name;                   // new path level, raw (scan/ masks identifiers and escapes '!')
  bool name_has_levels = false;       // `name` is several levels joined by '!' ("17!attachment.pdf")
  std::vector<std::string> decoders;  // added by this step, in order
  Location location;                  // base location: page, sheet, message
  std::string data;                   // the child's bytes, or (when `file` is set) empty
  std::filesystem::path file;         // the child's bytes are in this temporary file; the sink removes it
  // How to read the child: "" sniffs it like a file (it may be a container again);
  // "text" is plain UTF-8 text; "tsv"/"csv" a table whose first row may be a header;
  // "html", "xml", "json" those formats.
  std::string format;
  bool rows_are_lines = false;        // a sheet: line N of the text is row N (location row, not line)
  bool ocr = false;                   // the text came from OCR (lower confidence floor applies)
};

class MemberSink {
 public:
  virtual ~MemberSink() = default;
  // Scans the member before returning. Non-OK: a scan budget ran out; stop.
  virtual Status Add(Member&& member) = 0;
  // A member that could not be read. `member_name` is its path level (empty: the
  // container itself); `detail` is fixed text and library messages, never content.
  virtual void Error(std::string_view member_name, StatusCode reason, std::string detail) = 0;
  // The same for a member named like Member::name with name_has_levels: several path
  // levels joined by '!' ("17!claims.csv"). Sinks that build paths split it; others
  // may treat it as one name.
  virtual void ErrorInLevels(std::string_view member_name, StatusCode reason, std::string detail) {
    Error(member_name, reason, std::move(detail));
  }
  virtual const Budget& budget() const = 0;
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  // The contract decoder name of this container kind ("zip", "xlsx", "pdf", ...);
  // an extractor for several kinds returns the family name.
  virtual std::string_view name() const = 0;
  // True when this extractor reads content with this file name and first bytes.
  virtual bool Accepts(std::string_view file_name, std::string_view head) const = 0;
  virtual Status Extract(const Source& source, MemberSink& sink) const = 0;
};

// The first extractor that accepts the content, or null when none does (text, or a
// binary nobody reads: the scan then reads its strings).
const Extractor* FindExtractor(std::string_view file_name, std::string_view head);

// Every registered extractor, in the order FindExtractor() asks them.
const std::vector<const Extractor*>& AllExtractors();

}  // namespace breachscope::extract
