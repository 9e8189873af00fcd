// extract/office.cc — Office Open XML (docx xlsx pptx, and the macro-enabled
// docm xlsm pptm) and OpenDocument (odt ods odp) packages into text members.
//
// Why this shape: an Office file is a zip of XML parts. The zip is read with
// libarchive straight from memory (seekable, so the central directory is used;
// a truncated file falls back to the streaming reader and still yields the parts
// before the damage), and every XML part is streamed through expat (SAX): no DOM,
// so a 200 MB sheet never sits in memory as a tree, and the text we build spills to
// a temporary file past Budget::max_member_in_memory.
//
// Reading happens in two passes over the zip. The first lists the parts and reads
// the small ones that say how to read the rest (relationships, workbook.xml,
// presentation.xml, the ODF mimetype) plus the shared strings and cell styles of a
// workbook. The second visits the content parts in document order (sheets in
// workbook order, slides in presentation order), reopening the in-memory zip only
// when that order goes backwards in the file.
//
// What each kind gives (Member::name is empty: no new path level):
//   docx: one "text" member per part with text — body, headers, footers,
//         footnotes, endnotes, comments — paragraphs as lines, table rows as
//         tab-separated lines, inserted and deleted (w:delText) revisions alike.
//   xlsx: one "tsv" member per worksheet (location.sheet), line N = row N,
//         TSV column index = spreadsheet column; numbers without exponent or
//         ".0", date-formatted serials as YYYY-MM-DD (1900 or 1904 system).
//   pptx: one "text" member per slide with its notes (location.page, in
//         presentation order).
//   odt:  body (content.xml, with notes, comments and tracked deletions) and the
//         page headers/footers (styles.xml). ods: one "tsv" member per sheet like
//         xlsx. odp: one member per page with its notes.
// Embedded objects and media (word/embeddings/*, xl/media/*, ODF Pictures/*) are
// handed over as members named by their part path, format "" so the scan sniffs
// them. A zip that turns out to hold no Office main part (it only looked like one)
// is handed over entry by entry like a plain zip.
//
// Errors: a malformed XML part -> sink.Error(part, kCorrupt, expat's message), the
// other parts go on; a damaged zip -> what was read is handed over, then
// kCorrupt; budgets (members, expanded bytes, shared strings, row gaps) -> kLimit.
//
// Thread-safety: the extractor is immutable; all state lives in Extract().
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "extract/extractor.h"
#include "extract/office_util.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

using office::TextSpool;

constexpr char kNsSep = '\x01';             // expat namespace separator: no XML text holds it
constexpr size_t kChunk = 64 * 1024;
constexpr uint64_t kMetaPartMax = 16 << 20;  // rels, workbook.xml, presentation.xml read whole
constexpr uint64_t kSharedStringsBudget = 256ull << 20;
constexpr uint64_t kMaxRowGap = 100000;
constexpr int kMaxColumns = 16384;           // XFD
constexpr int kMaxRepeat = 1024;             // repeated ODF cells holding a value, repeated rows

enum class Kind { kNone, kDocx, kXlsx, kPptx, kOdt, kOds, kOdp };

const char* DecoderName(Kind k) {
  switch (k) {
    case Kind::kDocx: return "docx";
    case Kind::kXlsx: return "xlsx";
    case Kind::kPptx: return "pptx";
    case Kind::kOdt: return "odt";
    case Kind::kOds: return "ods";
    case Kind::kOdp: return "odp";
    default: return "zip";
  }
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// "xl/worksheets/sheet12.xml" sorts after "sheet2.xml": names compared with their
// digit runs as numbers.
bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] == '0') ++i2;
      while (j2 < b.size() && b[j2] == '0') ++j2;
      size_t ie = i2, je = j2;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      if (ie - i2 != je - j2) return ie - i2 < je - j2;
      int c = a.substr(i2, ie - i2).compare(b.substr(j2, je - j2));
      if (c != 0) return c < 0;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// ---------------------------------------------------------------------------
// XML: expat with namespaces; handlers see (namespace URI, local name).

struct XmlName {
  std::string_view ns;
  std::string_view local;
};

XmlName SplitName(const XML_Char* name) {
  std::string_view n(name);
  size_t sep = n.rfind(kNsSep);
  if (sep == std::string_view::npos) return {{}, n};
  return {n.substr(0, sep), n.substr(sep + 1)};
}

const char* Attr(const XML_Char** atts, std::string_view local) {
  for (size_t i = 0; atts[i]; i += 2)
    if (SplitName(atts[i]).local == local) return atts[i + 1];
  return nullptr;
}

// The r:id attribute (relationship namespace), not a plain id="256".
const char* AttrRelId(const XML_Char** atts) {
  for (size_t i = 0; atts[i]; i += 2) {
    XmlName n = SplitName(atts[i]);
    if (n.local == "id" && n.ns.find("relationships") != std::string_view::npos) return atts[i + 1];
  }
  return nullptr;
}

long AttrInt(const XML_Char** atts, std::string_view local, long dflt) {
  const char* v = Attr(atts, local);
  if (!v || !*v) return dflt;
  char* end = nullptr;
  long r = std::strtol(v, &end, 10);
  return end && *end == '\0' ? r : dflt;
}

constexpr std::string_view kNsDc = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kNsMeta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0";

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(XmlName name, const XML_Char** atts) = 0;
  virtual void End(XmlName name) = 0;
  virtual void Chars(std::string_view text) = 0;

  // Ends the parse with `s` (a sink or budget error), reported by ParseXml().
  void Stop(Status s) {
    if (stop_.ok()) stop_ = std::move(s);
    if (parser_) XML_StopParser(parser_, XML_FALSE);
  }
  const Status& stopped() const { return stop_; }
  XML_Parser parser_ = nullptr;

 private:
  Status stop_;
};

void XMLCALL OnStart(void* ud, const XML_Char* name, const XML_Char** atts) {
  static_cast<XmlHandler*>(ud)->Start(SplitName(name), atts);
}
void XMLCALL OnEnd(void* ud, const XML_Char* name) { static_cast<XmlHandler*>(ud)->End(SplitName(name)); }
void XMLCALL OnChars(void* ud, const XML_Char* s, int len) {
  static_cast<XmlHandler*>(ud)->Chars(std::string_view(s, static_cast<size_t>(len)));
}

// One parse: Feed() the bytes, then Finish(). A DTD declaring entities is refused
// (no Office part has one; it is how entity-expansion bombs start).
class XmlParse {
 public:
  explicit XmlParse(XmlHandler& h) : h_(h) {
    p_ = XML_ParserCreateNS(nullptr, kNsSep);
    XML_SetUserData(p_, &h_);
    XML_SetElementHandler(p_, OnStart, OnEnd);
    XML_SetCharacterDataHandler(p_, OnChars);
    XML_SetEntityDeclHandler(p_, OnEntityDecl);
    h_.parser_ = p_;
  }
  ~XmlParse() {
    h_.parser_ = nullptr;
    XML_ParserFree(p_);
  }
  // kCorrupt with expat's message, or the handler's stop status.
  Status Feed(std::string_view data, bool final) {
    if (failed_) return Status::Ok();
    while (!data.empty() || final) {
      size_t n = std::min<size_t>(data.size(), 1 << 30);
      if (XML_Parse(p_, data.data(), static_cast<int>(n), final && n == data.size()) == XML_STATUS_ERROR) {
        failed_ = true;
        if (!h_.stopped().ok()) return h_.stopped();
        return CorruptError(std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(p_)));
      }
      data.remove_prefix(n);
      if (data.empty()) break;
    }
    return Status::Ok();
  }

 private:
  static void XMLCALL OnEntityDecl(void* ud, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                                   const XML_Char*, const XML_Char*, const XML_Char*) {
    auto* h = static_cast<XmlHandler*>(ud);
    h->Stop(CorruptError("XML part declares entities"));
  }
  XmlHandler& h_;
  XML_Parser p_;
  bool failed_ = false;
};

