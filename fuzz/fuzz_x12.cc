// Fuzz target: the X12 reader (records/x12.h) on arbitrary bytes, directly with an own
// region chosen from the first bytes (a chunk of a big file, no ISA at its start), and
// through the unit processor as Format::kX12 (records from record spans).
#include <string_view>

#include "fuzz_util.h"
#include "records/x12.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  const auto& engine = fuzz::GetEngine();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  records::X12Result whole;
  records::ReadX12(text, *engine.scanner, whole);
  for (const auto& c : whole.candidates)
    if (c.end > size || c.begin > c.end || c.record >= whole.records) __builtin_trap();
  if (size > 2) {
    records::X12Region region;
    region.own_begin = data[0] * size / 256;
    region.own_end = region.own_begin + data[1] * size / 256;
    records::X12Result part;
    records::ReadX12(text, *engine.scanner, part, region);
    for (const auto& c : part.candidates)
      if (c.end > size || c.record >= part.records) __builtin_trap();
  }
  records::UnitInput in;
  in.text = text;
  in.format = records::Format::kX12;
  records::UnitOutput out;
  engine.processor->Process(in, out);
  return 0;
}
