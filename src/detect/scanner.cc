#include "detect/scanner.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include <immintrin.h>

#include "detect/simd_skip.h"

namespace breachscope::detect {

namespace {

inline bool IsDigit(unsigned char c) { return static_cast<unsigned>(c - '0') < 10u; }
inline bool IsAlpha(unsigned char c) { return static_cast<unsigned>((c | 0x20) - 'a') < 26u; }
inline bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsXDigit(unsigned char c) { return IsDigit(c) || static_cast<unsigned>((c | 0x20) - 'a') < 6u; }
inline bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
inline char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// The longest token the scanner reads past the end of its own region.
constexpr uint64_t kTail = 160;
constexpr int kMaxGroups = 8;

// Digit groups of a numeric token: "412-63-7781" -> {3,2,4} with seps {'-','-'}.
struct Groups {
  int n = 0;
  const char* start[kMaxGroups];
  uint8_t len[kMaxGroups];
  char sep[kMaxGroups];  // sep[i] follows group i
  const char* after = nullptr;  // first byte after the last group
};

inline bool IsGroupSep(char c) { return c == '-' || c == ' ' || c == '.' || c == '/'; }

// The end of the digit run at q, stopping at `limit`: 16 bytes at a time (SSE2 is
// baseline on x86-64), since nearly every stop of the pass reads a run of digits.
inline const char* SkipDigits(const char* q, const char* limit) {
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  while (limit - q >= 16) {
    __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)), zero);
    unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d))) & 0xFFFFu;
    if (other) return q + __builtin_ctz(other);
    q += 16;
  }
  while (q < limit && IsDigit(static_cast<unsigned char>(*q))) ++q;
  return q;
}

// The end of the ASCII alphanumeric run at q (hashes, hex literals, identifiers skipped
// whole), 16 bytes at a time.
inline const char* SkipAlnum(const char* q, const char* end) {
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i a = _mm_set1_epi8('a');
  const __m128i z = _mm_set1_epi8(25);
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    __m128i d = _mm_sub_epi8(v, zero);
    __m128i l = _mm_sub_epi8(_mm_or_si128(v, lower), a);
    __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d), _mm_cmpeq_epi8(_mm_min_epu8(l, z), l));
    unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ok)) & 0xFFFFu;
    if (other) return q + __builtin_ctz(other);
    q += 16;
  }
  while (q < end && IsAlnum(static_cast<unsigned char>(*q))) ++q;
  return q;
}

Groups ReadGroups(const char* p, const char* end) {
  Groups g;
  const char* q = p;
  while (g.n < kMaxGroups) {
    const char* s = q;
    q = SkipDigits(q, end - q > 32 ? q + 32 : end);
    g.start[g.n] = s;
    g.len[g.n] = static_cast<uint8_t>(q - s);
    g.sep[g.n] = 0;
    ++g.n;
    if (q + 1 < end && IsGroupSep(*q) && IsDigit(static_cast<unsigned char>(q[1])) && g.n < kMaxGroups) {
      g.sep[g.n - 1] = *q;
      ++q;
      continue;
    }
    break;
  }
  g.after = q;
  return g;
}

// NextInteresting() with the next 16 bytes checked inline first: on machine text the
// next digit is usually that close, and the call's own loop costs more than the check.
inline const char* NextStop(const char* p, const char* end) {
  if (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
    if (const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit))) return p + __builtin_ctz(m);
    p += 16;
  }
  return NextInteresting(p, end);
}

// Bits set in x, inline (the baseline x86-64 target has no popcnt instruction, and
// __builtin_popcount becomes a libgcc call).
inline int PopCount(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return static_cast<int>((x * 0x01010101u) >> 24);
}

// The first 32 bytes at p classified at once, for Alnum(): a bit per byte that is an
// ASCII letter or digit, a bit per digit, and the bytes upper-cased into `upper`.
struct Classes32 {
  uint32_t alnum = 0, digit = 0, dash = 0;
};
inline Classes32 Classify32(const char* p, char* upper) {
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i a = _mm_set1_epi8('a');
  const __m128i z = _mm_set1_epi8(25);
  Classes32 c;
  for (int half = 0; half < 2; ++half) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * half));
    __m128i d = _mm_sub_epi8(v, zero);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    __m128i l = _mm_sub_epi8(_mm_or_si128(v, lower), a);
    __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, z), l);
    __m128i lo = _mm_sub_epi8(v, a);
    __m128i is_lower = _mm_cmpeq_epi8(_mm_min_epu8(lo, z), lo);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(upper + 16 * half), _mm_sub_epi8(v, _mm_and_si128(is_lower, lower)));
    c.alnum |= static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(is_digit, is_letter))) << (16 * half);
    c.digit |= static_cast<uint32_t>(_mm_movemask_epi8(is_digit)) << (16 * half);
    c.dash |= static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')))) << (16 * half);
  }
  return c;
}

// The end of a run of identifier bytes (letters, digits, '-', '_', '.') at q.
inline const char* SkipIdent(const char* q, const char* end) {
  for (;;) {
    q = SkipAlnum(q, end);
    if (q < end && (*q == '-' || *q == '_' || *q == '.')) {
      ++q;
      continue;
    }
    return q;
  }
}

// Digits of groups [i, j] concatenated, on the stack (no string per candidate); a
// single group is read in place instead (MatchRun).
class DigitsOf {
 public:
  DigitsOf(const Groups& g, int i, int j) {
    size_t n = 0;
    for (int k = i; k <= j; ++k) {
      std::memcpy(buf_ + n, g.start[k], g.len[k]);
      n += g.len[k];
    }
    view_ = std::string_view(buf_, n);
  }
  operator std::string_view() const { return view_; }
  std::string_view substr(size_t from) const { return view_.substr(from); }
  char operator[](size_t i) const { return view_[i]; }

