// records/fixed_width.cc — fixed-width layouts (parsed from JSON or YAML, or inferred) and
// the reader that turns each line into a record of typed field values.
//
// Why a reader of its own: fields of a fixed-width record touch each other
// ("123456789SMITH"), so the scanner's tokens would run across them; each field is
// therefore scanned on its own, with its layout type as the label (the same
// validators and confidences as a labelled CSV cell), and dates of birth, ICD codes,
// names and addresses are read from their fields directly.
//
// Inference is deliberately narrow (see fixed_width.h): a sample must look like a
// table of equal-length lines with boundaries at the same character positions in
// nearly every line, and a dynamic programme then picks the column split that
// covers the most characters with columns typed by their values
// (records/column_typing.h). Without a strongly typed column the file stays text.
#include "records/fixed_width.h"

#include <fnmatch.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "detect/addresses.h"
#include "detect/names.h"
#include "detect/validators.h"
#include "records/column_typing.h"

namespace breachscope::records {

using detect::Label;

namespace {

struct TypeSpec {
  std::string_view name;
  FieldType type;
};

constexpr TypeSpec kTypes[] = {
    {"text", FieldType::kText},
    {"ignore", FieldType::kIgnore},
    {"ssn", FieldType::kSsn},
    {"dob", FieldType::kDob},
    {"phone", FieldType::kPhone},
    {"email", FieldType::kEmail},
    {"health_id", FieldType::kHealthId},
    {"student_id", FieldType::kStudentId},
    {"drivers_license", FieldType::kDriversLicense},
    {"bank_account", FieldType::kBankAccount},
    {"credit_card", FieldType::kCreditCard},
    {"mbi", FieldType::kMbi},
    {"passport", FieldType::kPassport},
    {"diagnosis", FieldType::kDiagnosis},
    {"street", FieldType::kStreet},
    {"address", FieldType::kStreet},
    {"city", FieldType::kCity},
    {"state", FieldType::kState},
    {"zip", FieldType::kZip},
    {"name_first", FieldType::kFirstName},
    {"name_last", FieldType::kLastName},
    {"name", FieldType::kFullName},
};

std::optional<FieldType> TypeFromName(std::string_view s) {
  for (const auto& t : kTypes)
    if (t.name == s) return t.type;
  return std::nullopt;
}

// The scanner label a typed field is read with, and the candidate types it keeps.
struct ScanSpec {
  Label label = Label::kNone;
  PiiType keep = PiiType::kSsn;
  PiiType also = PiiType::kSsn;  // a second type kept (health_id: a valid MBI)
  bool typed = false;            // false: keep everything (text)
};

std::optional<ScanSpec> ScanSpecFor(FieldType t) {
  switch (t) {
    case FieldType::kText: return ScanSpec{};
    case FieldType::kSsn: return ScanSpec{Label::kSsn, PiiType::kSsn, PiiType::kSsn, true};
    case FieldType::kPhone: return ScanSpec{Label::kPhone, PiiType::kPhone, PiiType::kPhone, true};
    case FieldType::kEmail: return ScanSpec{Label::kEmail, PiiType::kEmail, PiiType::kEmail, true};
    case FieldType::kHealthId: return ScanSpec{Label::kHealthId, PiiType::kHealthId, PiiType::kMbi, true};
    case FieldType::kStudentId: return ScanSpec{Label::kStudentId, PiiType::kStudentId, PiiType::kStudentId, true};
    case FieldType::kDriversLicense:
      return ScanSpec{Label::kDriversLicense, PiiType::kDriversLicense, PiiType::kDriversLicense, true};
    case FieldType::kBankAccount: return ScanSpec{Label::kAccount, PiiType::kBankAccount, PiiType::kBankAccount, true};
    case FieldType::kCreditCard: return ScanSpec{Label::kCard, PiiType::kCreditCard, PiiType::kCreditCard, true};
    case FieldType::kMbi: return ScanSpec{Label::kMbi, PiiType::kMbi, PiiType::kMbi, true};
    case FieldType::kPassport: return ScanSpec{Label::kPassport, PiiType::kPassport, PiiType::kPassport, true};
    default: return std::nullopt;
  }
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20 || c == '"') ? '?' : c;
  if (s.size() > 40) out += "...";
  out += '"';
  return out;
}

// Character positions of one line: byte offset of each code point (identity for ASCII).
class LineChars {
 public:
  void Reset(std::string_view s) {
    s_ = s;
    ascii_ = true;
    for (char c : s)
      if (static_cast<unsigned char>(c) >= 0x80) {
        ascii_ = false;
        break;
      }
    offs_.clear();
    if (!ascii_)
      for (size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) offs_.push_back(static_cast<uint32_t>(i));
  }
  size_t size() const { return ascii_ ? s_.size() : offs_.size(); }
  size_t Byte(size_t k) const {
    if (ascii_) return std::min(k, s_.size());
    return k < offs_.size() ? offs_[k] : s_.size();
  }
  std::string_view Slice(size_t a, size_t b) const {
    size_t x = Byte(a), y = Byte(b);
    return y > x ? s_.substr(x, y - x) : std::string_view();
  }
  char First(size_t k) const { return s_[Byte(k)]; }

