// decode/encoded_runs.cc — finders for hex, %-encoding, quoted-printable, HTML
// character references, JS escapes, ViewState and data: URIs.
//
// Why one file: the finders share their shape (a trigger byte, a run grown while
// escapes keep coming, a decoder, a "is the result text" check) and FindEncodedRuns()
// must see all of them at once to resolve overlaps and to clip the context it adds
// around inline runs at the neighbouring runs (so a run's context never holds another
// run, which would be found twice). The decoders are simple character maps defined
// by their specs (RFC 3986 §2.1, RFC 2045 §6.7, HTML §13.5, ECMA-262 string escapes);
// compressed bytes are inflated by zlib in BytesToText().
#include "decode/encoded_runs.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "base/cpu.h"

namespace breachscope::decode {

namespace {

constexpr std::array<int8_t, 256> MakeHex() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
  return t;
}
constexpr std::array<int8_t, 256> kHex = MakeHex();

inline int HexVal(char c) { return kHex[static_cast<unsigned char>(c)]; }
inline bool IsHex(char c) { return HexVal(c) >= 0; }
inline bool IsUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
inline bool IsAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsB64(char c) { return IsAlnum(c) || c == '+' || c == '/'; }
// Letters, digits and '@': what an identifier hidden as escapes is made of.
inline bool IsSignal(uint32_t cp) { return cp < 0x80 && (IsAlnum(static_cast<char>(cp)) || cp == '@'); }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ------------------------------------------------------------------ triggers

// Each finder starts from its trigger: '%' (url), '&' (entity), '\\' (jsescape), '='
// (qp), "/w" (viewstate), "a:" (data: URIs). A search for each over the whole text is
// a pass per finder; Triggers makes one pass that notes, for every 64-byte block, which
// triggers it holds, and the searches then look inside those blocks only. A block's
// bit for a pair is set when the pair begins in it (its second byte may be the next
// block's first).
enum Trigger : uint8_t { kPercent = 1, kAmp = 2, kBackslash = 4, kEquals = 8, kSlashW = 16, kAColon = 32 };

constexpr size_t kBlock = 64;

uint8_t BlockTriggersScalar(std::string_view t, size_t b) {
  uint8_t bits = 0;
  const size_t end = std::min(t.size(), b + kBlock);
  for (size_t i = b; i < end; ++i) {
    switch (t[i]) {
      case '%': bits |= kPercent; break;
      case '&': bits |= kAmp; break;
      case '\\': bits |= kBackslash; break;
      case '=': bits |= kEquals; break;
      case '/': bits |= i + 1 < t.size() && t[i + 1] == 'w' ? kSlashW : 0; break;
      case 'a': bits |= i + 1 < t.size() && t[i + 1] == ':' ? kAColon : 0; break;
      default: break;
    }
  }
  return bits;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) inline __m256i Eq(__m256i v, char c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c));
}

__attribute__((target("avx2"))) inline uint8_t Any(__m256i lo, __m256i hi, uint8_t bit) {
  return _mm256_movemask_epi8(_mm256_or_si256(lo, hi)) ? bit : 0;
}

// Bit k: p[k] == a and (b == 0 or p[k + 1] == b); reads p[0..64].
__attribute__((target("avx2"))) uint64_t BlockMatches(const char* p, char a, char b) {
  __m256i m0 = Eq(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), a);
  __m256i m1 = Eq(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), a);
  if (b) {
    m0 = _mm256_and_si256(m0, Eq(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1)), b));
    m1 = _mm256_and_si256(m1, Eq(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 33)), b));
  }
  return static_cast<uint32_t>(_mm256_movemask_epi8(m0)) |
         static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(m1))) << 32;
}

// The blocks whose 65 bytes (the block and the byte after it) are all in the text.
__attribute__((target("avx2"))) size_t BlockTriggersAvx2(std::string_view t, uint8_t* out) {
  size_t b = 0;
  for (; b * kBlock + kBlock + 1 <= t.size(); ++b) {
    const char* p = t.data() + b * kBlock;
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 33));
    out[b] = Any(Eq(x0, '%'), Eq(x1, '%'), kPercent) | Any(Eq(x0, '&'), Eq(x1, '&'), kAmp) |
             Any(Eq(x0, '\\'), Eq(x1, '\\'), kBackslash) | Any(Eq(x0, '='), Eq(x1, '='), kEquals) |
             Any(_mm256_and_si256(Eq(x0, '/'), Eq(y0, 'w')), _mm256_and_si256(Eq(x1, '/'), Eq(y1, 'w')), kSlashW) |
             Any(_mm256_and_si256(Eq(x0, 'a'), Eq(y0, ':')), _mm256_and_si256(Eq(x1, 'a'), Eq(y1, ':')), kAColon);
  }
  return b;
}
#endif