// ---------------------------------------------------------------------------
// Text with paragraphs, asides and tables (docx, pptx, odt, odp).
//
// A paragraph ends a line. A paragraph inside a paragraph (a footnote body, a
// comment, a text box) is an aside: its lines follow the line of the paragraph
// that holds it. A table row is a line of tab-separated cells; paragraphs in a
// cell are joined with spaces, a nested table's rows too.
class TextBuilder {
 public:
  explicit TextBuilder(TextSpool& out) : out_(out) {}

  void BeginPara() { frames_.push_back({false, {}}); }
  void EndPara() {
    if (frames_.empty() || frames_.back().cell) return;
    std::string text = std::move(frames_.back().text);
    frames_.pop_back();
    EmitLine(std::move(text));
  }
  bool in_para() const { return !frames_.empty() && !frames_.back().cell; }
  void Text(std::string_view s) {
    if (frames_.empty()) {
      root_.append(s);
    } else {
      frames_.back().text.append(s);
    }
  }
  void Tab() { Text(cell_depth_ > 0 ? " " : "\t"); }
  void Break() { Text(cell_depth_ > 0 ? " " : "\n"); }

  void BeginTable() { tables_.emplace_back(); }
  void EndTable() {
    if (!tables_.empty()) tables_.pop_back();
  }
  void BeginRow(int repeat = 1) {
    if (tables_.empty()) return;
    tables_.back().cells.clear();
    tables_.back().row_repeat = std::clamp(repeat, 1, 100);
  }
  void BeginCell(int repeat = 1) {
    frames_.push_back({true, {}});
    frames_.back().repeat = std::clamp(repeat, 1, kMaxRepeat);
    ++cell_depth_;
  }
  void EndCell() {
    if (frames_.empty() || !frames_.back().cell) return;
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    --cell_depth_;
    if (tables_.empty()) {
      EmitLine(std::move(f.text));
      return;
    }
    office::FlattenWhitespace(f.text);
    auto& cells = tables_.back().cells;
    for (int i = 0; i < f.repeat && cells.size() < static_cast<size_t>(kMaxColumns); ++i) cells.push_back(f.text);
  }
  void EndRow() {
    if (tables_.empty()) return;
    auto& t = tables_.back();
    while (!t.cells.empty() && IsBlank(t.cells.back())) t.cells.pop_back();
    if (t.cells.empty()) return;
    std::string row;
    for (size_t i = 0; i < t.cells.size(); ++i) {
      if (i) row.push_back('\t');
      row.append(t.cells[i]);
    }
    t.cells.clear();
    for (int i = 0; i < t.row_repeat; ++i) EmitLine(row);
  }

  // Flushes loose text and pending asides.
  void Finish() {
    FlushRoot();
    out_.Append(deferred_);
    deferred_.clear();
  }

 private:
  struct Frame {
    bool cell;
    std::string text;
    int repeat = 1;
  };
  struct Table {
    std::vector<std::string> cells;
    int row_repeat = 1;
  };
  static bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

  void FlushRoot() {
    if (!IsBlank(root_)) {
      out_.Append(root_);
      out_.Append('\n');
    }
    root_.clear();
  }
  void EmitLine(std::string text) {
    if (frames_.empty()) {
      FlushRoot();
      out_.Append(text);
      out_.Append('\n');
      out_.Append(deferred_);
      deferred_.clear();
    } else if (frames_.back().cell) {
      office::FlattenWhitespace(text);
      auto& cell = frames_.back().text;
      if (!cell.empty() && !text.empty()) cell.push_back(' ');
      cell.append(text);
    } else {
      deferred_.append(text);
      deferred_.push_back('\n');
    }
  }

  TextSpool& out_;
  std::vector<Frame> frames_;
  std::vector<Table> tables_;
  int cell_depth_ = 0;
  std::string root_;
  std::string deferred_;
};

// WordprocessingML and DrawingML text (docx parts, pptx slides and notes).
class OoxmlTextHandler : public XmlHandler {
 public:
  explicit OoxmlTextHandler(TextSpool& out) : tb_(out) {}
  void Start(XmlName n, const XML_Char**) override {
    if (skip_) {
      ++skip_;
      return;
    }
    std::string_view l = n.local;
    if (l == "Fallback") {  // mc:Fallback repeats mc:Choice (text boxes): read once
      skip_ = 1;
    } else if (l == "p") {
      tb_.BeginPara();
    } else if (l == "t" || l == "delText") {
      ++in_text_;
    } else if (l == "r") {
      ++in_run_;
    } else if (in_run_ && l == "tab") {
      tb_.Tab();
    } else if (in_run_ && (l == "br" || l == "cr")) {
      tb_.Break();
    } else if (l == "br") {  // a:br sits between runs
      tb_.Break();
    } else if (in_run_ && l == "noBreakHyphen") {
      tb_.Text("-");
    } else if (l == "tbl") {
      tb_.BeginTable();
    } else if (l == "tr") {
      tb_.BeginRow();
    } else if (l == "tc") {
      tb_.BeginCell();
    }
  }
  void End(XmlName n) override {
    if (skip_) {
      --skip_;
      return;
    }
    std::string_view l = n.local;
    if (l == "p") {
      tb_.EndPara();
    } else if (l == "t" || l == "delText") {
      --in_text_;
    } else if (l == "r") {
      --in_run_;
    } else if (l == "tbl") {
      tb_.EndTable();
    } else if (l == "tr") {
      tb_.EndRow();
    } else if (l == "tc") {
      tb_.EndCell();
    }
  }
  void Chars(std::string_view s) override {
    if (!skip_ && in_text_ > 0) tb_.Text(s);
  }
  void Finish() { tb_.Finish(); }

 private:
  TextBuilder tb_;
  int skip_ = 0;
  int in_text_ = 0;
  int in_run_ = 0;
};

