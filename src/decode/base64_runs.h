// decode/base64_runs.h — base64 and base64url runs inside text, decoded.
//
// FindBase64Runs() finds runs of the base64 alphabet at least 16 characters long
// (single long lines, wrapped blocks of equal-length lines, inside quotes or
// attributes), decodes them with OpenSSL, and keeps only those whose result is
// readable text (UTF-8, mostly printable) — a JSON record, a CSV export, a line of
// a log. Hashes, ids and ordinary long words decode to noise and are dropped, so
// the caller only recurses into runs that hold something to scan.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace breachscope::decode {

struct DecodedRun {
  uint64_t begin = 0, end = 0;  // span of the encoded run in the input text
  std::string decoded;          // the decoded bytes
};

// Runs shorter than `min_length` encoded characters are ignored.
std::vector<DecodedRun> FindBase64Runs(std::string_view text, size_t min_length = 16);

// Decodes one base64 or base64url string (padding optional, no whitespace inside);
// false when it is not valid base64.
bool DecodeBase64(std::string_view encoded, std::string& out);

// True when `bytes` reads as text worth scanning: valid UTF-8 (or plain ASCII),
// at least 90% printable characters, no NUL.
bool LooksLikeText(std::string_view bytes);

}  // namespace breachscope::decode
