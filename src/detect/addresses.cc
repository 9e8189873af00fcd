#include "detect/addresses.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/embedded_data.h"
#include "detect/lease.h"
#include "detect/packed_word.h"

namespace breachscope::detect {

namespace {

// ---------------------------------------------------------------------------
// Tables from data/us_states.tsv and data/street_suffixes.tsv

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringMap = std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Words of 1-16 bytes -> a value, in a flat open-addressed table keyed by the packed
// word (packed_word.h): the per-row look-ups (suffixes, states, stop words) compare two
// integers instead of hashing and comparing strings.
template <typename V>
class FlatWordTable {
 public:
  // Sizes the table for up to `count` keys (call before Insert).
  void Reserve(size_t count) {
    size_t cap = 16;
    while (cap < count * 2) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  // Adds `key` (1-16 bytes, as it will be looked up) unless present: the first value wins.
  void Insert(std::string_view key, V v) {
    if (key.empty() || key.size() > kMaxPackedWord) return;
    PackedWord k = PackWord(key.data(), key.size());
    for (size_t i = HashPacked(k, key.size()) & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.n == 0) {
        s = Slot{k, static_cast<uint8_t>(key.size()), v};
        return;
      }
      if (s.n == key.size() && s.k.a == k.a && s.k.b == k.b) return;
    }
  }
  const V* Find(const PackedWord& k, size_t n) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = HashPacked(k, n) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.n == 0) return nullptr;
      if (s.n == n && s.k.a == k.a && s.k.b == k.b) return &s.v;
    }
  }
  // A word of ASCII letters in any case; the keys must be lowercase letters only (then
  // PackLetters' |0x20 matches exactly the two cases of each letter, nothing else).
  const V* FindLetters(std::string_view w) const {
    if (w.empty() || w.size() > kMaxPackedWord) return nullptr;
    return Find(PackLetters(w.data(), w.size()), w.size());
  }

 private:
  struct Slot {
    PackedWord k;
    uint8_t n = 0;  // key length; 0 = empty slot
    V v{};
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

bool AllLowerLetters(std::string_view w) {
  for (char c : w)
    if (c < 'a' || c > 'z') return false;
  return !w.empty();
}

// A fixed list of lowercase words, matched in any ASCII case (A-Z lowered, other bytes as
// written).
class WordSet {
 public:
  template <size_t N>
  explicit WordSet(const std::string_view (&words)[N]) {
    table_.Reserve(N);
    for (std::string_view w : words) table_.Insert(w, true);
  }
  bool Has(std::string_view w) const { return table_.FindLetters(w) != nullptr; }

 private:
  FlatWordTable<bool> table_;
};

// Lowercase, periods dropped, whitespace collapsed and trimmed: "N. Y." -> "n y" ->
// with `drop_spaces` "ny". Writes into `out`, which holds at least s.size() bytes (the
// key is never longer); returns the key's length.
size_t NormalizeKeyInto(std::string_view s, bool drop_spaces, char* out) {
  size_t n = 0;
  bool space = false;
  for (char c : s) {
    if (c == '.') continue;
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space && n > 0 && !drop_spaces) out[n++] = ' ';
    space = false;
    out[n++] = Lower(c);
  }
  return n;
}

void NormalizeKey(std::string_view s, bool drop_spaces, std::string* out) {
  out->resize(s.size());
  out->resize(NormalizeKeyInto(s, drop_spaces, out->data()));
}

std::vector<std::vector<std::string_view>> TsvRows(std::string_view text) {
  std::vector<std::vector<std::string_view>> rows;
  size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the first row names the columns
      header = false;
      continue;
    }
    std::vector<std::string_view> cols;
    size_t c = 0;
    while (true) {
      size_t tab = line.find('\t', c);
      cols.push_back(
          line.substr(c, tab == std::string_view::npos ? std::string_view::npos : tab - c));
      if (tab == std::string_view::npos) break;
      c = tab + 1;
    }
    rows.push_back(std::move(cols));
  }
  return rows;
}

// Standard abbreviations of the suffixes that are street suffixes first and
// everyday words second; the others ("park", "view", "run") need capitals or a ZIP.
// clang-format off
constexpr std::string_view kStrongSuffixes[] = {
    "st", "ave", "rd", "dr", "ln", "blvd", "ct", "pl", "way", "cir", "pkwy", "hwy",
    "ter", "trl", "sq", "plz", "aly", "expy", "fwy", "tpke", "cres", "cv"};
// clang-format on
// Suffixes that take a route number ("Highway 40", "County Road 12").
constexpr std::string_view kNumberedSuffixes[] = {"hwy",  "rte",  "rd",   "fwy",
                                                  "expy", "tpke", "pike", "loop"};

struct Tables {
  StringMap states;    // normalised name / code / AP abbreviation -> code
  StringMap suffixes;  // lowercase form -> USPS standard abbreviation
  // The same, flat: states keyed by the normalised key (those of up to 16 bytes; the
  // longer ones are looked up in `states`), suffixes by the lowercase form. The views
  // point into the maps' values (nodes do not move).
  FlatWordTable<std::string_view> flat_states;
  FlatWordTable<std::string_view> flat_suffixes;
  Status status;
};