 private:
  std::string_view view_;
  char buf_[kMaxGroups * 32];
};

bool IsMonthWord(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return false;
  char b[3] = {static_cast<char>(w[0] | 0x20), static_cast<char>(w[1] | 0x20),
               static_cast<char>(w[2] | 0x20)};
  for (auto m : kMonths)
    if (m[0] == b[0] && m[1] == b[1] && m[2] == b[2]) return true;
  return false;
}

// ASCII case-insensitive equality, without allocating (called for every e-mail).
bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower[i]) return false;
  }
  return true;
}

bool IsRoleMailbox(std::string_view local) {
  static constexpr std::array<std::string_view, 24> kRoles = {
      "noreply", "no-reply", "donotreply", "do-not-reply", "support", "info", "admin",
      "administrator", "sales", "help", "helpdesk", "contact", "webmaster", "postmaster",
      "abuse", "billing", "office", "hr", "privacy", "security", "mailer-daemon", "root",
      "hostmaster", "newsletter"};
  return std::any_of(kRoles.begin(), kRoles.end(), [&](std::string_view r) { return EqualsLower(local, r); });
}

bool IsFileExtension(std::string_view tld) {
  static constexpr std::array<std::string_view, 12> kExt = {
      "png", "jpg", "jpeg", "gif", "svg", "css", "js", "webp", "ico", "bmp", "tif", "pdf"};
  return std::any_of(kExt.begin(), kExt.end(), [&](std::string_view e) { return EqualsLower(tld, e); });
}

inline bool IsLocalChar(unsigned char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}

// Per-call state: the request, the output, the field cursor.
class Pass {
 public:
  Pass(const Scanner& s, const ScanRequest& r, std::vector<Candidate>& out)
      : s_(s), r_(r), out_(out), base_(r.text.data()), end_(r.text.data() + r.text.size()) {}

  void Run() {
    uint64_t start = std::min<uint64_t>(r_.own_begin, r_.text.size());
    uint64_t stop = r_.own_end == std::numeric_limits<uint64_t>::max()
                        ? r_.text.size()
                        : std::min<uint64_t>(r_.own_end + kTail, r_.text.size());
    const char* p = base_ + start;
    const char* scan_end = base_ + stop;
    // A token cut by our start belongs to the region before.
    while (p < scan_end && p > base_ && IsAlnum(static_cast<unsigned char>(p[-1]))) ++p;
    while ((p = NextStop(p, scan_end)) < scan_end) {
      if (*p == '@') {
        p = Email(p);
        continue;
      }
      if (p > base_ && IsDigit(static_cast<unsigned char>(p[-1]))) {  // inside a run we skipped
        ++p;
        continue;
      }
      p = Number(p);
    }
  }

 private:
  uint64_t Off(const char* p) const { return static_cast<uint64_t>(p - base_); }

  bool Owns(uint64_t begin) const { return begin >= r_.own_begin && begin < r_.own_end; }

  // The field holding `pos`. Look-ups come in text order, so the search goes on from
  // the previous one (field_hint_: fields beginning at or before the last position).
  const Field* FieldAt(uint64_t pos) const {
    const auto& fs = r_.fields;
    const size_t n = fs.size();
    if (n == 0) return nullptr;
    auto after = [](uint64_t v, const Field& f) { return v < f.begin; };
    size_t idx = field_hint_;
    if (idx <= n && (idx == 0 || fs[idx - 1].begin <= pos)) {
      for (int steps = 0; idx < n && fs[idx].begin <= pos && steps < 8; ++steps) ++idx;
      if (idx < n && fs[idx].begin <= pos)
        idx = static_cast<size_t>(std::upper_bound(fs.begin() + static_cast<std::ptrdiff_t>(idx), fs.end(), pos, after) -
                                  fs.begin());
    } else {
      idx = static_cast<size_t>(std::upper_bound(fs.begin(), fs.end(), pos, after) - fs.begin());
    }
    field_hint_ = idx;
    if (idx == 0) return nullptr;
    const Field& f = fs[idx - 1];
    return pos < f.end ? &f : nullptr;
  }

  Label FieldLabel(uint64_t pos) const {
    const Field* f = FieldAt(pos);
    return f ? f->label : Label::kNone;
  }

  // The label that gives `begin` its meaning: a label word inside the same field
  // first ("SSN 123..." in a notes cell), else the field's header, else the nearest
  // label word in the prose before it.
  // `distance` (optional): bytes between the label word and `begin`; unchanged when the
  // label is the field's header.
  Label LabelFor(uint64_t begin, size_t* distance = nullptr) const {
    const Field* f = FieldAt(begin);
    uint64_t floor = f ? f->begin : 0;
    Label near = s_.labels().NearestLabel(r_.text, begin, floor, 48, distance);
    if (near != Label::kNone) return near;
    return f ? f->label : Label::kNone;
  }

  // Built in place: a Candidate is large, and moving one costs as much as filling it.
  void Emit(PiiType type, uint64_t begin, uint64_t end, float confidence, std::string canonical,
            const char* code_system = nullptr) {
    if (!Owns(begin)) return;
    if (emitted_ && !(last_begin_ < begin)) in_order_ = false;
    emitted_ = true;
    last_begin_ = begin;
    Candidate& c = out_.emplace_back();
    c.type = type;
    c.begin = begin;
    c.end = end;
    c.confidence = confidence;
    c.canonical = Sensitive(std::move(canonical));
    c.code_system = code_system;
  }
  void Emit(PiiType type, uint64_t begin, uint64_t end, float confidence, std::string_view canonical) {
    if (!Owns(begin)) return;
    Emit(type, begin, end, confidence, std::string(canonical));
  }