 private:
  std::string_view s_;
  bool ascii_ = true;
  std::vector<uint32_t> offs_;
};

// A line's content without its line break.
std::string_view Content(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; });
}

// Non-blank lines of a head sample (the last one dropped when the head cuts it).
std::vector<std::string_view> SampleLines(std::string_view head, size_t max_lines) {
  std::vector<std::string_view> lines;
  size_t p = 0;
  bool cut = false;
  while (p < head.size() && lines.size() < max_lines) {
    size_t nl = head.find('\n', p);
    if (nl == std::string_view::npos) {
      cut = true;
      nl = head.size();
    }
    std::string_view c = Content(head.substr(p, nl - p));
    if (!Blank(c)) lines.push_back(c);
    p = nl + 1;
  }
  if (cut && lines.size() > 1) lines.pop_back();
  return lines;
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

FieldType TypeForLabel(Label l) {
  switch (l) {
    case Label::kSsn: return FieldType::kSsn;
    case Label::kDob: return FieldType::kDob;
    case Label::kPhone: return FieldType::kPhone;
    case Label::kEmail: return FieldType::kEmail;
    case Label::kCard: return FieldType::kCreditCard;
    case Label::kMbi: return FieldType::kMbi;
    case Label::kStreet: return FieldType::kStreet;
    case Label::kCity: return FieldType::kCity;
    case Label::kState: return FieldType::kState;
    case Label::kZip: return FieldType::kZip;
    case Label::kFirstName: return FieldType::kFirstName;
    case Label::kLastName: return FieldType::kLastName;
    case Label::kFullName: return FieldType::kFullName;
    default: return FieldType::kText;
  }
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t.name;
  return "text";
}

uint32_t FixedLayout::MinRecordLength() const {
  uint32_t m = 0;
  for (const auto& f : fields)
    if (f.type != FieldType::kIgnore) m = std::max(m, f.start + 1);
  return m;
}

uint32_t FixedLayout::MaxRecordLength() const {
  if (record_length) return record_length;
  uint32_t m = 0;
  for (const auto& f : fields) m = std::max(m, f.end());
  return m;
}

// ------------------------------------------------------------------ layout files

namespace {

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else {
      out += ch;
    }
  }
  out += '"';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YAML 1.2 core schema: [-+]?[0-9]+ is an integer, [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? a float.
bool IsYamlInteger(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return AllDigits(v);
}

bool IsYamlFloat(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  size_t e = v.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view x = v.substr(e + 1);
    if (!x.empty() && (x[0] == '-' || x[0] == '+')) x.remove_prefix(1);
    if (!AllDigits(x)) return false;
    v = v.substr(0, e);
  }
  size_t dot = v.find('.');
  if (dot == std::string_view::npos) return AllDigits(v);
  std::string_view a = v.substr(0, dot), b = v.substr(dot + 1);
  return (a.empty() && AllDigits(b)) || (AllDigits(a) && (b.empty() || AllDigits(b)));
}

// A YAML node as JSON text with YAML 1.2 core-schema typing: quoted scalars (and
// !!str) are strings; plain ones are integers, floats, booleans or null when they look
// like one, else strings. Mapping keys must be scalars. False on a key that is not.
bool YamlToJson(const YAML::Node& n, std::string& out) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      out += '{';
      bool first = true;
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) return false;
        if (!first) out += ',';
        first = false;
        AppendJsonString(kv.first.Scalar(), out);
        out += ':';
        if (!YamlToJson(kv.second, out)) return false;
      }
      out += '}';
      return true;
    }
    case YAML::NodeType::Sequence: {
      out += '[';
      for (size_t i = 0; i < n.size(); ++i) {
        if (i) out += ',';
        if (!YamlToJson(n[i], out)) return false;
      }
      out += ']';
      return true;
    }
    case YAML::NodeType::Scalar: {
      const std::string& v = n.Scalar();
      if (n.Tag() != "?") {  // quoted, or an explicit tag: as written
        AppendJsonString(v, out);
        return true;
      }
      if (IsYamlInteger(v)) {
        size_t d = v[0] == '-' || v[0] == '+' ? 1 : 0;
        while (d + 1 < v.size() && v[d] == '0') ++d;  // JSON has no leading zeros
        if (v[0] == '-') out += '-';
        out += v.substr(d);
      } else if (IsYamlFloat(v)) {
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", std::strtod(v.c_str(), nullptr));
        out += b;
        if (!std::strpbrk(b, ".eEn")) out += ".0";  // still a float: 1.0 is not the integer 1
      } else if (v == "true" || v == "True" || v == "TRUE" || v == "false" || v == "False" || v == "FALSE") {
        out += v[0] == 't' || v[0] == 'T' ? "true" : "false";
      } else if (v == "null" || v == "Null" || v == "NULL" || v == "~") {
        out += "null";
      } else {
        AppendJsonString(v, out);
      }
      return true;
    }
    default:  // an empty value
      out += "null";
      return true;
  }
}

