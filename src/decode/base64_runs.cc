// decode/base64_runs.cc — base64 runs in text, and the unpacking of decoded bytes.
//
// Why here: every decoder that yields bytes (base64, hex) needs the same last step —
// is this text, or compressed text, or UTF-16 text? — so BytesToText() lives next to
// the base64 finder that first needed it. zlib does the inflating (never by hand),
// under an output cap so a small run cannot expand into gigabytes.
#include "decode/base64_runs.h"

#include <immintrin.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <array>

#include "base/cpu.h"
#include "decode/text_encoding.h"

namespace breachscope::decode {

namespace {

// 1: standard alphabet, 2: url-safe only ('-', '_').
constexpr std::array<uint8_t, 256> MakeTable() {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 1;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 1;
  for (int c = '0'; c <= '9'; ++c) t[c] = 1;
  t['+'] = 1;
  t['/'] = 1;
  t['-'] = 2;
  t['_'] = 2;
  return t;
}
constexpr std::array<uint8_t, 256> kB64 = MakeTable();

inline bool InAlphabet(unsigned char c) { return kB64[c] != 0; }

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;  // not UTF-8, or a sequence cut short
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n + 1;
  }
  return true;
}

// The first position at or after `i` where 16 alphabet characters in a row begin, or
// text.size(). Runs shorter than that are never decoded, so everything before is skipped.
size_t NextLongRunScalar(std::string_view text, size_t i, size_t run = 0) {
  for (; i < text.size(); ++i) {
    if (!InAlphabet(static_cast<unsigned char>(text[i]))) {
      run = 0;
      continue;
    }
    if (++run == 16) return i - 15;
  }
  return text.size();
}

