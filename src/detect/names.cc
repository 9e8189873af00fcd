#include "detect/names.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "detect/addresses.h"
#include "detect/lease.h"

namespace breachscope::detect {

namespace {

// ---------------------------------------------------------------------------
// UTF-8 helpers

struct CodePoint {
  uint32_t cp = 0;
  size_t len = 1;
};

CodePoint Decode(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if ((c & 0xE0) == 0xC0 && cont(1))
    return {((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu), 2};
  if ((c & 0xF0) == 0xE0 && cont(1) && cont(2))
    return {((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(s[i + 2]) & 0x3Fu),
            3};
  if ((c & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3))
    return {((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(s[i + 3]) & 0x3Fu),
            4};
  return {0xFFFD, 1};  // invalid byte: not a letter
}

bool IsCombining(uint32_t cp) { return cp >= 0x300 && cp <= 0x36F; }

bool IsLetter(uint32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0xC0 && cp < 0x2000) return !IsCombining(cp);
  return (cp >= 0x3040 && cp < 0xD800) || (cp >= 0xF900 && cp < 0xFB00);
}

bool IsApostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2BC; }

// Upper/lower for the scripts we fold; other letters count as neither.
bool IsUpper(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x100 && cp <= 0x17F) {
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp % 2 == 1;
    if (cp == 0x178) return true;
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F) return false;
    return cp % 2 == 0;
  }
  if (cp >= 0x391 && cp <= 0x3AB) return true;  // Greek
  if (cp >= 0x400 && cp <= 0x42F) return true;  // Cyrillic
  return false;
}

bool IsLower(uint32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  if (cp >= 0xDF && cp <= 0xFF) return cp != 0xF7;
  if (cp >= 0x100 && cp <= 0x17F) return !IsUpper(cp);
  if (cp >= 0x3AC && cp <= 0x3CE) return true;
  if (cp >= 0x430 && cp <= 0x45F) return true;
  return false;
}

bool IsSpaceLike(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (AsciiLower(word[i]) != lower[i]) return false;
  return true;
}

template <size_t N>
bool InList(std::string_view word, const std::string_view (&list)[N]) {
  for (std::string_view w : list)
    if (EqualsLower(word, w)) return true;
  return false;
}

constexpr std::string_view kTitles[] = {"mr",   "mrs",       "ms",  "miss",     "mx",  "dr",
                                        "prof", "professor", "rev", "reverend", "fr",  "hon",
                                        "sgt",  "capt",      "lt",  "col",      "maj", "cpl",
                                        "pvt",  "sister",    "mme", "mlle",     "sra", "sr.a"};
constexpr std::string_view kSuffixes[] = {"jr",  "sr",  "ii", "iii", "iv",  "md",  "phd", "dds",
                                          "dmd", "dvm", "rn", "lpn", "esq", "cpa", "jd",  "mba"};
constexpr std::string_view kParticles[] = {"van", "von", "de", "da", "di",  "del", "della",  "der",
                                           "den", "du",  "la", "le", "dos", "das", "st",     "ste",
                                           "bin", "ibn", "al", "el", "ter", "ten", "vander", "mac"};
// "St. Louis", "Mt. Vernon", "Ft. Worth": places, not people.
constexpr std::string_view kPlaceAbbreviations[] = {"st", "ste", "mt", "ft", "pt"};
// Words just before a name that say a name follows.
constexpr std::string_view kNameLabels[] = {
    "name",     "dear",    "attn",        "patient",  "employee", "student",
    "member",   "insured", "subscriber",  "customer", "client",   "applicant",
    "educator", "teacher", "beneficiary", "guardian", "parent",   "spouse",
    "contact",  "signed",  "by",          "from",     "to",       "cc"};
// Labels that, followed by ':' (or in markup), introduce a value that is a person's name.
constexpr std::string_view kStrongNameLabels[] = {
    "name",     "names",     "patient",     "member",   "employee",
    "student",  "insured",   "subscriber",  "educator", "client",
    "customer", "applicant", "beneficiary", "guardian", "claimant"};
// Placeholders in name columns.
constexpr std::string_view kPlaceholders[] = {"unknown",  "none",     "null", "na",   "nil",
                                              "test",     "tbd",      "xxx",  "anon", "anonymous",
                                              "redacted", "withheld", "void", "n"};

// ---------------------------------------------------------------------------
// Tokens

enum class Gap : uint8_t { kNone = 0, kSpace = 1, kComma = 2, kBreak = 3 };
enum class Shape : uint8_t { kCap, kUpper, kLower, kOther };

struct Token {
  size_t begin = 0, end = 0;  // the word, without a trailing period
  bool number = false;
  Shape shape = Shape::kOther;
  int letters = 0;
  bool dot_after = false;
  Gap gap_before = Gap::kBreak;  // separator between the previous token and this one
  bool sentence_start = false;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  // Fills `out` (cleared first; its capacity is reused).
  void Run(std::vector<Token>& out) {
    out.clear();
    out.reserve(text_.size() / 5 + 4);
    Gap pending = Gap::kBreak;
    bool sentence = true;
    size_t i = 0;
    const size_t n = text_.size();
    auto raise = [&](Gap g) {
      if (static_cast<int>(g) > static_cast<int>(pending)) pending = g;
    };
    while (i < n) {
      char c = text_[i];
      // The two usual bytes first, with what the general path below makes of them.
      if (c == ' ') {
        raise(Gap::kSpace);
        ++i;
        continue;
      }
      if (static_cast<unsigned>((c | 0x20) - 'a') < 26u) {
        Token t = ScanWordImpl(i);
        t.gap_before = pending == Gap::kNone && !out.empty() ? Gap::kBreak : pending;
        t.sentence_start = sentence;
        out.push_back(t);
        pending = Gap::kNone;
        sentence = false;
        i = t.end;
        continue;
      }
      if (c == '<') {
        size_t gt = text_.find('>', i + 1);
        if (gt != std::string_view::npos && gt - i <= 512 && gt > i + 1 &&
            (IsLetterAt(i + 1) || text_[i + 1] == '/' || text_[i + 1] == '!')) {
          i = gt + 1;
        } else {
          ++i;
        }
        raise(Gap::kBreak);
        continue;
      }
      if (c == '&') {
        size_t j = i + 1;
        while (j < n && j - i <= 10 && (IsAsciiAlnum(text_[j]) || text_[j] == '#')) ++j;
        if (j < n && text_[j] == ';' && j > i + 1) {
          // &nbsp; &#160; read as a space; any other entity as punctuation.
          std::string_view ent = text_.substr(i + 1, j - i - 1);
          raise(ent == "nbsp" || ent == "#160" || ent == "#xA0" || ent == "#32" ? Gap::kSpace
                                                                                : Gap::kBreak);
          i = j + 1;
        } else {
          raise(Gap::kBreak);
          ++i;
        }
        continue;
      }
      if (c == '\n' || c == '\f' || c == '\v') {
        raise(Gap::kBreak);
        ++i;
        continue;
      }
      if (c == ',') {
        raise(Gap::kComma);
        ++i;
        continue;
      }
      if (c == '.') {
        bool attached = !out.empty() && out.back().end == i && !out.back().number;
        if (attached) out.back().dot_after = true;
        bool abbreviation = attached && IsAbbreviation(out.back());
        bool ellipsis = i + 1 < n && text_[i + 1] == '.';
        if (!abbreviation || ellipsis) {
          raise(Gap::kBreak);
          sentence = true;
        } else {
          raise(Gap::kSpace);
        }
        ++i;
        continue;
      }
      if (c == '!' || c == '?') {
        raise(Gap::kBreak);
        sentence = true;
        ++i;
        continue;
      }
      if (IsAsciiDigit(c)) {
        size_t j = i + 1;
        while (j < n &&
               (IsAsciiDigit(text_[j]) || ((text_[j] == '-' || text_[j] == '/' || text_[j] == '.' ||
                                            text_[j] == ',' || text_[j] == ':') &&
                                           j + 1 < n && IsAsciiDigit(text_[j + 1]))))
          ++j;
        // "5th", "3rd": an ordinal is one number token.
        while (j < n && IsAsciiAlnum(text_[j])) ++j;
        Token t;
        t.begin = i;
        t.end = j;
        t.number = true;
        t.gap_before = pending == Gap::kNone && !out.empty() ? Gap::kBreak : pending;
        out.push_back(t);
        pending = Gap::kNone;
        sentence = false;
        i = j;
        continue;
      }
      CodePoint cp = Decode(text_, i);
      if (IsLetter(cp.cp)) {
        Token t = ScanWord(i);
        t.gap_before = pending == Gap::kNone && !out.empty() ? Gap::kBreak : pending;
        t.sentence_start = sentence;
        out.push_back(t);
        pending = Gap::kNone;
        sentence = false;
        i = t.end;
        continue;
      }
      raise(IsSpaceLike(cp.cp) ? Gap::kSpace : Gap::kBreak);
      i += cp.len;
    }
  }

