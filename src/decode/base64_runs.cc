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
size_t NextLongRunScalar(std::string_view text, size_t i) {
  size_t run = 0;
  for (; i < text.size(); ++i) {
    if (!InAlphabet(static_cast<unsigned char>(text[i]))) {
      run = 0;
      continue;
    }
    if (++run == 16) return i - 15;
  }
  return text.size();
}

// AVX2: classify 64 bytes at a time; bit k of `r` is set when bytes k..k+15 are all in
// the alphabet, so a window without one lets us skip 49 bytes.
__attribute__((target("avx2"))) uint32_t AlphabetMask32(const char* p) {
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
  __m256i la = _mm256_sub_epi8(lower, _mm256_set1_epi8('a'));
  __m256i is_alpha = _mm256_cmpeq_epi8(_mm256_min_epu8(la, _mm256_set1_epi8(25)), la);
  __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
  __m256i is_digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
  __m256i extra = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('+')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('/'))),
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_'))));
  return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(is_alpha, is_digit), extra)));
}

__attribute__((target("avx2"))) size_t NextLongRunAvx2(std::string_view text, size_t i) {
  const char* base = text.data();
  while (i + 64 <= text.size()) {
    uint64_t m = AlphabetMask32(base + i) | (static_cast<uint64_t>(AlphabetMask32(base + i + 32)) << 32);
    uint64_t r = m & (m >> 1);
    r &= r >> 2;
    r &= r >> 4;
    r &= r >> 8;
    if (r) return i + static_cast<size_t>(__builtin_ctzll(r));
    i += 49;
  }
  return NextLongRunScalar(text, i);
}

size_t NextLongRun(std::string_view text, size_t i) {
  static const bool kAvx2 = __builtin_cpu_supports("avx2");
  return kAvx2 ? NextLongRunAvx2(text, i) : NextLongRunScalar(text, i);
}

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

std::vector<DecodedRun> FindBase64Runs(std::string_view text, size_t min_length) {
  std::vector<DecodedRun> runs;
  const size_t n = text.size();
  size_t i = 0;
  std::string joined, decoded;
  while (i < n) {
    size_t next = NextLongRun(text, i);
    if (next >= n) break;
    // The run may have begun before the 16 in a row that were found.
    size_t start = next;
    while (start > i && InAlphabet(static_cast<unsigned char>(text[start - 1]))) --start;
    i = start;
    joined.clear();
    size_t line_len = 0, first_line_len = 0;
    bool wrapped = false;
    while (i < n) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (InAlphabet(c)) {
        size_t e = i + 1;
        while (e < n && InAlphabet(static_cast<unsigned char>(text[e]))) ++e;
        joined.append(text.data() + i, e - i);
        line_len += e - i;
        i = e;
        continue;
      }
      if (c == '=') {  // padding ends a run
        while (i < n && text[i] == '=' && joined.size() % 4) {
          joined.push_back('=');
          ++i;
        }
        break;
      }
      // A wrapped block: full lines of equal length (a multiple of 4) continue the run.
      size_t eol = (c == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : (c == '\n' ? 1 : 0);
      if (eol && line_len >= 16 && line_len % 4 == 0 && (!wrapped || line_len == first_line_len) &&
          i + eol < n && InAlphabet(static_cast<unsigned char>(text[i + eol]))) {
        if (!wrapped) first_line_len = line_len;
        wrapped = true;
        line_len = 0;
        i += eol;
        continue;
      }
      break;
    }
    size_t end = i;
    if (joined.size() < min_length) continue;
    // Words in prose are not base64: require a digit or a mix of cases or + / - _.
    bool upper = false, lower = false, other = false, lower_hex = true, upper_hex = true;
    for (char c : joined) {
      const bool digit = c >= '0' && c <= '9';
      if (c >= 'A' && c <= 'Z') upper = true;
      else if (c >= 'a' && c <= 'z') lower = true;
      else other = true;
      lower_hex = lower_hex && (digit || (c >= 'a' && c <= 'f'));
      upper_hex = upper_hex && (digit || (c >= 'A' && c <= 'F'));
    }
    if (!(other || (upper && lower))) continue;
    // Only hex digits: a hex id or hash ("e219e109776875e0"), not base64.
    if (lower_hex || upper_hex) continue;
    if (!DecodeBase64InPlace(joined, decoded)) continue;
    DecodedRun run;
    run.decoders.emplace_back("base64");
    if (!BytesToText(decoded, run.decoded, run.decoders, &run.limited)) continue;
    run.begin = start;
    run.end = end;
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace breachscope::decode