  // ---- e-mail ----
  const char* Email(const char* at) {
    const char* l = at;
    while (l > base_ && at - l < 64 && IsLocalChar(static_cast<unsigned char>(l[-1]))) --l;
    while (l < at && (*l == '.' || *l == '\'' || *l == '-')) ++l;
    const char* d = at + 1;
    const char* q = d;
    while (q < end_ && q - d < 255 &&
           (IsAlnum(static_cast<unsigned char>(*q)) || *q == '-' || *q == '.'))
      ++q;
    while (q > d && (q[-1] == '.' || q[-1] == '-')) --q;
    const char* next = q > at + 1 ? q : at + 1;
    if (l == at || q == d) return next;
    std::string_view local(l, at - l), domain(d, q - d);
    size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return next;
    if (domain.find("..") != std::string_view::npos || local.find("..") != std::string_view::npos)
      return next;
    std::string_view tld = domain.substr(dot + 1);
    if (tld.size() < 2 || tld.size() > 24) return next;
    for (char c : tld)
      if (!IsAlpha(static_cast<unsigned char>(c))) return next;
    if (IsFileExtension(tld)) return next;
    std::string canonical;
    canonical.reserve(local.size() + domain.size() + 1);
    for (const char* k = l; k < q; ++k) canonical += static_cast<char>(std::tolower(static_cast<unsigned char>(*k)));
    float conf = IsRoleMailbox(local) ? 0.4f : 0.95f;
    Emit(PiiType::kEmail, Off(l), Off(q), conf, std::move(canonical));
    return next;
  }

  // ---- numbers ----
  const char* Number(const char* p) {
    // Letters right before the digits: an alphanumeric token (licence, id, ICD code).
    if (p > base_ && IsAlpha(static_cast<unsigned char>(p[-1]))) return Alnum(p);
    // "(573) 882-4410"
    if (p > base_ && p[-1] == '(') {
      if (const char* e = ParenPhone(p)) return e;
    }
    // After '$' a number is an amount or a Pascal/assembler hex literal ($00000100),
    // never an identifier.
    if (p > base_ && p[-1] == '$') {
      const char* q = p;
      q = SkipAlnum(q, end_);
      return q;
    }
    // A hex literal (0x150d) is one token of code, never a value.
    if (p[0] == '0' && end_ - p > 2 && (p[1] | 0x20) == 'x' && IsXDigit(static_cast<unsigned char>(p[2]))) {
      const char* q = p + 2;
      q = SkipAlnum(q, end_);
      return q;
    }
    Groups g = ReadGroups(p, end_);
    if (g.n == 1 && g.after < end_ && IsAlpha(static_cast<unsigned char>(*g.after)))
      return Alnum(p);
    MatchGroups(g, p);
    return g.after;
  }

  const char* ParenPhone(const char* p) {
    if (end_ - p < 13) return nullptr;
    if (!(IsDigit(p[0]) && IsDigit(p[1]) && IsDigit(p[2]) && p[3] == ')')) return nullptr;
    const char* q = p + 4;
    if (*q == ' ') ++q;
    if (end_ - q < 8) return nullptr;
    for (int k = 0; k < 3; ++k)
      if (!IsDigit(static_cast<unsigned char>(q[k]))) return nullptr;
    if (q[3] != '-' && q[3] != '.' && q[3] != ' ') return nullptr;
    for (int k = 4; k < 8; ++k)
      if (!IsDigit(static_cast<unsigned char>(q[k]))) return nullptr;
    const char* e = q + 8;
    if (e < end_ && IsAlnum(static_cast<unsigned char>(*e))) return nullptr;
    char digits[10];
    std::memcpy(digits, p, 3);
    std::memcpy(digits + 3, q, 3);
    std::memcpy(digits + 6, q + 4, 4);
    std::string_view dv(digits, 10);
    if (IsValidNanpPhone(dv)) {
      Label l = LabelFor(Off(p - 1));
      if (l != Label::kNegative)
        Emit(PiiType::kPhone, Off(p - 1), Off(e), l == Label::kPhone ? 0.97f : 0.85f, dv);
    }
    return e;
  }

  static bool Uniform(const Groups& g, int i, int j, std::string_view allowed) {
    char s = g.sep[i];
    if (allowed.find(s) == std::string_view::npos) return false;
    for (int k = i; k < j; ++k)
      if (g.sep[k] != s) return false;
    return true;
  }

  bool Lens(const Groups& g, int i, std::initializer_list<int> lens) const {
    if (i + static_cast<int>(lens.size()) > g.n) return false;
    int k = i;
    for (int l : lens)
      if (g.len[k++] != l) return false;
    return true;
  }

  // Left/right boundaries of a match over groups [i, j].
  bool Bounded(const Groups& g, int i, int j, const char* token_start) const {
    if (i > 0 && g.sep[i - 1] != ' ') return false;
    if (i == 0 && token_start > base_) {
      unsigned char b = static_cast<unsigned char>(token_start[-1]);
      if (IsAlnum(b)) return false;
      const char* sep = token_start - 1;
      if (b == '-' && sep > base_ && sep[-1] == '\\') --sep;  // roff writes a hyphen as "\-"
      if ((b == '.' || b == '-' || b == '/') && sep > base_) {
        unsigned char c = static_cast<unsigned char>(sep[-1]);
        // "12.412-63-7781", "7/412-63-7781" are parts of a longer number; a run after a
        // name and '/' is a path or URL segment ("feature/5068609911521280").
        if (IsDigit(c) || (b == '/' && IsAlpha(c))) return false;
      }
    }
    if (j < g.n - 1) return g.sep[j] == ' ';
    const char* a = g.after;
    if (a < end_ && IsAlnum(static_cast<unsigned char>(*a))) return false;
    if (a + 1 < end_ && (*a == '-' || *a == '/' || *a == '.') && IsDigit(static_cast<unsigned char>(a[1])))
      return false;
    if (a + 2 < end_ && a[0] == '\\' && a[1] == '-' && IsDigit(static_cast<unsigned char>(a[2]))) return false;
    return true;
  }

