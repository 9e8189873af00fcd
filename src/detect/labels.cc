#include "detect/labels.h"

#include <array>
#include <bit>

#include "base/embedded_data.h"
#include "detect/packed_word.h"
#include "detect/simd_skip.h"

namespace breachscope::detect {

namespace {

struct NamedLabel {
  std::string_view name;
  Label label;
};
constexpr std::array<NamedLabel, 22> kLabelNames = {{
    {"none", Label::kNone},       {"ssn", Label::kSsn},
    {"dob", Label::kDob},         {"email", Label::kEmail},
    {"phone", Label::kPhone},     {"card", Label::kCard},
    {"account", Label::kAccount}, {"routing", Label::kRouting},
    {"dl", Label::kDriversLicense}, {"passport", Label::kPassport},
    {"mbi", Label::kMbi},         {"health", Label::kHealthId},
    {"student", Label::kStudentId}, {"diagnosis", Label::kDiagnosis},
    {"first", Label::kFirstName}, {"last", Label::kLastName},
    {"full", Label::kFullName},   {"street", Label::kStreet},
    {"city", Label::kCity},       {"state", Label::kState},
    {"zip", Label::kZip},         {"negative", Label::kNegative},
}};

Result<LabelMap> ParseTsv(std::string_view text, std::string_view what) {
  LabelMap out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos)
      return InternalError(std::string(what) + ": line " + std::to_string(line_no) + " has no tab");
    std::string_view key = line.substr(0, tab), name = line.substr(tab + 1);
    Label label = Label::kNone;
    for (const auto& nl2 : kLabelNames)
      if (nl2.name == name) label = nl2.label;
    if (label == Label::kNone)
      return InternalError(std::string(what) + ": unknown label '" + std::string(name) + "'");
    out.emplace(std::string(key), label);
  }
  return out;
}

inline bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAlnum(unsigned char c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }

// Words that may stand between a label and its value.
constexpr std::string_view kFiller[] = {
    "number", "numbers", "no", "nos", "num", "nbr", "nr", "id", "ids", "identifier", "identification",
    "is", "was", "are", "were", "as", "be", "of", "the", "a", "on", "in", "file", "security", "code", "date", "s",
    "our", "your", "his", "her", "their", "my", "card", "new", "old", "primary", "last", "full",
    "holder", "record", "records", "value", "x"};
constexpr size_t kMaxPacked = kMaxPackedWord;
static_assert([] {
  for (auto f : kFiller)
    if (f.empty() || f.size() > kMaxPacked) return false;
  return true;
}());

// True when only blanks and opening punctuation stand between a line start and the
// value: the value is the first thing on its line.
bool OnlyBlankBetween(std::string_view text, size_t from, size_t pos) {
  for (size_t k = from; k < pos; ++k) {
    char c = text[k];
    if (c != ' ' && c != '\t' && c != '\r' && c != '"' && c != '\'' && c != '(' && c != '+') return false;
  }
  return true;
}

// Words that name the holder of a document ("driver") rather than the document: they
// are a label only with their head word ("Driver's License", "driving licence"), which
// is nearer to the value and found first. Alone, "driver" is a device or program driver
// ("PR driver/93371", "Driver = 'e1000e'").
bool IsQualifierOnly(std::string_view lower) {
  return lower == "driver" || lower == "drivers" || lower == "driving";
}

// The identifier around text[i, end) when the word is joined on its left by '_' or '-'
// to another part of it (`__HP_aCC`, `LF_MEMBER_16t`, `patient_ssn`,
// `my-math-geom-student`), else an empty view.
std::string_view JoinedIdentifier(std::string_view text, size_t i, size_t end) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  auto part = [&](size_t k) { return IsAlnum(at(k)) || text[k] == '_' || text[k] == '-'; };
  if (i < 2 || (text[i - 1] != '_' && text[i - 1] != '-') || !(IsAlnum(at(i - 2)) || text[i - 2] == '_'))
    return {};
  size_t s = i, e = end;
  while (s > 0 && part(s - 1)) --s;
  while (e < text.size() && part(e)) ++e;
  return text.substr(s, e - s);
}