class Triggers {
 public:
  explicit Triggers(std::string_view t) : t_(t), blocks_((t.size() + kBlock - 1) / kBlock) {
    size_t b = 0;
#if defined(__x86_64__)
    if (CpuHasAvx2()) b = BlockTriggersAvx2(t, blocks_.data());
#endif
    for (; b < blocks_.size(); ++b) blocks_[b] = BlockTriggersScalar(t, b * kBlock);
  }

  // The first position at or after `p` of byte `c` (single-byte trigger `kind`), or t.size().
  size_t Next(Trigger kind, char c, size_t p) const { return Find(kind, c, 0, p); }

  // The first position at or after `p` where bytes `a`, `b` (pair trigger `kind`) follow
  // each other, or t.size().
  size_t NextPair(Trigger kind, char a, char b, size_t p) const { return Find(kind, a, b, p); }

 private:
  // Next() (b == 0) or NextPair(): inside each block that holds the trigger, the 64
  // positions are compared at once (AVX2) or one by one (the text's last block).
  size_t Find(Trigger kind, char a, char b, size_t p) const {
    const size_t n = t_.size();
    while (p < n) {
      const size_t k = NextBlock(kind, p / kBlock);
      if (k >= blocks_.size()) return n;
      const size_t base = k * kBlock, from = std::max(p, base);
#if defined(__x86_64__)
      if (CpuHasAvx2() && base + kBlock + 1 <= n) {
        uint64_t m = BlockMatches(t_.data() + base, a, b) & (~uint64_t{0} << (from - base));
        if (m) return base + static_cast<size_t>(__builtin_ctzll(m));
        p = base + kBlock;
        continue;
      }
#endif
      const size_t to = std::min(n, base + kBlock);
      for (size_t q = from; q < to; ++q)
        if (t_[q] == a && (b == 0 || (q + 1 < n && t_[q + 1] == b))) return q;
      p = to;
    }
    return n;
  }

  // The first block at or after `b` holding `kind`, or blocks_.size(); eight blocks a step
  // through runs without it.
  size_t NextBlock(Trigger kind, size_t b) const {
    const size_t nb = blocks_.size();
    const uint64_t mask = 0x0101010101010101ull * kind;
    while (b < nb) {
      if (b % 8 == 0) {
        while (b + 8 <= nb) {
          uint64_t w;
          std::memcpy(&w, blocks_.data() + b, 8);
          if (w & mask) break;
          b += 8;
        }
        if (b >= nb) break;
      }
      if (blocks_[b] & kind) return b;
      ++b;
    }
    return nb;
  }

  std::string_view t_;
  std::vector<uint8_t> blocks_;
};

bool HasNewline(std::string_view t, size_t b, size_t e) {
  return e > b && std::memchr(t.data() + b, '\n', e - b) != nullptr;
}

constexpr size_t kMaxGap = 16;      // literal characters allowed between two escapes of one run
constexpr size_t kContext = 64;     // bytes of the line kept on each side of an inline run
constexpr size_t kUrlMerge = 64;    // escaped url tokens closer than this form one run

// ------------------------------------------------------------------ hex

bool HexToBytes(std::string_view hex, std::string& out) {
  out.clear();
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int a = HexVal(hex[i]), b = HexVal(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    out.push_back(static_cast<char>(a << 4 | b));
  }
  return true;
}

constexpr size_t kMinHex = 32;  // hex digits in a run worth decoding

// A position inside the first run of kMinHex hex digits or more that lies at or after
// `i` (counting from `i`), or t.size(). Scalar: one probe every kMinHex bytes (a run
// that long covers one), widened when it hits.
size_t NextHexRunScalar(std::string_view t, size_t i) {
  while (i + kMinHex <= t.size()) {
    if (!IsHex(t[i + kMinHex - 1])) {
      i += kMinHex;
      continue;
    }
    size_t s = i + kMinHex - 1;
    while (s > i && IsHex(t[s - 1])) --s;
    size_t e = i + kMinHex;
    while (e < t.size() && IsHex(t[e])) ++e;
    if (e - s >= kMinHex) return s;
    i = e;
  }
  return t.size();
}