size_t RunEndScalar(std::string_view text, size_t i) {
  while (i < text.size() && InAlphabet(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

// AVX2: bit k of the result is set when p[k] is in the alphabet. Two nibble lookups
// (pshufb) whose AND is non-zero exactly for A-Z a-z 0-9 + / - _: bit 0 '+' '-' '/'
// (high nibble 2), bit 1 digits (3), bit 2 A-O a-o (4, 6; low nibble 1-F), bit 3
// P-Z p-z (5, 7; low nibble 0-A), bit 4 '_' (5F). Bytes >= 0x80 have a high nibble
// of 8-F, whose entries are 0.
__attribute__((target("avx2"))) inline uint32_t AlphabetMask32(const char* p) {
  const __m256i lo_tbl = _mm256_setr_epi8(0x0A, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0C, 0x05,
                                          0x04, 0x05, 0x04, 0x15, 0x0A, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E,
                                          0x0E, 0x0E, 0x0C, 0x05, 0x04, 0x05, 0x04, 0x15);
  const __m256i hi_tbl = _mm256_setr_epi8(0, 0, 0x01, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0x01, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nib = _mm256_set1_epi8(0x0F);
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i lo = _mm256_shuffle_epi8(lo_tbl, _mm256_and_si256(v, nib));
  __m256i hi = _mm256_shuffle_epi8(hi_tbl, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
  __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
  return ~static_cast<uint32_t>(_mm256_movemask_epi8(none));
}

// 64 bytes a block, each classified once: a run of 16 lies inside the block (the
// shift-and of its mask), or began in earlier blocks (`carry` alphabet bytes in a row
// up to the block) and goes on into this one. Returns a position inside the first
// such run, which the caller widens to the run's start.
__attribute__((target("avx2"))) size_t NextLongRunAvx2(std::string_view text, size_t i) {
  const char* base = text.data();
  size_t carry = 0;
  while (i + 64 <= text.size()) {
    uint64_t m = AlphabetMask32(base + i) | (static_cast<uint64_t>(AlphabetMask32(base + i + 32)) << 32);
    const size_t lead = ~m ? static_cast<size_t>(__builtin_ctzll(~m)) : 64;
    if (carry + lead >= 16) return i - carry;
    uint64_t r = m & (m >> 1);
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 8;
    if (r) return i + static_cast<size_t>(__builtin_ctzll(r));
    carry = static_cast<size_t>(__builtin_clzll(~m));  // ~m != 0 here: a full block was taken above
    i += 64;
  }
  return NextLongRunScalar(text, i, carry);
}

// The end of the alphabet run that contains text[i].
__attribute__((target("avx2"))) size_t RunEndAvx2(std::string_view text, size_t i) {
  while (i + 32 <= text.size()) {
    uint32_t m = AlphabetMask32(text.data() + i);
    if (~m) return i + static_cast<size_t>(__builtin_ctz(~m));
    i += 32;
  }
  return RunEndScalar(text, i);
}

size_t NextLongRun(std::string_view text, size_t i) {
  return CpuHasAvx2() ? NextLongRunAvx2(text, i) : NextLongRunScalar(text, i);
}

size_t RunEnd(std::string_view text, size_t i) { return CpuHasAvx2() ? RunEndAvx2(text, i) : RunEndScalar(text, i); }

// Inflates `in` (window_bits as for inflateInit2: 15+32 gzip or zlib, -15 raw) into
// `out`, at most `cap` bytes. False when the stream is not valid (or yields nothing).
bool Inflate(std::string_view in, int window_bits, uint64_t cap, std::string& out, bool* limited) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  out.clear();
  int rc = Z_OK;
  while (true) {
    if (out.size() >= cap) {
      *limited = true;
      break;
    }
    size_t have = out.size();
    size_t grow = std::min<uint64_t>(cap - have, std::max<size_t>(4096, have));
    out.resize(have + grow);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    zs.avail_out = static_cast<uInt>(grow);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(have + (grow - zs.avail_out));
    if (rc == Z_STREAM_END) break;
    // A gzip member followed by another: inflate() with 15+32 reads only the first.
    if (rc != Z_OK) break;
    if (zs.avail_in == 0 && zs.avail_out != 0) break;  // truncated input: keep what we have
  }
  inflateEnd(&zs);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return false;
  return !out.empty();
}

// UTF-16 without a BOM: NULs in every other byte (ASCII-range text), on one side only.
bool LooksLikeUtf16(std::string_view b, TextEncoding& enc) {
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xFE) {
    enc = TextEncoding::kUtf16Le;
    return true;
  }
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFE && static_cast<unsigned char>(b[1]) == 0xFF) {
    enc = TextEncoding::kUtf16Be;
    return true;
  }
  if (b.size() < 8 || b.size() % 2) return false;
  size_t even0 = 0, odd0 = 0;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    even0 += b[i] == 0;
    odd0 += b[i + 1] == 0;
  }
  size_t pairs = b.size() / 2;
  if (odd0 * 10 >= pairs * 7 && even0 * 10 < pairs) {
    enc = TextEncoding::kUtf16Le;
    return true;
  }
  if (even0 * 10 >= pairs * 7 && odd0 * 10 < pairs) {
    enc = TextEncoding::kUtf16Be;
    return true;
  }
  return false;
}

bool Utf16ToText(std::string_view b, std::string& text, std::vector<std::string>& layers) {
  TextEncoding enc;
  if (!LooksLikeUtf16(b, enc)) return false;
  size_t bom = BomLength(b, enc);
  std::string out;
  size_t used = 0;
  if (!ToUtf8(b.substr(bom), enc, out, &used).ok()) return false;
  if (!LooksLikeText(out)) return false;
  text = std::move(out);
  layers.emplace_back("utf16");
  return true;
}

}  // namespace

