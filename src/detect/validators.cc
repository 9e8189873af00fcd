// detect/validators.cc — see validators.h; rules and sources in docs/validators.md.
#include "detect/validators.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace breachscope::detect {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
constexpr char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
constexpr char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool AllSameChar(std::string_view s) {
  for (char c : s) {
    if (c != s[0]) return false;
  }
  return true;
}

// The number formed by s[pos, pos+len); the caller has checked the digits.
int Num(std::string_view s, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool InRange(int v, int lo, int hi) { return v >= lo && v <= hi; }

}  // namespace

// ---- SSN and other IRS numbers -------------------------------------------------------

bool IsValidSsn(std::string_view s) {
  if (s.size() != 9 || !AllDigits(s)) return false;
  const int area = Num(s, 0, 3);
  if (area == 0 || area == 666 || area >= 900) return false;
  if (Num(s, 3, 2) == 0 || Num(s, 5, 4) == 0) return false;
  if (s == "078051120" || s == "219099999" || s == "123456789") return false;
  // One digit repeated in each group (111-22-3333) is a placeholder written by hand.
  if (AllSameChar(s.substr(0, 3)) && AllSameChar(s.substr(3, 2)) && AllSameChar(s.substr(5, 4))) return false;
  return !AllSameChar(s);
}

bool IsItin(std::string_view s) {
  if (s.size() != 9 || !AllDigits(s) || s[0] != '9') return false;
  const int group = Num(s, 3, 2);
  return InRange(group, 50, 65) || InRange(group, 70, 88) || InRange(group, 90, 92) ||
         InRange(group, 94, 99);
}

// ---- Payment cards -------------------------------------------------------------------

bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (!IsDigit(c)) return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

