// Fuzz target: the encoded-run finders (hex, url, qp, entity, jsescape, viewstate,
// data: URIs, base64 with gzip/UTF-16 unpacking) and the inline decoders: spans stay
// inside the input, contexts contain their runs, runs do not overlap.
#include <string>
#include <string_view>

#include "decode/encoded_runs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  uint64_t last_end = 0;
  for (const auto& run : decode::FindEncodedRuns(text)) {
    if (run.begin > run.end || run.end > size) __builtin_trap();
    if (run.context_begin > run.begin || run.context_end < run.end || run.context_end > size) __builtin_trap();
    if (run.begin < last_end) __builtin_trap();
    if (run.decoders.empty()) __builtin_trap();
    last_end = run.end;
  }
  for (auto* find : {decode::FindHexRuns, decode::FindUrlRuns, decode::FindQpRuns, decode::FindEntityRuns,
                     decode::FindJsEscapeRuns, decode::FindViewStateRuns, decode::FindDataUriRuns})
    for (const auto& run : find(text))
      if (run.begin >= run.end || run.end > size) __builtin_trap();
  for (std::string_view name : {"url", "entity", "jsescape", "qp"}) (void)decode::DecodeInline(name, text);
  (void)decode::ViewStateStrings(text);
  std::string out;
  std::vector<std::string> layers;
  bool limited = false;
  (void)decode::BytesToText(text, out, layers, &limited);
  return 0;
}