const Tables& GetTables() {
  static const Tables* const tables = [] {
    auto* t = new Tables();
    std::string_view states = EmbeddedFile("us_states.tsv");
    std::string_view suffixes = EmbeddedFile("street_suffixes.tsv");
    if (states.empty() || suffixes.empty()) {
      t->status = InternalError("embedded us_states.tsv or street_suffixes.tsv is missing");
      return t;
    }
    std::string key;
    for (const auto& row : TsvRows(states)) {
      if (row.size() < 2 || row[0].size() != 2) {
        t->status = InternalError("us_states.tsv: malformed row");
        continue;
      }
      std::string code(row[0]);
      for (char& c : code) c = static_cast<char>(c & ~0x20);
      NormalizeKey(row[0], true, &key);
      t->states.emplace(key, code);
      NormalizeKey(row[1], false, &key);
      t->states.emplace(key, code);
      if (row.size() >= 4 && !row[3].empty()) {
        NormalizeKey(row[3], true, &key);  // "N.H." -> "nh", "W.Va." -> "wva"
        t->states.emplace(key, code);
      }
    }
    // Common variants of the territories' names.
    if (t->states.count("us virgin islands")) t->states.emplace("virgin islands", "VI");
    for (const auto& row : TsvRows(suffixes)) {
      if (row.size() < 3 || row[0].empty() || row[1].empty()) {
        t->status = InternalError("street_suffixes.tsv: malformed row");
        continue;
      }
      std::string abbr(row[1]);
      t->suffixes.emplace(std::string(row[0]), abbr);
      size_t p = 0;
      std::string_view forms = row[2];
      while (p < forms.size()) {
        size_t sp = forms.find(' ', p);
        if (sp == std::string_view::npos) sp = forms.size();
        if (sp > p) t->suffixes.emplace(std::string(forms.substr(p, sp - p)), abbr);
        p = sp + 1;
      }
    }
    if (t->states.empty() || t->suffixes.empty())
      t->status = InternalError("embedded us_states.tsv or street_suffixes.tsv is empty");
    t->flat_states.Reserve(t->states.size());
    for (const auto& [k, v] : t->states) t->flat_states.Insert(k, std::string_view(v));
    t->flat_suffixes.Reserve(t->suffixes.size());
    for (const auto& [k, v] : t->suffixes) {
      if (!AllLowerLetters(k)) {  // FindLetters() could not match it exactly
        t->status = InternalError("street_suffixes.tsv: a form that is not lowercase letters");
        continue;
      }
      t->flat_suffixes.Insert(k, std::string_view(v));
    }
    return t;
  }();
  return *tables;
}

// The USPS abbreviation of a suffix word ("Street", "STR", "st." -> "st"), or "".
std::string_view SuffixAbbr(std::string_view word) {
  if (!word.empty() && word.back() == '.') word.remove_suffix(1);
  const std::string_view* abbr = GetTables().flat_suffixes.FindLetters(word);
  return abbr ? *abbr : std::string_view();
}

// The state code (a view into the table) for a normalised key, or "".
std::string_view StateForKey(std::string_view key) {
  const Tables& t = GetTables();
  if (!key.empty() && key.size() <= kMaxPackedWord) {
    const std::string_view* code = t.flat_states.Find(PackWord(key.data(), key.size()), key.size());
    return code ? *code : std::string_view();
  }
  auto it = t.states.find(key);
  return it == t.states.end() ? std::string_view() : std::string_view(it->second);
}

// StateCodeFromName() without building a string: a view into the table, or "".
std::string_view StateCodeView(std::string_view name_or_code);

template <size_t N>
bool InList(std::string_view w, const std::string_view (&list)[N]) {
  for (std::string_view x : list)
    if (x == w) return true;
  return false;
}

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (Lower(word[i]) != lower[i]) return false;
  return true;
}


