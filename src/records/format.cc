#include "records/format.h"

#include <algorithm>

#include "records/x12.h"

namespace breachscope::records {

namespace {

std::string LowerExtension(std::string_view name) {
  size_t dot = name.rfind('.');
  size_t slash = name.find_last_of("/!");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string_view FirstLine(std::string_view head) {
  size_t nl = head.find('\n');
  return head.substr(0, nl == std::string_view::npos ? head.size() : nl);
}

size_t CountOutsideQuotes(std::string_view line, char c) {
  size_t n = 0;
  bool q = false;
  for (char ch : line) {
    if (ch == '"') q = !q;
    else if (ch == c && !q) ++n;
  }
  return n;
}

// Whether `body` (leading blanks skipped) opens with a one-line JSON object followed by
// more text: JSON Lines.
bool OpensWithJsonLine(std::string_view body) {
  if (!body.starts_with("{")) return false;
  std::string_view line = FirstLine(body);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return line.size() > 1 && line.back() == '}' && body.size() > line.size() + 1;
}

std::string_view SkipBlanks(std::string_view head) {
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  return head.substr(i);
}

}  // namespace

std::string_view FormatDecoderName(Format format) {
  switch (format) {
    case Format::kCsv:
    case Format::kTsv: return "csv";
    case Format::kJson:
    case Format::kJsonLines: return "json";
    case Format::kHtml: return "html";
    case Format::kXml: return "xml";
    case Format::kX12: return "x12";
    case Format::kFixed: return "fixed";
    default: return "";
  }
}

Format SniffFormat(std::string_view file_name, std::string_view head) {
  // An ISA interchange header is unmistakable, whatever the file is called (.txt, .dat, .edi).
  if (LooksLikeX12(head)) return Format::kX12;
  std::string ext = LowerExtension(file_name);
  if (ext == "csv") return Format::kCsv;
  if (ext == "tsv" || ext == "tab") return Format::kTsv;
  if (ext == "jsonl" || ext == "ndjson") return Format::kJsonLines;
  if (ext == "json") return Format::kJson;
  if (ext == "sql") return Format::kSql;
  if (ext == "html" || ext == "htm" || ext == "xhtml" || ext == "aspx" || ext == "asp" || ext == "php" ||
      ext == "jsp")
    return Format::kHtml;
  if (ext == "xml") return Format::kXml;
  // Structured logging writes one JSON object per line into *.log files: read by key.
  if (ext == "log") return OpensWithJsonLine(SkipBlanks(head)) ? Format::kJsonLines : Format::kLog;
  // Source code is text whatever its first line looks like: a C table that opens with
  // '{' or a line with two commas is neither JSON nor CSV (it was reported "corrupt").
  static constexpr std::string_view kSourceCode[] = {"c",  "h",    "cc",   "cpp", "cxx", "hpp", "hh", "py",
                                                     "js", "ts",   "java", "go",  "rs",  "rb",  "pl", "pm",
                                                     "sh", "bash", "cs",   "kt",  "swift", "m", "lua", "scala"};
  if (std::find(std::begin(kSourceCode), std::end(kSourceCode), ext) != std::end(kSourceCode)) return Format::kText;
  // By content.
  std::string_view body = SkipBlanks(head);
  if (body.starts_with("{")) return OpensWithJsonLine(body) ? Format::kJsonLines : Format::kJson;
  if (body.starts_with("[")) return Format::kJson;
  std::string lower(body.substr(0, 256));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.starts_with("<!doctype html") || lower.starts_with("<html")) return Format::kHtml;
  if (lower.starts_with("<?xml")) return Format::kXml;
  if (lower.starts_with("insert into") || lower.starts_with("create table") || lower.starts_with("-- mysql dump") ||
      lower.starts_with("-- postgresql database dump"))
    return Format::kSql;
  std::string_view line = FirstLine(body);
  if (CountOutsideQuotes(line, '\t') >= 2) return Format::kTsv;
  if (CountOutsideQuotes(line, ',') >= 2) {
    // A CSV when the second line has as many commas.
    std::string_view rest = body.substr(std::min(body.size(), line.size() + 1));
    std::string_view second = FirstLine(rest);
    if (!second.empty() && CountOutsideQuotes(second, ',') == CountOutsideQuotes(line, ',')) return Format::kCsv;
  }
  return Format::kText;
}

bool Table::HasLabel(detect::Label l) const { return std::find(labels.begin(), labels.end(), l) != labels.end(); }

uint64_t ParseCsvRow(std::string_view text, uint64_t pos, char delimiter, Row& row) {
  row.cells.clear();
  row.begin = pos;
  const uint64_t n = text.size();
  uint64_t i = pos;
  while (true) {
    if (i < n && text[i] == '"') {
      uint64_t start = ++i;
      while (i < n) {
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      row.cells.emplace_back(start, i);
      if (i < n) ++i;  // closing quote
      while (i < n && text[i] != delimiter && text[i] != '\n') ++i;  // junk after the quote
    } else {
      uint64_t start = i;
      while (i < n && text[i] != delimiter && text[i] != '\n') ++i;
      uint64_t e = i;
      if (e > start && text[e - 1] == '\r') --e;
      row.cells.emplace_back(start, e);
    }
    if (i < n && text[i] == delimiter) {
      ++i;
      continue;
    }
    if (i < n && text[i] == '\n') ++i;
    break;
  }
  row.end = i;
  return i;
}

std::optional<Table> ReadTableHeader(std::string_view head, char delimiter, const detect::LabelTable& labels) {
  Row row;
  ParseCsvRow(head, 0, delimiter, row);
  if (row.cells.size() < 2) return std::nullopt;
  Table t;
  t.delimiter = delimiter;
  size_t known = 0, numeric = 0;
  for (auto [b, e] : row.cells) {
    std::string h(head.substr(b, e - b));
    // A UTF-8 BOM glued to the first header.
    if (h.starts_with("\xEF\xBB\xBF")) h.erase(0, 3);
    detect::Label l = labels.ForHeader(h);
    if (l != detect::Label::kNone) ++known;
    bool digits = !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '-' || c == ' ' || c == '/' || c == '.';
    });
    if (digits) ++numeric;
    t.headers.push_back(std::move(h));
    t.labels.push_back(l);
  }
  if (known == 0 && numeric * 2 >= row.cells.size()) return std::nullopt;
  return t;
}

}  // namespace breachscope::records