// ODF text (odt content.xml / styles.xml, odp pages). `on_page` is called at the
// start and end of each draw:page (odp).
class OdfTextHandler : public XmlHandler {
 public:
  explicit OdfTextHandler(TextSpool& out, bool headers_only = false) : tb_(out), headers_only_(headers_only) {}
  void Start(XmlName n, const XML_Char** atts) override {
    if (skip_) {
      ++skip_;
      return;
    }
    std::string_view l = n.local;
    if (headers_only_) {
      if (l == "header" || l == "footer" || l == "header-left" || l == "footer-left" || l == "header-first" ||
          l == "footer-first")
        ++in_header_;
      if (!in_header_) return;
    }
    if (n.ns == kNsDc || n.ns == kNsMeta || l == "note-citation") {
      skip_ = 1;
    } else if (l == "p" || l == "h") {
      tb_.BeginPara();
    } else if (l == "s") {
      long c = std::clamp(AttrInt(atts, "c", 1), 1L, 64L);
      if (tb_.in_para()) tb_.Text(std::string(static_cast<size_t>(c), ' '));
    } else if (l == "tab") {
      if (tb_.in_para()) tb_.Tab();
    } else if (l == "line-break") {
      if (tb_.in_para()) tb_.Break();
    } else if (l == "table") {
      tb_.BeginTable();
    } else if (l == "table-row") {
      tb_.BeginRow(static_cast<int>(AttrInt(atts, "number-rows-repeated", 1)));
    } else if (l == "table-cell" || l == "covered-table-cell") {
      tb_.BeginCell(static_cast<int>(AttrInt(atts, "number-columns-repeated", 1)));
    }
  }
  void End(XmlName n) override {
    if (skip_) {
      --skip_;
      return;
    }
    std::string_view l = n.local;
    if (headers_only_) {
      if (!in_header_) return;
      if (l == "header" || l == "footer" || l == "header-left" || l == "footer-left" || l == "header-first" ||
          l == "footer-first")
        --in_header_;
    }
    if (l == "p" || l == "h") {
      tb_.EndPara();
    } else if (l == "table") {
      tb_.EndTable();
    } else if (l == "table-row") {
      tb_.EndRow();
    } else if (l == "table-cell" || l == "covered-table-cell") {
      tb_.EndCell();
    }
  }
  void Chars(std::string_view s) override {
    if (skip_ || (headers_only_ && !in_header_)) return;
    if (tb_.in_para()) tb_.Text(s);
  }
  void Finish() { tb_.Finish(); }

 private:
  TextBuilder tb_;
  bool headers_only_;
  int in_header_ = 0;
  int skip_ = 0;
};

// ---------------------------------------------------------------------------
// Sheets: rows placed at their row number, cells at their column.
class SheetWriter {
 public:
  explicit SheetWriter(TextSpool& out) : out_(out) {}

  // Starts row `row` (1-based; 0 = the one after the last). False: the gap from the
  // last row is over kMaxRowGap (the caller reports it and stops the sheet).
  bool BeginRow(uint64_t row) {
    if (row == 0 || row <= last_row_) row = last_row_ + 1;
    if (row - last_row_ - 1 > kMaxRowGap) return false;
    pending_gap_ = row - last_row_ - 1;
    last_row_ = row;
    line_.clear();
    next_col_ = 0;
    return true;
  }
  // Places a cell value at 0-based column `col` (-1: the next one).
  void Cell(int col, std::string value) {
    office::FlattenWhitespace(value);
    if (value.empty()) return;
    if (col < 0 || col < next_col_ || col >= kMaxColumns) col = next_col_;
    int tabs = col - next_col_ + (next_col_ > 0 ? 1 : 0);
    line_.append(static_cast<size_t>(tabs), '\t');
    line_.append(value);
    next_col_ = col + 1;
  }
  int next_col() const { return next_col_; }
  // Ends the row; `repeat` copies (ODF number-rows-repeated) of a non-empty row.
  void EndRow(uint64_t repeat = 1) {
    for (uint64_t i = 0; i < pending_gap_; ++i) out_.Append('\n');
    pending_gap_ = 0;
    for (uint64_t i = 0; i < repeat; ++i) {
      out_.Append(line_);
      out_.Append('\n');
    }
    last_row_ += repeat - 1;
    line_.clear();
  }
  uint64_t last_row() const { return last_row_; }

 private:
  TextSpool& out_;
  std::string line_;
  uint64_t last_row_ = 0;
  uint64_t pending_gap_ = 0;
  int next_col_ = 0;
};

// "AB12" -> column 27 (0-based) and row 12.
bool ParseCellRef(std::string_view ref, int* col, uint64_t* row) {
  size_t i = 0;
  int c = 0;
  while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i])) && i < 4) {
    c = c * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    ++i;
  }
  if (i == 0 || c > kMaxColumns) return false;
  uint64_t r = 0;
  size_t digits = 0;
  while (i < ref.size() && std::isdigit(static_cast<unsigned char>(ref[i])) && digits < 12) {
    r = r * 10 + static_cast<uint64_t>(ref[i] - '0');
    ++i;
    ++digits;
  }
  if (i != ref.size()) return false;
  *col = c - 1;
  *row = r;
  return true;
}

struct Workbook {
  bool date1904 = false;
  std::vector<std::string> shared;           // sharedStrings.xml
  std::vector<bool> xf_is_date;              // cellXfs index -> date format
  bool shared_over_budget = false;
};

class SharedStringsHandler : public XmlHandler {
 public:
  explicit SharedStringsHandler(Workbook& wb) : wb_(wb) {}
  void Start(XmlName n, const XML_Char**) override {
    if (n.local == "si") {
      in_si_ = true;
      cur_.clear();
    } else if (n.local == "rPh") {
      ++in_rph_;
    } else if (n.local == "t" && in_si_) {
      ++in_t_;
    }
  }
  void End(XmlName n) override {
    if (n.local == "si") {
      in_si_ = false;
      bytes_ += cur_.size() + sizeof(std::string);
      if (bytes_ > kSharedStringsBudget) {
        wb_.shared_over_budget = true;
        Stop(LimitError("shared strings over 256 MB"));
        return;
      }
      wb_.shared.push_back(std::move(cur_));
      cur_.clear();
    } else if (n.local == "rPh") {
      --in_rph_;
    } else if (n.local == "t" && in_t_) {
      --in_t_;
    }
  }
  void Chars(std::string_view s) override {
    if (in_t_ && !in_rph_) cur_.append(s);
  }

 private:
  Workbook& wb_;
  std::string cur_;
  bool in_si_ = false;
  int in_t_ = 0, in_rph_ = 0;
  uint64_t bytes_ = 0;
};

class StylesHandler : public XmlHandler {
 public:
  explicit StylesHandler(Workbook& wb) : wb_(wb) {}
  void Start(XmlName n, const XML_Char** atts) override {
    if (n.local == "numFmt") {
      const char* code = Attr(atts, "formatCode");
      long id = AttrInt(atts, "numFmtId", -1);
      if (code && id >= 0) custom_[id] = office::IsDateFormatCode(code);
    } else if (n.local == "cellXfs") {
      in_xfs_ = true;
    } else if (n.local == "xf" && in_xfs_) {
      ids_.push_back(AttrInt(atts, "numFmtId", 0));
    }
  }
  void End(XmlName n) override {
    if (n.local == "cellXfs") in_xfs_ = false;
  }
  void Chars(std::string_view) override {}
  void Finish() {
    wb_.xf_is_date.clear();
    for (long id : ids_) {
      auto it = custom_.find(id);
      wb_.xf_is_date.push_back(it != custom_.end() ? it->second : office::IsBuiltinDateFormat(static_cast<int>(id)));
    }
  }