constexpr std::string_view kDirectionals[] = {
    "n",     "s",     "e",    "w",    "ne",        "nw",        "se",        "sw",
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"};
constexpr std::string_view kUnitWords[] = {
    "apt",  "apartment", "unit", "suite", "ste", "room",  "rm",   "fl", "floor",
    "bldg", "building",  "lot",  "trlr",  "spc", "space", "dept", "no"};
// Words before a number that make it something other than a house number.
constexpr std::string_view kNotHouseNumberBefore[] = {
    "box",  "suite",   "ste",   "apt",     "unit",    "room",    "rm",    "no",      "page",
    "pg",   "ext",     "floor", "fl",      "chapter", "section", "item",  "grade",   "version",
    "step", "level",   "phase", "part",    "vol",     "volume",  "route", "highway", "hwy",
    "rte",  "invoice", "order", "account", "acct",    "policy",  "claim", "id",      "number",
    "year", "fy",      "q",     "form",    "table",   "figure",  "line"};
// Words that cannot be part of a street name in prose.
constexpr std::string_view kStopWords[] = {
    "the",   "a",       "an",     "and",     "or",    "of",    "to",    "in",      "on",    "at",
    "by",    "for",     "with",   "from",    "is",    "are",   "was",   "were",    "be",    "been",
    "has",   "have",    "had",    "it",      "its",   "this",  "that",  "these",   "those", "my",
    "our",   "your",    "his",    "her",     "their", "we",    "you",   "he",      "she",   "they",
    "i",     "me",      "us",     "them",    "not",   "no",    "all",   "any",     "more",  "most",
    "less",  "than",    "per",    "each",    "every", "other", "times", "percent", "years", "days",
    "hours", "minutes", "people", "dollars", "if",    "but",   "so",    "as",      "into",  "about",
    "after", "before",  "over"};

const WordSet& DirectionalSet() {
  static const WordSet set(kDirectionals);
  return set;
}
const WordSet& UnitWordSet() {
  static const WordSet set(kUnitWords);
  return set;
}
const WordSet& NotHouseNumberBeforeSet() {
  static const WordSet set(kNotHouseNumberBefore);
  return set;
}
const WordSet& StopWordSet() {
  static const WordSet set(kStopWords);
  return set;
}

// First digit of a ZIP -> the states it serves (USPS ZIP code national areas).
bool ZipMatchesState(std::string_view zip5, std::string_view st) {
  static constexpr std::array<std::string_view, 10> kAreas = {
      "CT MA ME NH NJ NY PR RI VT VI AE",  // 0
      "DE NY PA",                          // 1
      "DC MD NC SC VA WV",                 // 2
      "AL FL GA MS TN AA",                 // 3
      "IN KY MI OH",                       // 4
      "IA MN MT ND SD WI",                 // 5
      "IL KS MO NE",                       // 6
      "AR LA OK TX",                       // 7
      "AZ CO ID NM NV UT WY",              // 8
      "AK AS CA GU HI MP OR WA AP",        // 9
  };
  if (zip5.size() != 5 || st.size() != 2 || !IsDigit(zip5[0])) return true;
  return kAreas[zip5[0] - '0'].find(st) != std::string_view::npos;
}

// ---------------------------------------------------------------------------
// Tokens

enum class Kind : uint8_t { kWord, kNumber, kAlnum, kPunct, kBreak };

struct Tok {
  size_t begin = 0, end = 0;
  Kind kind = Kind::kPunct;
  bool space_before = false;  // whitespace (not a line break) before it
  int newlines = 0;           // for kBreak: how many line breaks ("<br>" counts one)
  bool capital = false;       // a word starting with an uppercase ASCII letter
  bool upper = false;         // a word in capitals
  bool lower = false;         // a word in lowercase
};

bool IsUtf8Letter(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
    uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    *len = 2;
    return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7;
  }
  return false;
}

constexpr std::string_view kInlineTags[] = {"b",    "i",   "u",    "em",    "strong",
                                            "span", "a",   "font", "small", "big",
                                            "sup",  "sub", "abbr", "label", "mark"};

using TokLease = Lease<Tok>;  // detect/lease.h