bool BytesToText(std::string_view bytes, std::string& text, std::vector<std::string>& layers, bool* limited) {
  if (LooksLikeText(bytes)) {
    text.assign(bytes);
    return true;
  }
  if (Utf16ToText(bytes, text, layers)) return true;
  if (bytes.size() < 8) return false;
  const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
  bool gzip = b0 == 0x1f && b1 == 0x8b;
  bool zlib = (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
  // Raw deflate has no header: tried only on longer runs whose first block is compressed.
  bool raw = !gzip && !zlib && bytes.size() >= 32 && (((b0 >> 1) & 3) == 1 || ((b0 >> 1) & 3) == 2);
  if (!gzip && !zlib && !raw) return false;
  uint64_t cap = std::min<uint64_t>(kMaxInflatedBytes, kMaxInflateRatio * bytes.size());
  std::string inflated;
  bool lim = false;
  if (!Inflate(bytes, raw ? -15 : 15 + 32, cap, inflated, &lim)) return false;
  std::vector<std::string> inner;
  inner.emplace_back("gzip");
  if (LooksLikeText(inflated)) {
    text = std::move(inflated);
  } else if (lim) {
    // A capped prefix may end inside a UTF-8 sequence: judge it without its last bytes.
    size_t keep = inflated.size();
    while (keep > 0 && (static_cast<unsigned char>(inflated[keep - 1]) & 0x80)) --keep;
    if (!LooksLikeText(std::string_view(inflated).substr(0, keep))) return false;
    inflated.resize(keep);
    text = std::move(inflated);
  } else if (!Utf16ToText(inflated, text, inner)) {
    return false;
  }
  if (lim && limited) *limited = true;
  for (auto& l : inner) layers.push_back(std::move(l));
  return true;
}

bool LooksLikeText(std::string_view bytes) {
  if (bytes.empty()) return false;
  // Text has at most a tenth of its bytes below 0x20 (tab, CR, LF aside) and no NUL:
  // decoded noise is given up at the first byte past that budget.
  const size_t n = bytes.size();
  size_t control = 0;
  for (unsigned char c : bytes) {
    if (c >= 0x20) continue;
    if (c == 0) return false;
    if (c != '\n' && c != '\r' && c != '\t' && ++control * 10 > n) return false;
  }
  return ValidUtf8(bytes);
}

namespace {

// DecodeBase64 on a buffer it may change (the url-safe alphabet mapped, padding redone).
bool DecodeBase64InPlace(std::string& s, std::string& out) {
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (s.size() % 4 == 1) return false;
  while (s.size() % 4) s.push_back('=');
  out.resize(s.size() / 4 * 3);
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return false;
  // EVP_DecodeBlock counts padding bytes as output; drop them.
  size_t trailing = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++trailing;
  out.resize(static_cast<size_t>(n) - trailing);
  return true;
}

}  // namespace

bool DecodeBase64(std::string_view encoded, std::string& out) {
  std::string s(encoded);
  return DecodeBase64InPlace(s, out);
}

namespace {

// Per character: which of the tests "is this base64 at all" reads it as.
constexpr uint8_t kUpper = 1, kLower = 2, kOther = 4, kNotLowerHex = 8, kNotUpperHex = 16;
constexpr std::array<uint8_t, 256> MakeClass() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    uint8_t v = c >= 'A' && c <= 'Z' ? kUpper : c >= 'a' && c <= 'z' ? kLower : kOther;
    if (!(digit || (c >= 'a' && c <= 'f'))) v |= kNotLowerHex;
    if (!(digit || (c >= 'A' && c <= 'F'))) v |= kNotUpperHex;
    t[c] = v;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClass();

// Words in prose are not base64: a run needs a digit or a mix of cases or + / - _ (or
// '=', which counts as "other"); and a run of hex digits only is a hex id or hash
// ("e219e109776875e0"), not base64.
bool MayBeBase64Scalar(std::string_view run) {
  uint8_t any = 0;
  for (char c : run) any |= kClass[static_cast<unsigned char>(c)];
  return (any & kOther || (any & kUpper && any & kLower)) && (any & kNotLowerHex) && (any & kNotUpperHex);
}

// The same, 16 characters at a time: the test is an OR over the run's characters, so
// the last block may overlap the one before it.
bool MayBeBase64(std::string_view run) {
#if defined(__SSE2__)
  if (run.size() < 16) return MayBeBase64Scalar(run);
  const auto in_range = [](__m128i v, char lo, char count) {  // lo <= v < lo + count, unsigned
    __m128i d = _mm_sub_epi8(v, _mm_set1_epi8(lo));
    return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(static_cast<char>(count - 1))), d);
  };
  unsigned upper = 0, lower = 0, other = 0, not_lower_hex = 0, not_upper_hex = 0;
  for (size_t k = 0;; k += 16) {
    if (k + 16 > run.size()) k = run.size() - 16;
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(run.data() + k));
    __m128i up = in_range(v, 'A', 26), lo = in_range(v, 'a', 26), digit = in_range(v, '0', 10);
    __m128i lhex = _mm_or_si128(digit, in_range(v, 'a', 6)), uhex = _mm_or_si128(digit, in_range(v, 'A', 6));
    const unsigned m_up = static_cast<unsigned>(_mm_movemask_epi8(up));
    const unsigned m_lo = static_cast<unsigned>(_mm_movemask_epi8(lo));
    upper |= m_up;
    lower |= m_lo;
    other |= ~(m_up | m_lo) & 0xFFFF;
    not_lower_hex |= ~static_cast<unsigned>(_mm_movemask_epi8(lhex)) & 0xFFFF;
    not_upper_hex |= ~static_cast<unsigned>(_mm_movemask_epi8(uhex)) & 0xFFFF;
    if (k + 16 >= run.size()) break;
  }
  return (other || (upper && lower)) && not_lower_hex && not_upper_hex;
