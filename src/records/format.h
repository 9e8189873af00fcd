// records/format.h — what kind of text a unit is, and the header of a table.
//
// SniffFormat() decides from the file name and the first bytes whether a text unit
// is prose, a log, CSV/TSV, JSON, JSON Lines, an SQL dump, HTML or ASC X12 (content
// starting with a valid ISA header, whatever the name); the unit
// processor reads structure (rows, objects, tuples) accordingly. ReadTableHeader()
// parses a CSV/TSV header row and labels its columns from the header synonyms.
//
// Thread-safety: pure functions; Table is a plain value shared read-only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_scan.h"
#include "detect/labels.h"

namespace breachscope::records {

// kFixed: fixed-width records (records/fixed_width.h); never sniffed here, chosen by
// the scan from a --layout file or by inference.
enum class Format { kText, kLog, kCsv, kTsv, kJson, kJsonLines, kSql, kHtml, kXml, kX12, kFixed };

// The contract's decoder name for the format ("csv", "json", "html", "xml", "x12", "fixed"), or
// empty for plain text, logs and SQL.
std::string_view FormatDecoderName(Format format);

Format SniffFormat(std::string_view file_name, std::string_view head);

struct Table {
  char delimiter = ',';
  std::vector<std::string> headers;
  std::vector<detect::Label> labels;
  // False for a header-less table whose columns were typed by their values
  // (records/column_typing.h): its first row is data.
  bool header_row = true;
  bool HasLabel(detect::Label l) const;
};

// Parses the first row of `head` as a header. nullopt when the row does not look
// like a header (no column is a known label and most cells are numeric).
std::optional<Table> ReadTableHeader(std::string_view head, char delimiter, const detect::LabelTable& labels);

// One parsed CSV/TSV row: cell spans relative to the text given.
struct Row {
  uint64_t begin = 0, end = 0;  // the row including its line break
  std::vector<std::pair<uint64_t, uint64_t>> cells;  // content spans (quotes excluded)
};

// Parses the row starting at `pos` (RFC 4180 quoting; a quoted field may hold line
// breaks). Returns the offset after the row.
uint64_t ParseCsvRow(std::string_view text, uint64_t pos, char delimiter, Row& row);

// The rows that begin in [from, to), in order: on_row(row) for each, exactly the rows
// ParseCsvRow gives from `from` on. The delimiters, line breaks and quotes of the
// region are found in one vector pass (`stops`: scratch, reused by the caller), and a
// row without a quote is cut at them; a row with a quote, or one that runs past `to`,
// goes through ParseCsvRow. On machine CSV (metrics, exports) that halves the parse.
template <typename OnRow>
void ParseCsvRows(std::string_view text, uint64_t from, uint64_t to, char delimiter, std::vector<uint64_t>& stops,
                  Row& row, OnRow&& on_row) {
  to = std::min<uint64_t>(to, text.size());
  if (from >= to) return;
  stops.clear();
  ListAnyOf(text.substr(from, to - from), delimiter, '\n', '"', from, stops);
  size_t k = 0;  // the first stop at or after `from`
  while (from < to) {
    size_t e = k;
    while (e < stops.size() && text[stops[e]] == delimiter) ++e;
    if (e < stops.size() && text[stops[e]] == '\n') {  // no quote before the line break
      row.cells.clear();
      row.begin = from;
      uint64_t cell = from;
      for (size_t q = k; q <= e; ++q) {
        uint64_t end = stops[q];
        if (end > cell && text[end - 1] == '\r') --end;  // as ParseCsvRow trims every unquoted cell
        row.cells.emplace_back(cell, end);
        cell = stops[q] + 1;
      }
      row.end = from = stops[e] + 1;
      k = e + 1;
      on_row(static_cast<const Row&>(row));
      continue;
    }
    uint64_t next = ParseCsvRow(text, from, delimiter, row);
    on_row(static_cast<const Row&>(row));
    if (next == from) break;
    from = next;
    while (k < stops.size() && stops[k] < from) ++k;
  }
}

}  // namespace breachscope::records