// Fills `out` (cleared first) with the tokens of `s`.
void Tokenize(std::string_view s, std::vector<Tok>& out) {
  out.clear();
  out.reserve(s.size() / 4 + 4);
  bool space = false;
  size_t i = 0;
  const size_t n = s.size();
  // Line breaks add up ("\n\n" is a blank line); a run of tags ("</td><td>") is one.
  auto add_break = [&](int lines) {
    if (!out.empty() && out.back().kind == Kind::kBreak) {
      out.back().newlines = lines ? out.back().newlines + lines : std::max(out.back().newlines, 1);
      return;
    }
    lines = std::max(lines, 1);
    Tok t;
    t.begin = t.end = i;
    t.kind = Kind::kBreak;
    t.newlines = lines;
    out.push_back(t);
  };
  while (i < n) {
    char c = s[i];
    if (c == '\n') {
      add_break(1);
      space = false;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      space = true;
      ++i;
      continue;
    }
    if (c == '<' && i + 1 < n && (IsAsciiAlpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
      size_t gt = s.find('>', i + 1);
      if (gt != std::string_view::npos && gt - i <= 512) {
        // Block and line-break tags end a line; inline tags are spaces.
        size_t nb = i + 1 + (s[i + 1] == '/' ? 1 : 0);
        size_t ne = nb;
        while (ne < gt && IsAsciiAlpha(s[ne])) ++ne;
        char name[8];
        size_t name_len = 0;
        for (size_t q = nb; q < ne && q < nb + 8; ++q) name[name_len++] = Lower(s[q]);
        bool inline_tag = InList(std::string_view(name, name_len), kInlineTags);
        i = gt + 1;
        if (inline_tag) {
          space = true;
        } else {
          add_break(0);
          space = false;
        }
        continue;
      }
    }
    if (c == '&') {
      size_t j = i + 1;
      while (j < n && j - i <= 8 && (IsAsciiAlpha(s[j]) || IsDigit(s[j]) || s[j] == '#')) ++j;
      if (j < n && s[j] == ';' && s.substr(i, j - i + 1) == "&nbsp;") {
        space = true;
        i = j + 1;
        continue;
      }
    }
    Tok t;
    t.begin = i;
    t.space_before = space;
    space = false;
    size_t len = 0;
    if (IsDigit(c)) {
      size_t j = i;
      while (j < n && IsDigit(s[j])) ++j;
      t.kind = Kind::kNumber;
      if (j < n && IsAsciiAlpha(s[j])) {
        while (j < n && (IsAsciiAlpha(s[j]) || IsDigit(s[j]))) ++j;
        t.kind = Kind::kAlnum;
      }
      t.end = j;
    } else if (IsAsciiAlpha(c) || IsUtf8Letter(s, i, &len)) {
      size_t j = i;
      bool any_upper = false, any_lower = false;
      while (j < n) {
        if (IsAsciiAlpha(s[j])) {
          (s[j] >= 'a' ? any_lower : any_upper) = true;
          ++j;
        } else if (static_cast<unsigned char>(s[j]) >= 0x80 && IsUtf8Letter(s, j, &len)) {
          j += len;
        } else if ((s[j] == '\'' || s[j] == '-') && j + 1 < n && IsAsciiAlpha(s[j + 1])) {
          ++j;
        } else if (IsDigit(s[j])) {
          ++j;  // "I70", "Rt66"
        } else {
          break;
        }
      }
      t.kind = Kind::kWord;
      t.end = j;
      t.capital = c >= 'A' && c <= 'Z';
      t.upper = t.capital && !any_lower;
      t.lower = !any_upper;
    } else {
      t.kind = Kind::kPunct;
      size_t j = i + 1;
      while (j < n && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;  // one code point
      t.end = j;
    }
    out.push_back(t);
    i = t.end;
  }
}

// ---------------------------------------------------------------------------
// The parser

class AddressScanner {
 public:
  explicit AddressScanner(std::string_view text) : s_(text) { Tokenize(text, toks_); }

  std::vector<AddressMatch> FindAll() {
    std::vector<AddressMatch> out;
    size_t k = 0;
    while (k < toks_.size()) {
      AddressMatch m;
      size_t next = 0;
      if (TryPoBox(k, &m, &next) || TryStreet(k, &m, &next)) {
        out.push_back(std::move(m));
        k = next;
      } else {
        ++k;
      }
    }
    return out;
  }

  // Whether FindAll()'s first match would begin at byte 0: only the first token can
  // start such a match (later tokens begin further on), so only it is tried, and the
  // rest of the text is not parsed into matches that would be thrown away.
  bool FirstMatchAtStart() const {
    if (toks_.empty()) return false;
    AddressMatch m;
    size_t next = 0;
    return (TryPoBox(0, &m, &next) || TryStreet(0, &m, &next, /*shape_only=*/true)) && m.begin == 0;
  }

  // The tokens of the text (for ParseAddressFields()' own look at the street).
  const std::vector<Tok>& tokens() const { return toks_; }

 private:
  const Tok& T(size_t k) const { return toks_[k]; }
  std::string_view Text(size_t k) const { return s_.substr(T(k).begin, T(k).end - T(k).begin); }
  bool Is(size_t k, Kind kind) const { return k < toks_.size() && T(k).kind == kind; }
  bool IsPunct(size_t k, char c) const {
    return Is(k, Kind::kPunct) && s_[T(k).begin] == c && T(k).end == T(k).begin + 1;
  }
  // Next token on the same line, separated by whitespace or nothing.
  bool SameLine(size_t k) const { return k < toks_.size() && T(k).kind != Kind::kBreak; }
  bool Adjacent(size_t k) const { return k < toks_.size() && !T(k).space_before; }
  bool WordIs(size_t k, std::string_view lower) const {
    return Is(k, Kind::kWord) && EqualsLower(Text(k), lower);
  }

  std::string Collapse(size_t b, size_t e) const {
    std::string out;
    out.reserve(e - b);
    bool space = false;
    for (size_t i = b; i < e; ++i) {
      char c = s_[i];
      if (IsSpace(c)) {
        space = true;
        continue;
      }
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  // "PO Box 123", "P.O. Box 123", "P O Box #12", "Post Office Box 5", "POB 7".
  bool TryPoBox(size_t k, AddressMatch* m, size_t* next) const {
    if (!Is(k, Kind::kWord)) return false;
    size_t j = k;
    if (WordIs(j, "po") || WordIs(j, "pob")) {
      bool pob = WordIs(j, "pob");
      ++j;
      if (IsPunct(j, '.')) ++j;
      if (!pob) {
        if (!WordIs(j, "box")) return false;
        ++j;
      }
    } else if (WordIs(j, "p")) {
      ++j;
      if (IsPunct(j, '.')) ++j;
      if (!WordIs(j, "o")) return false;
      ++j;
      if (IsPunct(j, '.')) ++j;
      if (!WordIs(j, "box")) return false;
      ++j;
    } else if (WordIs(j, "post") && WordIs(j + 1, "office") && WordIs(j + 2, "box")) {
      j += 3;
    } else {
      return false;
    }
    if (k > 0 && !T(k).space_before && T(k - 1).kind != Kind::kBreak &&
        T(k - 1).kind != Kind::kPunct)
      return false;
    if (IsPunct(j, '#')) ++j;
    if (!Is(j, Kind::kNumber) || T(j).end - T(j).begin > 8) return false;
    if (j + 1 < toks_.size() && Adjacent(j + 1) && Is(j + 1, Kind::kPunct) &&
        !IsPunct(j + 1, ',') && !IsPunct(j + 1, '.'))
      return false;
    m->begin = T(k).begin;
    m->end = T(j).end;
    m->street = Collapse(m->begin, m->end);
    m->score = 0.75;
    *next = j + 1;
    Tail(j + 1, /*lowercase=*/false, m, next);
    if (!m->state.empty() && !m->zip5.empty())
      m->score = 0.93;
    else if (!m->state.empty() || !m->zip5.empty())
      m->score = 0.85;
    return true;
  }

  bool IsHouseNumber(size_t k) const {
    if (Is(k, Kind::kNumber)) {
      size_t len = T(k).end - T(k).begin;
      if (len > 6 || s_[T(k).begin] == '0') return false;
    } else if (Is(k, Kind::kAlnum)) {
      // "12B", but not "5th" or "3rd" (ordinals are street names, not house numbers).
      std::string_view w = Text(k);
      size_t d = 0;
      while (d < w.size() && IsDigit(w[d])) ++d;
      if (w.size() - d != 1 || d > 6 || w[0] == '0') return false;
    } else {
      return false;
    }
    if (k > 0 && !T(k).space_before && T(k - 1).kind != Kind::kBreak) {
      // Glued to something before: "-12", "$12", "#12", "A12", "1.12".
      if (!(IsPunct(k - 1, '(') || IsPunct(k - 1, '"') || IsPunct(k - 1, '\'') ||
            IsPunct(k - 1, '>') || IsPunct(k - 1, ':') || IsPunct(k - 1, '[')))
        return false;
    }
    if (k > 0 && Is(k - 1, Kind::kWord) && NotHouseNumberBeforeSet().Has(Text(k - 1)))
      return false;
    if (k > 0 && IsPunct(k - 1, '#')) return false;
    // Glued to something after: "12-5", "1.5", "3:30", "1,000", "50%", "12/31".
    if (k + 1 < toks_.size() && Adjacent(k + 1) && Is(k + 1, Kind::kPunct)) {
      char c = s_[T(k + 1).begin];
      if (c == '%' || c == '/' || c == ':' || c == '$') return false;
      if ((c == '-' || c == '.' || c == ',') && k + 2 < toks_.size() && Adjacent(k + 2) &&
          (Is(k + 2, Kind::kNumber) || Is(k + 2, Kind::kAlnum)))
        return false;
    }
    return true;
  }

  bool IsOrdinal(size_t k) const {
    if (!Is(k, Kind::kAlnum)) return false;
    std::string_view w = Text(k);
    size_t d = 0;
    while (d < w.size() && IsDigit(w[d])) ++d;
    std::string_view suf = w.substr(d);
    return d > 0 && d <= 3 &&
           (EqualsLower(suf, "st") || EqualsLower(suf, "nd") || EqualsLower(suf, "rd") ||
            EqualsLower(suf, "th"));
  }

  // Index just past an optional period glued to token k.
  size_t SkipDot(size_t k) const { return IsPunct(k + 1, '.') && Adjacent(k + 1) ? k + 2 : k + 1; }

  // `shape_only`: the caller needs only whether a street starts here, and where (m->begin).
  bool TryStreet(size_t k, AddressMatch* m, size_t* next, bool shape_only = false) const {
    if (!IsHouseNumber(k)) return false;
    size_t j = k + 1;
    if (!SameLine(j) || !T(j).space_before) return false;
    // Optional pre-directional ("N.", "West") before a name word.
    size_t first_name = j;
    if (Is(j, Kind::kWord) && DirectionalSet().Has(Text(j)) && !T(j).lower) {
      size_t after = SkipDot(j);
      if (SameLine(after) && (Is(after, Kind::kWord) || IsOrdinal(after))) first_name = after;
    }
    j = first_name;
    int name_words = 0;
    size_t suffix_tok = SIZE_MAX, weak_tok = SIZE_MAX;
    int weak_names = 0;
    bool strong = false, numbered = false, all_capital = true;
    for (int steps = 0; steps < 6 && SameLine(j); ++steps) {
      if (j != first_name && !T(j).space_before) break;
      if (IsOrdinal(j)) {
        ++name_words;
        j = j + 1;
        continue;
      }
      if (!Is(j, Kind::kWord)) break;
      std::string_view w = Text(j);
      if (StopWordSet().Has(w) && w != "US") break;  // "4500 US Highway 63"
      if (T(j).lower) all_capital = false;
      if (EqualsLower(w, "broadway") &&
          !(SameLine(j + 1) && Is(j + 1, Kind::kWord) && !SuffixAbbr(Text(j + 1)).empty())) {
        suffix_tok = j;  // "1585 Broadway", but "6712 Broadway Court"
        strong = true;
        break;
      }
      std::string_view abbr = SuffixAbbr(w);
      if (!abbr.empty()) {
        bool takes_number = InList(abbr, kNumberedSuffixes) && SameLine(j + 1) &&
                            T(j + 1).space_before &&
                            (Is(j + 1, Kind::kNumber) || Is(j + 1, Kind::kAlnum)) &&
                            T(j + 1).end - T(j + 1).begin <= 5;
        if (takes_number) {  // "Highway 40", "County Road 12"
          suffix_tok = j;
          strong = numbered = true;
          break;
        }
        if (name_words >= 1 && InList(abbr, kStrongSuffixes)) {
          suffix_tok = j;
          strong = true;
          // Another common suffix right after it is the real one ("Park Place Court").
          while (SameLine(suffix_tok + 1) && T(suffix_tok + 1).space_before &&
                 Is(suffix_tok + 1, Kind::kWord) && T(suffix_tok + 1).lower == T(j).lower &&
                 InList(SuffixAbbr(Text(suffix_tok + 1)), kStrongSuffixes))
            ++suffix_tok;
          break;
        }
        if (name_words >= 1) {
          weak_tok = j;
          weak_names = name_words;
        }
      }
      ++name_words;
      // "St. Charles", "Mt. Vernon": a period after an abbreviation inside the name.
      j = (IsPunct(j + 1, '.') && Adjacent(j + 1) && SameLine(j + 2) && Is(j + 2, Kind::kWord) &&
           !abbr.empty() && name_words == 1)
              ? j + 2
              : j + 1;
    }
    if (suffix_tok == SIZE_MAX) {
      if (weak_tok == SIZE_MAX) return false;
      suffix_tok = weak_tok;
      name_words = weak_names;
    }
    size_t end_tok = suffix_tok;
    if (numbered) end_tok = suffix_tok + 1;
    size_t after = numbered ? end_tok + 1 : SkipDot(end_tok);
    // Post-directional: "Main St NW", "Elm Street N."
    if (SameLine(after) && T(after).space_before && Is(after, Kind::kWord) && T(after).upper &&
        DirectionalSet().Has(Text(after)) && T(after).end - T(after).begin <= 2) {
      end_tok = after;
      after = SkipDot(after);
    }
    // Unit: ", Apt 4", "Suite 200", "# 12", "Unit B".
    size_t u = after;
    if (IsPunct(u, ',') && SameLine(u + 1)) ++u;
    if (SameLine(u)) {
      size_t id = SIZE_MAX;
      if (Is(u, Kind::kWord) && UnitWordSet().Has(Text(u)) && !WordIs(u, "no")) {
        size_t v = SkipDot(u);
        if (IsPunct(v, '#')) ++v;
        id = v;
      } else if (IsPunct(u, '#')) {
        id = u + 1;
      }
      if (id != SIZE_MAX && SameLine(id) &&
          (Is(id, Kind::kNumber) || Is(id, Kind::kAlnum) ||
           (Is(id, Kind::kWord) && T(id).end - T(id).begin <= 2 && !T(id).lower)) &&
          T(id).end - T(id).begin <= 8) {
        end_tok = id;
        after = id + 1;
        m->score += 0.03;
      }
    }
    bool lowercase = !all_capital;
    if (!strong && lowercase) {
      // A lowercase everyday word as the suffix ("3 dogs run"): only with a ZIP after it.
      AddressMatch probe;
      size_t probe_next = after;
      Tail(after, true, &probe, &probe_next);
      if (probe.zip5.empty() || probe.state.empty()) return false;
    }
    m->begin = T(k).begin;
    if (shape_only) return true;
    m->end = T(end_tok).end;
    m->street = Collapse(m->begin, m->end);
    double base = strong ? (lowercase ? 0.62 : 0.72) : 0.5;
    if (numbered && name_words == 0) base -= 0.04;
    m->score += base;
    *next = after;
    Tail(after, lowercase, m, next);
    bool has_state = !m->state.empty(), has_zip = !m->zip5.empty();
    if (has_state && has_zip) {
      m->score = 0.93 + (m->city.empty() ? 0 : 0.03) + (lowercase ? 0 : 0.01);
      if (!ZipMatchesState(m->zip5, m->state)) m->score -= 0.12;
    } else if (has_state || has_zip) {
      m->score = std::max(m->score, 0.8) + (m->city.empty() ? 0 : 0.04);
    }
    m->score = std::min(m->score, 0.99);
    return true;
  }

  // ", City, ST 65201-1234" / " City ST 65201" / "\nCity, State" after a street.
  void Tail(size_t k, bool lowercase, AddressMatch* m, size_t* next) const {
    size_t j = k;
    if (IsPunct(j, ',')) ++j;
    if (Is(j, Kind::kBreak)) {
      if (T(j).newlines > 1) return;  // a blank line ends the address
      ++j;
    }
    // Up to six words with at most two commas between them.
    struct W {
      size_t tok;
      bool dot;  // a period glued after it
    };
    std::array<W, 6> words{};
    size_t nw = 0;
    int commas = 0;
    while (j < toks_.size() && nw < words.size()) {
      if (Is(j, Kind::kWord)) {
        if (!lowercase && T(j).lower) break;
        // "OR", "IN", "ME" in capitals are states, not stop words.
        bool code = T(j).upper && T(j).end - T(j).begin == 2;
        if (!code && StopWordSet().Has(Text(j))) break;
        bool dot = IsPunct(j + 1, '.') && Adjacent(j + 1);
        words[nw++] = {j, dot};
        j = dot ? j + 2 : j + 1;
        if (dot) {
          // Only abbreviations carry a period inside a place name ("St. Louis", "Mo.").
          std::string_view w = Text(words[nw - 1].tok);
          if (w.size() > 5) break;
        }
        continue;
      }
      if (IsPunct(j, ',') && nw > 0 && commas < 2) {
        ++commas;
        ++j;
        continue;
      }
      break;
    }
    // A ZIP right after the words.
    size_t zip_tok = SIZE_MAX, zip_end_tok = SIZE_MAX;
    if (Is(j, Kind::kNumber) && T(j).end - T(j).begin == 5 && nw > 0) {
      zip_tok = zip_end_tok = j;
      if (IsPunct(j + 1, '-') && Adjacent(j + 1) && Is(j + 2, Kind::kNumber) && Adjacent(j + 2) &&
          T(j + 2).end - T(j + 2).begin == 4)
        zip_end_tok = j + 2;
      // Not when more digits follow ("65201 1234 5678" is no ZIP).
      if (zip_end_tok == zip_tok && IsPunct(j + 1, '-') && Adjacent(j + 1) &&
          Is(j + 2, Kind::kNumber))
        zip_tok = zip_end_tok = SIZE_MAX;
    }
    // The state: the last 1-3 words that name one, or a code in capitals.
    for (size_t e = nw; e >= 1; --e) {
      bool zip_follows = e == nw && zip_tok != SIZE_MAX;
      for (size_t len = std::min<size_t>(3, e); len >= 1; --len) {
        size_t b = e - len;
        std::string_view first_w = Text(words[b].tok);
        size_t span_b = T(words[b].tok).begin;
        size_t span_e = T(words[e - 1].tok).end + (words[e - 1].dot ? 1 : 0);
        std::string_view span = s_.substr(span_b, span_e - span_b);
        std::string_view code = StateCodeView(span);
        if (code.empty()) continue;
        if (len == 1 && first_w.size() == 2 && !T(words[b].tok).upper && !zip_follows) continue;
        if (len == 1 && first_w.size() == 2 && T(words[b].tok).lower && !zip_follows) continue;
        // Found: the city is what comes before it.
        m->state.assign(code);
        if (b > 0) {
          size_t cb = T(words[0].tok).begin;
          size_t ce = T(words[b - 1].tok).end + (words[b - 1].dot ? 1 : 0);
          if (b <= 4) m->city = Collapse(cb, ce);
        }
        m->end = span_e;
        size_t after = words[e - 1].dot ? words[e - 1].tok + 2 : words[e - 1].tok + 1;
        if (zip_follows) {
          m->zip5 = std::string(Text(zip_tok));
          m->end = T(zip_end_tok).end;
          after = zip_end_tok + 1;
        }
        *next = after;
        return;
      }
    }
    if (zip_tok != SIZE_MAX && nw <= 4) {
      m->city = Collapse(T(words[0].tok).begin, T(words[nw - 1].tok).end);
      m->zip5 = std::string(Text(zip_tok));
      m->end = T(zip_end_tok).end;
      *next = zip_end_tok + 1;
    }
  }

  std::string_view s_;
  TokLease lease_;
  std::vector<Tok>& toks_ = *lease_;
};

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string CollapseString(std::string_view s) {
  s = TrimView(s);
  // Usually nothing to collapse: one copy.
  bool plain = true;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\t' || c == '\r' || c == '\n' || (c == ' ' && s[i + 1] == ' ')) {
      plain = false;  // (s[i + 1] exists: a trimmed s does not end in a space)
      break;
    }
  }
  if (plain) return std::string(s);
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// States whose ZIPs start with 0, for 4-digit ZIPs a spreadsheet shortened.
constexpr std::string_view kZeroZipStates = "CT MA ME NH NJ PR RI VT VI AE";

std::string NormalizeZip(std::string_view zip, std::string_view state) {
  char digits[9];
  size_t n = 0;
  for (char c : TrimView(zip)) {
    if (IsDigit(c)) {
      if (n == 9) return {};  // more than 9 digits: no ZIP (a non-digit later changes nothing)
      digits[n++] = c;
    } else if (c != '-' && c != ' ') {
      return {};
    }
  }
  if (n == 5 || n == 9) return std::string(digits, 5);
  if (n == 4 && state.size() == 2 && kZeroZipStates.find(state) != std::string_view::npos) {
    std::string out(5, '0');
    std::memcpy(out.data() + 1, digits, 4);
    return out;
  }
  return {};
}

}  // namespace

std::vector<AddressMatch> FindAddresses(std::string_view text) {
  if (text.empty() || !GetTables().status.ok()) return {};
  return AddressScanner(text).FindAll();
}

std::optional<AddressMatch> ParseAddressFields(std::string_view street, std::string_view city,
                                               std::string_view state, std::string_view zip) {
  std::string st = CollapseString(street);
  while (!st.empty() && (st.back() == '.' || st.back() == ',')) st.pop_back();
  if (st.empty() || st.size() > 200) return std::nullopt;
  AddressMatch m;
  m.state.assign(StateCodeView(state));
  m.zip5 = NormalizeZip(zip, m.state);
  m.city = CollapseString(city);
  // Street-shaped: a PO box, or a house number then a word.
  bool suffix = false, shaped = false;
  AddressScanner scanner(st);
  if (scanner.FirstMatchAtStart()) {
    shaped = suffix = true;
  } else {
    const std::vector<Tok>& toks = scanner.tokens();  // the same tokens: not tokenized twice
    size_t i = 0;
    if (!toks.empty() && (toks[0].kind == Kind::kNumber || toks[0].kind == Kind::kAlnum) &&
        toks[0].end - toks[0].begin <= 8)
      i = 1;
    else if (toks.size() >= 2 && toks[0].kind == Kind::kWord &&
             (EqualsLower(st.substr(toks[0].begin, toks[0].end - toks[0].begin), "rr") ||
              EqualsLower(st.substr(toks[0].begin, toks[0].end - toks[0].begin), "hc")))
      i = 1;  // "RR 2 Box 5", "HC 1 Box 12"
    if (i == 1) {
      for (size_t k = 1; k < toks.size(); ++k) {
        if (toks[k].kind != Kind::kWord) continue;
        shaped = true;
        if (!SuffixAbbr(st.substr(toks[k].begin, toks[k].end - toks[k].begin)).empty())
          suffix = true;
      }
    }
  }
  if (!shaped) return std::nullopt;
  m.street = std::move(st);
  double score = suffix ? 0.88 : 0.75;
  if (!m.state.empty()) score += 0.04;
  if (!m.zip5.empty()) score += 0.04;
  if (!m.state.empty() && !m.zip5.empty() && !ZipMatchesState(m.zip5, m.state)) score -= 0.1;
  m.score = std::min(score, 0.98);
  return m;
}

std::string CanonicalAddress(const AddressMatch& a) {
  // Collapsed and lowercased in one pass into one allocation.
  std::string_view st = TrimView(a.street);
  std::string out;
  out.resize(st.size() + (a.zip5.empty() ? 0 : 2 + a.zip5.size()));
  char* o = out.data();
  bool space = false;
  for (char c : st) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space) *o++ = ' ';
    space = false;
    *o++ = Lower(c);
  }
  if (!a.zip5.empty()) {
    *o++ = ',';
    *o++ = ' ';
    std::memcpy(o, a.zip5.data(), a.zip5.size());
    o += a.zip5.size();
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return out;
}

bool IsUsStateCode(std::string_view two_letters) {
  if (two_letters.size() != 2 || !IsAsciiAlpha(two_letters[0]) || !IsAsciiAlpha(two_letters[1]))
    return false;
  char key[2] = {Lower(two_letters[0]), Lower(two_letters[1])};
  std::string_view code = StateForKey(std::string_view(key, 2));
  return !code.empty() && EqualsLower(code, std::string_view(key, 2));
}

namespace {
std::string_view StateCodeView(std::string_view name_or_code) {
  std::string_view s = TrimView(name_or_code);
  if (s.empty() || s.size() > 40) return {};
  char buf[40];  // a key is never longer than its text
  std::string_view code = StateForKey(std::string_view(buf, NormalizeKeyInto(s, false, buf)));
  if (code.empty()) {
    // "N. Y." / "W. Va." written with spaces.
    size_t n = NormalizeKeyInto(s, true, buf);
    code = StateForKey(std::string_view(buf, n));
    if (code.empty()) return {};
    if (n > 4) return {};  // only abbreviations may lose their spaces
  }
  return code;
}
}  // namespace

std::string StateCodeFromName(std::string_view name_or_code) {
  return std::string(StateCodeView(name_or_code));
}

bool IsUsStateName(std::string_view name_or_code) { return !StateCodeView(name_or_code).empty(); }

bool IsStreetSuffix(std::string_view word) { return !SuffixAbbr(word).empty(); }

Status CheckAddressData() { return GetTables().status; }

}  // namespace breachscope::detect
