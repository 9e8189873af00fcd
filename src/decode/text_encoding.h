// decode/text_encoding.h — which character encoding a text file is in, and to UTF-8.
//
// DetectEncoding() looks at the first bytes: a BOM (UTF-8, UTF-16LE/BE) decides;
// without one, NUL bytes in alternating positions mean UTF-16 (the side with the
// NULs tells LE from BE); bytes that are not valid UTF-8 mean Windows-1252, which
// is a superset of Latin-1's printable range. ToUtf8() transcodes with glibc iconv.
//
// Thread-safety: pure functions (each call opens its own iconv descriptor).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace breachscope::decode {

enum class TextEncoding { kUtf8, kUtf16Le, kUtf16Be, kCp1252, kBinary };

// `head`: the first few KB of the file.
TextEncoding DetectEncoding(std::string_view head);

// Length of the byte-order mark at the start of `head` for `enc` (0 when none).
size_t BomLength(std::string_view head, TextEncoding enc);

// Transcodes `bytes` (no BOM) to UTF-8; invalid sequences become U+FFFD. An odd
// trailing byte of UTF-16 is left for the caller's next chunk: *consumed says how
// many input bytes were used.
Status ToUtf8(std::string_view bytes, TextEncoding enc, std::string& out, size_t* consumed);

std::string_view EncodingName(TextEncoding enc);

}  // namespace breachscope::decode
