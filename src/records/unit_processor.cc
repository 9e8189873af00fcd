#include "records/unit_processor.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>

#include "base/byte_scan.h"
#include "decode/encoded_runs.h"
#include "detect/addresses.h"
#include "detect/names.h"
#include "records/column_typing.h"
#include "records/fixed_width.h"
#include "records/x12.h"

namespace breachscope::records {

using detect::Field;
using detect::Label;

namespace {

constexpr uint64_t kNameWindow = 200;   // bytes around an anchor searched for a name/address
// Findings further apart start a new prose record. A letter names its addressee on top
// and the identifiers a paragraph or two below (250 split such letters); a different
// name, SSN or DOB still starts a new record at any distance.
constexpr uint64_t kProseGap = 600;
constexpr uint64_t kRunTail = 4096;     // a base64 run may end this far past our region

bool IsContactLabel(Label l) {
  return l == Label::kFirstName || l == Label::kLastName || l == Label::kFullName || l == Label::kStreet ||
         l == Label::kCity || l == Label::kState || l == Label::kZip;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '"' || s.front() == '\''))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n' || s.back() == '"' ||
                        s.back() == '\''))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// A mailing address in prose has a 5-digit ZIP (or is a PO box): windows without one
// are not searched, which keeps the address finder off most of a dense log.
bool MayHoldMailingAddress(std::string_view w) {
  size_t run = 0;
  for (size_t i = 0; i <= w.size(); ++i) {
    bool digit = i < w.size() && w[i] >= '0' && w[i] <= '9';
    if (digit) {
      ++run;
      continue;
    }
    if (run == 5) return true;
    run = 0;
  }
  for (std::string_view box : {"Box ", "BOX ", "box "})
    if (w.find(box) != std::string_view::npos) return true;
  return false;
}

// How many elements of `v` (sorted by `begin_of`) begin at or before `pos`: what
// std::upper_bound gives, found from `hint` (the previous answer, 0 at first) in a few
// steps when positions come in increasing order, as candidates do.
template <typename V, typename BeginOf>
size_t CountBeginningBy(const V& v, uint64_t pos, size_t& hint, BeginOf begin_of) {
  const size_t n = v.size();
  auto after = [&](uint64_t p, const auto& e) { return p < begin_of(e); };
  size_t idx;
  if (hint <= n && (hint == 0 || begin_of(v[hint - 1]) <= pos)) {
    idx = hint;
    for (int steps = 0; idx < n && begin_of(v[idx]) <= pos && steps < 8; ++steps) ++idx;
    if (idx < n && begin_of(v[idx]) <= pos)
      idx = static_cast<size_t>(std::upper_bound(v.begin() + static_cast<std::ptrdiff_t>(idx), v.end(), pos, after) -
                                v.begin());
  } else {
    idx = static_cast<size_t>(std::upper_bound(v.begin(), v.end(), pos, after) - v.begin());
  }
  hint = idx;
  return idx;
}

// Sorts a vector of plain pairs that is mostly a few ascending runs (the scanner's
// candidates in text order, then contacts in text order, then decoded runs): the
// runs are merged in linear time; anything else is sorted. Equal pairs are equal
// values, so the result is the same as std::sort's.
template <typename Pair>
void SortRuns(std::vector<Pair>& v) {
  constexpr int kMaxRuns = 6;
  size_t bounds[kMaxRuns + 1];
  int runs = 0;
  size_t i = 0;
  bounds[0] = 0;
  while (i < v.size()) {
    if (runs == kMaxRuns) {
      std::sort(v.begin(), v.end());
      return;
    }
    size_t j = i + 1;
    while (j < v.size() && !(v[j] < v[j - 1])) ++j;
    bounds[++runs] = j;
    i = j;
  }
  for (int r = 2; r <= runs; ++r)
    std::inplace_merge(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(bounds[r - 1]),
                       v.begin() + static_cast<std::ptrdiff_t>(bounds[r]));
}

// One simdjson parser per thread for lines and small documents: a parser allocates
// buffers sized to its input, which per unit was an allocation and page faults each time.
// Its elements are read before any nested Job runs (Flatten copies values out).
constexpr size_t kReusedParserBytes = 1u << 20;
simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// Working vectors of one Job. A thread keeps a few (a decoded run's Job runs inside
// its parent's), cleared but with their capacity, so a dense unit's tens of thousands
// of fields and candidates do not cost fresh memory every time.
struct Scratch {
  std::string synthetic;
  std::vector<std::pair<uint64_t, uint64_t>> segs, runs, taken;
  std::vector<Field> fields;
  std::vector<int> field_column;
  std::vector<int64_t> field_segment;
  std::vector<Candidate> cands;
  std::vector<uint64_t> breaks;  // Lines()'s line breaks, ParseTable()'s stops

  template <typename V>
  static void Reset(V& v) {
    // Only small buffers are kept: keeping a large unit's (16 MB each) cost the scan
    // ~70 MB of peak memory (2 workers, /tmp/c100) for no speed-up that could be
    // measured above the noise of the stage timer.
    constexpr size_t kKeepBytes = 1u << 20;
    if (v.capacity() * sizeof(typename V::value_type) > kKeepBytes) V().swap(v);
    else v.clear();
  }
  void Clear() {
    // The candidate vector is the exception, kept up to 32 MB: a dense 2 MiB chunk has
    // ~30,000 candidates of ~230 bytes (the vector's capacity passes 16 MB as it doubles),
    // and allocating them afresh per chunk cost the scan half its page faults. With the
    // findings vector scan/ keeps likewise: c100, 1 job, 490 k -> 160 k faults, 7.3 -> 6.3
    // CPU seconds, work-phase peak +5-10 MiB.
    if (cands.capacity() * sizeof(Candidate) > (32u << 20)) std::vector<Candidate>().swap(cands);
    else cands.clear();
    Reset(synthetic);
    Reset(segs);
    Reset(runs);
    Reset(taken);
    Reset(fields);
    Reset(field_column);
    Reset(field_segment);
    Reset(breaks);
  }
};