 private:
  Workbook& wb_;
  std::map<long, bool> custom_;
  std::vector<long> ids_;
  bool in_xfs_ = false;
};

class WorksheetHandler : public XmlHandler {
 public:
  WorksheetHandler(const Workbook& wb, TextSpool& out) : wb_(wb), w_(out) {}
  bool gap_exceeded = false;

  void Start(XmlName n, const XML_Char** atts) override {
    if (gap_exceeded) return;
    std::string_view l = n.local;
    if (l == "row") {
      long r = AttrInt(atts, "r", 0);
      if (!w_.BeginRow(r > 0 ? static_cast<uint64_t>(r) : 0)) {
        gap_exceeded = true;
        XML_StopParser(parser_, XML_FALSE);
        return;
      }
      in_row_ = true;
    } else if (l == "c") {
      if (!in_row_) {
        w_.BeginRow(0);
        in_row_ = implicit_row_ = true;
      }
      const char* ref = Attr(atts, "r");
      uint64_t row;
      col_ = -1;
      if (ref && !ParseCellRef(ref, &col_, &row)) col_ = -1;
      const char* t = Attr(atts, "t");
      type_ = t ? t : "n";
      long s = AttrInt(atts, "s", 0);
      is_date_ = s >= 0 && static_cast<size_t>(s) < wb_.xf_is_date.size() && wb_.xf_is_date[static_cast<size_t>(s)];
      v_.clear();
      is_.clear();
      in_c_ = true;
    } else if (in_c_ && l == "v") {
      in_v_ = true;
    } else if (in_c_ && l == "rPh") {
      ++in_rph_;
    } else if (in_c_ && l == "t") {
      in_t_ = true;
    }
  }
  void End(XmlName n) override {
    if (gap_exceeded) return;
    std::string_view l = n.local;
    if (l == "v") {
      in_v_ = false;
    } else if (l == "t") {
      in_t_ = false;
    } else if (l == "rPh") {
      --in_rph_;
    } else if (l == "c" && in_c_) {
      in_c_ = false;
      w_.Cell(col_, Render());
    } else if (l == "row" && in_row_) {
      in_row_ = false;
      w_.EndRow();
    } else if (l == "sheetData" && implicit_row_ && in_row_) {
      in_row_ = false;
      w_.EndRow();
    }
  }
  void Chars(std::string_view s) override {
    if (in_v_) {
      if (v_.size() < (1u << 20)) v_.append(s);
    } else if (in_t_ && !in_rph_) {
      if (is_.size() < (16u << 20)) is_.append(s);
    }
  }

 private:
  std::string Render() {
    if (type_ == "s") {
      char* end = nullptr;
      unsigned long i = std::strtoul(v_.c_str(), &end, 10);
      if (end == v_.c_str() || i >= wb_.shared.size()) return {};
      return wb_.shared[i];
    }
    if (type_ == "inlineStr") return is_;
    if (type_ == "str" || type_ == "e") return v_;
    if (type_ == "b") return v_ == "1" ? "TRUE" : v_ == "0" ? "FALSE" : v_;
    if (type_ == "d") return v_.size() >= 10 && v_[4] == '-' ? v_.substr(0, 10) : v_;
    if (v_.empty()) return is_;
    if (is_date_)
      if (auto d = office::SerialToDate(v_, wb_.date1904)) return *d;
    return office::RenderNumber(v_);
  }

  const Workbook& wb_;
  SheetWriter w_;
  std::string type_, v_, is_;
  int col_ = -1;
  bool is_date_ = false;
  bool in_row_ = false, implicit_row_ = false, in_c_ = false, in_v_ = false, in_t_ = false;
  int in_rph_ = 0;
};

// ---------------------------------------------------------------------------
// Small metadata parts read whole.

struct Relationship {
  std::string id, type, target;  // target resolved to a part name
};

std::string ResolvePart(std::string_view base_dir, std::string_view target) {
  std::string joined;
  if (!target.empty() && target[0] == '/') {
    joined = std::string(target.substr(1));
  } else {
    joined = std::string(base_dir) + std::string(target);
  }
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= joined.size()) {
    size_t slash = joined.find('/', pos);
    if (slash == std::string::npos) slash = joined.size();
    std::string seg = joined.substr(pos, slash - pos);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back('/');
    out.append(parts[i]);
  }
  return out;
}

// Generic collector of start tags with attributes (rels, workbook.xml, presentation.xml).
class TagCollector : public XmlHandler {
 public:
  explicit TagCollector(std::function<void(std::string_view, const XML_Char**)> fn) : fn_(std::move(fn)) {}
  void Start(XmlName n, const XML_Char** atts) override { fn_(n.local, atts); }
  void End(XmlName) override {}
  void Chars(std::string_view) override {}

 private:
  std::function<void(std::string_view, const XML_Char**)> fn_;
};

Status ParseWhole(std::string_view xml, XmlHandler& h) {
  XmlParse p(h);
  return p.Feed(xml, true);
}

// ---------------------------------------------------------------------------
// The zip, read from memory.

class Zip {
 public:
  explicit Zip(std::string_view bytes) : bytes_(bytes) {}
  ~Zip() { Close(); }

  Status Open() {
    Close();
    a_ = archive_read_new();
    if (!a_) return InternalError("libarchive: out of memory");
    archive_read_support_format_zip(a_);
    if (archive_read_open_memory(a_, bytes_.data(), bytes_.size()) != ARCHIVE_OK) {
      Status s = CorruptError(std::string("zip: ") + ErrorString());
      Close();
      return s;
    }
    pos_ = -1;
    return Status::Ok();
  }
  // The next entry; false at the end. A damaged entry header is an error.
  Result<bool> Next(std::string* name, int64_t* size, bool* is_file) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a_, &e);
    if (r == ARCHIVE_EOF) return false;
    if (r < ARCHIVE_WARN) return CorruptError(std::string("zip: ") + ErrorString());
    ++pos_;
    const char* n = archive_entry_pathname_utf8(e);
    if (!n) n = archive_entry_pathname(e);
    *name = n ? n : "";
    *size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    *is_file = archive_entry_filetype(e) == AE_IFREG;
    return true;
  }
  // Reads data of the current entry; 0 at its end; <0 on error.
  la_ssize_t Read(char* buf, size_t n) { return archive_read_data(a_, buf, n); }
  std::string ErrorString() {
    const char* s = a_ ? archive_error_string(a_) : nullptr;
    return s ? s : "unreadable";
  }
  int pos() const { return a_ ? pos_ : -1; }
  bool open() const { return a_ != nullptr; }

 private:
  void Close() {
    if (a_) archive_read_free(a_);
    a_ = nullptr;
    pos_ = -1;
  }
  std::string_view bytes_;
  archive* a_ = nullptr;
  int pos_ = -1;
};

// ---------------------------------------------------------------------------
// One extraction.

class Run {
 public:
  Run(const Source& src, MemberSink& sink)
      : src_(src), sink_(sink), budget_(sink.budget()), zip_(src.bytes) {
    // Expanded bytes of the whole package: the scan's budget, and the ratio budget
    // applied to the package (libarchive does not tell a member's compressed size).
    double by_ratio = static_cast<double>(std::max<uint64_t>(src.bytes.size(), 1 << 20)) * budget_.max_ratio;
    expand_limit_ = budget_.max_expanded_bytes;
    if (by_ratio > 0 && by_ratio < static_cast<double>(expand_limit_)) expand_limit_ = static_cast<uint64_t>(by_ratio);
  }