#if defined(__x86_64__)
// Bit k set when p[k] is a hex digit: two nibble lookups (pshufb) whose AND is non-zero
// for 0-9 (high nibble 3, bit 0) and A-F a-f (high nibble 4 or 6, low nibble 1-6, bit 1).
__attribute__((target("avx2"))) inline uint32_t HexMask32(const char* p) {
  const __m256i lo_tbl = _mm256_setr_epi8(1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 3, 3, 3, 3, 3, 3, 1, 1,
                                          1, 0, 0, 0, 0, 0, 0);
  const __m256i hi_tbl = _mm256_setr_epi8(0, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 2, 0, 0,
                                          0, 0, 0, 0, 0, 0, 0);
  const __m256i nib = _mm256_set1_epi8(0x0F);
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i lo = _mm256_shuffle_epi8(lo_tbl, _mm256_and_si256(v, nib));
  __m256i hi = _mm256_shuffle_epi8(hi_tbl, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
  __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
  return ~static_cast<uint32_t>(_mm256_movemask_epi8(none));
}

// 64 bytes a block, each classified once: a run of 32 inside the block (shift-and of
// its mask), or one begun in earlier blocks (`carry` digits in a row up to it) that
// reaches 32 here.
__attribute__((target("avx2"))) size_t NextHexRunAvx2(std::string_view t, size_t i) {
  size_t carry = 0;
  while (i + 64 <= t.size()) {
    uint64_t m = HexMask32(t.data() + i) | (static_cast<uint64_t>(HexMask32(t.data() + i + 32)) << 32);
    const size_t lead = ~m ? static_cast<size_t>(__builtin_ctzll(~m)) : 64;
    if (carry + lead >= kMinHex) return i - carry;
    uint64_t r = m & (m >> 1);
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 8;
    r &= r >> 16;
    if (r) return i + static_cast<size_t>(__builtin_ctzll(r));
    carry = static_cast<size_t>(__builtin_clzll(~m));
    i += 64;
  }
  // The tail: a run may have begun up to `carry` bytes before.
  return NextHexRunScalar(t, i - carry);
}
#endif

size_t NextHexRun(std::string_view t, size_t i) {
#if defined(__x86_64__)
  const bool kAvx2 = CpuHasAvx2();
  if (kAvx2) return NextHexRunAvx2(t, i);
#endif
  return NextHexRunScalar(t, i);
}

// ------------------------------------------------------------------ url

bool IsUrlDelim(char ch) {
  unsigned char c = static_cast<unsigned char>(ch);
  if (c <= ' ' || c == 0x7f) return true;
  switch (c) {
    case '"': case '\'': case '<': case '>': case '&': case '?': case '`': case '(': case ')':
    case '[': case ']': case '{': case '}': case '|': case '\\': case ',':
      return true;
    default:
      return false;
  }
}

std::string DecodeUrl(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != '%' && s[j] != '+') ++j;
    out.append(s.data() + i, j - i);
    i = j;
    if (i >= n) break;
    if (s[i] == '%') {
      if (i + 2 < n && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
        out.push_back(static_cast<char>(HexVal(s[i + 1]) << 4 | HexVal(s[i + 2])));
        i += 3;
      } else {
        out.push_back(s[i++]);
      }
      continue;
    }
    // '+' is a space, except inside a base64-looking stretch of 20 or more characters.
    size_t b = i, e = i + 1;
    while (b > 0 && i - b < 20 && IsB64(s[b - 1])) --b;
    while (e < n && e - b < 20 && IsB64(s[e])) ++e;
    out.push_back(e - b >= 20 ? '+' : ' ');
    ++i;
  }
  return out;
}

// ------------------------------------------------------------------ entities

struct Named {
  std::string_view name;
  uint32_t cp;
};
constexpr Named kNamed[] = {
    {"amp", '&'},     {"lt", '<'},       {"gt", '>'},      {"quot", '"'},    {"apos", '\''},   {"nbsp", 0xA0},
    {"commat", '@'},  {"period", '.'},   {"colon", ':'},   {"semi", ';'},    {"comma", ','},   {"hyphen", 0x2010},
    {"dash", 0x2010}, {"num", '#'},      {"dollar", '$'},  {"percnt", '%'},  {"lpar", '('},    {"rpar", ')'},
    {"plus", '+'},    {"equals", '='},   {"sol", '/'},     {"bsol", '\\'},   {"lowbar", '_'},  {"excl", '!'},
    {"quest", '?'},   {"Tab", '\t'},     {"NewLine", '\n'}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"copy", 0xA9},
    {"reg", 0xAE},    {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026},
};