// "dX", "aCC": one lowercase letter before capitals is a notation or a symbol (a
// derivative, a compiler's name), not a word of prose; "memberId" is a key.
bool IsNotation(std::string_view text, size_t i, size_t end) {
  return end - i >= 2 && text[i] >= 'a' && text[i] <= 'z' && text[i + 1] >= 'A' && text[i + 1] <= 'Z';
}

// True when the word text[i, end) is part of a name in code or markup rather than a
// word of prose: after a '.' that joins it to a name or starts its line (`obj.acc`, the
// roff request `.Dl`), or inside a command-line option (`--account-id=`).
bool InsideName(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  if (i >= 1 && text[i - 1] == '.' && (i == 1 || IsAlnum(at(i - 2)) || text[i - 2] == '\n')) return true;
  // roff writes the option's hyphens as "\-\-account\-id".
  size_t s = i;
  while (s > 0 && (IsAlnum(at(s - 1)) || text[s - 1] == '-' || text[s - 1] == '_' || text[s - 1] == '\\')) --s;
  int hyphens = 0;
  for (size_t k = s; k < i && hyphens < 2; ++k) {
    if (text[k] == '\\') continue;
    if (text[k] != '-') break;
    ++hyphens;
  }
  return hyphens == 2;
}

}  // namespace

bool IsFillerWord(std::string_view lower) {
  for (auto f : kFiller)
    if (f == lower) return true;
  return false;
}

std::string_view LabelName(Label label) {
  for (const auto& nl : kLabelNames)
    if (nl.label == label) return nl.name;
  return "none";
}

std::string NormalizeHeader(std::string_view header) {
  std::string out;
  out.reserve(header.size());
  for (unsigned char c : header)
    if (IsAlnum(c)) out += static_cast<char>(c | (IsAlpha(c) ? 0x20 : 0));
  return out;
}

Result<std::shared_ptr<const LabelTable>> LabelTable::FromTsv(std::string_view header_synonyms,
                                                             std::string_view label_words) {
  auto headers = ParseTsv(header_synonyms, "header_synonyms.tsv");
  if (!headers.ok()) return headers.status();
  auto words = ParseTsv(label_words, "label_words.tsv");
  if (!words.ok()) return words.status();
  auto t = std::make_shared<LabelTable>();
  t->headers_ = std::move(*headers);
  t->words_ = std::move(*words);
  for (const auto& [w, l] : t->words_) {
    t->max_word_ = std::max(t->max_word_, w.size());
    if (w.empty() || w.size() >= t->first_letters_.size() || w[0] < 'a' || w[0] > 'z')
      t->first_letter_filter_ = false;
    else
      t->first_letters_[w.size()] |= 1u << (w[0] - 'a');
  }
  // At most half full: a miss (most words) ends at an empty slot after a probe or two.
  size_t keys = t->words_.size() + std::size(kFiller);
  size_t size = std::bit_ceil(std::max<size_t>(16, 2 * keys));
  t->slots_.assign(size, WordSlot{});
  t->slot_shift_ = 64 - std::countr_zero(size);
  for (const auto& [w, l] : t->words_)
    if (!w.empty() && w.size() <= kMaxPacked) t->AddSlot(w, l, false);
  for (auto f : kFiller) t->AddSlot(f, Label::kNone, true);
  return std::shared_ptr<const LabelTable>(std::move(t));
}

Result<std::shared_ptr<const LabelTable>> LabelTable::LoadEmbedded() {
  std::string_view h = EmbeddedFile("header_synonyms.tsv");
  std::string_view w = EmbeddedFile("label_words.tsv");
  if (h.empty() || w.empty()) return InternalError("label data missing from the build (data/*.tsv)");
  return FromTsv(h, w);
}

void LabelTable::AddSlot(std::string_view word, Label label, bool filler) {
  const PackedWord k = PackWord(word.data(), word.size());
  const size_t mask = slots_.size() - 1;
  for (size_t i = HashPacked(k, word.size()) >> slot_shift_;; i = (i + 1) & mask) {
    WordSlot& s = slots_[i];
    if (s.n == 0) {
      s.a = k.a;
      s.b = k.b;
      s.n = static_cast<uint8_t>(word.size());
      s.label = label;
      s.filler = filler;
      return;
    }
    if (s.n == word.size() && s.a == k.a && s.b == k.b) {  // a label word that is also a filler
      s.filler = s.filler || filler;
      return;
    }
  }
}

