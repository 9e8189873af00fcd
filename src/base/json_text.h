// base/json_text.h — appending JSON strings and numbers to an output buffer.
//
// Output files are written line by line into a std::string; these helpers escape
// per RFC 8259 (control characters as \u00XX, invalid UTF-8 bytes as U+FFFD) so every
// line parses whatever bytes a file name or a contact field held.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace breachscope {

void AppendJsonString(std::string& out, std::string_view s);
// Fixed two decimals ("0.97"), the precision confidences carry.
void AppendJsonConfidence(std::string& out, float value);

}  // namespace breachscope