// A character reference at t[p] == '&': its code point and length; 0 when none.
// *numeric: written as a number (&#52; &#x34;), which is what hiding uses.
size_t ParseEntity(std::string_view t, size_t p, uint32_t& cp, bool& numeric) {
  size_t n = t.size(), i = p + 1;
  if (i < n && t[i] == '#') {
    ++i;
    bool hex = i < n && (t[i] == 'x' || t[i] == 'X');
    if (hex) ++i;
    size_t start = i;
    uint32_t v = 0;
    while (i < n && i - start < 7 && (hex ? IsHex(t[i]) : (t[i] >= '0' && t[i] <= '9'))) {
      v = v * (hex ? 16 : 10) + static_cast<uint32_t>(HexVal(t[i]));
      ++i;
    }
    if (i == start) return 0;
    if (i < n && t[i] == ';') ++i;
    cp = v;
    numeric = true;
    return i - p;
  }
  size_t start = i;
  while (i < n && i - start <= 8 && IsAlnum(t[i])) ++i;
  if (i == start || i >= n || t[i] != ';') return 0;
  std::string_view name = t.substr(start, i - start);
  for (const auto& e : kNamed)
    if (e.name == name) {
      cp = e.cp;
      numeric = false;
      return i + 1 - p;
    }
  return 0;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    bool numeric;
    size_t len = s[i] == '&' ? ParseEntity(s, i, cp, numeric) : 0;
    if (len) {
      AppendUtf8(out, cp);
      i += len;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// ------------------------------------------------------------------ JS escapes

// An escape at t[p] == '\\' that hides a character: \uXXXX (a surrogate pair as one)
// or \xNN. Returns its length, 0 when none. *x: the \xNN form.
size_t ParseJsEscape(std::string_view t, size_t p, uint32_t& cp, bool& x) {
  size_t n = t.size();
  if (p + 1 >= n) return 0;
  if (t[p + 1] == 'u' && p + 5 < n && IsHex(t[p + 2]) && IsHex(t[p + 3]) && IsHex(t[p + 4]) && IsHex(t[p + 5])) {
    cp = static_cast<uint32_t>(HexVal(t[p + 2]) << 12 | HexVal(t[p + 3]) << 8 | HexVal(t[p + 4]) << 4 | HexVal(t[p + 5]));
    x = false;
    if (cp >= 0xD800 && cp <= 0xDBFF && p + 11 < n && t[p + 6] == '\\' && t[p + 7] == 'u' && IsHex(t[p + 8]) &&
        IsHex(t[p + 9]) && IsHex(t[p + 10]) && IsHex(t[p + 11])) {
      uint32_t lo = static_cast<uint32_t>(HexVal(t[p + 8]) << 12 | HexVal(t[p + 9]) << 8 | HexVal(t[p + 10]) << 4 |
                                          HexVal(t[p + 11]));
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        return 12;
      }
    }
    return 6;
  }
  if (t[p + 1] == 'x' && p + 3 < n && IsHex(t[p + 2]) && IsHex(t[p + 3])) {
    cp = static_cast<uint32_t>(HexVal(t[p + 2]) << 4 | HexVal(t[p + 3]));
    x = true;
    return 4;
  }
  return 0;
}

std::string DecodeJs(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i++]);
      continue;
    }
    uint32_t cp;
    bool x;
    if (size_t len = ParseJsEscape(s, i, cp, x)) {
      AppendUtf8(out, cp);
      i += len;
      continue;
    }
    char c = s[i + 1];
    switch (c) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': case 'f': case 'v': out.push_back(' '); break;
      case '0': out.push_back(' '); break;
      default: out.push_back(c); break;  // \" \' \\ \/ and anything else: the character
    }
    i += 2;
  }
  return out;
}

// Bytes written as \xNN\xNN...: decoded as bytes (a C/Python byte string).
std::string BackslashXBytes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i + 4 <= s.size(); i += 4)
    out.push_back(static_cast<char>(HexVal(s[i + 2]) << 4 | HexVal(s[i + 3])));
  return out;
}

// ------------------------------------------------------------------ quoted-printable

std::string DecodeQp(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '=') {
      out.push_back(s[i++]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '\n') {
      i += 2;
      continue;
    }
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 3;
      continue;
    }
    if (i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
      out.push_back(static_cast<char>(HexVal(s[i + 1]) << 4 | HexVal(s[i + 2])));
      i += 3;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

// A sign of quoted-printable at t[q] == '=': a soft line break, "=3D", a UTF-8
// sequence written as =XX=XX, or an encoded space before a line end. Returns the
// length of the sign, 0 when none.
size_t QpSign(std::string_view t, size_t q) {
  size_t n = t.size();
  auto soft_at = [&](size_t p) {
    return p < n && t[p] == '=' && ((p + 1 < n && t[p + 1] == '\n') || (p + 2 < n && t[p + 1] == '\r' && t[p + 2] == '\n'));
  };
  auto byte_at = [&](size_t p) -> int {
    if (p + 2 >= n || t[p] != '=' || !IsUpperHex(t[p + 1]) || !IsUpperHex(t[p + 2])) return -1;
    return HexVal(t[p + 1]) << 4 | HexVal(t[p + 2]);
  };
  if (soft_at(q)) {
    // Base64 padding and assignments split over lines are not soft breaks.
    if (q == 0 || t[q - 1] == '=' || t[q - 1] == ' ' || t[q - 1] == '\n') return 0;
    size_t b = q;
    while (b > 0 && q - b < 256 && IsB64(t[b - 1])) --b;
    if (b == 0 || t[b - 1] == '\n') return 0;  // a line of base64 ending in its padding
    return 2;
  }
  int v = byte_at(q);
  if (v < 0) return 0;
  if (v == 0x3D) return 3;
  if (v >= 0xC2 && v <= 0xF4) {
    int c = byte_at(q + 3);
    if (c >= 0x80 && c <= 0xBF) return 6;
    return 0;
  }
  if ((v == 0x20 || v == 0x09) && (q + 3 >= n || t[q + 3] == '\n' || t[q + 3] == '\r' || soft_at(q + 3))) return 3;
  return 0;
}

#if defined(__x86_64__)
// A position at or after `from` from which the next '=' that QpSign() may accept is
// searched byte by byte. QpSign() needs "=\n", "=\r", "=3D", "=C2".."=F4" (then
// another =XX), or "=20" / "=09" followed by a line end or '=': in key=value logs and
// CSV most '=' are none of these, and 32 positions are ruled out at a time.
__attribute__((target("avx2"))) size_t SkipToQpCandidateAvx2(std::string_view t, const Triggers& tr, size_t i) {
  const size_t n = t.size();
  while (i + 3 + 32 <= n) {
    // From the next '=' (where they are rare, that is most of the way), 32 positions at once.
    i = tr.Next(kEquals, '=', i);
    if (i + 3 + 32 > n) break;
    const char* p = t.data() + i;
    __m256i is_eq = Eq(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), '=');
    __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    __m256i z = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2));
    __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 3));
    __m256i yc = _mm256_sub_epi8(y, _mm256_set1_epi8('C'));
    __m256i y_cf = _mm256_cmpeq_epi8(_mm256_min_epu8(yc, _mm256_set1_epi8(3)), yc);  // C-F: =C2..=F4
    __m256i w_end = _mm256_or_si256(_mm256_or_si256(Eq(w, '\n'), Eq(w, '\r')), Eq(w, '='));
    __m256i space = _mm256_or_si256(_mm256_and_si256(Eq(y, '2'), Eq(z, '0')), _mm256_and_si256(Eq(y, '0'), Eq(z, '9')));
    __m256i sign = _mm256_or_si256(
        _mm256_or_si256(_mm256_or_si256(Eq(y, '\n'), Eq(y, '\r')), _mm256_and_si256(Eq(y, '3'), Eq(z, 'D'))),
        _mm256_or_si256(y_cf, _mm256_and_si256(w_end, space)));
    uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(is_eq, sign)));
    if (m) return i + static_cast<size_t>(__builtin_ctz(m));
    i += 32;
  }
  return i;
}
#endif

