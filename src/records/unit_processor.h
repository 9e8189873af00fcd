// records/unit_processor.h — one text unit in, located and grouped candidates out.
//
// A text unit is UTF-8 text of a known Format (a file, a chunk of a large file, a
// decoded run). Process() reads its structure (CSV/TSV rows under a labelled
// header, JSON objects, JSON Lines, SQL INSERT tuples, log lines, prose), runs the
// scanner once over it with each field's label as context, finds names and postal
// addresses only where they are anchored (labelled fields, and short windows
// around other candidates), decodes base64 runs into child units recursively
// (depth budget), and binds the candidates that describe one subject into records:
// a row, an object, a tuple, a log line, or a window of prose (split when a second,
// different name, SSN or date of birth starts another person).
//
// Candidates below `min_confidence` are dropped before grouping.
//
// Thread-safety: a UnitProcessor is immutable and shared by workers; Process()
// keeps all state in its arguments.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "model/candidate.h"
#include "records/fixed_width.h"
#include "records/format.h"
#include "records/sql_state.h"
#include "records/x12.h"

namespace breachscope::records {

struct UnitInput {
  std::string_view text;  // UTF-8
  uint64_t own_begin = 0;
  uint64_t own_end = UINT64_MAX;
  Format format = Format::kText;
  const Table* table = nullptr;        // CSV/TSV header, when the file has one
  uint64_t first_line = 1;             // line number of text[0]
  int depth = 0;                       // decode nesting of this unit
  std::vector<std::string> decoders;   // chain that produced this text
  SqlState* sql = nullptr;             // SQL dumps: declarations carried across chunks
  X12State* x12 = nullptr;             // X12: the reader's state carried across chunks (records/x12.h)
  const FixedLayout* layout = nullptr; // kFixed: the file's layout (else options.layout, else inferred)
};

struct UnitFinding {
  Candidate candidate;  // location and record (unit-local) filled in
  uint16_t chain = 0;   // index into UnitOutput::chains
};

struct UnitOutput {
  std::vector<std::vector<std::string>> chains;
  std::vector<UnitFinding> findings;
  uint32_t records = 0;
  uint64_t newlines = 0;      // line breaks inside [own_begin, own_end)
  int decoded_runs = 0;
  std::vector<Status> problems;  // non-fatal: a depth limit hit (kLimit), JSON that did not parse (kCorrupt)
};

struct ProcessorOptions {
  int max_depth = 16;
  float min_confidence = 0.5f;
  size_t max_json_document = 64u << 20;  // larger JSON files are read as lines
  std::shared_ptr<const FixedLayout> layout;  // --layout: kFixed units without their own layout
};

class UnitProcessor {
 public:
  UnitProcessor(const detect::Scanner& scanner, const detect::NameLexicon& lexicon, ProcessorOptions options);

  void Process(const UnitInput& in, UnitOutput& out) const;

  const detect::Scanner& scanner() const { return scanner_; }

 private:
  const detect::Scanner& scanner_;
  const detect::NameLexicon& lexicon_;
  ProcessorOptions options_;
};

}  // namespace breachscope::records