  // The word starting with the letter at i (also used alone for a one-word field).
  Token ScanWord(size_t i) const;

 private:
  static bool IsAsciiAlnum(char c) {
    return IsAsciiDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  }
  bool IsLetterAt(size_t i) const { return i < text_.size() && IsLetter(Decode(text_, i).cp); }

  // A period after these does not end a sentence.
  bool IsAbbreviation(const Token& t) const {
    std::string_view w = text_.substr(t.begin, t.end - t.begin);
    if (t.letters == 1) return true;  // an initial
    return InList(w, kTitles) || InList(w, kSuffixes) || EqualsLower(w, "st") ||
           EqualsLower(w, "ft") || EqualsLower(w, "mt") || EqualsLower(w, "ste");
  }

  Token ScanWordImpl(size_t i) const {
    Token t;
    t.begin = i;
    bool any_upper = false, any_lower = false, first_upper = false;
    size_t j = i;
    const size_t n = text_.size();
    while (j < n) {
      const unsigned char b = static_cast<unsigned char>(text_[j]);
      if (b < 0x80) {
        // ASCII, the usual byte, without decoding: the same rules as below.
        if (static_cast<unsigned>((b | 0x20) - 'a') < 26u) {
          const bool up = b <= 'Z';
          if (t.letters == 0) first_upper = up;
          any_upper |= up;
          any_lower |= !up;
          ++t.letters;
          ++j;
          continue;
        }
        if ((b == '\'' || b == '-') && IsLetterAt(j + 1)) {
          ++j;
          continue;
        }
        break;
      }
      CodePoint cp = Decode(text_, j);
      if (IsLetter(cp.cp)) {
        if (t.letters == 0) first_upper = IsUpper(cp.cp);
        any_upper |= IsUpper(cp.cp);
        any_lower |= IsLower(cp.cp);
        ++t.letters;
        j += cp.len;
        continue;
      }
      if (IsCombining(cp.cp)) {
        j += cp.len;
        continue;
      }
      // An apostrophe or hyphen between letters stays in the word (O'Brien, Smith-Jones).
      if ((IsApostrophe(cp.cp) || cp.cp == '-') && IsLetterAt(j + cp.len)) {
        j += cp.len;
        continue;
      }
      break;
    }
    t.end = j;
    if (first_upper && !any_lower) {
      t.shape = Shape::kUpper;
    } else if (first_upper) {
      t.shape = Shape::kCap;
    } else if (any_lower && !any_upper) {
      t.shape = Shape::kLower;
    } else {
      t.shape = Shape::kOther;  // "dELETE", scripts without case
    }
    return t;
  }