#else
  return MayBeBase64Scalar(run);
#endif
}

// Sextet values of both alphabets ('-' and '_' as '+' and '/').
constexpr std::array<uint8_t, 256> MakeSextets() {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<uint8_t>(c - 'A');
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<uint8_t>(c - 'a' + 26);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<uint8_t>(c - '0' + 52);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}
constexpr std::array<uint8_t, 256> kSextet = MakeSextets();

// Decodes the groups of four [from, to) of `run` (alphabet characters only) into out[3 * from...].
void DecodeQuartets(std::string_view run, size_t from, size_t to, char* out) {
  for (size_t q = from; q < to; ++q) {
    const auto* c = reinterpret_cast<const unsigned char*>(run.data() + 4 * q);
    uint32_t v = static_cast<uint32_t>(kSextet[c[0]]) << 18 | static_cast<uint32_t>(kSextet[c[1]]) << 12 |
                 static_cast<uint32_t>(kSextet[c[2]]) << 6 | kSextet[c[3]];
    out[3 * q] = static_cast<char>(v >> 16);
    out[3 * q + 1] = static_cast<char>(v >> 8);
    out[3 * q + 2] = static_cast<char>(v);
  }
}

}  // namespace

bool CannotBeText(std::string_view prefix, size_t total) {
  const size_t p = std::min(prefix.size(), total);
  const auto at = [&](size_t k) { return static_cast<unsigned char>(prefix[k]); };
  // Cheapest first; any step that the bytes could still take answers false.
  // The inflate step: 8 bytes or more with a gzip, zlib or (32 bytes or more) raw deflate start.
  if (total >= 8) {
    if (p < 2) return false;
    const unsigned char b0 = at(0), b1 = at(1);
    const bool gzip = b0 == 0x1f && b1 == 0x8b;
    const bool zlib = (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
    const bool raw = total >= 32 && (((b0 >> 1) & 3) == 1 || ((b0 >> 1) & 3) == 2);
    if (gzip || zlib || raw) return false;
  }
  // Utf16ToText() with a BOM.
  if (total >= 2) {
    if (p < 2) return false;
    if ((at(0) == 0xFF && at(1) == 0xFE) || (at(0) == 0xFE && at(1) == 0xFF)) return false;
  }
  // LooksLikeText(): no NUL, at most a tenth control bytes, valid UTF-8 (a sequence
  // cut by the end of the prefix is judged only when the prefix is everything).
  bool text = total > 0;
  size_t control = 0;
  for (size_t k = 0; k < p && text;) {
    const unsigned char c = at(k);
    if (c < 0x80) {
      if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && ++control * 10 > total)) text = false;
      ++k;
      continue;
    }
    const size_t len = (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 0;
    if (len == 0 || (p == total && k + len >= p)) text = false;
    for (size_t j = k + 1; j <= k + len && j < p && text; ++j)
      if ((at(j) >> 6) != 2) text = false;
    k += len + 1;
  }
  if (text) return false;
  // Utf16ToText() without a BOM: an even size of 8 bytes or more, and on one side the
  // NULs LooksLikeUtf16 needs (7 pairs in 10), the other nearly none, whatever the rest holds.
  if (total >= 8 && total % 2 == 0) {
    size_t even0 = 0, odd0 = 0;
    for (size_t k = 0; k < p; ++k) (k % 2 ? odd0 : even0) += at(k) == 0;
    const size_t pairs = total / 2;
    const size_t even_max = even0 + pairs - (p + 1) / 2, odd_max = odd0 + pairs - p / 2;
    const bool le = odd_max * 10 >= pairs * 7 && even0 * 10 < pairs;
    const bool be = even_max * 10 >= pairs * 7 && odd0 * 10 < pairs;
    if (le || be) return false;
  }
  return true;
}

