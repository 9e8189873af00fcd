// decode/base64_runs.h — base64 and base64url runs inside text, decoded.
//
// FindBase64Runs() finds runs of the base64 alphabet at least 16 characters long
// (single long lines, wrapped blocks of equal-length lines, inside quotes or
// attributes), decodes them with OpenSSL, and keeps only those whose result is
// readable text (UTF-8, mostly printable) — a JSON record, a CSV export, a line of
// a log. Hashes, ids and ordinary long words decode to noise and are dropped, so
// the caller only recurses into runs that hold something to scan. Runs whose bytes
// are compressed (gzip, zlib) or UTF-16 text are unpacked by BytesToText() and kept
// with those steps in their decoder chain.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace breachscope::decode {

// One encoded run found inside text, decoded (by any finder: this file's base64,
// and decode/encoded_runs.h's hex, url, qp, entity, jsescape, viewstate, data: URIs).
struct DecodedRun {
  uint64_t begin = 0, end = 0;        // span of the encoded run in the input text
  std::string decoded;                // the decoded text (UTF-8)
  std::vector<std::string> decoders;  // contract names of the steps applied, in order: {"base64", "gzip"}
  bool inline_escapes = false;        // escapes among literal text (url, entity, jsescape, qp): the run
                                      // may hold values the parent already read as they are
  bool limited = false;               // decompression stopped at the size cap: `decoded` is a prefix
};

// Runs shorter than `min_length` encoded characters are ignored.
std::vector<DecodedRun> FindBase64Runs(std::string_view text, size_t min_length = 16);

// Decodes one base64 or base64url string (padding optional, no whitespace inside);
// false when it is not valid base64.
bool DecodeBase64(std::string_view encoded, std::string& out);

// True when `bytes` reads as text worth scanning: valid UTF-8 (or plain ASCII),
// at least 90% printable characters, no NUL.
bool LooksLikeText(std::string_view bytes);

// True only when no `total` bytes that begin with `prefix` (the first bytes of a
// decoded run, prefix.size() <= total) can pass BytesToText(): the prefix already
// rules out text (a NUL, too many control bytes, broken UTF-8), UTF-16 (no BOM, and
// too few NULs on either side to reach the share LooksLikeUtf16 needs whatever the
// rest holds) and a compressed stream (header bytes). A proof, not a guess: false
// whenever the rest could still decide. Lets the finders drop noise before decoding it all.
bool CannotBeText(std::string_view prefix, size_t total);

// Decoded bytes to text: text as it is; a gzip or zlib stream (or, for 32 bytes and
// more, raw deflate) inflated with zlib, at most min(64 MiB, 1000 x its size) — past
// that *limited is set and the prefix is kept; UTF-16 (BOM, or NULs in alternating
// positions) converted to UTF-8. Appends "gzip" / "utf16" to `layers` for the steps
// taken. False when the result is not text.
bool BytesToText(std::string_view bytes, std::string& text, std::vector<std::string>& layers, bool* limited);

inline constexpr uint64_t kMaxInflatedBytes = 64ull << 20;
inline constexpr uint64_t kMaxInflateRatio = 1000;

}  // namespace breachscope::decode
