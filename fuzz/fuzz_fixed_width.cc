// Fuzz target: fixed-width records and column typing (records/fixed_width.h,
// records/column_typing.h) on arbitrary bytes: the bytes as a layout file (JSON or YAML), layout
// inference and reading with the inferred layout, reading with a fixed layout of every
// field type over a region chosen from the first bytes, the unit processor on a kFixed
// unit (inferring its own layout), and header-less CSV/TSV typing.
#include <memory>
#include <string_view>

#include "fuzz_util.h"
#include "records/column_typing.h"
#include "records/fixed_width.h"

namespace {

using namespace breachscope;

void Check(const records::FixedResult& r, size_t size) {
  for (const auto& c : r.candidates)
    if (c.end > size || c.begin > c.end || c.record >= r.record_spans.size()) __builtin_trap();
  for (auto [b, e] : r.record_spans)
    if (b > e || e > size) __builtin_trap();
}

const records::FixedLayout& EveryType() {
  static const records::FixedLayout* layout = [] {
    auto l = records::ParseLayout(R"({"record_length": 96, "fields": [
      {"name": "SSN", "start": 1, "length": 9, "type": "ssn"},
      {"name": "L", "start": 10, "length": 8, "type": "name_last"},
      {"name": "F", "start": 18, "length": 6, "type": "name_first"},
      {"name": "N", "start": 24, "length": 8, "type": "name"},
      {"name": "D", "start": 32, "length": 8, "type": "dob"},
      {"name": "P", "start": 40, "length": 10, "type": "phone"},
      {"name": "S", "start": 50, "length": 10, "type": "street"},
      {"name": "C", "start": 60, "length": 4, "type": "city"},
      {"name": "ST", "start": 64, "length": 2, "type": "state"},
      {"name": "Z", "start": 66, "length": 5, "type": "zip"},
      {"name": "X", "start": 71, "length": 6, "type": "diagnosis"},
      {"name": "M", "start": 77, "length": 11, "type": "mbi"},
      {"name": "I", "start": 88, "length": 3, "type": "ignore"},
      {"name": "T", "start": 92, "length": 5, "type": "text"}]})");
    if (!l.ok()) __builtin_trap();
    return new records::FixedLayout(std::move(*l));
  }();
  return *layout;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& engine = fuzz::GetEngine();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const detect::Date today{2026, 1, 1};

  if (auto layout = records::ParseLayout(text); layout.ok()) {
    records::FixedResult r;
    records::ReadFixed(text, *layout, *engine.scanner, *engine.lexicon, r);
    Check(r, size);
  }
  if (auto inferred = records::InferLayout(text, *engine.lexicon, today)) {
    records::FixedResult r;
    records::ReadFixed(text, *inferred, *engine.scanner, *engine.lexicon, r);
    Check(r, size);
  }
  {
    records::FixedRegion region;
    if (size > 2) {
      region.own_begin = data[0] * size / 256;
      region.own_end = region.own_begin + data[1] * size / 256;
    }
    records::FixedResult r;
    records::ReadFixed(text, EveryType(), *engine.scanner, *engine.lexicon, r, region);
    Check(r, size);
  }
  records::UnitInput in;
  in.text = text;
  in.format = records::Format::kFixed;
  records::UnitOutput out;
  engine.processor->Process(in, out);

  records::TypingContext ctx{*engine.lexicon, today};
  for (char delim : {',', '\t'}) {
    auto t = records::ReadTypedTable(text, delim, engine.scanner->labels(), ctx);
    if (t && t->labels.empty()) __builtin_trap();
  }
  in.format = records::Format::kCsv;
  records::UnitOutput csv;
  engine.processor->Process(in, csv);
  return 0;
}
