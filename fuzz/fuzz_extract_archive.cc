// Fuzz target: extract::ArchiveExtractor (libarchive: zip tar 7z rar cpio iso and
// gzip/bzip2/xz/zstd) on arbitrary bytes, under a small budget so a bomb in the
// corpus ends quickly. Checks that members respect the budget and that temporary
// files are handed over (then removed), never leaked.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace {

using namespace breachscope;
using namespace breachscope::extract;

// A sink that checks the budget and drops what it is given. (Local: the shared
// collecting_sink.h does not compile with GCC yet.)
class CheckingSink : public MemberSink {
 public:
  explicit CheckingSink(Budget b) : budget_(std::move(b)) {}
  Status Add(Member&& m) override {
    uint64_t size = m.data.size();
    if (!m.file.empty()) {
      std::error_code ec;
      size = std::filesystem::file_size(m.file, ec);
      if (ec) __builtin_trap();  // a file member must exist
      std::filesystem::remove(m.file, ec);
    }
    total_ += size;
    if (total_ > budget_.max_expanded_bytes) __builtin_trap();
    if (m.decoders.empty()) __builtin_trap();
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode, std::string) override {}
  const Budget& budget() const override { return budget_; }

 private:
  Budget budget_;
  uint64_t total_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Extractor* e = ArchiveExtractor();
  std::string_view head = bytes.substr(0, 64 << 10);
  (void)e->Accepts("fuzz.bin", head);
  Budget b;
  b.max_expanded_bytes = 64 << 20;
  b.max_ratio = 100;
  b.max_members = 10000;
  b.max_member_in_memory = 1 << 20;
  b.temp_dir = std::filesystem::temp_directory_path();
  CheckingSink sink(b);
  Source src{bytes, "fuzz.bin", nullptr};
  (void)e->Extract(src, sink);
  return 0;
}