CardBrand CardBrandOf(std::string_view s) {
  const size_t n = s.size();
  if (n < 12 || n > 19 || !AllDigits(s)) return CardBrand::kNone;
  const int p1 = Num(s, 0, 1), p2 = Num(s, 0, 2), p3 = Num(s, 0, 3), p4 = Num(s, 0, 4),
            p6 = Num(s, 0, 6);
  const bool len16to19 = n >= 16;
  if ((p2 == 34 || p2 == 37) && n == 15) return CardBrand::kAmex;
  if (p1 == 4 && (n == 13 || n == 16 || n == 19)) return CardBrand::kVisa;
  if ((InRange(p2, 51, 55) || InRange(p4, 2221, 2720)) && n == 16) return CardBrand::kMastercard;
  if ((p4 == 6011 || InRange(p6, 622126, 622925) || InRange(p3, 644, 649) || p2 == 65) &&
      len16to19) {
    return CardBrand::kDiscover;
  }
  if (InRange(p4, 3528, 3589) && len16to19) return CardBrand::kJcb;
  if ((InRange(p3, 300, 305) || p3 == 309 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14) {
    return CardBrand::kDiners;
  }
  if ((p2 == 62 || p2 == 81) && len16to19) return CardBrand::kUnionPay;
  if (p2 == 50 || InRange(p2, 56, 69)) return CardBrand::kMaestro;  // 12-19 digits
  return CardBrand::kNone;
}

bool IsValidCard(std::string_view digits) {
  return CardBrandOf(digits) != CardBrand::kNone && LuhnValid(digits) && !AllSameChar(digits);
}

std::string_view CardBrandName(CardBrand brand) {
  switch (brand) {
    case CardBrand::kNone: return "none";
    case CardBrand::kVisa: return "visa";
    case CardBrand::kMastercard: return "mastercard";
    case CardBrand::kAmex: return "amex";
    case CardBrand::kDiscover: return "discover";
    case CardBrand::kJcb: return "jcb";
    case CardBrand::kDiners: return "diners";
    case CardBrand::kUnionPay: return "unionpay";
    case CardBrand::kMaestro: return "maestro";
  }
  return "none";
}

// ---- Banking, health and phone numbers -----------------------------------------------

bool IsValidAbaRouting(std::string_view s) {
  if (s.size() != 9 || !AllDigits(s)) return false;
  const int prefix = Num(s, 0, 2);
  if (!(InRange(prefix, 0, 12) || InRange(prefix, 21, 32) || InRange(prefix, 61, 72) ||
        prefix == 80)) {
    return false;
  }
  if (s == "000000000") return false;
  static constexpr int kWeights[3] = {3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) sum += kWeights[i % 3] * (s[i] - '0');
  return sum % 10 == 0;
}

bool IsValidMbi(std::string_view s) {
  if (s.size() != 11) return false;
  auto letter = [](char c) {
    return IsUpper(c) && c != 'S' && c != 'L' && c != 'O' && c != 'I' && c != 'B' && c != 'Z';
  };
  auto letter_or_digit = [&](char c) { return IsDigit(c) || letter(c); };
  // Position (1-based): 1 C, 2 A, 3 AN, 4 N, 5 A, 6 AN, 7 N, 8 A, 9 A, 10 N, 11 N.
  return s[0] >= '1' && s[0] <= '9' && letter(s[1]) && letter_or_digit(s[2]) && IsDigit(s[3]) &&
         letter(s[4]) && letter_or_digit(s[5]) && IsDigit(s[6]) && letter(s[7]) && letter(s[8]) &&
         IsDigit(s[9]) && IsDigit(s[10]);
}

bool IsValidNanpPhone(std::string_view s) {
  if (s.size() != 10 || !AllDigits(s)) return false;
  // Area code (NPA).
  if (s[0] < '2' || s[1] == '9' || (s[1] == '1' && s[2] == '1')) return false;
  // Exchange (NXX).
  if (s[3] < '2' || (s[4] == '1' && s[5] == '1')) return false;
  // 555-0100..555-0199 are reserved for fiction.
  if (s.substr(3, 3) == "555" && s[6] == '0' && s[7] == '1') return false;
  return !AllSameChar(s);
}

bool IsValidNpi(std::string_view s) {
  if (s.size() != 10 || !AllDigits(s) || (s[0] != '1' && s[0] != '2')) return false;
  if (AllSameChar(s.substr(0, 9))) return false;
  // Luhn over "80840" + s. Ahead of ten digits the prefix always sits at the same parity:
  // 8 + (0*2) + 8 + (4*2) + 0 = 24, a constant.
  int sum = 24;
  bool twice = false;
  for (size_t i = s.size(); i-- > 0;) {
    int d = s[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// ---- Diagnosis codes -----------------------------------------------------------------

namespace {

// `code` without the dot at `dot_pos` (if present there); empty view when a dot is
// elsewhere or leaves nothing after it. Writes into `buf` (at most 8 characters).
std::string_view StripDot(std::string_view code, size_t dot_pos, std::array<char, 8>& buf) {
  const size_t dot = code.find('.');
  if (dot == std::string_view::npos) return code;
  if (dot != dot_pos || dot + 1 >= code.size() || code.size() - 1 > buf.size()) return {};
  size_t n = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i != dot) buf[n++] = code[i];
  }
  return std::string_view(buf.data(), n);
}

bool Icd10NoDot(std::string_view s) {
  if (s.size() < 3 || s.size() > 7) return false;
  if (!IsUpper(s[0]) || !IsDigit(s[1])) return false;
  for (size_t i = 2; i < s.size(); ++i) {
    if (!IsUpper(s[i]) && !IsDigit(s[i])) return false;
  }
  return true;
}

bool Icd9NoDot(std::string_view s) {
  if (s.empty()) return false;
  if (s[0] == 'V') return s.size() >= 3 && s.size() <= 5 && AllDigits(s.substr(1));
  if (s[0] == 'E') return s.size() >= 4 && s.size() <= 5 && AllDigits(s.substr(1));
  return s.size() >= 3 && s.size() <= 5 && AllDigits(s);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToUpper(c);
  return out;
}

}  // namespace

bool IsIcd10Shape(std::string_view code) {
  std::array<char, 8> buf;
  return Icd10NoDot(StripDot(code, 3, buf));
}

bool IsIcd9Shape(std::string_view code) {
  std::array<char, 8> buf;
  const size_t dot_pos = (!code.empty() && code[0] == 'E') ? 4 : 3;
  return Icd9NoDot(StripDot(code, dot_pos, buf));
}

std::string CanonicalIcd10(std::string_view code) {
  const std::string upper = Upper(code);
  std::array<char, 8> buf;
  const std::string_view s = StripDot(upper, 3, buf);
  if (!Icd10NoDot(s)) return {};
  if (s.size() == 3) return std::string(s);
  std::string out(s.substr(0, 3));
  out += '.';
  out += s.substr(3);
  return out;
}

std::string CanonicalIcd9(std::string_view code) {
  const std::string upper = Upper(code);
  std::array<char, 8> buf;
  const size_t dot_pos = (!upper.empty() && upper[0] == 'E') ? 4 : 3;
  const std::string_view s = StripDot(upper, dot_pos, buf);
  if (!Icd9NoDot(s)) return {};
  if (s.size() == dot_pos) return std::string(s);
  std::string out(s.substr(0, dot_pos));
  out += '.';
  out += s.substr(dot_pos);
  return out;
}

// ---- Passport and driver's licence ---------------------------------------------------

bool IsUsPassportShape(std::string_view s) {
  if (s.size() != 9) return false;
  if (IsDigit(s[0])) return AllDigits(s);
  return IsUpper(s[0]) && AllDigits(s.substr(1));
}

namespace {

// Licence shapes, one string per state, alternatives separated by '|'. Atoms: 'l' an
// uppercase letter, 'd' a digit, 'w' either, '[AB]' one of the listed characters, any
// uppercase letter itself; each atom may be followed by {n} or {min,max}.
struct DlRule {
  std::string_view code;
  std::string_view shapes;
};

// Alphabetical by code; the index is the bit in DlStateMask. Restates the NTSI-derived
// column of shared/formats.md (adambullmer/USDLRegex regex.json). WA: any 12 characters
// starting with a letter (= [A-Z]{1,7}[A-Z0-9*]{4,11} of length 12 once '*' is a letter
// or dropped), plus the old PIC with its '*' padding dropped: 2-6 letters (surname +
// initials), 2-digit encoded year, check digit, month and day codes.
constexpr std::array<DlRule, 53> kDlRules = {{
    {"AK", "d{1,7}"},
    {"AL", "d{1,8}"},
    {"AR", "d{4,9}"},
    {"AZ", "ld{1,8}|l{2}d{2,5}|d{9}"},
    {"CA", "ld{7}"},
    {"CO", "d{9}|ld{3,6}|l{2}d{2,5}"},
    {"CT", "d{9}"},
    {"DC", "d{7}|d{9}"},
    {"DE", "d{1,7}"},
    {"FL", "ld{12}"},
    {"GA", "d{7,9}"},
    {"GU", "ld{14}"},
    {"HI", "ld{8}|d{9}"},
    {"IA", "d{9}|d{3}l{2}d{4}"},
    {"ID", "l{2}d{6}l|d{9}"},
    {"IL", "ld{11,12}"},
    {"IN", "ld{9}|d{9,10}"},
    {"KS", "ldldl|ld{8}|d{9}"},
    {"KY", "ld{8,9}|d{9}"},
    {"LA", "d{1,9}"},
    {"MA", "ld{8}|l{2}d{7}|d{9}"},
    {"MD", "ld{12}"},
    {"ME", "d{7,8}|d{7}l"},
    {"MI", "ld{10}|ld{12}"},
    {"MN", "ld{12}"},
    {"MO", "ld{5,9}|ld{6}R|d{3}ld{6}|d{8}l{2}|d{9}l|d{9}"},
    {"MS", "d{9}"},
    {"MT", "ld{8}|d{9}|d{13}|d{14}"},
    {"NC", "d{1,12}"},
    {"ND", "l{3}d{6}|d{9}"},
    {"NE", "d{1,7}|ld{6,8}"},
    {"NH", "d{2}l{3}d{5}|l{3}d{8}"},
    {"NJ", "ld{14}"},
    {"NM", "d{8,9}"},
    {"NV", "d{9,10}|d{12}|Xd{8}"},
    {"NY", "ld{7}|ld{18}|d{8}|d{9}|d{16}|l{8}"},
    {"OH", "ld{4,8}|l{2}d{3,7}|d{8}"},
    {"OK", "ld{9}|d{9}"},
    {"OR", "d{1,9}|[AB]d{6}"},
    {"PA", "d{8}"},
    {"PR", "d{5,7}|d{9}"},
    {"RI", "d{7,8}|ld{6}"},
    {"SC", "d{5,11}"},
    {"SD", "d{6,10}|d{12}"},
    {"TN", "d{7,9}"},
    {"TX", "d{7,8}"},
    {"UT", "d{4,10}"},
    {"VA", "ld{8,11}|d{9}"},
    {"VT", "d{8}|d{7}A"},
    {"WA", "lw{11}|l{2,6}d{3}w{2}"},
    {"WI", "ld{13}"},
    {"WV", "d{7}|l{1,2}d{5,6}"},
    {"WY", "d{9,10}"},
}};

constexpr std::array<std::string_view, 53> MakeDlCodes() {
  std::array<std::string_view, 53> codes{};
  for (size_t i = 0; i < kDlRules.size(); ++i) codes[i] = kDlRules[i].code;
  return codes;
}
constexpr std::array<std::string_view, 53> kDlCodes = MakeDlCodes();

constexpr bool DlRulesSorted() {
  for (size_t i = 0; i < kDlRules.size(); ++i) {
    if (kDlRules[i].code.size() != 2 || kDlRules[i].shapes.empty()) return false;
    if (i > 0 && !(kDlRules[i - 1].code < kDlRules[i].code)) return false;
  }
  return true;
}
static_assert(DlRulesSorted(), "kDlRules: 53 distinct codes in alphabetical order");
static_assert(kDlRules.size() <= 64, "DlStateMask is 64 bits wide");

// A shape compiled at build time: up to kMaxAtoms atoms, each a character class with a
// repeat count, plus the total length range for a quick reject.
struct Atom {
  char kind = 0;  // 'l', 'd', 'w', '[' (one of `set`) or a literal character
  uint8_t min = 1;
  uint8_t max = 1;
  std::string_view set;
};

constexpr size_t kMaxAtoms = 6;

struct Shape {
  std::array<Atom, kMaxAtoms> atoms{};
  uint8_t n_atoms = 0;
  uint8_t min_len = 0;
  uint8_t max_len = 0;
  uint8_t state = 0;  // index into kDlRules
};

constexpr size_t CountShapes() {
  size_t n = 0;
  for (const DlRule& r : kDlRules) {
    ++n;
    for (char c : r.shapes) n += c == '|';
  }
  return n;
}

constexpr int ParseCount(std::string_view p, size_t& i) {
  int v = 0;
  while (i < p.size() && IsDigit(p[i])) v = v * 10 + (p[i++] - '0');
  return v;
}

constexpr std::array<Shape, CountShapes()> CompileShapes() {
  std::array<Shape, CountShapes()> out{};
  size_t k = 0;
  for (size_t state = 0; state < kDlRules.size(); ++state) {
    const std::string_view p = kDlRules[state].shapes;
    size_t i = 0;
    while (i <= p.size()) {
      Shape& sh = out[k];
      sh.state = static_cast<uint8_t>(state);
      while (i < p.size() && p[i] != '|') {
        if (sh.n_atoms == kMaxAtoms) throw "too many atoms in a licence shape";
        Atom a;
        if (p[i] == '[') {
          const size_t close = p.find(']', i);
          a.kind = '[';
          a.set = p.substr(i + 1, close - i - 1);
          i = close + 1;
        } else {
          a.kind = p[i++];
        }
        if (i < p.size() && p[i] == '{') {
          ++i;
          a.min = a.max = static_cast<uint8_t>(ParseCount(p, i));
          if (p[i] == ',') {
            ++i;
            a.max = static_cast<uint8_t>(ParseCount(p, i));
          }
          ++i;  // '}'
        }
        sh.min_len = static_cast<uint8_t>(sh.min_len + a.min);
        sh.max_len = static_cast<uint8_t>(sh.max_len + a.max);
        sh.atoms[sh.n_atoms++] = a;
      }
      ++k;
      ++i;  // past '|' (or the end)
    }
  }
  return out;
}

constexpr std::array<Shape, CountShapes()> kShapes = CompileShapes();

// Longest licence any shape allows (NY A + 18 N).
constexpr size_t MaxShapeLength() {
  size_t m = 0;
  for (const Shape& sh : kShapes) m = sh.max_len > m ? sh.max_len : m;
  return m;
}
constexpr size_t kDlMaxLength = MaxShapeLength();
static_assert(kDlMaxLength == 19);

// For each input length, the shapes that can have it (so a call only tries those).
constexpr size_t MaxShapesPerLength() {
  size_t m = 0;
  for (size_t len = 1; len <= kDlMaxLength; ++len) {
    size_t n = 0;
    for (const Shape& sh : kShapes) n += len >= sh.min_len && len <= sh.max_len;
    m = n > m ? n : m;
  }
  return m;
}

struct ShapeBucket {
  std::array<uint8_t, MaxShapesPerLength()> shapes{};
  uint8_t n = 0;
};

constexpr std::array<ShapeBucket, kDlMaxLength + 1> BucketShapes() {
  static_assert(CountShapes() <= 255);
  std::array<ShapeBucket, kDlMaxLength + 1> out{};
  for (size_t len = 1; len <= kDlMaxLength; ++len) {
    for (size_t i = 0; i < kShapes.size(); ++i) {
      if (len >= kShapes[i].min_len && len <= kShapes[i].max_len) {
        out[len].shapes[out[len].n++] = static_cast<uint8_t>(i);
      }
    }
  }
  return out;
}

constexpr std::array<ShapeBucket, kDlMaxLength + 1> kShapesByLength = BucketShapes();

constexpr bool AtomAccepts(const Atom& a, char c) {
  switch (a.kind) {
    case 'l': return IsUpper(c);
    case 'd': return IsDigit(c);
    case 'w': return IsUpper(c) || IsDigit(c);
    case '[': return a.set.find(c) != std::string_view::npos;
    default: return c == a.kind;
  }
}

// Do atoms [ai, n) of `sh` match s[si..] exactly? Backtracks over repeat counts (only
// WA's 'l' then 'w' ever needs it).
constexpr bool MatchFrom(const Shape& sh, size_t ai, std::string_view s, size_t si) {
  if (ai == sh.n_atoms) return si == s.size();
  const Atom& a = sh.atoms[ai];
  size_t k = 0;
  while (k < a.max && si + k < s.size() && AtomAccepts(a, s[si + k])) ++k;
  for (;; --k) {
    if (k < a.min) return false;
    if (MatchFrom(sh, ai + 1, s, si + k)) return true;
    if (k == 0) return false;
  }
}

// An all-digit number matches only digit-class atoms, so its mask depends on its length
// alone: precomputed (the common case of a labelled licence number).
constexpr std::array<uint64_t, kDlMaxLength + 1> DigitMasks() {
  constexpr std::string_view kZeros = "0000000000000000000000000000000";
  static_assert(kZeros.size() >= kDlMaxLength);
  std::array<uint64_t, kDlMaxLength + 1> out{};
  for (size_t len = 1; len <= kDlMaxLength; ++len) {
    for (const Shape& sh : kShapes) {
      if (MatchFrom(sh, 0, kZeros.substr(0, len), 0)) out[len] |= uint64_t{1} << sh.state;
    }
  }
  return out;
}

constexpr std::array<uint64_t, kDlMaxLength + 1> kDigitMasks = DigitMasks();

}  // namespace

std::span<const std::string_view> DlStateCodes() { return kDlCodes; }

uint64_t DlStateMask(std::string_view s) {
  if (s.empty() || s.size() > kDlMaxLength) return 0;
  bool all_digits = true;
  for (char c : s) {
    if (IsDigit(c)) continue;
    if (!IsUpper(c)) return 0;
    all_digits = false;
  }
  if (all_digits) return kDigitMasks[s.size()];
  uint64_t mask = 0;
  const ShapeBucket& bucket = kShapesByLength[s.size()];
  for (size_t i = 0; i < bucket.n; ++i) {
    const Shape& sh = kShapes[bucket.shapes[i]];
    if ((mask >> sh.state) & 1) continue;
    if (MatchFrom(sh, 0, s, 0)) mask |= uint64_t{1} << sh.state;
  }
  return mask;
}

int DlStateIndex(std::string_view state_code) {
  for (size_t i = 0; i < kDlCodes.size(); ++i) {
    if (kDlCodes[i] == state_code) return static_cast<int>(i);
  }
  return -1;
}

// ---- Dates ---------------------------------------------------------------------------

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// 1-12 for an English month name (full, 3-letter, or "sept"), any case; 0 otherwise.
int MonthFromName(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (w.size() < 3 || w.size() > 9) return 0;
  char lower[9];
  for (size_t i = 0; i < w.size(); ++i) lower[i] = ToLower(w[i]);
  const std::string_view l(lower, w.size());
  for (size_t m = 0; m < kNames.size(); ++m) {
    if (l == kNames[m] || l == kNames[m].substr(0, 3)) return static_cast<int>(m) + 1;
  }
  if (l == "sept") return 9;
  return 0;
}

// Token of a date string: a run of digits, a run of letters, or one separator. Whitespace
// runs become ' '; ", " and ". " (after a month abbreviation) collapse into ',' / ' '.
struct Token {
  enum Kind { kNum, kWord, kSep } kind;
  std::string_view text;
  int value = 0;         // kNum
  bool ordinal = false;  // kNum followed by st/nd/rd/th
  char sep = 0;          // kSep
};

constexpr size_t kMaxTokens = 8;

// Splits `s` (already trimmed) into at most kMaxTokens tokens; false if more or if a
// character is not a digit, letter, whitespace, or one of - / . ,
bool Tokenize(std::string_view s, std::array<Token, kMaxTokens>& out, size_t& n) {
  n = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (n == kMaxTokens) return false;
    const char c = s[i];
    Token t{};
    if (IsDigit(c)) {
      size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j - i > 8) return false;
      t.kind = Token::kNum;
      t.text = s.substr(i, j - i);
      t.value = Num(s, i, j - i);
      // Ordinal suffix glued to a day number.
      if (j + 2 <= s.size() && IsAlpha(s[j]) && (j + 2 == s.size() || !IsAlpha(s[j + 2]))) {
        const char a = ToLower(s[j]), b = ToLower(s[j + 1]);
        if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
            (a == 't' && b == 'h')) {
          t.ordinal = true;
          j += 2;
        }
      }
      i = j;
    } else if (IsAlpha(c)) {
      size_t j = i;
      while (j < s.size() && IsAlpha(s[j])) ++j;
      t.kind = Token::kWord;
      t.text = s.substr(i, j - i);
      i = j;
      // "Jul." / "Sept." : the abbreviation dot belongs to the word.
      if (i < s.size() && s[i] == '.') ++i;
    } else if (IsSpace(c)) {
      while (i < s.size() && IsSpace(s[i])) ++i;
      t.kind = Token::kSep;
      t.sep = ' ';
    } else if (c == '-' || c == '/' || c == '.' || c == ',') {
      ++i;
      t.kind = Token::kSep;
      t.sep = c;
      if (c == ',') {
        while (i < s.size() && IsSpace(s[i])) ++i;
      }
    } else {
      return false;
    }
    // A ',' right after whitespace ("19 , 1984") merges into the ','.
    if (t.kind == Token::kSep && n > 0 && out[n - 1].kind == Token::kSep) {
      if (out[n - 1].sep == ' ' && t.sep == ',') {
        out[n - 1].sep = ',';
        continue;
      }
      return false;
    }
    out[n++] = t;
  }
  return true;
}