  std::string_view text_;
};

Token Tokenizer::ScanWord(size_t i) const { return ScanWordImpl(i); }

// ---------------------------------------------------------------------------
// Shared name logic

class NameScanner {
 public:
  NameScanner(std::string_view text, const NameLexicon& lex) : text_(text), lex_(lex) {
    Tokenizer(text).Run(toks_);
    facts_.assign(toks_.size(), Facts{});
  }

  std::vector<NameMatch> FindAll() {
    std::vector<NameMatch> cands;
    for (size_t i = 0; i < toks_.size(); ++i) {
      Forward(i, &cands);
      Comma(i, &cands);
    }
    // Best first; then longer; then earlier. Keep those that do not overlap.
    std::sort(cands.begin(), cands.end(), [](const NameMatch& a, const NameMatch& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
      return a.begin < b.begin;
    });
    std::vector<NameMatch> out;
    for (auto& c : cands) {
      if (c.score < kMinWindowNameScore) continue;
      bool overlaps = false;
      for (const auto& o : out)
        if (c.begin < o.end && o.begin < c.end) overlaps = true;
      if (!overlaps) out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(),
              [](const NameMatch& a, const NameMatch& b) { return a.begin < b.begin; });
    return out;
  }

 private:
  std::string_view Word(size_t k) const {
    return text_.substr(toks_[k].begin, toks_[k].end - toks_[k].begin);
  }
  const Token& T(size_t k) const { return toks_[k]; }
  bool IsCapped(size_t k) const {
    return !T(k).number && (T(k).shape == Shape::kCap || T(k).shape == Shape::kUpper);
  }
  bool IsInitial(size_t k) const { return !T(k).number && T(k).letters == 1 && IsCapped(k); }
  bool IsTitle(size_t k) const { return !T(k).number && InList(Word(k), kTitles); }
  bool IsSuffix(size_t k) const { return !T(k).number && InList(Word(k), kSuffixes); }
  bool IsParticle(size_t k) const { return !T(k).number && InList(Word(k), kParticles); }