class ScratchLease {
 public:
  ScratchLease() {
    auto& pool = Pool();
    if (pool.empty()) {
      s_ = std::make_unique<Scratch>();
    } else {
      s_ = std::move(pool.back());
      pool.pop_back();
    }
  }
  ~ScratchLease() {
    s_->Clear();
    auto& pool = Pool();
    if (pool.size() < 2) pool.push_back(std::move(s_));
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch* operator->() const { return s_.get(); }

 private:
  static std::vector<std::unique_ptr<Scratch>>& Pool() {
    thread_local std::vector<std::unique_ptr<Scratch>> pool;
    return pool;
  }
  std::unique_ptr<Scratch> s_;
};

// A group of findings that records/ binds as one: a candidate, or one record of a
// decoded child unit.
struct Member {
  uint64_t pos = 0, end = 0;
  uint32_t first = 0, count = 0;  // its findings: UnitOutput::findings[first, first + count)
  int64_t segment = -1;           // structural segment (row, line, tuple, object); -1 in prose
  bool joinable = true;           // a child unit's record when the child had several: kept apart
};

class Job {
 public:
  Job(const UnitProcessor& up, const detect::NameLexicon& lex, const ProcessorOptions& opt, const UnitInput& in,
      UnitOutput& out)
      : up_(up), lex_(lex), opt_(opt), in_(in), out_(out), text_(in.text) {}

  void Run() {
    out_.chains.push_back(in_.decoders);
    own_begin_ = std::min<uint64_t>(in_.own_begin, text_.size());
    own_end_ = std::min<uint64_t>(in_.own_end, text_.size());
    Structure();
    detect::ScanRequest req;
    req.text = text_;
    req.own_begin = own_begin_;
    req.own_end = own_end_;
    req.fields = fields_;
    // X12 is read by its qualified elements (X12(); free-text notes scanned there),
    // fixed-width records field by field (Fixed()).
    if (in_.format != Format::kX12 && !fixed_read_) up_.scanner().Scan(req, cands_);
    FieldContacts();
    if (in_.format == Format::kJsonLines) JsonLineContacts();
    Children();
    WindowContacts();
    DropDuplicateChildFindings();
    Finish();
  }

 private:
  // ---------------------------------------------------------------- structure
  void Structure() {
    switch (in_.format) {
      case Format::kCsv:
      case Format::kTsv:
        ParseTable();
        break;
      case Format::kJson:
        if (own_begin_ == 0 && text_.size() <= opt_.max_json_document && JsonDocument()) break;
        Lines();
        break;
      case Format::kJsonLines:
      case Format::kLog:
        Lines();
        break;
      case Format::kSql:
        Sql();
        break;
      case Format::kX12:
        X12();
        break;
      case Format::kFixed:
        Fixed();
        break;
      default:
        break;  // prose: records by window
    }
  }

  // ASC X12: the reader's candidates from qualified elements (records/x12.h); each
  // person's loop is a segment, so its findings form one record.
  void X12() {
    X12Result x;
    ReadX12(text_, up_.scanner(), x, X12Region{own_begin_, own_end_}, in_.x12);
    for (auto& p : x.problems) out_.problems.push_back(std::move(p));
    for (auto [b, e] : x.record_spans) AddSegment(b, e);
    for (auto& c : x.candidates) cands_.push_back(std::move(c));
  }

  // Fixed-width records (records/fixed_width.h): one segment per line, candidates
  // read field by field. Without a layout that fits, the unit is read as text.
  void Fixed() {
    const FixedLayout* layout = in_.layout ? in_.layout : opt_.layout.get();
    std::optional<FixedLayout> inferred;
    if (!layout) {
      inferred = InferLayout(text_.substr(own_begin_, std::min<uint64_t>(own_end_ - own_begin_, 64 * 1024)), lex_,
                             up_.scanner().today());
      if (!inferred) return;
      layout = &*inferred;
    }
    FixedResult r;
    ReadFixed(text_, *layout, up_.scanner(), lex_, r, FixedRegion{own_begin_, own_end_});
    for (auto [b, e] : r.record_spans) AddSegment(b, e);
    for (auto& c : r.candidates) cands_.push_back(std::move(c));
    fixed_read_ = true;
  }

  void AddSegment(uint64_t b, uint64_t e) { segs_.emplace_back(b, e); }

  void AddField(uint64_t b, uint64_t e, Label l, int column) {
    fields_.push_back({b, e, l});
    field_column_.push_back(column);
    field_segment_.push_back(static_cast<int64_t>(segs_.size()) - 1);
  }

  // One segment per line that starts in our own region. The breaks inside the region
  // come from one vector pass (base/byte_scan.h; memchr per line cost a call per
  // 40-80-byte log line); the last line may run past own_end_ to its break.
  void Lines() {
    if (own_end_ <= own_begin_) return;
    std::vector<uint64_t>& breaks = lease_->breaks;
    breaks.clear();
    ListByte(text_.substr(own_begin_, own_end_ - own_begin_), '\n', own_begin_, breaks);
    segs_.reserve(segs_.size() + breaks.size() + 1);
    uint64_t p = own_begin_;
    for (uint64_t nl : breaks) {
      AddSegment(p, nl + 1);
      p = nl + 1;
    }
    if (p < own_end_) {
      const void* nl = std::memchr(text_.data() + p, '\n', text_.size() - p);
      AddSegment(p, nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - text_.data()) + 1 : text_.size());
    }
  }

  void ParseTable() {
    const char delim = in_.format == Format::kTsv ? '\t' : ',';
    table_ = in_.table;
    uint64_t p = own_begin_;
    if (!table_ && own_begin_ == 0) {
      // A header, or columns typed by their values (records/column_typing.h).
      owned_table_ = ReadTypedTable(text_.substr(0, std::min<size_t>(text_.size(), 64 * 1024)), delim,
                                    up_.scanner().labels(), TypingContext{lex_, up_.scanner().today()});
      if (owned_table_) table_ = &*owned_table_;
    }
    Row row;
    if (table_ && table_->header_row && own_begin_ == 0) p = ParseCsvRow(text_, 0, delim, row);  // the header row
    ParseCsvRows(text_, p, own_end_, delim, lease_->breaks, row, [&](const Row& r) {
      AddSegment(r.begin, r.end);
      for (size_t c = 0; c < r.cells.size(); ++c) {
        Label l = table_ && c < table_->labels.size() ? table_->labels[c] : Label::kNone;
        AddField(r.cells[c].first, r.cells[c].second, l, static_cast<int>(c));
      }
    });
  }