  // A space-separated match that is part of a longer space-separated list of numbers
  // ("100 40 0100 0x40", "quanta 2650 1514 1514 1514 1514 1514") is a row of figures,
  // not one SSN or card: an SSN or card written with spaces stands alone.
  // Hex codes count as numbers of the list ("52BB 5352 5354 5353 5351 5366").
  bool InNumberList(const Groups& g, int i, int j, const char* token_start) const {
    if (g.sep[i] != ' ') return false;
    if ((i > 0 && g.sep[i - 1] == ' ') || (j < g.n - 1 && g.sep[j] == ' ')) return true;
    if (i == 0 && token_start - base_ >= 2 && token_start[-1] == ' ') {
      for (const char* k = token_start - 1; k > base_ && IsAlnum(static_cast<unsigned char>(k[-1])); --k)
        if (IsDigit(static_cast<unsigned char>(k[-1]))) return true;
    }
    if (j == g.n - 1 && g.after < end_ && *g.after == ' ') {
      for (const char* k = g.after + 1; k < end_ && IsAlnum(static_cast<unsigned char>(*k)); ++k)
        if (IsDigit(static_cast<unsigned char>(*k))) return true;
    }
    return false;
  }

  // A whitespace-separated run of 4+ digits next to [b, e) on its line: the value is a
  // cell of a table of numbers ("license 00000004  0000000000000000  00000988").
  bool NextToNumber(uint64_t b, uint64_t e) const {
    const char* l = base_ + b;
    const char* k = l;
    while (k > base_ && (k[-1] == ' ' || k[-1] == '\t')) --k;
    if (k < l) {
      const char* s = k;
      while (s > base_ && IsDigit(static_cast<unsigned char>(s[-1]))) --s;
      if (k - s >= 4 && (s == base_ || s[-1] == ' ' || s[-1] == '\t' || s[-1] == '\n')) return true;
    }
    const char* r = base_ + e;
    k = r;
    while (k < end_ && (*k == ' ' || *k == '\t')) ++k;
    if (k > r) {
      const char* s = k;
      while (k < end_ && IsDigit(static_cast<unsigned char>(*k))) ++k;
      if (k - s >= 4 && (k == end_ || *k == ' ' || *k == '\t' || *k == '\r' || *k == '\n')) return true;
    }
    return false;
  }

  // An unlabelled card-shaped run among card-length numbers that mostly fail the card
  // check is one of a table of numbers (stroke orders in a collation table, serials,
  // ids) that passed Luhn by chance: random numbers pass one time in ten, a list of
  // cards (typos and test decoys aside) nearly always. Counts the 13-19-digit runs on
  // up to 16 lines above and below the run at b: at least 12 of them, 70% failing.
  bool InFailingNumberColumn(uint64_t b, int len) const {
    constexpr int kLines = 16;
    constexpr uint64_t kLineLimit = 512;  // longer lines are not table rows
    const std::string_view t = r_.text;
    int runs = 0, failing = 0;
    auto count = [&](uint64_t from, uint64_t to) {
      for (uint64_t i = from; i < to;) {
        if (!IsDigit(static_cast<unsigned char>(t[i]))) {
          ++i;
          continue;
        }
        uint64_t j = i;
        while (j < to && IsDigit(static_cast<unsigned char>(t[j]))) ++j;
        if (j - i >= 13 && j - i <= 19 && (i == 0 || !IsAlpha(static_cast<unsigned char>(t[i - 1]))) &&
            (j >= t.size() || !IsAlpha(static_cast<unsigned char>(t[j])))) {
          ++runs;
          failing += !IsValidCard(t.substr(i, j - i));
        }
        i = j;
      }
    };
    uint64_t line = b;  // start of b's line
    while (line > 0 && b - line < kLineLimit && t[line - 1] != '\n') --line;
    for (int k = 0; k < kLines && line > 0 && t[line - 1] == '\n'; ++k) {  // lines above
      const uint64_t end = line - 1;
      uint64_t start = end;
      while (start > 0 && end - start < kLineLimit && t[start - 1] != '\n') --start;
      count(start, end);
      line = start;
    }
    uint64_t eol = b + static_cast<uint64_t>(len);
    while (eol < t.size() && eol - b < kLineLimit && t[eol] != '\n') ++eol;
    for (int k = 0; k < kLines && eol < t.size() && t[eol] == '\n'; ++k) {  // lines below
      uint64_t end = eol + 1;
      while (end < t.size() && end - eol < kLineLimit && t[end] != '\n') ++end;
      count(eol + 1, end);
      eol = end;
    }
    return runs >= 12 && failing * 100 >= runs * 70;
  }

  // A bare run joined by '-' to a word that is not a label ("fuzzer-5181909018345472",
  // "build-20230101") is the tail of a compound name; "Acct-12345678" keeps its label.
  bool CompoundTail(const char* token_start) const {
    if (token_start - base_ < 2 || token_start[-1] != '-' || !IsAlpha(static_cast<unsigned char>(token_start[-2])))
      return false;
    const char* w = token_start - 1;
    char word[24];
    size_t n = 0;
    while (w > base_ && IsAlpha(static_cast<unsigned char>(w[-1])) && n < sizeof word) --w, ++n;
    if (w > base_ && IsAlpha(static_cast<unsigned char>(w[-1]))) return true;  // longer than any label word
    for (size_t k = 0; k < n; ++k) word[k] = static_cast<char>(w[k] | 0x20);
    return s_.labels().ForWord(std::string_view(word, n)) == Label::kNone;
  }