// Inline in NearestLabel(), which probes every word it passes.
__attribute__((always_inline)) inline const LabelTable::WordSlot* LabelTable::FindSlot(std::string_view word,
                                                                                      bool fold) const {
  const size_t n = word.size();
  const PackedWord k = fold ? PackLetters(word.data(), n) : PackWord(word.data(), n);
  const size_t mask = slots_.size() - 1;
  for (size_t i = HashPacked(k, n) >> slot_shift_;; i = (i + 1) & mask) {
    const WordSlot& s = slots_[i];
    if (s.n == 0) return nullptr;
    if (s.n == n && s.a == k.a && s.b == k.b) return &s;
  }
}

Label LabelTable::ForWord(std::string_view lower_word) const {
  if (lower_word.size() > max_word_) return Label::kNone;
  if (first_letter_filter_ && !lower_word.empty() && lower_word.size() < first_letters_.size()) {
    char c = lower_word[0];
    if (c < 'a' || c > 'z' || !(first_letters_[lower_word.size()] >> (c - 'a') & 1u)) return Label::kNone;
  }
  if (!lower_word.empty() && lower_word.size() <= kMaxPacked) {
    const WordSlot* s = FindSlot(lower_word, /*fold=*/false);
    return s ? s->label : Label::kNone;
  }
  auto it = words_.find(lower_word);
  return it == words_.end() ? Label::kNone : it->second;
}

LabelTable::WordInfo LabelTable::Lookup(std::string_view lower_word) const {
  if (!lower_word.empty() && lower_word.size() <= kMaxPacked) {
    const WordSlot* s = FindSlot(lower_word, /*fold=*/false);
    return s ? WordInfo{s->label, s->filler} : WordInfo{};
  }
  // No filler word is this long (kMaxPacked holds them all).
  return WordInfo{ForWord(lower_word), false};
}

Label LabelTable::ForHeader(std::string_view header) const {
  std::string norm = NormalizeHeader(header);
  if (norm.empty()) return Label::kNone;
  if (auto it = headers_.find(norm); it != headers_.end()) return it->second;
  // "Patient SSN", "emp_dob": the last word of the header that is a label word.
  Label found = Label::kNone;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) {
      // "employee_id" is not a name column: inside a longer header only the word "name"
      // itself says the column holds a name.
      if (auto it = headers_.find(word); it != headers_.end() && it->second != Label::kNone &&
          (it->second != Label::kFullName || word == "name"))
        found = it->second;
      word.clear();
    }
  };
  for (unsigned char c : header) {
    if (IsAlnum(c)) word += static_cast<char>(IsAlpha(c) ? (c | 0x20) : c);
    else flush();
  }
  flush();
  return found;
}