// ------------------------------------------------------------------ ViewState

bool ValidUtf8Printable(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t') return false;
      if (c == 0x7f) return false;
      ++i;
      continue;
    }
    int k = (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (k < 0 || c < 0xC2 || i + static_cast<size_t>(k) >= s.size()) return false;
    for (int j = 1; j <= k; ++j)
      if ((static_cast<unsigned char>(s[i + j]) >> 6) != 2) return false;
    i += static_cast<size_t>(k) + 1;
  }
  return true;
}

void AppendPrintableRuns(std::string_view b, std::string& out) {
  size_t i = 0;
  while (i < b.size()) {
    size_t s = i;
    while (i < b.size() && b[i] >= 0x20 && b[i] < 0x7f) ++i;
    if (i - s >= 4) {
      out.append(b.substr(s, i - s));
      out.push_back('\n');
    }
    if (i == s) ++i;
  }
}

// ------------------------------------------------------------------ runs

DecodedRun MakeRun(size_t b, size_t e, std::string decoded, std::string_view decoder, bool inline_escapes) {
  DecodedRun r;
  r.begin = b;
  r.end = e;
  r.decoded = std::move(decoded);
  r.decoders.emplace_back(decoder);
  r.inline_escapes = inline_escapes;
  return r;
}

}  // namespace

std::string ViewStateStrings(std::string_view b) {
  std::string out;
  size_t plain_from = 0, i = 0;
  while (i < b.size()) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    if (c == 0x05 || c == 0x1E) {
      // A string token: 7-bit encoded length, then UTF-8 bytes.
      uint64_t len = 0;
      size_t p = i + 1;
      int shift = 0;
      bool ok = false;
      while (p < b.size() && shift <= 28) {
        unsigned char v = static_cast<unsigned char>(b[p++]);
        len |= static_cast<uint64_t>(v & 0x7f) << shift;
        shift += 7;
        if (!(v & 0x80)) {
          ok = true;
          break;
        }
      }
      if (ok && len >= 1 && len <= b.size() - p && ValidUtf8Printable(b.substr(p, len))) {
        AppendPrintableRuns(b.substr(plain_from, i - plain_from), out);
        out.append(b.substr(p, len));
        out.push_back('\n');
        i = p + len;
        plain_from = i;
        continue;
      }
    }
    ++i;
  }
  AppendPrintableRuns(b.substr(plain_from), out);
  return out;
}

std::string DecodeInline(std::string_view decoder, std::string_view text) {
  if (decoder == "url") return DecodeUrl(text);
  if (decoder == "entity") return DecodeEntities(text);
  if (decoder == "jsescape" || decoder == "hex") return DecodeJs(text);
  if (decoder == "qp") return DecodeQp(text);
  return std::string(text);
}