  uint64_t SpanBegin(const Groups& g, int i) const { return Off(g.start[i]); }
  uint64_t SpanEnd(const Groups& g, int j) const { return Off(g.start[j] + g.len[j]); }

  void MatchGroups(const Groups& g, const char* token_start) {
    int i = 0;
    while (i < g.n) {
      int used = MatchAt(g, i, token_start);
      i += used > 0 ? used : 1;
    }
  }

  // Tries every shape at group i; returns the number of groups consumed (0: none).
  // Most groups are single runs (figures, ids, parts of times): the multi-group shapes
  // are tried out of line, only when three groups or more remain.
  int MatchAt(const Groups& g, int i, const char* token_start) {
    if (g.n - i >= 3) {
      if (int used = MatchShape(g, i, token_start)) return used;
    }
    return MatchRun(g, i, token_start);
  }

  // Cards, phones, SSNs and dates over groups i.. (at least three remain); 0: none.
  __attribute__((noinline)) int MatchShape(const Groups& g, int i, const char* token_start) {
    const int r = g.n - i;
    // Cards 4-4-4-4.
    if (r >= 4 && Lens(g, i, {4, 4, 4, 4}) && Uniform(g, i, i + 3, " -") && Bounded(g, i, i + 3, token_start)) {
      DigitsOf d(g, i, i + 3);
      if (!InNumberList(g, i, i + 3, token_start) && IsValidCard(d)) {
        Label l = LabelFor(SpanBegin(g, i));
        if (l != Label::kNegative)
          Emit(PiiType::kCreditCard, SpanBegin(g, i), SpanEnd(g, i + 3), l == Label::kCard ? 0.99f : 0.9f, d);
      }
      return 4;
    }
    // Phone with country code 1-573-882-4410 / +1 573 882 4410.
    if (r >= 4 && Lens(g, i, {1, 3, 3, 4}) && g.start[i][0] == '1' && Bounded(g, i, i + 3, token_start)) {
      DigitsOf d(g, i + 1, i + 3);
      if (IsValidNanpPhone(d)) {
        uint64_t b = SpanBegin(g, i);
        if (b > 0 && r_.text[b - 1] == '+') --b;
        Label l = LabelFor(b);
        if (l != Label::kNegative) Emit(PiiType::kPhone, b, SpanEnd(g, i + 3), l == Label::kPhone ? 0.97f : 0.85f, d);
      }
      return 4;
    }
    // Amex 4-6-5, Diners 4-6-4.
    if (r >= 3 && (Lens(g, i, {4, 6, 5}) || Lens(g, i, {4, 6, 4})) && Uniform(g, i, i + 2, " -") &&
        Bounded(g, i, i + 2, token_start)) {
      DigitsOf d(g, i, i + 2);
      if (!InNumberList(g, i, i + 2, token_start) && IsValidCard(d)) {
        Label l = LabelFor(SpanBegin(g, i));
        if (l != Label::kNegative)
          Emit(PiiType::kCreditCard, SpanBegin(g, i), SpanEnd(g, i + 2), l == Label::kCard ? 0.99f : 0.9f, d);
      }
      return 3;
    }
    // SSN 3-2-4.
    if (r >= 3 && Lens(g, i, {3, 2, 4}) && Uniform(g, i, i + 2, "- .") && Bounded(g, i, i + 2, token_start)) {
      DigitsOf d(g, i, i + 2);
      if (!InNumberList(g, i, i + 2, token_start) && IsValidSsn(d)) {
        Label l = LabelFor(SpanBegin(g, i));
        float conf = l == Label::kSsn ? 0.99f : l == Label::kNegative ? 0.2f : (g.sep[i] == '-' ? 0.85f : 0.6f);
        if (l == Label::kPhone || l == Label::kAccount || l == Label::kRouting || l == Label::kCard) conf = 0.4f;
        Emit(PiiType::kSsn, SpanBegin(g, i), SpanEnd(g, i + 2), conf, d);
      }
      return 3;
    }
    // Phone 3-3-4: "573-882-4410", "573.882.4410", "573 882-4410".
    if (r >= 3 && Lens(g, i, {3, 3, 4}) && g.sep[i] != '/' && g.sep[i + 1] != '/' &&
        Bounded(g, i, i + 2, token_start)) {
      DigitsOf d(g, i, i + 2);
      if (IsValidNanpPhone(d)) {
        Label l = LabelFor(SpanBegin(g, i));
        if (l != Label::kNegative)
          Emit(PiiType::kPhone, SpanBegin(g, i), SpanEnd(g, i + 2), l == Label::kPhone ? 0.97f : 0.85f, d);
      }
      return 3;
    }
    // Dates: YYYY-MM-DD, MM/DD/YYYY, MM/DD/YY — a date of birth only with birth context.
    if (r >= 3 && Uniform(g, i, i + 2, "-/.") &&
        ((g.len[i] == 4 && g.len[i + 1] <= 2 && g.len[i + 2] <= 2) ||
         (g.len[i] <= 2 && g.len[i + 1] <= 2 && (g.len[i + 2] == 4 || g.len[i + 2] == 2)))) {
      const char* a = g.after;
      bool timestamp = g.len[i] == 4 && i + 2 == g.n - 1 && a < end_ && *a == 'T';
      if ((timestamp && !EventTime(a + 1)) || (!timestamp && Bounded(g, i, i + 2, token_start))) {
        uint64_t b = SpanBegin(g, i), e = SpanEnd(g, i + 2);
        Dob(b, e, r_.text.substr(b, e - b));
      }
      return 3;
    }
    return 0;
  }

