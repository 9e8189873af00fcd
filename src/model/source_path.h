// model/source_path.h — where a buffer came from.
//
// Every Item (a file, a chunk of one, a decoded run inside one) carries a
// SourcePath: the container chain (contract `path`, levels joined by '!') and the
// decoder chain (contract `decoders`). Findings read their path, decoders and
// location off it; nothing is reconstructed later.
//
// Path levels are stored already made safe for output: a validated identifier
// inside a file name is masked by input/ before it gets here, and '!' is written
// "%21".
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace breachscope {

struct SourcePath {
  std::vector<std::string> levels;    // "hr", ... joined: levels[0] is relative to the scan root
  std::vector<std::string> decoders;  // in order applied: "csv", "html", "base64", "json", "utf16", ...

  // The contract's `path`: levels joined by '!'.
  std::string Joined() const;
  SourcePath WithDecoder(std::string name) const {
    SourcePath p = *this;
    p.decoders.push_back(std::move(name));
    return p;
  }
};

// Where inside the Item a finding sits. Zero / empty means "not applicable".
struct Location {
  uint64_t line = 0;        // 1-based
  std::string column;       // spreadsheet-style letter for CSV/TSV ("A", "AB")
  int64_t offset = -1;      // 0-based byte offset inside a decoded run
  uint32_t page = 0;
  std::string sheet;
  uint64_t row = 0;
  uint64_t segment = 0;
  std::string loop;
  uint64_t message = 0;
};

// "A".."Z", "AA".. for a 0-based column index.
std::string ColumnLetters(size_t index);

// Escapes a literal '!' in a path level as "%21" (and '%' as "%25" so it stays reversible).
std::string EscapePathLevel(std::string_view level);

}  // namespace breachscope