  // Per-token lexicon facts, looked up once on first use.
  struct Facts {
    enum : uint8_t {
      kHard = 1,
      kSoft = 2,
      kState = 4,
      kStreet = 8,
      kFirstRank = 16,  // fr known
      kLastRank = 32,   // lr known (many words are never read as a last name)
      kNameWord = 64,   // IsNameWord(), asked many times per token
    };
    uint8_t known = 0, value = 0;
    uint32_t fr = 0, lr = 0;
  };
  bool Fact(size_t k, uint8_t bit) const {
    Facts& f = facts_[k];
    if (!(f.known & bit)) {
      bool v = false;
      std::string_view w = Word(k);
      switch (bit) {
        case Facts::kHard:
          v = lex_.IsNonNameWord(w);
          break;
        case Facts::kSoft:
          v = lex_.IsCommonWord(w) && !Fact(k, Facts::kHard);
          break;
        case Facts::kState:
          v = T(k).letters == 2 ? T(k).shape == Shape::kUpper && IsUsStateCode(w)
                                : IsUsStateName(w);
          break;
        case Facts::kStreet:
          v = IsStreetSuffix(w);
          break;
        default:
          break;
      }
      f.known |= bit;
      if (v) f.value |= bit;
    }
    return f.value & bit;
  }
  uint32_t FR(size_t k) const {
    Facts& f = facts_[k];
    if (!(f.known & Facts::kFirstRank)) {
      f.fr = lex_.FirstNameRank(Word(k));
      f.known |= Facts::kFirstRank;
    }
    return f.fr;
  }
  uint32_t LR(size_t k) const {
    Facts& f = facts_[k];
    if (!(f.known & Facts::kLastRank)) {
      f.lr = lex_.LastNameRank(Word(k));
      f.known |= Facts::kLastRank;
    }
    return f.lr;
  }
  bool IsHard(size_t k) const { return Fact(k, Facts::kHard); }
  bool IsSoft(size_t k) const { return Fact(k, Facts::kSoft); }
  bool IsStateName(size_t k) const { return Fact(k, Facts::kState); }
  // A word that can be a first, middle or last name token.
  bool IsNameWord(size_t k) const {
    Facts& f = facts_[k];
    if (!(f.known & Facts::kNameWord)) {
      if (IsCapped(k) && T(k).letters >= 2 && !IsHard(k) && !IsTitle(k) && !IsSuffix(k) &&
          !InList(Word(k), kPlaceAbbreviations))
        f.value |= Facts::kNameWord;
      f.known |= Facts::kNameWord;
    }
    return f.value & Facts::kNameWord;
  }
  // A capitalised word that continues a run of name-like words.
  bool ContinuesRun(size_t k) const { return IsNameWord(k) && !IsStreetSuffixTok(k); }
  bool IsStreetSuffixTok(size_t k) const {
    return IsCapped(k) && T(k).letters >= 2 && Fact(k, Facts::kStreet);
  }

  // Label just before token k ("Name: Dana", "<th>Name</th><td>Dana", "Dear Dana").
  bool LabelBefore(size_t k) const {
    if (k == 0) return false;
    size_t p = k - 1;
    if (T(k).begin - T(p).end > 16 || T(p).number) return false;
    return InList(Word(p), kNameLabels);
  }

  // "Name:" / "name": " / "<th>Name</th><td>" / "Patient:" just before token k: a value
  // that is a name even when neither part is on the lists.
  bool StrongLabelBefore(size_t k) const {
    if (k == 0) return false;
    size_t p = k - 1;
    if (T(p).number || T(k).begin - T(p).end > 24) return false;
    if (!InList(Word(p), kStrongNameLabels)) return false;
    std::string_view gap = text_.substr(T(p).end, T(k).begin - T(p).end);
    return gap.find_first_of(":=\">") != std::string_view::npos;
  }

  // Neither part is on the lists in its role, but one is a census name in the other role
  // and one is written with accents: "François Brontë", "Søren Çelik" (the 1990 lists hold
  // few non-English given names; English headings carry no accents).
  bool ForeignPair(size_t first, size_t last) const {
    auto accented = [&](size_t k) {
      for (size_t b = T(k).begin; b < T(k).end; ++b)
        if (static_cast<unsigned char>(text_[b]) >= 0xC3 &&
            static_cast<unsigned char>(text_[b]) <= 0xC5)
          return true;  // a Latin-1 Supplement or Latin Extended-A letter
      return false;
    };
    return (accented(first) || accented(last)) && (LR(first) || FR(last)) && !IsSoft(first) &&
           !IsSoft(last);
  }