  // A single run of digits at group i.
  int MatchRun(const Groups& g, int i, const char* token_start) {
    if (!Bounded(g, i, i, token_start)) return 0;
    const int len = g.len[i];
    if (len <= 2) {
      MonthNameDate(g, i);
      return 1;
    }
    if (len < 4) return 1;
    if (i == 0 && CompoundTail(token_start)) return 1;
    const std::string_view d(g.start[i], static_cast<size_t>(len));
    uint64_t b = SpanBegin(g, i), e = SpanEnd(g, i);
    if (len >= 13 && len <= 19 && IsValidCard(d)) {
      Label l = LabelFor(b);
      // 17 to 19 digits without a card label are as often 64-bit ids (nonces, snowflake
      // ids) as the rare long card numbers.
      if (l != Label::kNegative && l != Label::kAccount && l != Label::kHealthId && l != Label::kStudentId &&
          l != Label::kDriversLicense && (len <= 16 || l == Label::kCard) &&
          (l == Label::kCard || !InFailingNumberColumn(b, len)))
        return Emit(PiiType::kCreditCard, b, e, l == Label::kCard ? 0.99f : 0.8f, d), 1;
    }
    if (len == 11 && d[0] == '1' && b > 0 && r_.text[b - 1] == '+' && IsValidNanpPhone(d.substr(1))) {
      Label l = LabelFor(b - 1);
      if (l != Label::kNegative) Emit(PiiType::kPhone, b - 1, e, 0.9f, d.substr(1));
      return 1;
    }
    Labelled(b, e, d, /*digits_only=*/true);
    return 1;
  }

  // The "HH:MM[:SS]" after a date's 'T' names an event's moment when it is not a
  // midnight moved by a time zone: zones are whole hours, or :30 / :45 off UTC, so a
  // birth date exported as a UTC timestamp ("1984-07-19T04:00:00Z") has minutes 00, 30
  // or 45 and no seconds; "1979-05-27T07:32:00" is the time something happened.
  bool EventTime(const char* t) const {
    if (end_ - t < 5 || !IsDigit(t[0]) || !IsDigit(t[1]) || t[2] != ':' || !IsDigit(t[3]) || !IsDigit(t[4]))
      return false;
    int minutes = (t[3] - '0') * 10 + (t[4] - '0');
    if (minutes != 0 && minutes != 30 && minutes != 45) return true;
    if (end_ - t >= 8 && t[5] == ':' && IsDigit(t[6]) && IsDigit(t[7]) && (t[6] != '0' || t[7] != '0')) return true;
    return false;
  }

  void Dob(uint64_t b, uint64_t e, std::string_view text) {
    if (LabelFor(b) != Label::kDob) return;
    auto date = ParseDate(text, s_.today());
    if (!date || !IsPlausibleBirthDate(*date, s_.today())) return;
    Emit(PiiType::kDob, b, e, 0.95f, FormatIsoDate(*date));
  }

  // "July 19, 1984", "19 July 1984", "19-JUL-1984" around a 1-2 digit group.
  void MonthNameDate(const Groups& g, int i) {
    const char* s = g.start[i];
    const char* e = s + g.len[i];
    // Month word before: "July 19, 1984" / "Jul. 19th 1984".
    const char* w = s;
    while (w > base_ && (w[-1] == ' ' || w[-1] == '.') && s - w < 3) --w;
    const char* we = w;
    while (w > base_ && IsAlpha(static_cast<unsigned char>(w[-1])) && we - w < 10) --w;
    if (we > w && IsMonthWord(std::string_view(w, we - w))) {
      const char* q = e;
      while (q < end_ && (IsAlpha(static_cast<unsigned char>(*q)) || *q == ',' || *q == ' ') && q - e < 5) ++q;
      const char* y = q;
      while (q < end_ && IsDigit(static_cast<unsigned char>(*q)) && q - y < 4) ++q;
      if (q - y == 4) Dob(Off(w), Off(q), std::string_view(w, q - w));
      return;
    }
    // Month word after: "19 July 1984", "19-JUL-1984".
    const char* q = e;
    while (q < end_ && (*q == ' ' || *q == '-' || IsAlpha(static_cast<unsigned char>(*q))) && q - e < 4 &&
           !IsAlpha(static_cast<unsigned char>(*q)))
      ++q;
    const char* m = q;
    while (q < end_ && IsAlpha(static_cast<unsigned char>(*q)) && q - m < 10) ++q;
    if (q > m && IsMonthWord(std::string_view(m, q - m))) {
      while (q < end_ && (*q == ' ' || *q == '-' || *q == ',' || *q == '.') && q - m < 14) ++q;
      const char* y = q;
      while (q < end_ && IsDigit(static_cast<unsigned char>(*q)) && q - y < 4) ++q;
      if (q - y == 4 || q - y == 2) Dob(Off(s), Off(q), std::string_view(s, q - s));
    }
  }

  // The start of the run of at most 8 ASCII letters that ends at `digit`. The 8 bytes
  // before it are tested at once (SWAR) when there are 8: identifiers in code
  // ("uint8_t", "x86_64") bring the pass here once per digit run.
  const char* LettersBefore(const char* digit) const {
    if (digit - base_ < 8) {
      const char* b = digit;
      while (b > base_ && IsAlpha(static_cast<unsigned char>(b[-1])) && digit - b < 8) --b;
      return b;
    }
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    uint64_t w;
    std::memcpy(&w, digit - 8, 8);  // byte 7 is digit[-1]
    const uint64_t x = w | 0x2020202020202020ull;
    const uint64_t t = x & ~kHigh;
    const uint64_t at_least_a = (t + (0x80 - 'a') * kOnes) & kHigh;
    const uint64_t past_z = (t + (0x80 - 'z' - 1) * kOnes) & kHigh;
    const uint64_t letter = at_least_a & ~past_z & ~(x & kHigh);
    const uint64_t other = ~letter & kHigh;
    if (other == 0) return digit - 8;
    return digit - 8 + (63 - __builtin_clzll(other)) / 8 + 1;
  }