std::optional<Date> RealOrNull(const Date& d) {
  if (IsRealDate(d)) return d;
  return std::nullopt;
}

// The latest year <= today.year ending in `yy` for which month/day is a real date.
std::optional<Date> WithTwoDigitYear(int yy, int month, int day, const Date& today) {
  int year = today.year - (((today.year - yy) % 100) + 100) % 100;
  for (int back = 0; back < 4; ++back, year -= 100) {
    const Date d{year, month, day};
    if (IsRealDate(d)) return d;
  }
  return std::nullopt;
}

// Numeric month-first date; falls back to day-first only when month-first is not a
// real date and day-first is.
std::optional<Date> MonthFirst(const Token& a, const Token& b, const Token& y, const Date& today) {
  if (a.text.size() > 2 || b.text.size() > 2 || a.ordinal || b.ordinal || y.ordinal) {
    return std::nullopt;
  }
  auto build = [&](int month, int day) -> std::optional<Date> {
    if (y.text.size() == 4) return RealOrNull(Date{y.value, month, day});
    if (y.text.size() == 2) return WithTwoDigitYear(y.value, month, day, today);
    return std::nullopt;
  };
  if (auto d = build(a.value, b.value)) return d;
  if (a.value > 12 && b.value >= 1 && b.value <= 12) return build(b.value, a.value);
  return std::nullopt;
}