  // Copies text[b, e) with runs of whitespace collapsed to one space.
  std::string Collapse(size_t b, size_t e) const {
    std::string out;
    out.reserve(e - b);
    bool space = false;
    for (size_t i = b; i < e; ++i) {
      char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  // Span end after an optional suffix following token `last` ("Whitfield, Jr.").
  size_t EndWithSuffix(size_t last) const {
    size_t k = last + 1;
    if (k < toks_.size() && static_cast<int>(T(k).gap_before) <= static_cast<int>(Gap::kComma) &&
        IsSuffix(k) && T(k).shape != Shape::kLower)
      return T(k).end + (T(k).dot_after ? 1 : 0);
    return T(last).end;
  }

  // Common penalties and vetoes for a first/last pair; returns false to reject.
  bool Judge(size_t first, size_t last_begin, size_t last, double* score, bool forward) const {
    bool soft_first = IsSoft(first), soft_last = IsSoft(last);
    if (soft_first && soft_last) return false;
    // A state name is no name ("Kansas City", "Columbia, Missouri"); Virginia the person
    // is a first name and keeps her place in the first position.
    // (Washington the surname is common enough to keep.)
    if (IsStateName(last) && !(T(last).letters > 2 && LR(last) && LR(last) <= 3000)) return false;
    if (IsStateName(first) && (FR(first) == 0 || !forward)) return false;
    // After a house number (and a directional: "4381 E Hickory"), a pair not both on the
    // lists is part of a street ("88 Lake View").
    size_t lead = forward ? first : last_begin;
    if (lead > 0 && T(lead).gap_before == Gap::kSpace && T(lead - 1).letters == 1 &&
        !T(lead - 1).number)
      --lead;
    if (lead > 0 && T(lead - 1).number && T(lead).gap_before == Gap::kSpace &&
        (!(FR(first) && LR(last)) || IsStreetSuffixTok(last)))
      return false;
    // A street suffix as the last name, unless a common surname ("Lane", "Hill"):
    // "Hickory Circle", "Cherry Ave", "Jefferson Blvd".
    if (IsStreetSuffixTok(last) && !(LR(last) && LR(last) <= 3000)) return false;
    // Capitalised words running into a street suffix: a street name
    // ("Martin Luther King Drive", "1207 Elm Street", "Lake View Dr").
    size_t tail = forward ? last : first;
    for (size_t k = tail + 1; k < toks_.size() && k <= tail + 3; ++k) {
      if (T(k).gap_before != Gap::kSpace) break;
      if (IsStreetSuffixTok(k) && !IsSuffix(k)) return false;
      if (!ContinuesRun(k)) break;
    }
    bool all_caps = T(first).shape == Shape::kUpper && T(last).shape == Shape::kUpper;
    if (soft_first) {
      // Capitalised only because it starts the sentence: "Will Johnson be there?"
      if (forward && T(first).sentence_start) return false;
      *score -= all_caps ? 0.25 : 0.2;
    }
    if (soft_last) *score -= all_caps ? 0.25 : 0.2;
    if (all_caps) *score -= 0.03;
    return true;
  }

  void Emit(size_t b, size_t e, size_t first, size_t last_begin, size_t last, double score,
            std::vector<NameMatch>* out) const {
    NameMatch m;
    m.begin = b;
    m.end = e;
    m.first = std::string(Word(first));
    m.last = Collapse(T(last_begin).begin, T(last).end);
    m.score = std::clamp(score, 0.0, 0.99);
    out->push_back(std::move(m));
  }

  // "First [Middle|M.]{0,2} [particles] Last [Suffix]", optionally after a title.
  void Forward(size_t i, std::vector<NameMatch>* out) const {
    if (!IsNameWord(i)) return;
    bool title = i > 0 && IsTitle(i - 1) && T(i).gap_before == Gap::kSpace &&
                 T(i - 1).shape != Shape::kLower;
    size_t before = title ? i - 1 : i;
    bool run_before = !title && i > 0 && T(i).gap_before == Gap::kSpace && ContinuesRun(i - 1) &&
                      !IsParticle(i - 1);
    uint32_t fr = FR(i);
    int middles = 0;
    double middle_bonus = 0;
    for (size_t j = i + 1; j < toks_.size() && j <= i + 5; ++j) {
      if (T(j).gap_before != Gap::kSpace || T(j).number) break;
      if (IsInitial(j)) {
        ++middles;
        middle_bonus += 0.02;
        if (middles > 3) break;
        continue;
      }
      if (IsParticle(j) && j + 1 < toks_.size() && T(j + 1).gap_before == Gap::kSpace) continue;
      if (!IsNameWord(j)) break;
      // Token j as the last name; particles just before it join it.
      size_t lb = j;
      while (lb - 1 > i && IsParticle(lb - 1)) --lb;
      bool ok = true;
      for (size_t k = i + 1; k < lb; ++k)
        if (!IsInitial(k) && !IsNameWord(k)) ok = false;  // a stray lowercase particle
      if (ok) {
        std::string joined;
        uint32_t lr = 0;
        if (lb < j) {
          for (size_t k = lb; k <= j; ++k) joined.append(Word(k));
          lr = lex_.LastNameRank(joined);
        }
        if (lr == 0) lr = LR(j);
        double score;
        if (fr && lr)
          score = 0.88;
        else if (fr)
          score = 0.62;
        else if (lr)
          score = 0.52;
        else if (title || StrongLabelBefore(before) || ForeignPair(i, j))
          score = 0.5;
        else
          score = -1;
        if (score > 0) {
          if (fr && fr <= 500) score += 0.04;
          if (lr && lr <= 10000) score += 0.03;
          score += std::min(middle_bonus, 0.04);
          if (title) score += 0.08;
          if (LabelBefore(before)) score += 0.05;
          if (run_before) score -= 0.1;
          // "Smith John": a surname then a common given name, in the wrong order.
          if (!fr && lr && FR(j) && FR(j) <= 1000) score -= 0.1;
          // One list only, right after a capitalised non-name word: a title-case
          // phrase ("New York Times", "United Way") more likely than a person.
          if (!(fr && lr) && !title && i > 0 && T(i).gap_before == Gap::kSpace && IsCapped(i - 1) &&
              IsHard(i - 1) && !LabelBefore(i))
            score -= 0.1;
          bool run_after =
              j + 1 < toks_.size() && T(j + 1).gap_before == Gap::kSpace && ContinuesRun(j + 1);
          if (run_after) score -= 0.1;
          if (Judge(i, lb, j, &score, /*forward=*/true))
            Emit(T(i).begin, EndWithSuffix(j), i, lb, j, score, out);
        }
      }
      // Token j as a middle name.
      ++middles;
      if (middles > 2) break;
      uint32_t mr = FR(j);
      middle_bonus += mr ? 0.02 : -0.05;
    }
  }

  // "Last, First [Middle|M.]" (also with particles: "De La Cruz, Maria").
  void Comma(size_t i, std::vector<NameMatch>* out) const {
    size_t f = i + 1;
    if (f >= toks_.size() || T(f).gap_before != Gap::kComma) return;
    if (!IsNameWord(i) || !IsNameWord(f) || IsStreetSuffixTok(f)) return;
    uint32_t fr = FR(f);
    size_t lb = i;
    while (lb > 0 && T(lb).gap_before == Gap::kSpace && IsParticle(lb - 1)) --lb;
    // The first name is what makes "X, Y" a name, unless a label says so ("Name: Ødegaard, Søren").
    bool labelled = StrongLabelBefore(lb);
    if (fr == 0 && !labelled) return;
    std::string joined;
    uint32_t lr = 0;
    if (lb < i) {
      for (size_t k = lb; k <= i; ++k) joined.append(Word(k));
      lr = lex_.LastNameRank(joined);
    }
    if (lr == 0) lr = LR(i);
    double score = fr ? (lr ? 0.85 : 0.58) : (lr ? 0.6 : 0.5);
    if (fr && fr <= 500) score += 0.04;
    if (lr && lr <= 10000) score += 0.03;
    // An optional middle name or initial.
    size_t end_tok = f;
    if (f + 1 < toks_.size() && T(f + 1).gap_before == Gap::kSpace &&
        (IsInitial(f + 1) || (IsNameWord(f + 1) && FR(f + 1) && !IsStreetSuffixTok(f + 1)))) {
      end_tok = f + 1;
      score += 0.02;
    }
    // "4385 Orchard Way, Raleigh, NC": a street, then a city.
    if (lb > 0 && T(lb).gap_before == Gap::kSpace && IsCapped(lb - 1) && IsStreetSuffixTok(i))
      return;
    if (lb > 0 && T(lb).gap_before == Gap::kSpace && ContinuesRun(lb - 1)) score -= 0.15;
    if (end_tok + 1 < toks_.size() && T(end_tok + 1).gap_before == Gap::kSpace &&
        ContinuesRun(end_tok + 1))
      score -= 0.15;
    if (LabelBefore(lb)) score += 0.05;
    // "Nicole,Allen" (a CSV row: first, last) reads better forwards than as "Last, First":
    // compare the two readings by census rank (likelihood ~ 1 / rank).
    if (lb == i && FR(i) && LR(f)) {
      double as_written = LR(i) ? 1.0 / LR(i) / fr : 0;  // i the last name, f the first
      double forwards = 1.0 / FR(i) / LR(f);
      if (forwards > 20 * as_written) return;
      // Without a space after the comma it is a machine-written row; when both readings
      // are plausible, no order can be trusted.
      if (text_[T(f).begin - 1] == ',' && forwards * 5 >= as_written) return;
    }
    if (!Judge(f, lb, i, &score, /*forward=*/false)) return;
    size_t end = T(end_tok).end + (IsInitial(end_tok) && T(end_tok).dot_after ? 1 : 0);
    end = std::max(end, EndWithSuffix(end_tok));
    Emit(T(lb).begin, end, f, lb, i, score, out);
  }

  std::string_view text_;
  const NameLexicon& lex_;
  Lease<Token> toks_lease_;
  Lease<Facts> facts_lease_;
  std::vector<Token>& toks_ = *toks_lease_;
  std::vector<Facts>& facts_ = *facts_lease_;
};

// Trims ASCII whitespace.
std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Appends `s` with whitespace runs collapsed, ASCII and Latin-1 / Latin
// Extended-A capitals lowercased ("ÉMILE" -> "émile"); other bytes as written.
void AppendCollapsedLower(std::string_view s, std::string* out) {
  // The result is never longer than `s`: write through a pointer, then cut to size.
  bool space = false;
  const size_t start = out->size();
  out->resize(start + s.size());
  char* const base = out->data() + start;
  char* o = base;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      ++i;
      continue;
    }
    if (space && o > base) *o++ = ' ';
    space = false;
    if (static_cast<unsigned char>(c) < 0x80) {
      *o++ = AsciiLower(c);
      ++i;
      continue;
    }
    CodePoint cp = Decode(s, i);
    if (cp.len == 2 && IsUpper(cp.cp) && cp.cp >= 0xC0 && cp.cp <= 0x17F) {
      uint32_t lower = cp.cp < 0x100 ? cp.cp + 0x20 : cp.cp + 1;
      if (cp.cp == 0x130) lower = 'i';   // İ
      if (cp.cp == 0x178) lower = 0xFF;  // Ÿ
      if (lower < 0x80) {
        *o++ = static_cast<char>(lower);
      } else {
        *o++ = static_cast<char>(0xC0 | (lower >> 6));
        *o++ = static_cast<char>(0x80 | (lower & 0x3F));
      }
      i += 2;
      continue;
    }
    std::memcpy(o, s.data() + i, cp.len);
    o += cp.len;
    i += cp.len;
  }
  out->resize(static_cast<size_t>(o - out->data()));
}

// The word tokens of a labelled field, or false when the field holds anything
// but letters, spaces, apostrophes, hyphens, periods and commas.
bool FieldTokens(std::string_view field, std::vector<Token>* toks) {
  bool letters_only = true;  // one ASCII word, the usual first or last name column
  for (char c : field) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') continue;
    letters_only = false;
    if (u >= 0x80 || c == ' ' || c == '\t' || c == '\'' || c == '-' || c == '.' || c == ',')
      continue;
    return false;
  }
  if (letters_only && !field.empty()) {
    // What Run() makes of it: one word at the start of a "sentence", after a break.
    Token t = Tokenizer(field).ScanWord(0);
    t.gap_before = Gap::kBreak;
    t.sentence_start = true;
    toks->clear();
    toks->push_back(t);
    return t.shape != Shape::kOther;
  }
  Tokenizer(field).Run(*toks);
  for (const Token& t : *toks)
    if (t.number || t.shape == Shape::kOther) return false;
  // Non-letter UTF-8 (symbols, emoji) shows up as a hard gap between words.
  for (size_t k = 0; k < toks->size(); ++k) {
    Gap g = (*toks)[k].gap_before;
    if (k > 0 && g == Gap::kBreak) {
      // Only a period may sit between two words ("Dr. Dana", "M. Whitfield").
      std::string_view between =
          field.substr((*toks)[k - 1].end, (*toks)[k].begin - (*toks)[k - 1].end);
      if (between.find('.') == std::string_view::npos) return false;
      for (char c : between)
        if (c != '.' && c != ' ' && c != '\t') return false;
    }
  }
  return !toks->empty();
}