  // ---- alphanumeric tokens: licences, passports, member/student ids, MBI, ICD-10 ----
  const char* Alnum(const char* digit) {
    const char* b = LettersBefore(digit);
    if (b > base_ && (IsAlnum(static_cast<unsigned char>(b[-1])) || b[-1] == '_')) {
      // Inside a longer word (hash, variable name): skip the rest of it.
      const char* q = digit;
      q = SkipAlnum(q, end_);
      return q;
    }
    // A path or URL segment ("dl/t5520-cleanup", "drivers/i8253") is not a value.
    // So is a tag or symbol name right after '<' ("<U0010>"); a value inside an element
    // ("<SSN>...") follows '>'.
    const bool path_segment = (b - base_ >= 2 && b[-1] == '/' && IsAlnum(static_cast<unsigned char>(b[-2]))) ||
                              (b > base_ && b[-1] == '<');
    // ICD-10: letter, digit, digit/letter [. 1-4 alnum] right after a single letter.
    if (digit - b == 1) {
      if (const char* e = Icd10(b)) return e;
    }
    const char* q = b;
    // The upper-cased token, on the stack: at most 25 characters are read.
    char canon_buf[32];
    size_t canon_n = 0;
    int digits = 0, letters = 0;
    // A part after a hyphen that is a lowercase word ("t5520-cleanup") makes the token
    // a name, not an id: ids are digits and capitals.
    bool word_part = false;
    const char* part = nullptr;  // start of the current part after a hyphen
    int part_lower = 0;
    auto end_part = [&](const char* at) {
      if (part && at - part >= 3 && part_lower > 0) {
        bool letters_only = true;
        for (const char* k = part; k < at; ++k) letters_only = letters_only && IsAlpha(static_cast<unsigned char>(*k));
        word_part = word_part || letters_only;
      }
    };
    // Most tokens have no hyphen: then the token is the alphanumeric run at b, read in
    // one 32-byte classification instead of byte by byte (same canon, counts and end).
    bool whole = false;
    if (end_ - b >= 32) {
      Classes32 cls = Classify32(b, canon_buf);
      const uint32_t stop = ~cls.alnum;
      const unsigned len = stop ? static_cast<unsigned>(__builtin_ctz(stop)) : 32u;
      if (len >= 25) {
        canon_n = 25;  // the byte-wise loop stops after 25: too long for any id
        q = b + 25;
        whole = true;
      } else if (b[len] != '-') {
        canon_n = len;
        digits = PopCount(cls.digit & ((1u << len) - 1));
        letters = static_cast<int>(len) - digits;
        q = b + len;
        whole = true;
      } else {
        // Hyphenated (UUIDs, "A123-4567-8901"): the loop below joins parts on a hyphen
        // followed by a letter or digit (not the first byte; at byte 31 the next byte is
        // outside the mask, so the token is taken to end there). When the token holds 25
        // letters and digits within these bytes, the loop would stop on the 25th and
        // skip the identifier: skip it from b (every byte before that is in the skip's
        // class) without reading it byte by byte.
        const uint32_t joins = cls.dash & (cls.alnum >> 1) & 0x7FFFFFFEu;
        const uint32_t token = cls.alnum | joins;
        const uint32_t ends = ~token;
        const uint32_t in = ends ? (1u << __builtin_ctz(ends)) - 1 : ~0u;
        if (PopCount(cls.alnum & in) >= 25) {
          canon_n = 25;
          q = b;
          whole = true;
        }
      }
    }
    while (!whole && q < end_ && canon_n <= 24) {
      unsigned char c = static_cast<unsigned char>(*q);
      if (IsAlnum(c)) {
        canon_buf[canon_n++] = Upper(static_cast<char>(c));
        IsDigit(c) ? ++digits : ++letters;
        part_lower += IsLower(c);
        ++q;
      } else if (c == '-' && q + 1 < end_ && IsAlnum(static_cast<unsigned char>(q[1])) && q > b) {
        end_part(q);
        ++q;
        part = q;
        part_lower = 0;
      } else {
        break;
      }
    }
    end_part(q);
    const std::string_view canon(canon_buf, canon_n);
    if (canon.size() > 24 || (q < end_ && (*q == '_' || (*q == '.' && q + 1 < end_ && IsAlnum(q[1]))))) {
      return SkipIdent(q, end_);
    }
    if (path_segment || word_part) return q;
    uint64_t bo = Off(b), eo = Off(q);
    if (canon.size() == 11 && IsValidMbi(canon)) {
      Label l = LabelFor(bo);
      if (l != Label::kNegative) Emit(PiiType::kMbi, bo, eo, l == Label::kMbi ? 0.99f : 0.7f, canon);
      return q;
    }
    // Mostly-letter tokens are words and codes, not ids; Washington's WDL licence
    // numbers (WDL + 9 random characters, since 2018) may hold a single digit.
    bool wdl = canon.size() == 12 && canon.compare(0, 3, "WDL") == 0;
    if ((digits >= 4 || wdl) && canon.size() >= 5) Labelled(bo, eo, canon, letters == 0);
    return q;
  }

  const char* Icd10(const char* b) {
    // b: letter; b[1] digit.
    const char* q = b + 1;
    if (end_ - b < 3 || !IsDigit(static_cast<unsigned char>(q[0])) || !IsAlnum(static_cast<unsigned char>(q[1])))
      return nullptr;
    q += 2;
    std::string code{Upper(b[0]), b[1], Upper(b[2])};
    if (q < end_ && *q == '.') {
      const char* t = q + 1;
      while (t < end_ && IsAlnum(static_cast<unsigned char>(*t)) && t - q <= 4) code += Upper(*t++);
      if (t == q + 1) return nullptr;
      q = t;
    }
    if (q < end_ && (IsAlnum(static_cast<unsigned char>(*q)) || *q == '-' || *q == '_' || *q == '.')) return nullptr;
    if (!IsIcd10Shape(code)) return nullptr;
    Label l = LabelFor(Off(b));
    if (l == Label::kDiagnosis) Emit(PiiType::kDiagnosis, Off(b), Off(q), 0.9f, CanonicalIcd10(code), "icd10");
    return q;
  }