std::vector<DecodedRun> FindHexRuns(std::string_view t) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  std::string bytes;
  size_t i = 0;
  // Every maximal run of 32 or more hex digits, in order (t[i - 1] is never a hex
  // digit here, so a run's start is not before i).
  while (i < n) {
    size_t p = NextHexRun(t, i);
    if (p >= n) break;
    size_t s = p;
    while (s > i && IsHex(t[s - 1])) --s;
    size_t e = p;
    while (e < n && IsHex(t[e])) ++e;
    i = e;
    if (e - s < kMinHex || (e - s) % 2) continue;
    bool prefixed = s >= 2 && t[s - 1] == 'x' && t[s - 2] == '0';
    if (s > 0 && !prefixed && (IsB64(t[s - 1]) || t[s - 1] == '_')) continue;  // part of a word or a base64 run
    if (e < n && (IsB64(t[e]) || t[e] == '_')) continue;
    // Hashes and ids decode to noise that their first bytes already rule out.
    HexToBytes(t.substr(s, 2 * std::min<size_t>(12, (e - s) / 2)), bytes);  // the first 12 bytes
    if (CannotBeText(bytes, (e - s) / 2)) continue;
    HexToBytes(t.substr(s, e - s), bytes);
    DecodedRun r;
    r.decoders.emplace_back("hex");
    if (!BytesToText(bytes, r.decoded, r.decoders, &r.limited)) continue;
    r.begin = prefixed ? s - 2 : s;
    r.end = e;
    runs.push_back(std::move(r));
  }
  return runs;
}

static std::vector<DecodedRun> UrlRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  size_t rb = 0, re = 0;
  bool open = false;
  auto flush = [&] {
    if (!open) return;
    open = false;
    std::string d = DecodeUrl(t.substr(rb, re - rb));
    if (LooksLikeText(d)) runs.push_back(MakeRun(rb, re, std::move(d), "url", true));
  };
  size_t p = 0;
  while (p < n) {
    size_t q = tr.Next(kPercent, '%', p);
    if (q >= n) break;
    if (q + 2 >= n || !IsHex(t[q + 1]) || !IsHex(t[q + 2])) {
      p = q + 1;
      continue;
    }
    size_t ts = q;
    while (ts > 0 && q - ts < 4096 && !IsUrlDelim(t[ts - 1])) --ts;
    size_t te = q + 3;
    while (te < n && !IsUrlDelim(t[te])) ++te;
    if (open && ts >= re && ts - re <= kUrlMerge && !HasNewline(t, re, ts)) {
      re = te;
    } else {
      flush();
      rb = ts;
      re = te;
      open = true;
    }
    p = te;
  }
  flush();
  return runs;
}

static std::vector<DecodedRun> QpRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  size_t first = 0, last_end = 0, count = 0;
  // QP lines are at most 76 characters (RFC 2045): a run never reaches further than
  // this from its signs, which keeps giant single-line inputs linear.
  constexpr size_t kLine = 1024;
  auto line_start = [&](size_t p) {
    size_t floor = p > kLine ? p - kLine : 0;
    while (p > floor && t[p - 1] != '\n') --p;
    return p;
  };
  auto flush = [&] {
    if (count < 2) return;
    size_t b = line_start(first);
    // The line of the last sign; a soft break continues into the next line.
    size_t e = last_end, limit = std::min(n, last_end + kLine);
    const void* nl = e < limit ? std::memchr(t.data() + e, '\n', limit - e) : nullptr;
    e = nl ? static_cast<const char*>(nl) - t.data() : limit;
    std::string d = DecodeQp(t.substr(b, e - b));
    if (LooksLikeText(d)) runs.push_back(MakeRun(b, e, std::move(d), "qp", true));
  };
  size_t p = 0;
  while (p < n) {
#if defined(__x86_64__)
    const bool kAvx2 = CpuHasAvx2();
    if (kAvx2) p = SkipToQpCandidateAvx2(t, tr, p);
#endif
    size_t q = tr.Next(kEquals, '=', p);
    if (q >= n) break;
    size_t len = QpSign(t, q);
    if (!len) {
      p = q + 1;
      continue;
    }
    // Signs in one run: at most one line without a sign between them.
    bool joins = count > 0 && q - last_end < 4096;
    if (joins) {
      int lines = 0;
      for (size_t k = last_end; k < q && lines <= 2; ++k) lines += t[k] == '\n';
      joins = lines <= 2;
    }
    if (!joins) {
      flush();
      count = 0;
      first = q;
    }
    ++count;
    last_end = q + len;
    if (t[q + 1] == '\r') ++last_end;  // "=\r\n"
    p = last_end;
  }
  flush();
  return runs;
}

