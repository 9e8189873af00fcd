// Fuzz target: records::UnitProcessor on arbitrary bytes read as html
// (structure parsing, the scanner, base64 decoding, name/address anchoring).
#include <string_view>

#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  const auto& engine = fuzz::GetEngine();
  records::UnitInput in;
  in.text = std::string_view(reinterpret_cast<const char*>(data), size);
  in.format = records::Format::kHtml;
  records::SqlState sql;
  in.sql = &sql;
  records::UnitOutput out;
  engine.processor->Process(in, out);
  return 0;
}
