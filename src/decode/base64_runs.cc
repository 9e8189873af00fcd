#include "decode/base64_runs.h"

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
    if (!InAlphabet(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t start = i;
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
    if (!DecodeBase64(joined, decoded)) continue;
    if (!LooksLikeText(decoded)) continue;
    runs.push_back({start, end, decoded});
  }
  return runs;
}

}  // namespace breachscope::decode