  Status Go() {
    BS_RETURN_IF_ERROR(zip_.Open());
    BS_RETURN_IF_ERROR(FirstPass());
    first_pass_done_ = true;
    kind_ = DetectKind();
    Status s;
    switch (kind_) {
      case Kind::kDocx: s = Docx(); break;
      case Kind::kXlsx: s = Xlsx(); break;
      case Kind::kPptx: s = Pptx(); break;
      case Kind::kOdt: s = Odt(); break;
      case Kind::kOds: s = Ods(); break;
      case Kind::kOdp: s = Odp(); break;
      case Kind::kNone: s = PlainZip(); break;
    }
    if (!s.ok()) return s;
    if (kind_ != Kind::kNone) BS_RETURN_IF_ERROR(Embedded());
    if (damaged_) return CorruptError(damage_);
    return Status::Ok();
  }

 private:
  // ---- pass 1
  Status FirstPass() {
    std::string name;
    int64_t size;
    bool is_file;
    for (;;) {
      auto r = zip_.Next(&name, &size, &is_file);
      if (!r.ok()) {
        MarkDamaged(r.status().message());
        break;
      }
      if (!*r) break;
      // Part names are all pass 1 keeps; members are counted when handed over.
      if (names_.size() >= std::max<uint64_t>(budget_.max_members, 100000))
        return LimitError("package holds too many parts");
      index_.emplace(name, static_cast<int>(names_.size()));
      lower_index_.emplace(Lower(name), static_cast<int>(names_.size()));
      names_.push_back(name);
      files_.push_back(is_file);
      if (!is_file) continue;
      std::string lname = Lower(name);
      if (EndsWith(lname, ".rels") || lname == "xl/workbook.xml" || lname == "ppt/presentation.xml" ||
          lname == "mimetype") {
        std::string data;
        Status s = ReadWhole(name, &data, kMetaPartMax);
        if (!s.ok()) {
          sink_.Error(name, s.code(), s.message());
          if (s.code() == StatusCode::kLimit && expanded_ > expand_limit_) return s;
          continue;
        }
        meta_[name] = std::move(data);
      } else if (StartsWith(lname, "xl/") && EndsWith(lname, "sharedstrings.xml")) {
        SharedStringsHandler h(wb_);
        Status s = StreamXml(name, h);
        if (!s.ok()) {
          sink_.Error(name, s.code(), s.message());
          if (s.code() == StatusCode::kLimit && expanded_ > expand_limit_) return s;
        }
      } else if (lname == "xl/styles.xml") {
        StylesHandler h(wb_);
        Status s = StreamXml(name, h);
        if (!s.ok()) sink_.Error(name, s.code(), s.message());
        h.Finish();
      }
    }
    return Status::Ok();
  }

  void MarkDamaged(std::string msg) {
    if (!damaged_) damage_ = std::move(msg);
    damaged_ = true;
  }