static std::vector<DecodedRun> EntityRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  size_t p = 0;
  while (p < n) {
    size_t q = tr.Next(kAmp, '&', p);
    if (q >= n) break;
    uint32_t cp;
    bool numeric;
    size_t len = ParseEntity(t, q, cp, numeric);
    if (!len) {
      p = q + 1;
      continue;
    }
    size_t rb = q, re = q + len;
    int signal = numeric && IsSignal(cp);
    while (re < n) {
      const void* nx = std::memchr(t.data() + re, '&', std::min(n - re, kMaxGap + 1));
      if (!nx) break;
      size_t r = static_cast<const char*>(nx) - t.data();
      if (HasNewline(t, re, r)) break;
      size_t l = ParseEntity(t, r, cp, numeric);
      if (!l) break;
      signal += numeric && IsSignal(cp);
      re = r + l;
    }
    p = re;
    if (signal < 3) continue;
    std::string d = DecodeEntities(t.substr(rb, re - rb));
    if (LooksLikeText(d)) runs.push_back(MakeRun(rb, re, std::move(d), "entity", true));
  }
  return runs;
}

static std::vector<DecodedRun> JsEscapeRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  size_t p = 0;
  std::string bytes;
  while (p < n) {
    size_t q = tr.Next(kBackslash, '\\', p);
    if (q >= n) break;
    uint32_t cp;
    bool x;
    size_t len = ParseJsEscape(t, q, cp, x);
    if (!len) {
      p = q + 2;  // skip the escaped character too ("\\u0034" is a backslash, then text)
      continue;
    }
    size_t rb = q, re = q + len;  // re: the end of the last hiding escape
    int signal = IsSignal(cp), count = 1;
    bool only_x = x;
    size_t scan = re;
    while (scan < n) {
      size_t limit = std::min(n, re + kMaxGap + 1);  // the next hiding escape starts this close
      if (scan >= limit) break;
      const void* nx = std::memchr(t.data() + scan, '\\', limit - scan);
      if (!nx) break;
      size_t r = static_cast<const char*>(nx) - t.data();
      if (HasNewline(t, scan, r)) break;
      size_t l = ParseJsEscape(t, r, cp, x);
      if (!l) {
        // Another escape (\n, \") inside the string: step over it and go on.
        if (r + 1 < n && t[r + 1] != '\n') {
          only_x = false;
          scan = r + 2;
          continue;
        }
        break;
      }
      if (!(x && r == re)) only_x = false;
      ++count;
      signal += IsSignal(cp);
      re = r + l;
      scan = re;
    }
    p = std::max(re, q + len);
    if (only_x && count >= 4) {
      // A byte string: \x34\x31... in a row.
      bytes = BackslashXBytes(t.substr(rb, re - rb));
      DecodedRun r = MakeRun(rb, re, {}, "hex", true);
      if (BytesToText(bytes, r.decoded, r.decoders, &r.limited)) runs.push_back(std::move(r));
      continue;
    }
    if (signal < 3) continue;
    std::string d = DecodeJs(t.substr(rb, re - rb));
    if (LooksLikeText(d)) runs.push_back(MakeRun(rb, re, std::move(d), "jsescape", true));
  }
  return runs;
}

static std::vector<DecodedRun> ViewStateRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  std::string bytes;
  size_t p = 0;
  while (p + 3 <= n) {
    size_t q = tr.NextPair(kSlashW, '/', 'w', p);
    if (q + 3 > n) break;
    p = q + 2;
    if (t[q + 2] != 'E') continue;
    p = q + 3;
    if (q > 0 && (IsB64(t[q - 1]) || t[q - 1] == '=')) continue;  // inside another run
    size_t e = q;
    while (e < n && IsB64(t[e])) ++e;
    while (e < n && t[e] == '=' && (e - q) % 4) ++e;
    p = e;
    if (e - q < 8) continue;
    if (!DecodeBase64(t.substr(q, e - q), bytes) || bytes.size() < 3) continue;
    if (static_cast<unsigned char>(bytes[0]) != 0xFF || static_cast<unsigned char>(bytes[1]) != 0x01) continue;
    std::string strings = ViewStateStrings(std::string_view(bytes).substr(2));
    if (strings.empty()) continue;
    runs.push_back(MakeRun(q, e, std::move(strings), "viewstate", false));
  }
  return runs;
}

static std::vector<DecodedRun> DataUriRuns(std::string_view t, const Triggers& tr) {
  std::vector<DecodedRun> runs;
  const size_t n = t.size();
  std::string bytes;
  size_t p = 0;
  while (p + 5 < n) {
    size_t a = tr.NextPair(kAColon, 'a', ':', p + 3);  // "data:" ends "a:"
    if (a >= n) break;
    p = a - 2;
    size_t q = a - 3;
    if (t[q] != 'd' || t[q + 1] != 'a' || t[q + 2] != 't') continue;
    p = q + 5;
    if (q > 0 && IsAlnum(t[q - 1])) continue;
    // [mime][;params] up to the comma.
    size_t c = q + 5;
    while (c < n && c - q < 256 && (IsAlnum(t[c]) || std::strchr("/+.-;=_", t[c]) != nullptr)) ++c;
    if (c >= n || t[c] != ',') continue;
    std::string_view head = t.substr(q + 5, c - q - 5);
    bool b64 = head.size() >= 7 && (head.ends_with(";base64") || head.ends_with(";BASE64"));
    size_t e = c + 1;
    while (e < n && !IsUrlDelim(t[e]) && t[e] != '&' && t[e] != ';') ++e;
    // '&', '?' and ',' are data in a non-base64 payload: extend over them up to a quote or space.
    if (!b64)
      while (e < n && t[e] != '"' && t[e] != '\'' && t[e] != ')' && t[e] != '<' && t[e] != '>' &&
             static_cast<unsigned char>(t[e]) > ' ')
        ++e;
    std::string_view payload = t.substr(c + 1, e - c - 1);
    p = e;
    if (b64) {
      if (payload.size() < 4 || !DecodeBase64(payload, bytes)) continue;
      DecodedRun r = MakeRun(q, e, {}, "base64", false);
      if (BytesToText(bytes, r.decoded, r.decoders, &r.limited)) runs.push_back(std::move(r));
    } else if (payload.find('%') != std::string_view::npos) {
      std::string d = DecodeUrl(payload);
      if (d != payload && LooksLikeText(d)) runs.push_back(MakeRun(q, e, std::move(d), "url", true));
    }
  }
  return runs;
}

