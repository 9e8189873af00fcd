#include "decode/base64_runs.h"

#include <immintrin.h>
#include <openssl/evp.h>

#include <array>

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

}  // namespace

bool LooksLikeText(std::string_view bytes) {
  if (bytes.empty()) return false;
  size_t printable = 0;
  for (unsigned char c : bytes) {
    if (c == 0) return false;
    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') ++printable;
  }
  if (printable * 10 < bytes.size() * 9) return false;
  return ValidUtf8(bytes);
}

bool DecodeBase64(std::string_view encoded, std::string& out) {
  std::string s(encoded);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  size_t pad = 0;
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
    ++pad;
  }
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
        joined.push_back(static_cast<char>(c));
        ++line_len;
        ++i;
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
    bool upper = false, lower = false, other = false;
    for (char c : joined) {
      if (c >= 'A' && c <= 'Z') upper = true;
      else if (c >= 'a' && c <= 'z') lower = true;
      else other = true;
    }
    if (!(other || (upper && lower))) continue;
    // Only hex digits: a hex id or hash ("e219e109776875e0"), not base64.
    if (joined.find_first_not_of("0123456789abcdef") == std::string::npos ||
        joined.find_first_not_of("0123456789ABCDEF") == std::string::npos)
      continue;
    if (!DecodeBase64(joined, decoded)) continue;
    if (!LooksLikeText(decoded)) continue;
    runs.push_back({start, end, decoded});
  }
  return runs;
}

}  // namespace breachscope::decode