// The layout document as JSON: JSON as it is (a '{' first), YAML converted, so both go
// through one validator and give the same errors. A '{' text that is not JSON may be a
// YAML flow mapping ({fields: [...]}).
Result<std::string> LayoutAsJson(std::string_view text) {
  auto bad = [](std::string m) { return InvalidArgument("--layout: " + std::move(m)); };
  size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string json_error;
  if (i < text.size() && text[i] == '{') {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    auto err = parser.parse(padded).get(root);
    if (err == simdjson::SUCCESS) return std::string(text);
    json_error = std::string("not valid JSON (") + simdjson::error_message(err) + ")";
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text.substr(i)));
  } catch (const YAML::Exception& e) {
    if (!json_error.empty()) return bad(json_error);
    return bad("not valid YAML or JSON (line " + std::to_string(e.mark.line + 1) + ", column " +
               std::to_string(e.mark.column + 1) + ": " + e.msg + ")");
  }
  std::string json;
  if (!YamlToJson(root, json)) return bad("a YAML mapping key that is not a plain name");
  return json;
}

}  // namespace

Result<FixedLayout> ParseLayout(std::string_view text) {
  auto bad = [](std::string m) { return InvalidArgument("--layout: " + std::move(m)); };
  auto json = LayoutAsJson(text);
  if (!json.ok()) return json.status();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(*json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    return bad(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
  simdjson::dom::object top;
  if (root.get_object().get(top) != simdjson::SUCCESS)
    return bad("the layout must be an object (a JSON object or a YAML mapping) with \"fields\"");
  FixedLayout layout;
  bool have_fields = false;
  auto positive = [](simdjson::dom::element v, uint32_t& out) {
    int64_t i;
    uint64_t u;
    if (v.get_int64().get(i) == simdjson::SUCCESS) {
      if (i < 1 || i > 1000000) return false;
      out = static_cast<uint32_t>(i);
      return true;
    }
    if (v.get_uint64().get(u) == simdjson::SUCCESS) return false;  // too large
    return false;
  };
  for (auto [key, value] : top) {
    if (key == "record_length") {
      if (!positive(value, layout.record_length)) return bad("\"record_length\" must be an integer of at least 1");
    } else if (key == "files") {
      simdjson::dom::array arr;
      if (value.get_array().get(arr) != simdjson::SUCCESS) return bad("\"files\" must be a list of file-name globs");
      for (auto g : arr) {
        std::string_view s;
        if (g.get_string().get(s) != simdjson::SUCCESS || s.empty())
          return bad("\"files\" must be a list of non-empty file-name globs");
        layout.files.emplace_back(s);
      }
    } else if (key == "fields") {
      simdjson::dom::array arr;
      if (value.get_array().get(arr) != simdjson::SUCCESS) return bad("\"fields\" must be a list of field objects");
      have_fields = true;
      size_t index = 0;
      for (auto item : arr) {
        ++index;
        std::string where = "field " + std::to_string(index);
        simdjson::dom::object obj;
        if (item.get_object().get(obj) != simdjson::SUCCESS) return bad(where + " must be an object");
        FixedField f;
        bool has_name = false, has_start = false, has_length = false, has_type = false;
        std::string_view code_system;
        for (auto [fk, fv] : obj) {
          if (fk == "name") {
            std::string_view s;
            if (fv.get_string().get(s) != simdjson::SUCCESS || TrimSpaces(s).empty())
              return bad(where + ": \"name\" must be a non-empty string");
            f.name = std::string(TrimSpaces(s));
            has_name = true;
            where += " (" + f.name + ")";
          } else if (fk == "start") {
            if (!positive(fv, f.start)) return bad(where + ": \"start\" must be an integer of at least 1 (1-based)");
            has_start = true;
          } else if (fk == "length") {
            if (!positive(fv, f.length)) return bad(where + ": \"length\" must be an integer of at least 1");
            has_length = true;
          } else if (fk == "type") {
            std::string_view s;
            if (fv.get_string().get(s) != simdjson::SUCCESS) return bad(where + ": \"type\" must be a string");
            auto t = TypeFromName(s);
            if (!t)
              return bad(where + ": unknown type " + Quoted(s) +
                         " (ssn, dob, phone, email, health_id, student_id, drivers_license, bank_account, "
                         "credit_card, mbi, passport, diagnosis, street, city, state, zip, name_first, name_last, "
                         "name, text or ignore)");
            f.type = *t;
            has_type = true;
          } else if (fk == "code_system") {
            if (fv.get_string().get(code_system) != simdjson::SUCCESS ||
                (code_system != "icd9" && code_system != "icd10"))
              return bad(where + ": \"code_system\" must be \"icd9\" or \"icd10\"");
          } else {
            return bad(where + ": unknown key " + Quoted(fk) + " (name, start, length, type, code_system)");
          }
        }
        if (!has_name) return bad(where + ": \"name\" is missing");
        if (!has_start) return bad(where + ": \"start\" is missing");
        if (!has_length) return bad(where + ": \"length\" is missing");
        if (!has_type) return bad(where + ": \"type\" is missing");
        if (!code_system.empty()) {
          if (f.type != FieldType::kDiagnosis) return bad(where + ": \"code_system\" is only for diagnosis fields");
          f.code_system = code_system == "icd9" ? "icd9" : "icd10";
        }
        f.start -= 1;  // 0-based from here on
        layout.fields.push_back(std::move(f));
      }
    } else {
      return bad("unknown key " + Quoted(key) + " (record_length, files, fields)");
    }
  }
  if (!have_fields) return bad("\"fields\" is missing");
  if (layout.fields.empty()) return bad("\"fields\" is empty");
  std::stable_sort(layout.fields.begin(), layout.fields.end(),
                   [](const FixedField& a, const FixedField& b) { return a.start < b.start; });
  for (size_t i = 0; i + 1 < layout.fields.size(); ++i) {
    const auto& a = layout.fields[i];
    const auto& b = layout.fields[i + 1];
    if (a.end() > b.start)
      return bad("fields " + Quoted(a.name) + " and " + Quoted(b.name) + " overlap (" + std::to_string(a.start + 1) +
                 "-" + std::to_string(a.end()) + " and " + std::to_string(b.start + 1) + "-" +
                 std::to_string(b.end()) + ")");
  }
  for (size_t i = 0; i < layout.fields.size(); ++i)
    for (size_t j = i + 1; j < layout.fields.size(); ++j)
      if (layout.fields[i].name == layout.fields[j].name)
        return bad("two fields are called " + Quoted(layout.fields[i].name));
  if (layout.record_length && layout.fields.back().end() > layout.record_length)
    return bad("field " + Quoted(layout.fields.back().name) + " ends at " + std::to_string(layout.fields.back().end()) +
               ", past \"record_length\" " + std::to_string(layout.record_length));
  if (std::all_of(layout.fields.begin(), layout.fields.end(),
                  [](const FixedField& f) { return f.type == FieldType::kIgnore; }))
    return bad("every field is \"ignore\"");
  return layout;
}

Result<FixedLayout> LoadLayoutFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("--layout: cannot read the layout file");
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (1u << 20)) return InvalidArgument("--layout: the layout file is larger than 1 MB");
  return ParseLayout(ss.str());
}