Label LabelTable::NearestLabel(std::string_view text, size_t pos, size_t floor, size_t max_back,
                               size_t* distance) const {
  if (pos > text.size()) pos = text.size();
  size_t lo = pos > max_back ? pos - max_back : 0;
  if (lo < floor) lo = floor;
  bool crossed_line = false;
  int skipped = 0;
  char word[24];
  size_t i = pos;
  while (i > lo) {
    unsigned char c = static_cast<unsigned char>(text[i - 1]);
    if (c == '\n') {
      // A label ends the previous line only when the value starts this one ("SSN:\n123...").
      if (crossed_line || !OnlyBlankBetween(text, i, pos)) break;
      crossed_line = true;
    }
    if (!IsAlpha(c)) {
      // On the previous line, a label must end it: a value after it is that label's own.
      if (crossed_line && c >= '0' && c <= '9') break;
      --i;
      // A longer gap (the other cells of a row of figures, markup) in one SIMD skip to
      // the next letter or line break.
      if (!crossed_line && i > lo) {
        unsigned char d = static_cast<unsigned char>(text[i - 1]);
        if (!IsAlpha(d) && d != '\n')
          i = static_cast<size_t>(PrevLetterOrNewline(text.data() + lo, text.data() + i) - text.data());
      }
      continue;
    }
    size_t end = i;
    while (i > lo && IsAlpha(static_cast<unsigned char>(text[i - 1]))) --i;
    // A word cut by the window edge is not a word.
    if (i == lo && lo > floor && IsAlpha(static_cast<unsigned char>(text[lo - 1]))) break;
    size_t n = end - i;
    // Letters glued to digits ("E11", "A1234567") belong to a value in a list, not a word.
    if ((end < text.size() && text[end] >= '0' && text[end] <= '9') ||
        (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9'))
      continue;
    Label l = Label::kNone;
    // A word longer than every label word is not looked up, so it is no filler either
    // (not even "identification" when the label words are shorter).
    bool filler = false;
    if (n <= max_word_ && n <= sizeof word) {
      WordInfo w;
      if (n >= 1 && n <= kMaxPacked) {
        // Probed straight from the text, case folded in the packed key.
        if (const WordSlot* s = FindSlot(std::string_view(text.data() + i, n), /*fold=*/true)) w = WordInfo{s->label, s->filler};
        if (w.label != Label::kNone)
          for (size_t k = 0; k < n; ++k) word[k] = static_cast<char>(text[i + k] | 0x20);
      } else {
        for (size_t k = 0; k < n; ++k) word[k] = static_cast<char>(text[i + k] | 0x20);
        w = Lookup(std::string_view(word, n));
      }
      l = w.label;
      filler = w.filler;
    }
    if (l != Label::kNone &&
        (IsQualifierOnly(std::string_view(word, n)) || InsideName(text, i) || IsNotation(text, i, end)))
      l = Label::kNone;
    // Inside an identifier the word is a label only when the identifier reads as a
    // column name of that label (`patient_ssn=`, `EMP_DOB:`, `member_id=`), not when it
    // names something else (`__HP_aCC`, `LF_MEMBER`, `AVTAB_MEMBER`, `max_acc`).
    if (l != Label::kNone) {
      std::string_view ident = JoinedIdentifier(text, i, end);
      if (!ident.empty() && ForHeader(ident) != l) l = Label::kNone;
    }
    // Across a line break the label must head the value: followed by ':' / '#' / '=' on
    // its line, or its line holds nothing but the label ("Social Security Number").
    // The last word of a sentence or a bug title ("... Google online account") is not.
    if (l != Label::kNone && crossed_line && !HeadsNextLine(text, i, end)) return Label::kNone;
    if (l != Label::kNone) {
      if (distance) *distance = pos - end;
      return l;
    }
    if (crossed_line) break;  // only the last word of the previous line counts
    // Between a label and its value stand only filler words ("Social Security Number
    // is"); any other word ("created_at", "paid on") ends the search.
    // A bracketed two-letter code ("Driver's License (MO): ...") qualifies the label.
    bool bracketed_code = n == 2 && i > 0 && text[i - 1] == '(' && end < text.size() && text[end] == ')';
    if ((!bracketed_code && !filler) || ++skipped > 4) break;
  }
  return Label::kNone;
}

bool LabelTable::HeadsNextLine(std::string_view text, size_t i, size_t end) const {
  for (size_t k = end; k < text.size() && text[k] != '\n'; ++k)
    if (text[k] == ':' || text[k] == '#' || text[k] == '=') return true;
  size_t k = i;
  char word[24];
  while (k > 0 && text[k - 1] != '\n') {
    if (!IsAlpha(static_cast<unsigned char>(text[k - 1]))) {
      --k;
      continue;
    }
    size_t we = k;
    while (k > 0 && IsAlpha(static_cast<unsigned char>(text[k - 1]))) --k;
    size_t n = we - k;
    if (n > sizeof word) return false;
    for (size_t c = 0; c < n; ++c) word[c] = static_cast<char>(text[k + c] | 0x20);
    WordInfo info = Lookup(std::string_view(word, n));
    if (!info.filler && info.label == Label::kNone) return false;
  }
  return true;
}

bool LabelTable::WordLabelIn(std::string_view text, size_t from, size_t to, Label label) const {
  to = std::min(to, text.size());
  char word[24];
  size_t i = from;
  while (i < to) {
    if (!IsAlpha(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < to && IsAlpha(static_cast<unsigned char>(text[i]))) ++i;
    size_t n = i - start;
    if (n > max_word_ || n > sizeof word) continue;
    for (size_t k = 0; k < n; ++k) word[k] = static_cast<char>(text[start + k] | 0x20);
    if (ForWord(std::string_view(word, n)) == label) return true;
  }
  return false;
}

}  // namespace breachscope::detect
