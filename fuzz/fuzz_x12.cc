// Fuzz target: the X12 reader (records/x12.h) on arbitrary bytes, directly with an own
// region chosen from the first bytes (a chunk of a big file, no ISA at its start), and
// through the unit processor as Format::kX12 (records from record spans); a text that
// starts with an ISA is also read in chunks cut by X12ChunkEnd with one X12State, which
// must give the whole read's findings, segment numbers and loops.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "records/x12.h"

namespace {

std::string Key(const breachscope::Candidate& c, uint64_t offset) {
  return std::to_string(static_cast<int>(c.type)) + "@" + std::to_string(offset + c.begin) + "-" +
         std::to_string(offset + c.end) + "/" + std::to_string(c.location.segment) + "/" + c.location.loop;
}

}  // namespace

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
  if (size > 3 && records::LooksLikeX12(text) && text.starts_with("ISA")) {
    // Differential: read in chunks as the scan reads a big file (windows after 64 bytes
    // of lookback, cut where X12ChunkEnd says, one X12State), the findings must be the
    // whole read's, with the same segment numbers and loops.
    const size_t chunk = 16 + data[2] * 4;
    records::X12State st;
    std::vector<std::string> got;
    uint64_t pos = 0;
    size_t want = chunk;
    while (pos < size) {
      const uint64_t ctx = pos > 64 ? pos - 64 : 0;
      const uint64_t wend = std::min<uint64_t>(size, pos + want);
      std::string_view w = text.substr(ctx, wend - ctx);
      uint64_t own_end = w.size();
      if (wend < size) {
        own_end = records::X12ChunkEnd(w, pos - ctx, st, false);
        if (own_end == pos - ctx) {
          want += chunk;
          continue;
        }
      }
      records::X12Result r;
      records::ReadX12(w, *engine.scanner, r, records::X12Region{pos - ctx, own_end}, &st);
      for (const auto& c : r.candidates) got.push_back(Key(c, ctx));
      pos = ctx + own_end;
      want = chunk;
    }
    std::vector<std::string> expected;
    for (const auto& c : whole.candidates) expected.push_back(Key(c, 0));
    if (got != expected) __builtin_trap();
  }
  records::UnitInput in;
  in.text = text;
  in.format = records::Format::kX12;
  records::UnitOutput out;
  engine.processor->Process(in, out);
  return 0;
}