std::vector<DecodedRun> FindUrlRuns(std::string_view t) { return UrlRuns(t, Triggers(t)); }
std::vector<DecodedRun> FindQpRuns(std::string_view t) { return QpRuns(t, Triggers(t)); }
std::vector<DecodedRun> FindEntityRuns(std::string_view t) { return EntityRuns(t, Triggers(t)); }
std::vector<DecodedRun> FindJsEscapeRuns(std::string_view t) { return JsEscapeRuns(t, Triggers(t)); }
std::vector<DecodedRun> FindViewStateRuns(std::string_view t) { return ViewStateRuns(t, Triggers(t)); }
std::vector<DecodedRun> FindDataUriRuns(std::string_view t) { return DataUriRuns(t, Triggers(t)); }

std::vector<EncodedRun> FindEncodedRuns(std::string_view t) {
  struct Ranked {
    DecodedRun run;
    int priority;
  };
  std::vector<Ranked> all;
  auto add = [&](std::vector<DecodedRun>&& v, int priority) {
    for (auto& r : v) all.push_back({std::move(r), priority});
  };
  const Triggers tr(t);  // one pass for the six finders that start from a trigger
  add(ViewStateRuns(t, tr), 0);
  add(DataUriRuns(t, tr), 1);
  add(QpRuns(t, tr), 2);
  add(UrlRuns(t, tr), 3);
  add(EntityRuns(t, tr), 4);
  add(JsEscapeRuns(t, tr), 5);
  add(FindHexRuns(t), 6);
  add(FindBase64Runs(t), 7);
  std::vector<EncodedRun> out;
  if (all.empty()) return out;
  std::sort(all.begin(), all.end(), [](const Ranked& a, const Ranked& b) {
    if (a.run.begin != b.run.begin) return a.run.begin < b.run.begin;
    if (a.run.end - a.run.begin != b.run.end - b.run.begin) return a.run.end - a.run.begin > b.run.end - b.run.begin;
    return a.priority < b.priority;
  });
  // Of overlapping runs the first (at one position, the longest) is kept: its child
  // unit finds the runs inside it again, with the chain that led to them.
  std::vector<DecodedRun*> clean;
  for (auto& r : all) {
    if (!clean.empty() && r.run.begin < clean.back()->end) continue;
    clean.push_back(&r.run);
  }
  out.reserve(clean.size());
  for (size_t k = 0; k < clean.size(); ++k) {
    DecodedRun& r = *clean[k];
    EncodedRun e;
    e.begin = r.begin;
    e.end = r.end;
    e.context_begin = r.begin;
    e.context_end = r.end;
    e.decoders = std::move(r.decoders);
    e.inline_escapes = r.inline_escapes;
    e.limited = r.limited;
    const std::string& name = e.decoders.front();
    if (r.inline_escapes && name != "qp") {
      size_t lo = k > 0 ? clean[k - 1]->end : 0, hi = k + 1 < clean.size() ? clean[k + 1]->begin : t.size();
      size_t cb = r.begin, floor = std::max(lo, r.begin > kContext ? r.begin - kContext : size_t{0});
      while (cb > floor && t[cb - 1] != '\n') --cb;
      while (cb < r.begin && (static_cast<unsigned char>(t[cb]) & 0xC0) == 0x80) ++cb;
      size_t ce = r.end, ceil = std::min(hi, r.end + kContext);
      while (ce < ceil && t[ce] != '\n') ++ce;
      while (ce > r.end && ce < t.size() && (static_cast<unsigned char>(t[ce]) & 0xC0) == 0x80) --ce;
      e.context_begin = cb;
      e.context_end = ce;
      e.decoded = DecodeInline(name, t.substr(cb, r.begin - cb));
      e.decoded += r.decoded;
      e.decoded += DecodeInline(name, t.substr(r.end, ce - r.end));
    } else {
      e.decoded = std::move(r.decoded);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace breachscope::decode