  int Find(std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it != index_.end()) return it->second;
    auto lt = lower_index_.find(Lower(name));
    return lt != lower_index_.end() ? lt->second : -1;
  }
  bool Has(std::string_view name) const { return Find(name) >= 0; }

  Kind DetectKind() {
    auto mt = meta_.find("mimetype");
    std::string ext = office::LowerExtension(src_.name);
    if (mt != meta_.end()) {
      std::string_view m = mt->second;
      if (StartsWith(m, "application/vnd.oasis.opendocument.text")) return Kind::kOdt;
      if (StartsWith(m, "application/vnd.oasis.opendocument.spreadsheet")) return Kind::kOds;
      if (StartsWith(m, "application/vnd.oasis.opendocument.presentation")) return Kind::kOdp;
    }
    if (Has("content.xml") && Has("META-INF/manifest.xml")) {
      if (ext == "ods") return Kind::kOds;
      if (ext == "odp") return Kind::kOdp;
      return Kind::kOdt;
    }
    if (Has("word/document.xml")) return Kind::kDocx;
    if (Has("xl/workbook.xml")) return Kind::kXlsx;
    if (Has("ppt/presentation.xml")) return Kind::kPptx;
    return Kind::kNone;
  }

  // ---- reading parts
  // Positions the zip on entry `idx`, reopening it when `idx` lies behind.
  Status SeekTo(int idx) {
    if (!zip_.open() || zip_.pos() >= idx) BS_RETURN_IF_ERROR(zip_.Open());
    std::string name;
    int64_t size;
    bool is_file;
    while (zip_.pos() < idx) {
      // Parts wanted in an order far from the zip's cost a re-read each: bounded.
      if (++seek_steps_ > 64 * names_.size() + 100000) return LimitError("zip: parts too far out of order");
      auto r = zip_.Next(&name, &size, &is_file);
      if (!r.ok()) return r.status();
      if (!*r) return CorruptError("zip: part vanished on second reading");
    }
    return Status::Ok();
  }

  // Streams the data of part `name` to `fn`. Errors: kCorrupt (zip damage), kLimit.
  Status ReadPart(std::string_view name, const std::function<Status(std::string_view)>& fn) {
    int idx = first_pass_done_ ? Find(name) : zip_.pos();  // pass 1 reads the entry it stands on
    if (idx < 0) return CorruptError("part missing");
    if (first_pass_done_) {
      Status s = SeekTo(idx);
      if (!s.ok()) {
        MarkDamaged(s.message());
        return s;
      }
    }
    std::unique_ptr<char[]> buf(new char[kChunk]);
    for (;;) {
      la_ssize_t n = zip_.Read(buf.get(), kChunk);
      if (n == 0) break;
      if (n < 0) {
        // This part is reported by the caller; the zip as a whole is damaged only
        // when a header cannot be read (MarkDamaged in FirstPass and SeekTo). In
        // pass 2 the reader starts again on the next read; pass 1 goes on to the
        // next header, which the seekable reader finds by the central directory.
        Status s = CorruptError("zip: " + zip_.ErrorString());
        if (first_pass_done_) (void)zip_.Open();
        return s;
      }
      expanded_ += static_cast<uint64_t>(n);
      if (expanded_ > expand_limit_) return LimitError("expanded size of the package over the budget");
      BS_RETURN_IF_ERROR(fn(std::string_view(buf.get(), static_cast<size_t>(n))));
    }
    return Status::Ok();
  }

  Status ReadWhole(std::string_view name, std::string* out, uint64_t max) {
    return ReadPart(name, [&](std::string_view d) -> Status {
      if (out->size() + d.size() > max) return LimitError("metadata part too large");
      out->append(d);
      return Status::Ok();
    });
  }

  Status StreamXml(std::string_view name, XmlHandler& h) {
    XmlParse p(h);
    BS_RETURN_IF_ERROR(ReadPart(name, [&](std::string_view d) { return p.Feed(d, false); }));
    BS_RETURN_IF_ERROR(p.Feed({}, true));
    return h.stopped();
  }

  // ---- members
  Status Hand(Member&& m) {
    Status s = ++members_ > budget_.max_members ? LimitError("package holds too many members") : sink_.Add(std::move(m));
    if (!s.ok()) stopped_ = true;
    return s;
  }

  Member TextMember(std::string format = "text") {
    Member m;
    m.decoders = {DecoderName(kind_)};
    m.format = std::move(format);
    return m;
  }

  // Reads a text part through `h`, then hands over the spool unless it is empty.
  // A malformed part is reported and skipped. Non-OK only for a stop.
  template <typename H, typename F>
  Status TextPart(std::string_view part, TextSpool& spool, H& h, F finish, Member m) {
    Status s = StreamXml(part, h);
    finish();
    if (!s.ok()) {
      if (IsStop(s)) return s;
      sink_.Error(part, s.code(), s.message());
    }
    if (!spool.status().ok()) {
      sink_.Error(part, spool.status().code(), spool.status().message());
      return Status::Ok();
    }
    if (!spool.has_content()) return Status::Ok();
    BS_RETURN_IF_ERROR(spool.Finish(m));
    return Hand(std::move(m));
  }

  // A sink or budget status that ends the whole extraction.
  bool IsStop(const Status& s) const {
    return stopped_ || (s.code() == StatusCode::kLimit && expanded_ > expand_limit_);
  }

  TextSpool NewSpool() { return TextSpool(budget_.max_member_in_memory, budget_.temp_dir); }

  // ---- docx
  Status Docx() {
    std::vector<std::string> order = {"word/document.xml"};
    std::vector<std::string> extra;
    for (const auto& n : names_) {
      std::string l = Lower(n);
      if (!StartsWith(l, "word/") || !EndsWith(l, ".xml") || l.find('/', 5) != std::string::npos) continue;
      std::string base = l.substr(5);
      if (StartsWith(base, "header") || StartsWith(base, "footer") || base == "footnotes.xml" ||
          base == "endnotes.xml" || base == "comments.xml" || StartsWith(base, "comments"))
        extra.push_back(n);
    }
    auto rank = [](const std::string& n) {
      std::string l = Lower(n);
      if (l.find("header") != std::string::npos) return 0;
      if (l.find("footer") != std::string::npos) return 1;
      if (l.find("footnotes") != std::string::npos) return 2;
      if (l.find("endnotes") != std::string::npos) return 3;
      return 4;
    };
    std::sort(extra.begin(), extra.end(), [&](const std::string& a, const std::string& b) {
      int ra = rank(a), rb = rank(b);
      return ra != rb ? ra < rb : NaturalLess(a, b);
    });
    order.insert(order.end(), extra.begin(), extra.end());
    for (const auto& part : order) {
      if (!Has(part)) continue;
      TextSpool spool = NewSpool();
      OoxmlTextHandler h(spool);
      BS_RETURN_IF_ERROR(TextPart(part, spool, h, [&] { h.Finish(); }, TextMember()));
    }
    return Status::Ok();
  }

  std::vector<Relationship> Rels(std::string_view part) {
    std::vector<Relationship> out;
    size_t slash = part.rfind('/');
    std::string dir = slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
    std::string file(slash == std::string_view::npos ? part : part.substr(slash + 1));
    std::string rels_name = dir + "_rels/" + file + ".rels";
    auto it = meta_.find(rels_name);
    if (it == meta_.end()) {
      int idx = Find(rels_name);
      if (idx < 0) return out;
      it = meta_.find(names_[static_cast<size_t>(idx)]);
      if (it == meta_.end()) return out;
    }
    TagCollector h([&](std::string_view l, const XML_Char** atts) {
      if (l != "Relationship") return;
      const char* id = Attr(atts, "Id");
      const char* target = Attr(atts, "Target");
      const char* type = Attr(atts, "Type");
      const char* mode = Attr(atts, "TargetMode");
      if (!id || !target || (mode && std::string_view(mode) == "External")) return;
      out.push_back({id, type ? type : "", ResolvePart(dir, target)});
    });
    Status s = ParseWhole(it->second, h);
    if (!s.ok()) sink_.Error(it->first, s.code(), s.message());
    return out;
  }

  // ---- xlsx
  Status Xlsx() {
    struct Sheet {
      std::string name, part;
    };
    std::vector<Sheet> sheets;
    std::vector<std::pair<std::string, std::string>> declared;  // name, rel id
    if (auto it = meta_.find(names_[static_cast<size_t>(Find("xl/workbook.xml"))]); it != meta_.end()) {
      TagCollector h([&](std::string_view l, const XML_Char** atts) {
        if (l == "workbookPr") {
          const char* d = Attr(atts, "date1904");
          if (d && (std::string_view(d) == "1" || std::string_view(d) == "true")) wb_.date1904 = true;
        } else if (l == "sheet") {
          const char* name = Attr(atts, "name");
          const char* id = AttrRelId(atts);
          if (name && id) declared.emplace_back(name, id);
        }
      });
      Status s = ParseWhole(it->second, h);
      if (!s.ok()) sink_.Error(it->first, s.code(), s.message());
    }
    auto rels = Rels("xl/workbook.xml");
    for (const auto& [name, id] : declared) {
      for (const auto& r : rels)
        if (r.id == id) {
          if (EndsWith(r.type, "/worksheet") || (r.type.empty() && Has(r.target))) sheets.push_back({name, r.target});
          break;
        }
    }
    if (sheets.empty()) {  // no usable workbook.xml: the worksheets by number
      std::vector<std::string> parts;
      for (const auto& n : names_)
        if (StartsWith(Lower(n), "xl/worksheets/") && EndsWith(Lower(n), ".xml") &&
            Lower(n).find('/', 14) == std::string::npos)
          parts.push_back(n);
      std::sort(parts.begin(), parts.end(), NaturalLess);
      for (const auto& p : parts) {
        std::string base = p.substr(p.rfind('/') + 1);
        sheets.push_back({base.substr(0, base.size() - 4), p});
      }
    }
    for (const auto& sh : sheets) {
      if (!Has(sh.part)) {
        sink_.Error(sh.part, StatusCode::kCorrupt, "worksheet part missing");
        continue;
      }
      TextSpool spool = NewSpool();
      WorksheetHandler h(wb_, spool);
      Member m = TextMember("tsv");
      m.rows_are_lines = true;
      m.location.sheet = sh.name;
      Status s = StreamXml(sh.part, h);
      if (h.gap_exceeded) {
        sink_.Error(sh.name, StatusCode::kLimit, "row number jumps by more than 100000; rest of the sheet skipped");
      } else if (!s.ok()) {
        if (IsStop(s)) return s;
        sink_.Error(sh.part, s.code(), s.message());
      }
      if (!spool.status().ok()) {
        sink_.Error(sh.part, spool.status().code(), spool.status().message());
        continue;
      }
      if (!spool.has_content()) continue;
      BS_RETURN_IF_ERROR(spool.Finish(m));
      BS_RETURN_IF_ERROR(Hand(std::move(m)));
    }
    return Status::Ok();
  }

  // ---- pptx
  Status Pptx() {
    std::vector<std::string> slides;
    std::vector<std::string> ids;
    if (auto it = meta_.find(names_[static_cast<size_t>(Find("ppt/presentation.xml"))]); it != meta_.end()) {
      TagCollector h([&](std::string_view l, const XML_Char** atts) {
        if (l == "sldId")
          if (const char* id = AttrRelId(atts)) ids.push_back(id);
      });
      Status s = ParseWhole(it->second, h);
      if (!s.ok()) sink_.Error(it->first, s.code(), s.message());
    }
    auto rels = Rels("ppt/presentation.xml");
    for (const auto& id : ids)
      for (const auto& r : rels)
        if (r.id == id && EndsWith(r.type, "/slide")) slides.push_back(r.target);
    if (slides.empty()) {
      for (const auto& n : names_) {
        std::string l = Lower(n);
        if (StartsWith(l, "ppt/slides/slide") && EndsWith(l, ".xml")) slides.push_back(n);
      }
      std::sort(slides.begin(), slides.end(), NaturalLess);
    }
    uint32_t page = 0;
    for (const auto& slide : slides) {
      ++page;
      if (!Has(slide)) continue;
      TextSpool spool = NewSpool();
      Member m = TextMember();
      m.location.page = page;
      {
        OoxmlTextHandler h(spool);
        Status s = StreamXml(slide, h);
        h.Finish();
        if (!s.ok()) {
          if (IsStop(s)) return s;
          sink_.Error(slide, s.code(), s.message());
        }
      }
      for (const auto& r : Rels(slide)) {
        if (!EndsWith(r.type, "/notesSlide") || !Has(r.target)) continue;
        OoxmlTextHandler h(spool);
        Status s = StreamXml(r.target, h);
        h.Finish();
        if (!s.ok()) {
          if (IsStop(s)) return s;
          sink_.Error(r.target, s.code(), s.message());
        }
      }
      if (!spool.status().ok()) {
        sink_.Error(slide, spool.status().code(), spool.status().message());
        continue;
      }
      if (!spool.has_content()) continue;
      BS_RETURN_IF_ERROR(spool.Finish(m));
      BS_RETURN_IF_ERROR(Hand(std::move(m)));
    }
    return Status::Ok();
  }

  // ---- odt
  Status Odt() {
    if (Has("content.xml")) {
      TextSpool spool = NewSpool();
      OdfTextHandler h(spool);
      BS_RETURN_IF_ERROR(TextPart("content.xml", spool, h, [&] { h.Finish(); }, TextMember()));
    } else {
      sink_.Error("content.xml", StatusCode::kCorrupt, "part missing");
    }
    if (Has("styles.xml")) {
      TextSpool spool = NewSpool();
      OdfTextHandler h(spool, /*headers_only=*/true);
      BS_RETURN_IF_ERROR(TextPart("styles.xml", spool, h, [&] { h.Finish(); }, TextMember()));
    }
    return Status::Ok();
  }

  // ---- odp: one member per draw:page
  Status Odp() {
    if (!Has("content.xml")) {
      sink_.Error("content.xml", StatusCode::kCorrupt, "part missing");
      return Status::Ok();
    }
    std::unique_ptr<TextSpool> spool;
    std::unique_ptr<OdfTextHandler> inner;
    uint32_t page = 0;
    TextSpool outside = NewSpool();  // text outside pages (none expected)
    struct PageHandler : XmlHandler {
      std::function<void(XmlName, const XML_Char**)> start;
      std::function<void(XmlName)> end;
      std::function<void(std::string_view)> chars;
      void Start(XmlName n, const XML_Char** a) override { start(n, a); }
      void End(XmlName n) override { end(n); }
      void Chars(std::string_view s) override { chars(s); }
    } h;
    int depth_in_page = 0;
    h.start = [&](XmlName n, const XML_Char** a) {
      if (!inner && n.local == "page") {
        ++page;
        spool = std::make_unique<TextSpool>(budget_.max_member_in_memory, budget_.temp_dir);
        inner = std::make_unique<OdfTextHandler>(*spool);
        depth_in_page = 0;
        return;
      }
      if (inner) {
        ++depth_in_page;
        inner->Start(n, a);
      }
    };
    h.end = [&](XmlName n) {
      if (inner && depth_in_page == 0 && n.local == "page") {
        inner->Finish();
        inner.reset();
        if (!spool->status().ok()) {
          sink_.Error("content.xml", spool->status().code(), spool->status().message());
        } else if (spool->has_content()) {
          Member m = TextMember();
          m.location.page = page;
          Status s = spool->Finish(m);
          if (s.ok()) s = Hand(std::move(m));
          if (!s.ok()) h.Stop(s);
        }
        spool.reset();
        return;
      }
      if (inner) {
        --depth_in_page;
        inner->End(n);
      }
    };
    h.chars = [&](std::string_view s) {
      if (inner) inner->Chars(s);
    };
    Status s = StreamXml("content.xml", h);
    if (!s.ok()) {
      if (IsStop(s)) return s;
      sink_.Error("content.xml", s.code(), s.message());
    }
    return Status::Ok();
  }

  // ---- ods: one member per top-level table:table
  Status Ods() {
    if (!Has("content.xml")) {
      sink_.Error("content.xml", StatusCode::kCorrupt, "part missing");
      return Status::Ok();
    }
    struct OdsHandler : XmlHandler {
      Run* run = nullptr;
      std::unique_ptr<TextSpool> spool;
      std::unique_ptr<SheetWriter> w;
      std::string sheet;
      int table_depth = 0;
      bool skip_sheet = false;
      uint64_t row_no = 0;  // rows of this sheet so far, empty ones included
      // current row / cell
      std::vector<std::string> cells;
      long row_repeat = 1;
      long cell_repeat = 1;
      bool in_cell = false;
      std::string cell_text, value_type, value, date_value, bool_value;
      int para_depth = 0, skip = 0;

      void Start(XmlName n, const XML_Char** atts) override {
        if (skip) {
          ++skip;
          return;
        }
        std::string_view l = n.local;
        if (l == "table") {
          ++table_depth;
          if (table_depth == 1) {
            const char* nm = Attr(atts, "name");
            sheet = nm ? nm : "";
            spool = std::make_unique<TextSpool>(run->budget_.max_member_in_memory, run->budget_.temp_dir);
            w = std::make_unique<SheetWriter>(*spool);
            skip_sheet = false;
            row_no = 0;
          }
          return;
        }
        if (table_depth != 1 || skip_sheet) {
          if (table_depth > 1 && in_cell && (l == "p" || l == "h")) ++para_depth;
          return;
        }
        if (n.ns == kNsDc || n.ns == kNsMeta) {
          skip = 1;
        } else if (l == "table-row") {
          row_repeat = std::max(1L, AttrInt(atts, "number-rows-repeated", 1));
          cells.clear();
        } else if (l == "table-cell" || l == "covered-table-cell") {
          in_cell = true;
          cell_repeat = std::max(1L, AttrInt(atts, "number-columns-repeated", 1));
          cell_text.clear();
          const char* vt = Attr(atts, "value-type");
          value_type = vt ? vt : "";
          const char* v = Attr(atts, "value");
          value = v ? v : "";
          const char* dv = Attr(atts, "date-value");
          date_value = dv ? dv : "";
          const char* bv = Attr(atts, "boolean-value");
          bool_value = bv ? bv : "";
        } else if (in_cell && (l == "p" || l == "h")) {
          if (para_depth == 0 && !cell_text.empty()) cell_text.push_back(' ');
          ++para_depth;
        } else if (in_cell && para_depth > 0 && l == "s") {
          cell_text.append(static_cast<size_t>(std::clamp(AttrInt(atts, "c", 1), 1L, 64L)), ' ');
        } else if (in_cell && para_depth > 0 && (l == "tab" || l == "line-break")) {
          cell_text.push_back(' ');
        }
      }
      void End(XmlName n) override {
        if (skip) {
          --skip;
          return;
        }
        std::string_view l = n.local;
        if (l == "table") {
          if (table_depth == 1) FinishSheet();
          --table_depth;
          return;
        }
        if (table_depth != 1 || skip_sheet) {
          if (table_depth > 1 && in_cell && (l == "p" || l == "h")) --para_depth;
          return;
        }
        if (l == "p" || l == "h") {
          if (para_depth > 0) --para_depth;
        } else if (l == "table-cell" || l == "covered-table-cell") {
          in_cell = false;
          std::string v = CellValue();
          long rep = v.empty() ? std::min(cell_repeat, 1L << 14) : std::min<long>(cell_repeat, kMaxRepeat);
          for (long i = 0; i < rep && cells.size() < static_cast<size_t>(kMaxColumns); ++i) cells.push_back(v);
        } else if (l == "table-row") {
          while (!cells.empty() && cells.back().empty()) cells.pop_back();
          uint64_t first = row_no + 1;
          row_no += static_cast<uint64_t>(row_repeat);
          if (cells.empty()) return;  // empty rows show only as the gap before the next row
          if (!w->BeginRow(first)) {
            run->sink_.Error(sheet, StatusCode::kLimit,
                             "row number jumps by more than 100000; rest of the sheet skipped");
            skip_sheet = true;
            return;
          }
          for (size_t i = 0; i < cells.size(); ++i) w->Cell(static_cast<int>(i), cells[i]);
          w->EndRow(static_cast<uint64_t>(std::min<long>(row_repeat, kMaxRepeat)));
          cells.clear();
        }
      }
      void Chars(std::string_view s) override {
        if (!skip && in_cell && para_depth > 0 && cell_text.size() < (16u << 20)) cell_text.append(s);
      }
      std::string CellValue() {
        if (value_type == "float" || value_type == "percentage" || value_type == "currency")
          if (!value.empty()) return office::RenderNumber(value);
        if (value_type == "date" && date_value.size() >= 10 && date_value[4] == '-') return date_value.substr(0, 10);
        if (value_type == "boolean" && !bool_value.empty()) return bool_value == "true" ? "TRUE" : "FALSE";
        return cell_text;
      }
      void FinishSheet() {
        if (!spool) return;
        if (!spool->status().ok()) {
          run->sink_.Error(sheet, spool->status().code(), spool->status().message());
        } else if (spool->has_content()) {
          Member m = run->TextMember("tsv");
          m.rows_are_lines = true;
          m.location.sheet = sheet;
          Status s = spool->Finish(m);
          if (s.ok()) s = run->Hand(std::move(m));
          if (!s.ok()) Stop(s);
        }
        w.reset();
        spool.reset();
      }
    } h;
    h.run = this;
    Status s = StreamXml("content.xml", h);
    if (!s.ok()) {
      if (IsStop(s)) return s;
      h.FinishSheet();  // what was read of a damaged sheet
      sink_.Error("content.xml", s.code(), s.message());
    }
    return Status::Ok();
  }

  // ---- embedded objects and media
  static bool IsEmbedded(Kind k, std::string_view lname) {
    switch (k) {
      case Kind::kDocx: return StartsWith(lname, "word/embeddings/") || StartsWith(lname, "word/media/");
      case Kind::kXlsx: return StartsWith(lname, "xl/embeddings/") || StartsWith(lname, "xl/media/");
      case Kind::kPptx: return StartsWith(lname, "ppt/embeddings/") || StartsWith(lname, "ppt/media/");
      default: return StartsWith(lname, "pictures/");
    }
  }

  Status Embedded() {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (!files_[i] || !IsEmbedded(kind_, Lower(names_[i]))) continue;
      Member m;
      m.name = names_[i];
      BS_RETURN_IF_ERROR(HandRaw(names_[i], std::move(m)));
    }
    return Status::Ok();
  }

  // Hands over the bytes of a part as a member to sniff (memory or temp file).
  Status HandRaw(const std::string& part, Member m) {
    TextSpool spool = NewSpool();  // bytes, not text; the spool does not care
    Status s = ReadPart(part, [&](std::string_view d) {
      spool.Append(d);
      return spool.status();
    });
    if (!s.ok()) {
      if (IsStop(s)) return s;
      sink_.Error(part, s.code(), s.message());
      return Status::Ok();
    }
    BS_RETURN_IF_ERROR(spool.Finish(m));
    return Hand(std::move(m));
  }

  // ---- a zip that only looked like an Office file
  Status PlainZip() {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (!files_[i]) continue;
      Member m;
      m.name = names_[i];
      m.decoders = {"zip"};
      BS_RETURN_IF_ERROR(HandRaw(names_[i], std::move(m)));
    }
    return Status::Ok();
  }

  const Source& src_;
  MemberSink& sink_;
  const Budget& budget_;
  Zip zip_;
  Kind kind_ = Kind::kNone;
  bool first_pass_done_ = false;
  std::vector<std::string> names_;
  std::vector<bool> files_;
  std::unordered_map<std::string, int> index_, lower_index_;
  std::map<std::string, std::string> meta_;
  Workbook wb_;
  uint64_t expanded_ = 0;
  uint64_t expand_limit_ = 0;
  uint64_t members_ = 0;
  uint64_t seek_steps_ = 0;
  bool damaged_ = false;
  bool stopped_ = false;  // the sink or the member budget said stop
  std::string damage_;
};

class OfficeExtractorImpl : public Extractor {
 public:
  std::string_view name() const override { return "office"; }

  bool Accepts(std::string_view file_name, std::string_view head) const override {
    if (head.size() < 4 || head.substr(0, 4) != std::string_view("PK\3\4", 4)) return false;
    static constexpr std::string_view kExts[] = {"docx", "docm", "xlsx", "xlsm", "pptx", "pptm",
                                                 "odt",  "ods",  "odp",  "dotx", "xltx", "potx"};
    std::string ext = office::LowerExtension(file_name);
    for (auto e : kExts)
      if (ext == e) return true;
    for (std::string_view marker : {"[Content_Types].xml", "word/", "xl/", "ppt/"})
      if (head.find(marker) != std::string_view::npos) return true;
    size_t mt = head.find("mimetype");
    return mt != std::string_view::npos &&
           head.find("application/vnd.oasis.opendocument", mt) != std::string_view::npos;
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    Run run(source, sink);
    return run.Go();
  }
};

}  // namespace

const Extractor* OfficeExtractor() {
  static const OfficeExtractorImpl e;
  return &e;
}

}  // namespace breachscope::extract