  // A whole JSON document: every object with scalar members becomes a segment of
  // synthetic "key: value" lines, the key labelling its value.
  bool JsonDocument() {
    // Small documents reuse this thread's parser (its buffers); a large one gets its own,
    // so a thread does not keep a huge parser's memory.
    std::optional<simdjson::dom::parser> own;
    simdjson::dom::parser& parser = text_.size() <= kReusedParserBytes ? ThreadParser() : own.emplace();
    simdjson::padded_string padded(text_);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
      // Only a file that claims to be JSON is corrupt; a decoded run was just sniffed as JSON.
      if (in_.depth == 0) out_.problems.push_back(CorruptError("not valid JSON; scanned as text lines"));
      return false;
    }
    synthetic_.clear();
    Flatten(root, "");
    synthetic_text_ = true;
    text_ = synthetic_;
    own_begin_ = 0;
    own_end_ = synthetic_.size();
    return true;
  }

  // `containers_only`: an array whose scalars were already read with its object.
  void Flatten(simdjson::dom::element e, std::string_view key, bool containers_only = false) {
    using simdjson::dom::element_type;
    if (e.type() == element_type::OBJECT) {
      bool opened = false;
      std::vector<std::pair<std::string_view, simdjson::dom::element>> later;
      ObjectMembers(e.get_object().value_unsafe(), key, opened, later, 0);
      if (opened) {
        segs_.back().second = synthetic_.size();
        synthetic_ += '\n';
      }
      for (auto& [k, v] : later) Flatten(v, k, v.type() == element_type::ARRAY);
    } else if (e.type() == element_type::ARRAY) {
      // A named array, not a range over value_unsafe(): that is a reference into a
      // temporary result, gone before the loop starts (C++20 range-for).
      const simdjson::dom::array items = e.get_array().value_unsafe();
      for (auto v : items) {
        if (v.type() == element_type::OBJECT || v.type() == element_type::ARRAY) {
          Flatten(v, key);
        } else if (!containers_only) {
          AddSegment(synthetic_.size(), synthetic_.size());
          AppendMember(key, v);
          segs_.back().second = synthetic_.size();
        }
      }
    } else {
      AddSegment(synthetic_.size(), synthetic_.size());
      AppendMember(key, e);
      segs_.back().second = synthetic_.size();
    }
  }

  // The scalars of an object, and of the objects nested under its keys (an address, a
  // payment card, a licence), go into one segment: they describe one subject. Arrays
  // of objects (dependents, claim lines) are other subjects: they are returned in
  // `later` and become segments of their own. A list of scalars ("phones": [...])
  // belongs to the object.
  void ObjectMembers(simdjson::dom::object obj, std::string_view key, bool& opened,
                     std::vector<std::pair<std::string_view, simdjson::dom::element>>& later, int depth) {
    using simdjson::dom::element_type;
    constexpr int kMaxNesting = 8;  // deeper objects are subjects of their own
    auto open = [&] {
      if (!opened) AddSegment(synthetic_.size(), synthetic_.size());
      opened = true;
    };
    for (auto [k, v] : obj) {
      if (v.type() == element_type::OBJECT) {
        if (depth < kMaxNesting) ObjectMembers(v.get_object().value_unsafe(), k, opened, later, depth + 1);
        else later.emplace_back(k, v);
        continue;
      }
      if (v.type() == element_type::ARRAY) {
        bool nested = false;
        const simdjson::dom::array items = v.get_array().value_unsafe();  // named: see Flatten()
        for (auto item : items) {
          if (item.type() == element_type::OBJECT || item.type() == element_type::ARRAY) nested = true;
          else open(), AppendMember(k, item, key);
        }
        if (nested) later.emplace_back(k, v);
        continue;
      }
      open();
      AppendMember(k, v, key);
    }
  }

  // `parent`: the key of the enclosing object ("drivers_license" for {"number": ...}).
  void AppendMember(std::string_view key, simdjson::dom::element v, std::string_view parent = {}) {
    using simdjson::dom::element_type;
    std::string value;
    switch (v.type()) {
      case element_type::STRING: value = std::string(v.get_string().value_unsafe()); break;
      case element_type::INT64: value = std::to_string(v.get_int64().value_unsafe()); break;
      case element_type::UINT64: value = std::to_string(v.get_uint64().value_unsafe()); break;
      case element_type::DOUBLE: return;  // amounts, not identifiers
      default: return;
    }
    for (char& c : value)
      if (c == '\n' || c == '\r') c = ' ';
    uint64_t line_begin = synthetic_.size();
    synthetic_.append(key);
    synthetic_ += ": ";
    uint64_t vb = synthetic_.size();
    synthetic_ += value;
    uint64_t ve = synthetic_.size();
    synthetic_ += '\n';
    Label label = up_.scanner().labels().ForHeader(key);
    if (label == Label::kNone && !parent.empty())
      label = up_.scanner().labels().ForHeader(std::string(parent) + "_" + std::string(key));
    AddField(line_begin, ve, label, -1);
    field_value_begin_.emplace(fields_.size() - 1, vb);
  }

  // SQL dumps: INSERT ... VALUES (...),(...); tuples and COPY ... FROM stdin rows.
  void Sql() {
    SqlState local;
    SqlState& st = in_.sql ? *in_.sql : local;
    uint64_t p = own_begin_;
    while (p < own_end_) {
      const void* nl = std::memchr(text_.data() + p, '\n', text_.size() - p);
      uint64_t e = nl ? static_cast<const char*>(nl) - text_.data() + 1 : text_.size();
      std::string_view line = text_.substr(p, e - p);
      SqlLine(st, p, line);
      p = e;
    }
  }

  static std::string Ident(std::string_view s) {
    s = Trim(s);
    while (!s.empty() && (s.front() == '`' || s.front() == '"' || s.front() == '[')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '`' || s.back() == '"' || s.back() == ']')) s.remove_suffix(1);
    size_t dot = s.rfind('.');
    if (dot != std::string_view::npos) s = s.substr(dot + 1);
    while (!s.empty() && (s.front() == '`' || s.front() == '"')) s.remove_prefix(1);
    return Lower(s);
  }

  static std::vector<std::string> SplitColumns(std::string_view list) {
    std::vector<std::string> cols;
    size_t b = 0;
    for (size_t i = 0; i <= list.size(); ++i) {
      if (i == list.size() || list[i] == ',') {
        cols.push_back(Ident(list.substr(b, i - b)));
        b = i + 1;
      }
    }
    return cols;
  }

  void SqlLine(SqlState& st, uint64_t base, std::string_view line) {
    std::string lower = Lower(line.substr(0, std::min<size_t>(line.size(), 256)));
    std::string_view lv = lower;
    size_t lead = lv.find_first_not_of(" \t");
    if (lead == std::string_view::npos) return;
    lv.remove_prefix(lead);
    if (st.in_copy) {
      if (line.starts_with("\\.")) {
        st.in_copy = false;
        return;
      }
      AddSegment(base, base + line.size());
      size_t b = 0, col = 0;
      for (size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == '\t' || line[i] == '\n') {
          Label l = col < st.copy_columns.size() ? up_.scanner().labels().ForHeader(st.copy_columns[col])
                                                 : Label::kNone;
          AddField(base + b, base + i, l, static_cast<int>(col));
          ++col;
          b = i + 1;
          if (i < line.size() && line[i] == '\n') break;
        }
      }
      return;
    }
    if (!st.creating.empty()) {
      if (lv.starts_with(")")) {
        st.creating.clear();
        return;
      }
      std::string_view first = lv.substr(0, lv.find_first_of(" \t,"));
      static constexpr std::string_view kSkip[] = {"primary", "key", "constraint", "unique", "index", "foreign",
                                                   "check", "fulltext"};
      if (std::find(std::begin(kSkip), std::end(kSkip), first) == std::end(kSkip))
        st.table_columns[st.creating].push_back(Ident(line.substr(lead, line.find_first_of(" \t", lead) - lead)));
      return;
    }
    if (lv.starts_with("create table")) {
      size_t paren = line.find('(');
      std::string_view head = line.substr(lead + 12, paren == std::string_view::npos ? std::string_view::npos
                                                                                      : paren - lead - 12);
      std::string name = Ident(Lower(head).substr(Lower(head).find_first_not_of(" ")));
      if (name.starts_with("if not exists")) name = Ident(name.substr(13));
      st.table_columns[name].clear();
      st.creating = name;
      return;
    }
    if (lv.starts_with("copy ")) {
      size_t open = line.find('('), close = line.find(')');
      st.copy_columns = open != std::string_view::npos && close > open
                            ? SplitColumns(line.substr(open + 1, close - open - 1))
                            : std::vector<std::string>{};
      st.in_copy = lower.find("from stdin") != std::string::npos;
      return;
    }
    if (st.in_insert) {
      if (sql_labels_.empty())
        for (const auto& c : st.insert_columns) sql_labels_.push_back(up_.scanner().labels().ForHeader(c));
      Tuples(base, line, 0);
      std::string_view t = Trim(line);
      if (t.ends_with(";")) st.in_insert = false;
      return;
    }
    if (!lv.starts_with("insert into") && !lv.starts_with("insert ignore into") && !lv.starts_with("replace into"))
      return;
    std::string lfull = Lower(line);
    size_t values = lfull.find("values");
    if (values == std::string::npos) return;
    size_t into = lfull.find("into") + 4;
    std::string_view between = line.substr(into, values - into);
    std::vector<std::string> cols;
    size_t open = between.find('(');
    if (open != std::string_view::npos) {
      size_t close = between.rfind(')');
      cols = SplitColumns(between.substr(open + 1, close - open - 1));
    } else {
      auto it = st.table_columns.find(Ident(between));
      if (it != st.table_columns.end()) cols = it->second;
    }
    sql_labels_.clear();
    for (const auto& c : cols) sql_labels_.push_back(up_.scanner().labels().ForHeader(c));
    Tuples(base, line, values + 6);
    st.insert_columns = std::move(cols);
    // mysqldump puts all tuples on the INSERT line; pg_dump --inserts and others one per line.
    st.in_insert = !Trim(line).ends_with(";");
    if (st.in_insert) sql_labels_.clear();
  }

  void Tuples(uint64_t base, std::string_view line, size_t i) {
    while (i < line.size()) {
      while (i < line.size() && line[i] != '(' && line[i] != ';') ++i;
      if (i >= line.size() || line[i] == ';') break;
      size_t tuple_begin = i++;
      AddSegment(base + tuple_begin, base + tuple_begin);
      size_t col = 0;
      while (i < line.size() && line[i] != ')') {
        while (i < line.size() && line[i] == ' ') ++i;
        size_t vb, ve;
        if (i < line.size() && line[i] == '\'') {
          vb = ++i;
          while (i < line.size()) {
            if (line[i] == '\\') { i += 2; continue; }
            if (line[i] == '\'') {
              if (i + 1 < line.size() && line[i + 1] == '\'') { i += 2; continue; }
              break;
            }
            ++i;
          }
          ve = std::min(i, line.size());
          if (i < line.size()) ++i;
        } else {
          vb = i;
          while (i < line.size() && line[i] != ',' && line[i] != ')') ++i;
          ve = i;
        }
        AddField(base + vb, base + ve, col < sql_labels_.size() ? sql_labels_[col] : Label::kNone,
                 static_cast<int>(col));
        ++col;
        while (i < line.size() && line[i] != ',' && line[i] != ')') ++i;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i < line.size()) ++i;
      segs_.back().second = base + i;
    }
  }

  // ---------------------------------------------------------------- contacts
  int64_t SegmentAt(uint64_t pos) const {
    if (segs_.empty()) return -1;
    auto it = std::upper_bound(segs_.begin(), segs_.end(), pos,
                               [](uint64_t v, const std::pair<uint64_t, uint64_t>& s) { return v < s.first; });
    if (it == segs_.begin()) return -1;
    --it;
    // Segments may be empty-width placeholders for tuples being read; accept pos inside or at end.
    return (pos < it->second || it->first == it->second) ? it - segs_.begin() : -1;
  }

  // SegmentAt() for positions that mostly increase: `hint` (0 at first) carries the
  // search on from the previous answer, so a sorted walk costs a few steps per position.
  int64_t SegmentAtFrom(uint64_t pos, size_t& hint) const {
    if (segs_.empty()) return -1;
    size_t idx = CountBeginningBy(segs_, pos, hint, [](const auto& s) { return s.first; });
    if (idx == 0) return -1;
    const auto& sg = segs_[idx - 1];
    return (pos < sg.second || sg.first == sg.second) ? static_cast<int64_t>(idx - 1) : -1;
  }

  std::string_view FieldValue(size_t f) const {
    uint64_t b = FieldValueBegin(f);
    return Trim(text_.substr(b, fields_[f].end - b));
  }
  // Only JSON objects' "key: value" lines have a value begin of their own: tables skip
  // the map look-up.
  uint64_t FieldValueBegin(size_t f) const {
    if (field_value_begin_.empty()) return fields_[f].begin;
    auto it = field_value_begin_.find(f);
    return it == field_value_begin_.end() ? fields_[f].begin : it->second;
  }

  // Candidates are built in place and the match's strings moved in: a Candidate is large.
  void AddName(detect::NameMatch&& m, uint64_t begin, uint64_t end, float confidence) {
    Candidate& c = cands_.emplace_back();
    c.type = PiiType::kName;
    c.begin = begin;
    c.end = end;
    c.confidence = confidence;
    c.canonical = Sensitive(detect::CanonicalName(m.first, m.last));
    c.contact = std::make_unique<ContactParts>();
    c.contact->first = std::move(m.first);
    c.contact->last = std::move(m.last);
  }

  void AddAddress(detect::AddressMatch&& a, uint64_t begin, uint64_t end, float confidence) {
    Candidate& c = cands_.emplace_back();
    c.type = PiiType::kAddress;
    c.begin = begin;
    c.end = end;
    c.confidence = confidence;
    c.canonical = Sensitive(detect::CanonicalAddress(a));
    c.contact = std::make_unique<ContactParts>();
    c.contact->street = std::move(a.street);
    c.contact->city = std::move(a.city);
    c.contact->state = std::move(a.state);
    c.contact->zip = std::move(a.zip5);
  }

  // Names and addresses from labelled fields, one set per segment (row, tuple, object).
  void FieldContacts() {
    if (fields_.empty()) return;
    size_t i = 0;
    while (i < fields_.size()) {
      size_t j = i;
      int64_t seg = field_segment_[i];
      while (j < fields_.size() && field_segment_[j] == seg) ++j;
      SegmentContacts(i, j);
      i = j;
    }
  }

  void SegmentContacts(size_t from, size_t to) {
    std::optional<size_t> first, last, full, street, city, state, zip;
    for (size_t f = from; f < to; ++f) {
      switch (fields_[f].label) {
        case Label::kFirstName: if (!first) first = f; break;
        case Label::kLastName: if (!last) last = f; break;
        case Label::kFullName:
          if (!full || !detect::ParseNameField(FieldValue(*full), lex_)) full = f;
          break;
        case Label::kStreet: if (!street) street = f; break;
        case Label::kCity: if (!city) city = f; break;
        case Label::kState: if (!state) state = f; break;
        case Label::kZip: if (!zip) zip = f; break;
        default: break;
      }
    }
    if (fields_[from].begin < own_begin_ || fields_[from].begin >= own_end_) return;
    if (first && last) {
      if (auto m = detect::ParseNameParts(FieldValue(*first), FieldValue(*last), lex_))
        AddName(std::move(*m), FieldValueBegin(*first), fields_[*first].end, 0.99f);
    } else if (full) {
      if (auto m = detect::ParseNameField(FieldValue(*full), lex_))
        AddName(std::move(*m), FieldValueBegin(*full), fields_[*full].end, static_cast<float>(std::max(m->score, 0.9)));
    }
    if (street) {
      auto v = [&](std::optional<size_t> f) { return f ? FieldValue(*f) : std::string_view(); };
      std::optional<detect::AddressMatch> a;
      if (!city && !state && !zip) {
        // One "Address" column holding the whole address: "12 Elm St, Columbia, MO 65201".
        auto found = detect::FindAddresses(v(street));
        if (!found.empty()) a = std::move(found.front());
      }
      if (!a) a = detect::ParseAddressFields(v(street), v(city), v(state), v(zip));
      if (a) AddAddress(std::move(*a), FieldValueBegin(*street), fields_[*street].end, 0.99f);
    }
  }

  // JSON Lines: contact fields read by key, only on lines that hold another candidate.
  void JsonLineContacts() {
    std::vector<int64_t> lines;
    size_t hint = 0;
    for (const auto& c : cands_) {
      int64_t s = SegmentAtFrom(c.begin, hint);
      if (s >= 0 && (lines.empty() || lines.back() != s)) lines.push_back(s);
    }
    simdjson::dom::parser& parser = ThreadParser();
    for (int64_t s : lines) {
      const uint64_t b = segs_[s].first, e = segs_[s].second;  // not a structured binding: lambdas below capture b
      std::string_view line = text_.substr(b, e - b);
      simdjson::dom::element root;
      if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) continue;
      simdjson::dom::object obj;
      if (root.get_object().get(obj) != simdjson::SUCCESS) continue;
      ContactValues values;
      CollectContactValues(obj, values, 0);
      auto pos = [&](std::string_view v) {
        size_t at = line.find(v);
        return b + (at == std::string_view::npos ? 0 : at);
      };
      if (values.Has(Label::kFirstName) && values.Has(Label::kLastName)) {
        const std::string_view f = values.Get(Label::kFirstName);
        if (auto m = detect::ParseNameParts(f, values.Get(Label::kLastName), lex_))
          AddName(std::move(*m), pos(f), pos(f) + f.size(), 0.99f);
      } else if (values.Has(Label::kFullName)) {
        const std::string_view f = values.Get(Label::kFullName);
        if (auto m = detect::ParseNameField(f, lex_))
          AddName(std::move(*m), pos(f), pos(f) + f.size(), static_cast<float>(std::max(m->score, 0.9)));
      }
      if (values.Has(Label::kStreet)) {
        const std::string_view st = values.Get(Label::kStreet);
        if (auto a = detect::ParseAddressFields(st, values.Get(Label::kCity), values.Get(Label::kState),
                                                values.Get(Label::kZip)))
          AddAddress(std::move(*a), pos(st), pos(st) + st.size(), 0.99f);
      }
    }
  }

  // Contact fields of a JSON object and of the objects inside it ("user": {"full_name": ...}).
  // The first value of each contact label in one JSON line; views into the parser's
  // strings, read before the next line is parsed.
  struct ContactValues {
    std::array<std::string_view, static_cast<size_t>(Label::kNegative) + 1> value;
    std::array<bool, static_cast<size_t>(Label::kNegative) + 1> has{};
    bool Has(Label l) const { return has[static_cast<size_t>(l)]; }
    std::string_view Get(Label l) const { return value[static_cast<size_t>(l)]; }
    void Add(Label l, std::string_view v) {
      if (has[static_cast<size_t>(l)]) return;
      has[static_cast<size_t>(l)] = true;
      value[static_cast<size_t>(l)] = v;
    }
  };

  // ForHeader() of a JSON key, remembered for the unit: JSON Lines repeat the same keys.
  Label KeyLabel(std::string_view key) {
    for (const auto& [k, l] : key_labels_)
      if (k == key) return l;
    Label l = up_.scanner().labels().ForHeader(key);
    if (key_labels_.size() < 256) key_labels_.emplace_back(std::string(key), l);
    return l;
  }

  void CollectContactValues(simdjson::dom::object obj, ContactValues& values, int depth) {
    for (auto [k, v] : obj) {
      simdjson::dom::object inner;
      if (depth < 4 && v.get_object().get(inner) == simdjson::SUCCESS) {
        CollectContactValues(inner, values, depth + 1);
        continue;
      }
      Label l = KeyLabel(k);
      std::string_view sv;
      if (IsContactLabel(l) && v.get_string().get(sv) == simdjson::SUCCESS) values.Add(l, sv);
    }
  }

  // True when [b, e) overlaps a span taken by an earlier candidate or a decoded run.
  // `taken_` is sorted by begin; spans are short, so only a few before `e` are looked at.
  bool Overlaps(uint64_t b, uint64_t e) const {
    auto it = std::lower_bound(taken_.begin(), taken_.end(), std::make_pair(e, uint64_t{0}));
    while (it != taken_.begin()) {
      --it;
      if (it->second > b) return true;
      if (it->first + kMaxTakenSpan < b) break;
    }
    return false;
  }
  static constexpr uint64_t kMaxTakenSpan = 4096;
  void Take(uint64_t b, uint64_t e) {
    std::pair<uint64_t, uint64_t> span(b, e);
    taken_.insert(std::upper_bound(taken_.begin(), taken_.end(), span), span);
  }

  // Names and addresses in short windows around other findings (prose, logs, and
  // rows whose table has no name or address column).
  void WindowContacts() {
    bool table_has_name = table_ && (table_->HasLabel(Label::kFirstName) || table_->HasLabel(Label::kFullName) ||
                                     table_->HasLabel(Label::kLastName));
    bool table_has_street = table_ && table_->HasLabel(Label::kStreet);
    if (synthetic_text_) return;  // JSON objects: contacts come from their keys
    if (table_has_name && table_has_street) return;  // no window could add either
    // Segments (rows, tuples) whose labelled fields already gave a name or an address
    // (a flag per segment: kNamed, kAddressed).
    enum : uint8_t { kNamed = 1, kAddressed = 2 };
    std::vector<uint8_t> seg_has(segs_.size(), 0);
    std::vector<std::pair<uint64_t, uint64_t>> anchors;
    anchors.reserve(cands_.size() + runs_.size());
    // Spans of candidates and runs, for Overlaps(): gathered in the same walk over the
    // (large) candidates.
    taken_.clear();
    taken_.reserve(cands_.size() + runs_.size());
    for (const auto& c : cands_) {
      taken_.emplace_back(c.begin, c.end);
      if (c.type == PiiType::kName || c.type == PiiType::kAddress) {
        int64_t s = SegmentAt(c.begin);
        if (s >= 0) seg_has[static_cast<size_t>(s)] |= c.type == PiiType::kName ? kNamed : kAddressed;
      } else {
        anchors.emplace_back(c.begin, c.end);
      }
    }
    auto has = [&](int64_t seg, uint8_t bit) { return seg >= 0 && (seg_has[static_cast<size_t>(seg)] & bit); };
    for (const auto& r : runs_) anchors.push_back(r);
    // A letter's salutation names its addressee; the address block sits just above it.
    if (segs_.empty()) {
      for (size_t at = text_.find("Dear ", own_begin_); at != std::string_view::npos && at < own_end_;
           at = text_.find("Dear ", at + 5))
        anchors.emplace_back(at, at + 5);
    }
    if (anchors.empty()) return;
    SortRuns(anchors);
    struct Window {
      uint64_t lo, hi;
      int64_t seg;  // SegmentAt(lo), found once
    };
    std::vector<Window> windows;
    size_t hint = 0;
    for (auto [b, e] : anchors) {
      uint64_t lo = b > kNameWindow ? b - kNameWindow : 0, hi = std::min<uint64_t>(text_.size(), e + kNameWindow);
      int64_t s = SegmentAtFrom(b, hint);
      if (s >= 0) {
        lo = std::max(lo, segs_[s].first);
        hi = std::min(hi, std::max(segs_[s].second, e));
      }
      if (!windows.empty() && lo <= windows.back().hi && (s < 0 || windows.back().seg == s))
        windows.back().hi = std::max(windows.back().hi, hi);
      else
        windows.push_back({lo, hi, SegmentAt(lo)});
    }
    for (const auto& r : runs_) taken_.emplace_back(r.first, std::min(r.second, r.first + kMaxTakenSpan));
    SortRuns(taken_);
    for (const Window& win : windows) {
      const uint64_t lo = win.lo, hi = win.hi;
      std::string_view w = text_.substr(lo, hi - lo);
      const int64_t seg = win.seg;
      if (!table_has_name && !has(seg, kNamed)) {
        for (auto& m : detect::FindNamesInWindow(w, lex_)) {
          uint64_t b = lo + m.begin, e = lo + m.end;
          if (b < own_begin_ || b >= own_end_ || Overlaps(b, e)) continue;
          AddName(std::move(m), b, e, static_cast<float>(m.score));
          Take(b, e);
        }
      }
      if (!table_has_street && !has(seg, kAddressed) && MayHoldMailingAddress(w)) {
        for (auto& a : detect::FindAddresses(w)) {
          uint64_t b = lo + a.begin, e = lo + a.end;
          if (b < own_begin_ || b >= own_end_ || Overlaps(b, e)) continue;
          AddAddress(std::move(a), b, e, static_cast<float>(a.score));
          Take(b, e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- decoded runs
  // Encoded runs (decode/encoded_runs.h: base64, hex, url, qp, entity, jsescape,
  // viewstate, data: URIs; compressed or UTF-16 bytes unpacked) become child units,
  // scanned recursively up to the depth budget; their findings are located at the
  // run's line and their offset in the decoded text.
  void Children() {
    uint64_t hi = std::min<uint64_t>(text_.size(), own_end_ + kRunTail);
    std::string_view region = text_.substr(own_begin_, hi - own_begin_);
    auto runs = decode::FindEncodedRuns(region);
    for (auto& run : runs) {
      uint64_t rb = own_begin_ + run.begin, re = own_begin_ + run.end;
      if (rb >= own_end_) continue;
      const bool is_base64 = run.decoders.front() == "base64";
      // Escapes among literal text with nothing a detector could read (no digit, no
      // '@') are not worth a child unit: "Jane%20Public" alone yields no finding.
      if (!is_base64 && std::none_of(run.decoded.begin(), run.decoded.end(),
                                     [](char c) { return (c >= '0' && c <= '9') || c == '@'; }))
        continue;
      if (in_.depth + 1 > opt_.max_depth) {
        out_.problems.push_back(LimitError("decoded runs nested deeper than the depth limit were not decoded"));
        continue;
      }
      if (run.limited)
        out_.problems.push_back(LimitError("a compressed run expanded past the size limit; only its start was scanned"));
      UnitInput child;
      child.text = run.decoded;
      // Escapes widened with their line's context are a piece of this text, and a
      // ViewState's strings are lines: plain text. Other runs are sniffed.
      bool piece = run.decoders.front() == "viewstate" ||
                   (run.inline_escapes && (run.context_begin != run.begin || run.context_end != run.end));
      child.format = piece ? Format::kText : SniffFormat("", run.decoded);
      child.depth = in_.depth + 1;
      child.decoders = in_.decoders;
      for (auto& d : run.decoders) child.decoders.push_back(d);
      if (auto name = FormatDecoderName(child.format); !name.empty()) child.decoders.emplace_back(name);
      UnitOutput sub;
      Job(up_, lex_, opt_, child, sub).Run();
      ++out_.decoded_runs;
      out_.decoded_runs += sub.decoded_runs;
      for (auto& n : sub.problems) out_.problems.push_back(std::move(n));
      if (sub.findings.empty()) continue;
      runs_.emplace_back(rb, re);
      ChildBlock block{rb, re, sub.records > 1, {}};
      if (run.inline_escapes) {
        // Literal text around the escapes was read by this unit already.
        block.dedup = true;
        block.literal_begin = own_begin_ + run.context_begin;
        block.literal_end = own_begin_ + run.context_end;
      }
      uint16_t chain_base = static_cast<uint16_t>(out_.chains.size());
      for (auto& ch : sub.chains) out_.chains.push_back(std::move(ch));
      for (auto& f : sub.findings) {
        f.chain = static_cast<uint16_t>(chain_base + f.chain);
        f.candidate.location.offset = static_cast<int64_t>(f.candidate.begin);
        f.candidate.location.line = 0;  // set to the run's line in Finish()
        f.candidate.location.column.clear();
      }
      block.findings = std::move(sub.findings);  // the vector, not each (large) finding
      blocks_.push_back(std::move(block));
    }
  }

  // A child of inline escapes (a %-encoded query, a line with entities) also holds
  // the literal text around them: what this unit found there itself (same type and
  // value, inside the child's span) is not reported a second time from the child.
  void DropDuplicateChildFindings() {
    if (blocks_.empty()) return;
    std::vector<std::pair<uint64_t, uint32_t>> by_begin;
    for (uint32_t i = 0; i < cands_.size(); ++i)
      if (cands_[i].confidence >= opt_.min_confidence) by_begin.emplace_back(cands_[i].begin, i);
    if (by_begin.empty()) return;
    std::sort(by_begin.begin(), by_begin.end());
    for (auto& b : blocks_) {
      if (!b.dedup) continue;
      auto first = std::lower_bound(by_begin.begin(), by_begin.end(),
                                    std::make_pair(b.literal_begin > 1024 ? b.literal_begin - 1024 : 0, uint32_t{0}));
      auto dup = [&](const UnitFinding& f) {
        for (auto it = first; it != by_begin.end() && it->first < b.literal_end; ++it) {
          const Candidate& c = cands_[it->second];
          if (c.end > b.literal_begin && c.type == f.candidate.type && c.canonical == f.candidate.canonical) return true;
        }
        return false;
      };
      b.findings.erase(std::remove_if(b.findings.begin(), b.findings.end(), dup), b.findings.end());
    }
  }

  // ---------------------------------------------------------------- records
  // A record being filled: its id and, for prose, the name/SSN/DOB it already has.
  struct Open {
    const Sensitive* singles[3] = {nullptr, nullptr, nullptr};
    uint32_t id = 0;
  };
  static int SingleSlot(PiiType t) {
    return t == PiiType::kName ? 0 : t == PiiType::kSsn ? 1 : t == PiiType::kDob ? 2 : -1;
  }

  bool Conflicts(const Open& r, const Member& m) const {
    for (uint32_t i = m.first; i < m.first + m.count; ++i) {
      const Candidate& c = out_.findings[i].candidate;
      int slot = SingleSlot(c.type);
      if (slot >= 0 && r.singles[slot] && !(*r.singles[slot] == c.canonical)) return true;
    }
    return false;
  }

  bool HasType(const Member& m, PiiType type) const {
    for (uint32_t i = m.first; i < m.first + m.count; ++i)
      if (out_.findings[i].candidate.type == type) return true;
    return false;
  }

  void Finish() {
    // Parent candidates above the threshold become findings.
    // Sort positions, not candidates: candidates are moved once, into the output.
    std::vector<std::pair<uint64_t, uint32_t>> order;
    order.reserve(cands_.size());
    for (uint32_t i = 0; i < cands_.size(); ++i)
      if (cands_[i].confidence >= opt_.min_confidence) order.emplace_back(cands_[i].begin, i);
    SortRuns(order);
    size_t child_findings = 0;
    for (const auto& b : blocks_) child_findings += b.findings.size();
    // Reserved once: the prose grouping below keeps pointers into the findings.
    out_.findings.reserve(out_.findings.size() + order.size() + child_findings);

    // Grouping, member by member in position order.
    uint32_t next_id = 0;
    std::vector<uint32_t> segment_record(segs_.size(), UINT32_MAX);
    Open prose;
    bool prose_open = false;
    std::vector<Member> prose_members;  // the open prose record's members, in position order
    uint64_t last_end = 0;
    auto assign = [&](Open& r, const Member& m) {
      for (uint32_t i = m.first; i < m.first + m.count; ++i) {
        Candidate& c = out_.findings[i].candidate;
        c.record = r.id;
        int slot = SingleSlot(c.type);
        if (slot >= 0 && !r.singles[slot]) r.singles[slot] = &c.canonical;
      }
    };
    auto assign_id = [&](uint32_t id, const Member& m) {
      for (uint32_t i = m.first; i < m.first + m.count; ++i) out_.findings[i].candidate.record = id;
    };
    auto group = [&](const Member& m) {
      if (!m.joinable) {
        assign_id(next_id++, m);
        return;
      }
      if (m.segment >= 0) {
        uint32_t& id = segment_record[static_cast<size_t>(m.segment)];
        if (id == UINT32_MAX) id = next_id++;
        assign_id(id, m);
        return;
      }
      // A blank line does not end a prose record (a letter's address block, salutation
      // and paragraphs are one person's); a second, different name, SSN or DOB does.
      const bool conflict = prose_open && m.pos <= last_end + kProseGap && Conflicts(prose, m);
      if (!prose_open || m.pos > last_end + kProseGap || conflict) {
        // When an SSN or DOB conflicts, the new person began at the name before it on its
        // line: "Patient: Renée Muñoz  DOB: 11/25/1962" after a form for "RENÉE Y. MUÑOZ"
        // (the name repeats the record's, the DOB does not), or "Name: Lefèvre, Søren |
        // SSN: ..." after a roster line whose name was not found. That name and what
        // follows it on the line go to the new record; otherwise every later form or
        // line is shifted by one record. A conflicting name starts the record itself.
        size_t keep = prose_members.size();
        if (conflict && !HasType(m, PiiType::kName)) {
          for (size_t j = prose_members.size(); j-- > 1;) {
            const Member& x = prose_members[j];
            if (x.end > m.pos || std::memchr(text_.data() + x.end, '\n', m.pos - x.end)) break;  // not on m's line
            if (HasType(x, PiiType::kName)) {
              keep = j;
              break;
            }
          }
        }
        std::vector<Member> moved(prose_members.begin() + static_cast<std::ptrdiff_t>(keep), prose_members.end());
        prose = Open{};
        prose.id = next_id++;
        prose_open = true;
        prose_members.clear();
        for (const Member& x : moved) {
          assign(prose, x);
          prose_members.push_back(x);
        }
      }
      assign(prose, m);
      prose_members.push_back(m);
      last_end = std::max(last_end, m.end);
    };

    // Locations: lines (and CSV columns) in this unit's text, finding by finding in
    // position order.
    uint64_t line = in_.first_line, at = 0;
    size_t field_hint = 0;
    auto locate = [&](uint64_t pos, size_t i) {
      pos = std::min<uint64_t>(pos, text_.size());
      if (at < pos) {  // findings are sparse in machine text: count the gap's lines in one pass
        line += CountByte(text_.substr(at, pos - at), '\n');
        at = pos;
      }
      Location& loc = out_.findings[i].candidate.location;
      if (synthetic_text_) {
        loc.line = 0;  // the synthetic text has no lines of the file; JSON objects are located by their parent
      } else {
        loc.line = line;
      }
      if (!fields_.empty() && !synthetic_text_ && loc.offset < 0) {
        size_t count = CountBeginningBy(fields_, pos, field_hint, [](const Field& f) { return f.begin; });
        if (count != 0) {
          size_t f = count - 1;
          if (pos < fields_[f].end + 1 && field_column_[f] >= 0 &&
              (in_.format == Format::kCsv || in_.format == Format::kTsv))
            loc.column = ColumnLetters(static_cast<size_t>(field_column_[f]));
        }
      }
    };

    auto member_of = [&](const Candidate& c, size_t& hint) {
      Member m;
      m.pos = c.begin;
      m.end = c.end;
      m.segment = SegmentAtFrom(c.begin, hint);
      m.first = static_cast<uint32_t>(out_.findings.size());
      m.count = 1;
      return m;
    };
    size_t hint = 0;
    if (blocks_.empty()) {
      // The usual unit, without decoded runs: members are the candidates in position
      // order, so each is moved, grouped and located in one pass over the output (which
      // is large: one pass instead of three).
      for (auto [pos, idx] : order) {
        Member m = member_of(cands_[idx], hint);
        out_.findings.emplace_back(std::move(cands_[idx]), uint16_t{0});
        group(m);
        locate(m.pos, m.first);
      }
      out_.records = next_id;
    } else {
      std::vector<Member> members;
      members.reserve(order.size() + child_findings);
      for (auto [pos, idx] : order) {
        members.push_back(member_of(cands_[idx], hint));
        out_.findings.emplace_back(std::move(cands_[idx]), uint16_t{0});  // one move, not two (a braced temporary)
      }
      for (auto& b : blocks_) {
        // One member per record of the child unit, its findings contiguous.
        auto by_record = [](const UnitFinding& x, const UnitFinding& y) { return x.candidate.record < y.candidate.record; };
        if (!std::is_sorted(b.findings.begin(), b.findings.end(), by_record))
          std::stable_sort(b.findings.begin(), b.findings.end(), by_record);
        int64_t segment = SegmentAt(b.begin);
        for (size_t i = 0; i < b.findings.size();) {
          Member m;
          m.pos = b.begin;
          m.end = b.end;
          m.segment = segment;
          m.joinable = !b.several;
          m.first = static_cast<uint32_t>(out_.findings.size());
          uint32_t record = b.findings[i].candidate.record;
          for (; i < b.findings.size() && b.findings[i].candidate.record == record; ++i, ++m.count)
            out_.findings.push_back(std::move(b.findings[i]));
          members.push_back(m);
        }
      }
      auto by_pos_less = [](const Member& a, const Member& b) { return a.pos < b.pos; };
      std::stable_sort(members.begin(), members.end(), by_pos_less);
      for (const Member& m : members) group(m);
      out_.records = next_id;

      std::vector<std::pair<uint64_t, size_t>> by_pos;
      by_pos.reserve(out_.findings.size());
      for (const Member& m : members)
        for (uint32_t i = m.first; i < m.first + m.count; ++i) by_pos.emplace_back(m.pos, i);
      SortRuns(by_pos);
      for (auto [pos, i] : by_pos) locate(pos, i);
    }
    // Line breaks in our own region, for the caller's line bookkeeping.
    if (!synthetic_text_)
      out_.newlines = own_end_ > own_begin_ ? CountByte(text_.substr(own_begin_, own_end_ - own_begin_), '\n') : 0;
  }

  struct ChildBlock {
    uint64_t begin, end;
    bool several;
    std::vector<UnitFinding> findings;
    bool dedup = false;                         // inline escapes: drop what this unit found itself
    uint64_t literal_begin = 0, literal_end = 0;  // the span the child's text covers
  };

  const UnitProcessor& up_;
  const detect::NameLexicon& lex_;
  const ProcessorOptions& opt_;
  const UnitInput& in_;
  UnitOutput& out_;
  std::string_view text_;
  uint64_t own_begin_ = 0, own_end_ = 0;
  // The unit's working vectors, borrowed from this thread's pool (their capacity is
  // kept from unit to unit: no allocation, page faults or munmap per unit).
  ScratchLease lease_;
  std::string& synthetic_ = lease_->synthetic;
  bool synthetic_text_ = false;
  bool fixed_read_ = false;  // kFixed read by Fixed(): the scanner already ran per field
  const Table* table_ = nullptr;
  std::optional<Table> owned_table_;
  std::vector<std::pair<uint64_t, uint64_t>>& segs_ = lease_->segs;
  std::vector<Field>& fields_ = lease_->fields;
  std::vector<int>& field_column_ = lease_->field_column;
  std::vector<int64_t>& field_segment_ = lease_->field_segment;
  std::map<size_t, uint64_t> field_value_begin_;
  std::vector<Label> sql_labels_;  // labels of the INSERT being read
  std::vector<std::pair<std::string, Label>> key_labels_;  // KeyLabel()'s memory
  std::vector<Candidate>& cands_ = lease_->cands;
  std::vector<std::pair<uint64_t, uint64_t>>& runs_ = lease_->runs;
  std::vector<std::pair<uint64_t, uint64_t>>& taken_ = lease_->taken;  // spans of candidates and runs, for Overlaps()
  std::vector<ChildBlock> blocks_;
};

}  // namespace

UnitProcessor::UnitProcessor(const detect::Scanner& scanner, const detect::NameLexicon& lexicon,
                             ProcessorOptions options)
    : scanner_(scanner), lexicon_(lexicon), options_(options) {}

void UnitProcessor::Process(const UnitInput& in, UnitOutput& out) const {
  Job(*this, lexicon_, options_, in, out).Run();
}

}  // namespace breachscope::records
