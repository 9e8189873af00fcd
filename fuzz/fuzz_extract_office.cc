// Fuzz target: the Office Open XML / OpenDocument extractor (zip + expat) and the
// OLE2 directory reader of the legacy extractor, on arbitrary bytes. Members are
// collected and dropped; the extractors must never crash or hang. Child programs
// (antiword, xls2csv, catppt) run only for inputs with a readable Word, Excel or
// PowerPoint directory, under a 5-second limit.
#include <cstdint>
#include <string>
#include <string_view>

#include "extract/collecting_sink.h"
#include "extract/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope::extract;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Budget budget;
  budget.max_member_in_memory = 1 << 20;
  budget.member_seconds = 5;
  for (const char* name : {"f.docx", "f.xlsx", "f.pptx", "f.ods", "f.odt", "f.odp"}) {
    const Extractor* e = OfficeExtractor();
    if (!e->Accepts(name, bytes.substr(0, 4096))) continue;
    CollectingSink sink(budget);
    sink.stop_after = 64;
    Source src{bytes, name, nullptr};
    (void)e->Extract(src, sink);
    for (const auto& m : sink.members)
      if (!m.file.empty()) __builtin_trap();  // the sink reads and removes temp files
    break;
  }
  const Extractor* legacy = LegacyOfficeExtractor();
  if (legacy->Accepts("f.bin", bytes.substr(0, 512))) {
    CollectingSink sink(budget);
    Source src{bytes, "f.bin", nullptr};
    (void)legacy->Extract(src, sink);
  }
  return 0;
}