bool IsDayToken(const Token& t) { return t.kind == Token::kNum && t.text.size() <= 2; }
bool IsYear4(const Token& t) {
  return t.kind == Token::kNum && t.text.size() == 4 && !t.ordinal;
}

// "T10:20", "T10:20:30.5Z", " 10:20:30+02:00" ... after an ISO date.
bool IsTimeTail(std::string_view t) {
  if (t.size() < 6 || (t[0] != 'T' && t[0] != ' ')) return false;
  if (!IsDigit(t[1]) || !IsDigit(t[2]) || t[3] != ':' || !IsDigit(t[4]) || !IsDigit(t[5])) {
    return false;
  }
  for (size_t i = 6; i < t.size(); ++i) {
    const char c = t[i];
    if (!IsDigit(c) && c != ':' && c != '.' && c != 'Z' && c != '+' && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsRealDate(const Date& d) {
  if (d.year < 1 || d.year > 9999 || d.month < 1 || d.month > 12) return false;
  return d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

std::optional<Date> ParseDate(std::string_view text, const Date& today) {
  size_t b = 0, e = text.size();
  while (b < e && IsSpace(text[b])) ++b;
  while (e > b && IsSpace(text[e - 1])) --e;
  std::string_view s = text.substr(b, e - b);
  if (s.empty()) return std::nullopt;

  // Timestamp: keep the leading ISO date.
  if (s.size() > 10 && IsDigit(s[0]) && s[4] == '-' && s[7] == '-') {
    if (!IsTimeTail(s.substr(10))) return std::nullopt;
    s = s.substr(0, 10);
    if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
      return std::nullopt;
    }
    return RealOrNull(Date{Num(s, 0, 4), Num(s, 5, 2), Num(s, 8, 2)});
  }

  std::array<Token, kMaxTokens> t;
  size_t n = 0;
  if (!Tokenize(s, t, n)) return std::nullopt;
  auto sep = [&](size_t i, char c) { return t[i].kind == Token::kSep && t[i].sep == c; };
  auto sep_in = [&](size_t i, std::string_view set) {
    return t[i].kind == Token::kSep && set.find(t[i].sep) != std::string_view::npos;
  };

  // YYYYMMDD.
  if (n == 1 && t[0].kind == Token::kNum && t[0].text.size() == 8 && !t[0].ordinal) {
    const Date d{Num(s, 0, 4), Num(s, 4, 2), Num(s, 6, 2)};
    if (d.year < 1900 || d.year > 2099) return std::nullopt;
    return RealOrNull(d);
  }

  if (n == 5) {
    // Five tokens: A sep B sep C, same separator twice.
    if (t[1].kind != Token::kSep || t[3].kind != Token::kSep || t[1].sep != t[3].sep) {
      // "July 19, 1984" / "19 July, 1984" mix ' ' and ','; handled below.
    } else if (IsYear4(t[0]) && IsDayToken(t[2]) && IsDayToken(t[4]) && sep_in(1, "-/") &&
               !t[2].ordinal && !t[4].ordinal) {
      return RealOrNull(Date{t[0].value, t[2].value, t[4].value});  // YYYY-MM-DD
    } else if (IsDayToken(t[0]) && IsDayToken(t[2]) && t[4].kind == Token::kNum &&
               (sep_in(1, "/-") || (sep(1, '.') && t[4].text.size() == 4))) {
      return MonthFirst(t[0], t[2], t[4], today);  // MM/DD/YYYY, MM-DD-YY, MM.DD.YYYY
    } else if (IsDayToken(t[0]) && !t[0].ordinal && t[2].kind == Token::kWord && sep(1, '-') &&
               t[4].kind == Token::kNum && !t[4].ordinal) {
      // 19-JUL-1984, 19-Jul-84.
      const int month = MonthFromName(t[2].text);
      if (month == 0) return std::nullopt;
      if (t[4].text.size() == 4) return RealOrNull(Date{t[4].value, month, t[0].value});
      if (t[4].text.size() == 2) return WithTwoDigitYear(t[4].value, month, t[0].value, today);
      return std::nullopt;
    }
    // Month name first: "July 19, 1984", "Jul 19 1984", "Jul. 19th, 1984".
    if (t[0].kind == Token::kWord && sep(1, ' ') && IsDayToken(t[2]) && sep_in(3, " ,") &&
        IsYear4(t[4])) {
      const int month = MonthFromName(t[0].text);
      if (month == 0) return std::nullopt;
      return RealOrNull(Date{t[4].value, month, t[2].value});
    }
    // Day first: "19 July 1984", "19th July, 1984".
    if (IsDayToken(t[0]) && sep(1, ' ') && t[2].kind == Token::kWord && sep_in(3, " ,") &&
        IsYear4(t[4])) {
      const int month = MonthFromName(t[2].text);
      if (month == 0) return std::nullopt;
      return RealOrNull(Date{t[4].value, month, t[0].value});
    }
  }
  return std::nullopt;
}

bool IsPlausibleBirthDate(const Date& d, const Date& today) {
  return IsRealDate(d) && d <= today && d.year >= today.year - 120;
}

std::string FormatIsoDate(const Date& d) {
  // Every date of birth found goes through here: the usual range without snprintf.
  if (d.year >= 0 && d.year <= 9999 && d.month >= 0 && d.month <= 99 && d.day >= 0 && d.day <= 99) {
    char b[10] = {static_cast<char>('0' + d.year / 1000),       static_cast<char>('0' + d.year / 100 % 10),
                  static_cast<char>('0' + d.year / 10 % 10),    static_cast<char>('0' + d.year % 10),
                  '-',                                          static_cast<char>('0' + d.month / 10),
                  static_cast<char>('0' + d.month % 10),        '-',
                  static_cast<char>('0' + d.day / 10),          static_cast<char>('0' + d.day % 10)};
    return std::string(b, sizeof b);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Date Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return Date{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

}  // namespace breachscope::detect
