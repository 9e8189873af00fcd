// Fuzz target: extract::SqliteExtractor on arbitrary bytes (SQLite's own parser of
// a hostile file, read-only, in memory) and the table-to-TSV rendering. Inputs
// without the SQLite magic get it prepended, so every input reaches SQLite.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace {

using namespace breachscope;
using namespace breachscope::extract;

class CheckingSink : public MemberSink {
 public:
  explicit CheckingSink(Budget b) : budget_(std::move(b)) {}
  Status Add(Member&& m) override {
    if (!m.file.empty()) {
      std::error_code ec;
      std::filesystem::remove(m.file, ec);
    }
    if (m.decoders.size() != 1 || m.decoders[0] != "sqlite" || m.format != "tsv") __builtin_trap();
    if (!m.name.empty()) __builtin_trap();
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode, std::string) override {}
  const Budget& budget() const override { return budget_; }

 private:
  Budget budget_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string_view kMagic("SQLite format 3\0", 16);
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) bytes.insert(0, kMagic);
  const Extractor* e = SqliteExtractor();
  if (!e->Accepts("fuzz.db", bytes)) __builtin_trap();
  Budget b;
  b.max_expanded_bytes = 64 << 20;
  b.member_seconds = 5;
  b.max_member_in_memory = 1 << 20;
  b.temp_dir = std::filesystem::temp_directory_path();
  CheckingSink sink(b);
  Source src{bytes, "fuzz.db", nullptr};
  (void)e->Extract(src, sink);
  return 0;
}