  // A token whose type only its label tells (9/10-digit runs, licences, ids).
  void Labelled(uint64_t b, uint64_t e, std::string_view canon, bool digits_only) {
    size_t distance = 0;
    Label l = LabelFor(b, &distance);
    if (l == Label::kNone) return;
    const size_t n = canon.size();
    // One character repeated ("0000000000000000") is a placeholder, and a cell of a table
    // of numbers is not the value of a label before the table.
    if (n > 1 && canon.find_first_not_of(canon[0]) == std::string_view::npos) return;
    if (digits_only && NextToNumber(b, e)) return;
    switch (l) {
      case Label::kSsn:
        if (digits_only && n == 9 && IsValidSsn(canon)) Emit(PiiType::kSsn, b, e, 0.97f, canon);
        break;
      case Label::kPhone:
        if (digits_only && n == 10 && IsValidNanpPhone(canon)) Emit(PiiType::kPhone, b, e, 0.9f, canon);
        else if (digits_only && n == 11 && canon[0] == '1' && IsValidNanpPhone(canon.substr(1)))
          Emit(PiiType::kPhone, b, e, 0.9f, canon.substr(1));
        break;
      case Label::kCard:
        if (digits_only && IsValidCard(canon)) Emit(PiiType::kCreditCard, b, e, 0.97f, canon);
        break;
      case Label::kAccount: {
        // Account numbers have no format: the label must be close ("Account no. 0001234567"),
        // and amounts, sizes and short counters are too short to be one.
        bool close = distance <= 16 || FieldLabel(b) == Label::kAccount;
        if (digits_only && close && n >= 6 && n <= 17 && !(n == 9 && IsValidAbaRouting(canon) && NearRoutingWord(b)))
          Emit(PiiType::kBankAccount, b, e, 0.85f, canon);
        break;
      }
      case Label::kRouting:
        // A routing number is not itself a finding; the account after it is.
        if (digits_only && n == 9 && IsValidAbaRouting(canon)) AccountAfterRouting(e);
        break;
      case Label::kDriversLicense:
        // Five characters at least: "DL 2542" is a Delta flight, not a licence.
        if (n >= 5 && n <= 20 && DlStateMask(canon) != 0) Emit(PiiType::kDriversLicense, b, e, 0.9f, canon);
        break;
      case Label::kPassport:
        if (IsUsPassportShape(canon)) Emit(PiiType::kPassport, b, e, 0.92f, canon);
        break;
      case Label::kMbi:
        if (n == 11 && IsValidMbi(canon)) Emit(PiiType::kMbi, b, e, 0.99f, canon);
        break;
      case Label::kHealthId:
        if (n >= 5 && n <= 20) Emit(PiiType::kHealthId, b, e, 0.9f, canon);
        break;
      case Label::kStudentId:
        if (n >= 4 && n <= 20) Emit(PiiType::kStudentId, b, e, 0.9f, canon);
        break;
      case Label::kDob:
        if (digits_only && n == 8) Dob(b, e, r_.text.substr(b, e - b));
        break;
      default:
        break;
    }
  }

  bool NearRoutingWord(uint64_t b) const {
    uint64_t from = b > 24 ? b - 24 : 0;
    return s_.labels().WordLabelIn(r_.text, from, b, Label::kRouting);
  }

  // "Routing 121000358 Account 12345678" / "121000358 / 000123456789".
  void AccountAfterRouting(uint64_t e) {
    const char* p = base_ + e;
    const char* limit = std::min(end_, p + 40);
    while (p < limit && !IsDigit(static_cast<unsigned char>(*p))) {
      if (*p == '\n') return;
      ++p;
    }
    const char* s = p;
    while (p < end_ && IsDigit(static_cast<unsigned char>(*p))) ++p;
    size_t n = p - s;
    if (s >= limit || n < 4 || n > 17 || (p < end_ && IsAlpha(static_cast<unsigned char>(*p)))) return;
    // Reported here only when nothing labels it: a labelled value is reported by its own label.
    const Field* f = FieldAt(Off(s));
    if ((f && f->label != Label::kNone) || s_.labels().NearestLabel(r_.text, Off(s), e) != Label::kNone) return;
    Emit(PiiType::kBankAccount, Off(s), Off(p), 0.8f, std::string(s, n));
  }

  const Scanner& s_;
  const ScanRequest& r_;
  std::vector<Candidate>& out_;
  const char* base_;
  const char* end_;
  mutable size_t field_hint_ = 0;

 public:
  // Whether the candidates were emitted with strictly increasing begins (then they
  // need no sort).
  bool in_order() const { return in_order_; }

 private:
  bool emitted_ = false, in_order_ = true;
  uint64_t last_begin_ = 0;
};

}  // namespace

Scanner::Scanner(std::shared_ptr<const LabelTable> labels, Date today)
    : labels_(std::move(labels)), today_(today) {}

void Scanner::Scan(const ScanRequest& request, std::vector<Candidate>& out) const {
  size_t first = out.size();
  Pass pass(*this, request, out);
  pass.Run();
  // The pass emits in text order almost always; sorting (swapping) Candidates, which are
  // large, is only needed when it did not. Strictly increasing: ties keep std::sort's order.
  auto from = out.begin() + static_cast<std::ptrdiff_t>(first);
  if (!pass.in_order())
    std::sort(from, out.end(), [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
}

}  // namespace breachscope::detect