struct FieldView {
  std::string_view field;
  const std::vector<Token>& toks;
  std::string_view Word(size_t k) const {
    return field.substr(toks[k].begin, toks[k].end - toks[k].begin);
  }
};

bool IsPlaceholder(std::string_view w) { return InList(w, kPlaceholders); }

// Collapsed text of tokens [b, e] within `field`.
std::string CollapseSpan(std::string_view field, size_t b, size_t e) {
  // Usually one word, or words one space apart: a plain copy.
  bool plain = true;
  for (size_t i = b; i < e; ++i) {
    char c = field[i];
    if (c == '\t' || c == '\n' || c == '\r' ||
        (c == ' ' && (i == b || i + 1 == e || field[i + 1] == ' '))) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(field.substr(b, e - b));
  std::string out;
  bool space = false;
  for (size_t i = b; i < e; ++i) {
    char c = field[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<NameMatch> FindNamesInWindow(std::string_view text, const NameLexicon& lex) {
  if (text.empty()) return {};
  return NameScanner(text, lex).FindAll();
}

std::optional<NameMatch> ParseNameField(std::string_view raw, const NameLexicon& lex) {
  std::string_view field = Trim(raw);
  if (field.empty() || field.size() > 120) return std::nullopt;
  Lease<Token> lease;
  std::vector<Token>& toks = *lease;
  if (!FieldTokens(field, &toks)) return std::nullopt;
  FieldView v{field, toks};
  // Drop titles in front and suffixes at the end.
  size_t b = 0, e = toks.size();
  while (b + 1 < e && InList(v.Word(b), kTitles)) ++b;
  while (e > b + 2 && InList(v.Word(e - 1), kSuffixes) && toks[e - 1].shape != Shape::kLower) --e;
  int commas = 0;
  size_t comma_at = 0;
  for (size_t k = b + 1; k < e; ++k)
    if (toks[k].gap_before == Gap::kComma) {
      ++commas;
      comma_at = k;
    }
  if (commas > 1) return std::nullopt;
  // "Dana Whitfield, Marcus Oyelaran" is two names: words before the comma other than
  // the last must be particles ("De La Cruz, Maria").
  if (commas == 1)
    for (size_t k = b; k + 1 < comma_at; ++k)
      if (!InList(v.Word(k), kParticles)) return std::nullopt;
  for (size_t k = b; k < e; ++k)
    if (lex.IsNonNameWord(v.Word(k)) || IsPlaceholder(v.Word(k))) return std::nullopt;

  size_t first_tok, last_b, last_e, span_b, span_e;
  if (commas == 1) {
    // "Last, First [Middle]": 1-3 tokens each side.
    if (comma_at - b > 3 || e - comma_at > 3) return std::nullopt;
    first_tok = comma_at;
    last_b = b;
    last_e = comma_at - 1;
    span_b = toks[b].begin;
    span_e = toks[e - 1].end + (toks[e - 1].letters == 1 && toks[e - 1].dot_after ? 1 : 0);
  } else {
    if (e - b < 2 || e - b > 5) return std::nullopt;
    first_tok = b;
    last_e = e - 1;
    last_b = last_e;
    while (last_b - 1 > b && InList(v.Word(last_b - 1), kParticles)) --last_b;
    span_b = toks[b].begin;
    span_e = toks[last_e].end;
  }
  if (toks[first_tok].letters < 2 || toks[last_e].letters < 2) return std::nullopt;
  if (e - b - (last_e - last_b) > 4) return std::nullopt;  // too many words for a name

  NameMatch m;
  const size_t offset = static_cast<size_t>(field.data() - raw.data());  // trimmed space
  m.begin = offset + span_b;
  m.end = offset + span_e;
  m.first = std::string(v.Word(first_tok));
  m.last = CollapseSpan(field, toks[last_b].begin, toks[last_e].end);
  uint32_t fr = lex.FirstNameRank(m.first);
  uint32_t lr = lex.LastNameRank(m.last);
  if (lr == 0 && last_b != last_e) lr = lex.LastNameRank(v.Word(last_e));
  // "Columbia, Missouri": a place.
  if (fr == 0 && IsUsStateName(m.first)) return std::nullopt;
  if (lr == 0 && IsUsStateName(m.last)) return std::nullopt;
  double score;
  if (fr && lr)
    score = 0.95;
  else if (fr)
    score = 0.8;
  else if (lr)
    score = 0.72;
  else
    score = 0.62;
  if (fr && fr <= 500 && lr && lr <= 10000) score += 0.02;
  if (lex.IsCommonWord(m.first)) score -= 0.04;
  if (lex.IsCommonWord(v.Word(last_e))) score -= 0.04;
  if (toks[first_tok].shape == Shape::kLower && toks[last_e].shape == Shape::kLower) score -= 0.02;
  m.score = std::clamp(score, 0.6, 0.99);
  return m;
}

std::optional<NameMatch> ParseNameParts(std::string_view raw_first, std::string_view raw_last,
                                        const NameLexicon& lex) {
  std::string_view first = Trim(raw_first), last = Trim(raw_last);
  if (first.empty() || last.empty() || first.size() > 80 || last.size() > 80) return std::nullopt;
  Lease<Token> ft_lease, lt_lease;
  std::vector<Token>&ft = *ft_lease, &lt = *lt_lease;
  if (!FieldTokens(first, &ft) || !FieldTokens(last, &lt)) return std::nullopt;
  FieldView fv{first, ft}, lv{last, lt};
  size_t fb = 0, fe = ft.size();
  while (fb + 1 < fe && InList(fv.Word(fb), kTitles)) ++fb;
  while (fe > fb + 1 && ft[fe - 1].letters == 1) --fe;  // "Dana M." -> "Dana"
  size_t lb = 0, le = lt.size();
  while (le > lb + 1 && InList(lv.Word(le - 1), kSuffixes) && lt[le - 1].shape != Shape::kLower)
    --le;
  for (size_t k = 0; k < ft.size(); ++k)
    if (ft[k].gap_before == Gap::kComma) return std::nullopt;
  for (size_t k = lb + 1; k < le; ++k)
    if (lt[k].gap_before == Gap::kComma) return std::nullopt;
  for (size_t k = fb; k < fe; ++k)
    if (IsPlaceholder(fv.Word(k))) return std::nullopt;
  for (size_t k = lb; k < le; ++k)
    if (IsPlaceholder(lv.Word(k))) return std::nullopt;
  if (fe - fb > 3 || le - lb > 4) return std::nullopt;

  NameMatch m;
  m.first = CollapseSpan(first, ft[fb].begin, ft[fe - 1].end);
  m.last = CollapseSpan(last, lt[lb].begin, lt[le - 1].end);
  uint32_t fr = lex.FirstNameRank(fv.Word(fb));
  uint32_t lr = lex.LastNameRank(m.last);
  // One token: m.last is that word, already looked up.
  if (lr == 0 && le - 1 != lb) lr = lex.LastNameRank(lv.Word(le - 1));
  double score = 0.85;
  if (fr) score += 0.07;
  if (lr) score += 0.07;
  m.score = std::min(score, 0.99);
  return m;
}

std::string CanonicalName(std::string_view first, std::string_view last) {
  std::string out;
  out.reserve(first.size() + last.size() + 1);
  AppendCollapsedLower(Trim(first), &out);
  std::string_view l = Trim(last);
  if (!out.empty() && !l.empty()) out.push_back(' ');
  AppendCollapsedLower(l, &out);
  return out;
}

}  // namespace breachscope::detect