std::vector<DecodedRun> FindBase64Runs(std::string_view text, size_t min_length) {
  std::vector<DecodedRun> runs;
  const size_t n = text.size();
  size_t i = 0;
  std::string joined, decoded, prefix;
  while (i < n) {
    size_t next = NextLongRun(text, i);
    if (next >= n) break;
    // The run may have begun before the 16 in a row that were found.
    size_t start = next;
    while (start > i && InAlphabet(static_cast<unsigned char>(text[start - 1]))) --start;
    i = start;
    // A run on one line is text[start, start + chars); a wrapped one is copied into
    // `joined` without its line breaks. Padding is counted, not copied.
    joined.clear();
    size_t chars = 0, pad = 0, line_len = 0, first_line_len = 0;
    bool wrapped = false;
    while (i < n) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (InAlphabet(c)) {
        size_t e = RunEnd(text, i);
        if (wrapped) joined.append(text.data() + i, e - i);
        chars += e - i;
        line_len += e - i;
        i = e;
        continue;
      }
      if (c == '=') {  // padding ends a run
        while (i < n && text[i] == '=' && (chars + pad) % 4) {
          ++pad;
          ++i;
        }
        break;
      }
      // A wrapped block: full lines of equal length (a multiple of 4) continue the run.
      size_t eol = (c == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : (c == '\n' ? 1 : 0);
      if (eol && line_len >= 16 && line_len % 4 == 0 && (!wrapped || line_len == first_line_len) &&
          i + eol < n && InAlphabet(static_cast<unsigned char>(text[i + eol]))) {
        if (!wrapped) {
          first_line_len = line_len;
          joined.assign(text.data() + start, i - start);
        }
        wrapped = true;
        line_len = 0;
        i += eol;
        continue;
      }
      break;
    }
    size_t end = i;
    if (chars + pad < min_length) continue;
    const std::string_view body = wrapped ? std::string_view(joined) : text.substr(start, chars);
    if (!pad && !MayBeBase64(body)) continue;  // with padding, '=' is "other" and not hex
    if (chars % 4 == 1) continue;               // not base64 (DecodeBase64InPlace says the same)
    // Most runs in code and logs (identifiers, paths) decode to bytes that cannot be
    // text: their first groups prove it (CannotBeText), so the run is neither copied
    // nor decoded whole. Four groups (12 bytes) settle most; the others get a second
    // look at all of their groups (UTF-16 needs about a third of the bytes to rule out).
    const size_t quartets = chars / 4, total = quartets * 3 + (chars % 4 ? chars % 4 - 1 : 0);
    size_t q = std::min<size_t>(quartets, 4);
    if (prefix.size() < 3 * quartets) prefix.resize(3 * quartets);
    DecodeQuartets(body, 0, q, prefix.data());
    bool hopeless = CannotBeText(std::string_view(prefix.data(), 3 * q), total);
    if (!hopeless && q < quartets) {
      DecodeQuartets(body, q, quartets, prefix.data());
      hopeless = CannotBeText(std::string_view(prefix.data(), 3 * quartets), total);
    }
    if (hopeless) continue;
    if (!wrapped) joined.assign(body);
    joined.append(pad, '=');
    if (!DecodeBase64InPlace(joined, decoded)) continue;
    std::vector<std::string> decoders{"base64"};
    std::string out;
    bool limited = false;
    if (!BytesToText(decoded, out, decoders, &limited)) continue;
    DecodedRun run;
    run.begin = start;
    run.end = end;
    run.decoded = std::move(out);
    run.decoders = std::move(decoders);
    run.limited = limited;
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace breachscope::decode
