// Fuzz target: base64 run finding and decoding, and encoding detection/transcoding.
#include <string>
#include <string_view>

#include "decode/base64_runs.h"
#include "decode/text_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& run : decode::FindBase64Runs(text)) {
    if (run.begin > run.end || run.end > size) __builtin_trap();
  }
  auto enc = decode::DetectEncoding(text);
  std::string out;
  size_t used = 0;
  (void)decode::ToUtf8(text, enc == decode::TextEncoding::kBinary ? decode::TextEncoding::kCp1252 : enc, out, &used);
  if (used > size) __builtin_trap();
  return 0;
}