bool LayoutApplies(const FixedLayout& layout, std::string_view name, std::string_view head, Format sniffed) {
  if (!layout.files.empty()) {
    std::string full(name);
    size_t cut = full.find_last_of("/!");
    std::string base = cut == std::string::npos ? full : full.substr(cut + 1);
    for (const auto& g : layout.files)
      if (fnmatch(g.c_str(), base.c_str(), 0) == 0 || fnmatch(g.c_str(), full.c_str(), 0) == 0) return true;
    return false;
  }
  if (sniffed != Format::kText && sniffed != Format::kLog) return false;
  auto lines = SampleLines(head, 200);
  if (lines.empty()) return false;
  const size_t lo = layout.MinRecordLength(), hi = layout.MaxRecordLength();
  size_t fit = 0;
  for (auto l : lines) {
    size_t n = CharCount(l);
    if (n >= lo && n <= hi) ++fit;
  }
  return fit * 10 >= lines.size() * 9;
}

// ------------------------------------------------------------------ inference

namespace {

constexpr size_t kMinLines = 20;
constexpr size_t kSampleLines = 400;
constexpr size_t kTypingLines = 200;
constexpr uint32_t kMaxColumnWidth = 64;
constexpr size_t kMaxBoundaries = 400;

char ClassOf(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (c == ' ') return ' ';
  if (u >= '0' && u <= '9') return 'd';
  if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') return 'a';
  if (u >= 0x80) return 'a';
  return 'p';
}

}  // namespace

