// Fuzz target: extract::MdbExtractor on arbitrary bytes. mdbtools parses the file in a
// child process (mdb-tables, mdb-export) under the member time limit; what is fuzzed
// here is our side: the temp-file hand-off, the child's exit and output handling, and
// the parsing of mdb-export's separated output into sheet members. Inputs get the Jet
// magic at offset 4, so every input reaches mdbtools.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "extract/collecting_sink.h"
#include "extract/extractor.h"
#include "extract/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope::extract;
  static const std::string_view kMagic("\x00\x01\x00\x00Standard Jet DB\x00", 20);
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) bytes.insert(0, kMagic);
  Budget budget;
  budget.member_seconds = 5;
  budget.temp_dir = std::filesystem::temp_directory_path();
  CollectingSink sink(budget);
  const Extractor* mdb = MdbExtractor();
  if (!mdb->Accepts("x.mdb", bytes)) __builtin_trap();
  (void)mdb->Extract(Source{bytes, "x.mdb", nullptr}, sink);
  for (const auto& m : sink.members)
    if (m.decoders.size() != 1 || m.decoders[0] != "mdb" || m.format != "tsv" || !m.name.empty()) __builtin_trap();
  return 0;
}