std::optional<FixedLayout> InferLayout(std::string_view head, const detect::NameLexicon& lexicon,
                                       const detect::Date& today) {
  auto lines = SampleLines(head, kSampleLines);
  // A title line ("SSN      LAST NAME ...") above records that hold digits is not one.
  auto has_digit = [](std::string_view l) { return std::any_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  bool header = false;
  if (lines.size() > kMinLines && !has_digit(lines[0]) &&
      std::count_if(lines.begin() + 1, lines.end(), has_digit) * 10 >= static_cast<long>(lines.size() - 1) * 9) {
    header = true;
    lines.erase(lines.begin());
  }
  const size_t n = lines.size();
  if (n < kMinLines) return std::nullopt;
  // Tabs and control characters have no fixed width.
  for (auto l : lines)
    for (char c : l)
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
  // A list of card numbers, one per line, is one column of cards, not packed digit
  // fields (it was read as an SSN field in columns 1-9 and a remainder). Lines that
  // are a whole card pass the card check by chance one time in ten or less.
  auto whole_card = [](std::string_view l) {
    while (!l.empty() && l.back() == ' ') l.remove_suffix(1);
    return l.size() >= 13 && l.size() <= 19 && detect::IsValidCard(l);
  };
  if (std::count_if(lines.begin(), lines.end(), whole_card) * 2 >= static_cast<long>(lines.size())) return std::nullopt;
  // One length.
  std::vector<size_t> lens(n);
  for (size_t i = 0; i < n; ++i) lens[i] = CharCount(lines[i]);
  std::vector<size_t> sorted = lens;
  std::sort(sorted.begin(), sorted.end());
  size_t mode = 0, best = 0, run = 0;
  for (size_t i = 0; i < n; ++i) {
    run = (i > 0 && sorted[i] == sorted[i - 1]) ? run + 1 : 1;
    if (run > best) best = run, mode = sorted[i];
  }
  const size_t L = mode;
  if (best * 10 < n * 8 || L < 12 || L > 4096) return std::nullopt;
  size_t longer = 0;
  for (size_t len : lens) longer += len > L;
  if (longer * 50 > n) return std::nullopt;

  // Character classes per line and position.
  std::vector<LineChars> chars(n);
  std::vector<std::string> cls(n, std::string(L, ' '));
  for (size_t i = 0; i < n; ++i) {
    chars[i].Reset(lines[i]);
    size_t m = std::min(L, chars[i].size());
    for (size_t k = 0; k < m; ++k) cls[i][k] = ClassOf(chars[i].First(k));
  }
  // Boundary candidates: a token starts or ends at p in nearly every line, or p is
  // inside a block of digits (packed numeric fields have no visible boundary).
  std::vector<uint32_t> cand{0};
  for (size_t p = 1; p < L; ++p) {
    size_t starts = 0, ends = 0, digits = 0;
    for (size_t i = 0; i < n; ++i) {
      char a = cls[i][p - 1], b = cls[i][p];
      if (b != ' ' && (a == ' ' || a != b)) ++starts;
      if (a != ' ' && (b == ' ' || a != b)) ++ends;
      if (a == 'd' && b == 'd') ++digits;
    }
    if (starts * 10 >= n * 9 || ends * 10 >= n * 9 || digits * 50 >= n * 49) cand.push_back(static_cast<uint32_t>(p));
  }
  cand.push_back(static_cast<uint32_t>(L));
  const size_t K = cand.size();
  if (K > kMaxBoundaries || K < 3) return std::nullopt;

  // Columns: the split with the most (weighted) typed columns.
  TypingContext ctx{lexicon, today, /*mmddyyyy=*/true};
  const size_t tn = std::min(n, kTypingLines);
  std::vector<double> score(K, -1e18);
  std::vector<size_t> from(K, 0);
  std::vector<ColumnGuess> guess_of(K);
  score[0] = 0;
  std::vector<std::string_view> vals;
  for (size_t k = 1; k < K; ++k) {
    for (size_t i = 0; i < k; ++i) {
      double untyped = score[i] - 0.01;
      if (untyped > score[k]) score[k] = untyped, from[k] = i, guess_of[k] = ColumnGuess{};
      uint32_t w = cand[k] - cand[i];
      if (w > kMaxColumnWidth) continue;
      vals.clear();
      for (size_t r = 0; r < tn; ++r) vals.push_back(chars[r].Slice(cand[i], cand[k]));
      ColumnGuess g = ClassifyValues(vals, ctx, tn);
      if (g.kind == ValueKind::kNone || g.kind == ValueKind::kWords) continue;
      // Each typed column counts, not its width (a wider column that still validates
      // would swallow its untyped neighbours: a street with its city). Kinds many values
      // pass by shape alone count for less, so that "5738824410" stays a phone rather
      // than two ZIP codes, and "SMITH     JOHN" is two name parts rather than one name.
      double weight = (g.kind == ValueKind::kZip || g.kind == ValueKind::kState) ? 0.4
                      : (g.kind == ValueKind::kFullName || g.kind == ValueKind::kFirstName ||
                         g.kind == ValueKind::kLastName)
                          ? 0.8
                          : 1.0;
      double typed = score[i] + weight - 0.0005 * w;
      if (typed > score[k]) score[k] = typed, from[k] = i, guess_of[k] = g;
    }
  }
  // The path back from L.
  std::vector<size_t> path;
  for (size_t k = K - 1; k > 0; k = from[k]) path.push_back(k);
  std::reverse(path.begin(), path.end());
  struct Col {
    uint32_t b, e;
    ColumnGuess g;
  };
  std::vector<Col> cols;
  size_t prev = 0;
  for (size_t k : path) {
    Col c{cand[prev], cand[k], guess_of[k]};
    // City words are typed only now, between a street and a state column.
    if (c.g.kind == ValueKind::kNone && c.e - c.b <= kMaxColumnWidth) {
      vals.clear();
      for (size_t r = 0; r < tn; ++r) vals.push_back(chars[r].Slice(c.b, c.e));
      ColumnGuess g = ClassifyValues(vals, ctx, tn);
      if (g.kind == ValueKind::kWords) c.g = g;
    }
    cols.push_back(c);
    prev = k;
  }
  std::vector<ColumnGuess> guesses;
  for (const auto& c : cols) guesses.push_back(c.g);
  std::vector<Label> labels = LabelColumns(guesses);
  bool strong = false, name = false, street = false;
  for (Label l : labels) {
    strong = strong || l == Label::kSsn || l == Label::kDob || l == Label::kPhone || l == Label::kEmail ||
             l == Label::kCard || l == Label::kMbi;
    name = name || l == Label::kFirstName || l == Label::kLastName || l == Label::kFullName;
    street = street || l == Label::kStreet;
  }
  if (!(strong || (name && street)) || cols.size() < 2) return std::nullopt;
  FixedLayout layout;
  layout.inferred = true;
  layout.header_line = header;
  layout.record_length = static_cast<uint32_t>(L);
  for (size_t i = 0; i < cols.size(); ++i) {
    FixedField f;
    f.start = cols[i].b;
    f.length = cols[i].e - cols[i].b;
    f.type = TypeForLabel(labels[i]);
    f.name = std::to_string(f.start + 1) + "-" + std::to_string(f.end());
    layout.fields.push_back(std::move(f));
  }
  return layout;
}

std::shared_ptr<const FixedLayout> ChooseFixedLayout(std::string_view name, std::string_view head, Format sniffed,
                                                     const std::shared_ptr<const FixedLayout>& given,
                                                     const detect::NameLexicon& lexicon, const detect::Date& today) {
  if (given && LayoutApplies(*given, name, head, sniffed)) return given;
  if (sniffed != Format::kText && sniffed != Format::kLog) return nullptr;
  if (auto l = InferLayout(head, lexicon, today)) return std::make_shared<const FixedLayout>(std::move(*l));
  return nullptr;
}

// ------------------------------------------------------------------ reading

namespace {

class Reader {
 public:
  Reader(std::string_view text, const FixedLayout& layout, const detect::Scanner& scanner,
         const detect::NameLexicon& lexicon, FixedResult& out)
      : text_(text), layout_(layout), scanner_(scanner), lex_(lexicon), out_(out) {}

  void Line(uint64_t begin, uint64_t end) {
    std::string_view content = Content(text_.substr(begin, end - begin));
    if (Blank(content)) return;
    record_ = static_cast<uint32_t>(out_.record_spans.size());
    out_.record_spans.emplace_back(begin, end);
    line_ = begin;
    chars_.Reset(content);
    const size_t n = chars_.size();
    size_t cursor = 0;
    const FixedField* first = nullptr;
    const FixedField* last = nullptr;
    const FixedField* full = nullptr;
    const FixedField* street = nullptr;
    const FixedField* city = nullptr;
    const FixedField* state = nullptr;
    const FixedField* zip = nullptr;
    for (const FixedField& f : layout_.fields) {
      if (f.start > cursor) ScanSpan(cursor, std::min<size_t>(f.start, n), ScanSpec{}, nullptr);
      cursor = std::max<size_t>(cursor, f.end());
      if (f.start >= n) continue;
      switch (f.type) {
        case FieldType::kIgnore: break;
        case FieldType::kDob: Dob(f); break;
        case FieldType::kDiagnosis: Diagnosis(f); break;
        case FieldType::kFirstName: if (!first) first = &f; break;
        case FieldType::kLastName: if (!last) last = &f; break;
        case FieldType::kFullName: if (!full) full = &f; break;
        case FieldType::kStreet: if (!street) street = &f; break;
        case FieldType::kCity: if (!city) city = &f; break;
        case FieldType::kState: if (!state) state = &f; break;
        case FieldType::kZip: if (!zip) zip = &f; break;
        default:
          if (auto spec = ScanSpecFor(f.type)) ScanSpan(f.start, std::min<size_t>(f.end(), n), *spec, &f);
          break;
      }
    }
    if (cursor < n) ScanSpan(cursor, n, ScanSpec{}, nullptr);
    Names(first, last, full);
    Address(street, city, state, zip);
  }

 private:
  // Trimmed value of a field and its byte span in the text.
  std::string_view Value(const FixedField& f, uint64_t* b = nullptr, uint64_t* e = nullptr) const {
    std::string_view raw = chars_.Slice(f.start, f.end());
    std::string_view v = TrimSpaces(raw);
    if (b) *b = line_ + chars_.Byte(f.start) + static_cast<uint64_t>(v.data() - raw.data());
    if (e) *e = (b ? *b : 0) + v.size();
    return v;
  }

  Candidate& Add(PiiType type, uint64_t b, uint64_t e, float confidence, std::string canonical, const FixedField* f) {
    Candidate& c = out_.candidates.emplace_back();
    c.type = type;
    c.begin = b;
    c.end = e;
    c.confidence = confidence;
    c.canonical = Sensitive(std::move(canonical));
    c.record = record_;
    if (f) c.location.column = f->name;
    return c;
  }

  void ScanSpan(size_t a, size_t b, const ScanSpec& spec, const FixedField* f) {
    if (b <= a) return;
    uint64_t off = line_ + chars_.Byte(a);
    std::string_view piece = chars_.Slice(a, b);
    if (Blank(piece)) return;
    detect::Field field{0, piece.size(), spec.label};
    detect::ScanRequest req;
    req.text = piece;
    req.fields = std::span<const detect::Field>(&field, 1);
    found_.clear();
    scanner_.Scan(req, found_);
    for (auto& c : found_) {
      if (spec.typed && c.type != spec.keep && c.type != spec.also) continue;
      c.begin += off;
      c.end += off;
      c.record = record_;
      if (f) c.location.column = f->name;
      out_.candidates.push_back(std::move(c));
    }
  }

  void Dob(const FixedField& f) {
    uint64_t b, e;
    std::string_view v = Value(f, &b, &e);
    if (v.empty()) return;
    if (auto d = ParseBirthDate(v, scanner_.today(), /*mmddyyyy=*/true))
      Add(PiiType::kDob, b, e, 0.95f, detect::FormatIsoDate(*d), &f);
  }

  void Diagnosis(const FixedField& f) {
    uint64_t b, e;
    std::string_view v = Value(f, &b, &e);
    size_t i = 0;
    while (i < v.size()) {
      while (i < v.size() && (v[i] == ' ' || v[i] == ',' || v[i] == ';' || v[i] == '|')) ++i;
      size_t s = i;
      while (i < v.size() && !(v[i] == ' ' || v[i] == ',' || v[i] == ';' || v[i] == '|')) ++i;
      if (i == s || i - s > 9) continue;
      std::string code;
      for (size_t k = s; k < i; ++k) code += static_cast<char>(std::toupper(static_cast<unsigned char>(v[k])));
      const char* system = f.code_system;
      if (!system) system = (code[0] >= '0' && code[0] <= '9') ? "icd9" : "icd10";
      std::string canon = std::strcmp(system, "icd9") == 0 ? detect::CanonicalIcd9(code) : detect::CanonicalIcd10(code);
      if (canon.empty()) continue;
      Candidate& c = Add(PiiType::kDiagnosis, b + s, b + i, 0.9f, std::move(canon), &f);
      c.code_system = system;
    }
  }

  void Names(const FixedField* first, const FixedField* last, const FixedField* full) {
    if (first && last) {
      uint64_t b, e;
      std::string_view fv = Value(*first, &b, &e);
      if (auto m = detect::ParseNameParts(fv, Value(*last), lex_)) {
        AddName(*m, b, e, 0.99f, first);
        return;
      }
    }
    if (full) {
      uint64_t b, e;
      std::string_view v = Value(*full, &b, &e);
      if (auto m = detect::ParseNameField(v, lex_))
        AddName(*m, b, e, static_cast<float>(std::max(m->score, 0.9)), full);
    }
  }

  void AddName(const detect::NameMatch& m, uint64_t b, uint64_t e, float confidence, const FixedField* f) {
    Candidate& c = Add(PiiType::kName, b, std::max(b + 1, e), confidence, detect::CanonicalName(m.first, m.last), f);
    c.contact = std::make_unique<ContactParts>();
    c.contact->first = m.first;
    c.contact->last = m.last;
  }

  void Address(const FixedField* street, const FixedField* city, const FixedField* state, const FixedField* zip) {
    if (!street) return;
    uint64_t b, e;
    std::string_view sv = Value(*street, &b, &e);
    if (sv.empty()) return;
    auto v = [&](const FixedField* f) { return f ? Value(*f) : std::string_view(); };
    std::optional<detect::AddressMatch> a;
    if (!city && !state && !zip) {
      auto found = detect::FindAddresses(sv);  // one field holding the whole address
      if (!found.empty()) a = found.front();
    }
    if (!a) a = detect::ParseAddressFields(sv, v(city), v(state), v(zip));
    if (!a) return;
    Candidate& c = Add(PiiType::kAddress, b, e, 0.99f, detect::CanonicalAddress(*a), street);
    c.contact = std::make_unique<ContactParts>();
    c.contact->street = a->street;
    c.contact->city = a->city;
    c.contact->state = a->state;
    c.contact->zip = a->zip5;
  }

  std::string_view text_;
  const FixedLayout& layout_;
  const detect::Scanner& scanner_;
  const detect::NameLexicon& lex_;
  FixedResult& out_;
  LineChars chars_;
  uint64_t line_ = 0;
  uint32_t record_ = 0;
  std::vector<Candidate> found_;
};

}  // namespace

void ReadFixed(std::string_view text, const FixedLayout& layout, const detect::Scanner& scanner,
               const detect::NameLexicon& lexicon, FixedResult& out, FixedRegion region) {
  uint64_t p = std::min<uint64_t>(region.own_begin, text.size());
  const uint64_t stop = std::min<uint64_t>(region.own_end, text.size());
  // A line cut by the region's start belongs to the region before; the title line of
  // an inferred layout is not a record.
  if ((p > 0 && p < text.size() && text[p - 1] != '\n') || (p == 0 && layout.header_line)) {
    const void* nl = std::memchr(text.data() + p, '\n', text.size() - p);
    p = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
  }
  Reader reader(text, layout, scanner, lexicon, out);
  while (p < stop) {
    const void* nl = std::memchr(text.data() + p, '\n', text.size() - p);
    uint64_t e = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
    reader.Line(p, e);
    p = e;
  }
}

}  // namespace breachscope::records
