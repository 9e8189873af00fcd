// Fuzz target: the HAR extractor on arbitrary bytes (JSON parsing, base64 bodies,
// query strings, temporary files for large bodies under a small in-memory limit).
#include <filesystem>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace {

using namespace breachscope;

// (extract/collecting_sink.h does not compile with GCC yet: its struct and member
// function are both named Error.) Counts members and removes temporary files.
class Sink : public extract::MemberSink {
 public:
  explicit Sink(extract::Budget b) : budget_(std::move(b)) {}
  Status Add(extract::Member&& m) override {
    if (m.decoders.empty()) __builtin_trap();
    if (!m.file.empty()) {
      std::error_code ec;
      if (!std::filesystem::exists(m.file, ec)) __builtin_trap();
      std::filesystem::remove(m.file, ec);
    }
    ++members;
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode, std::string) override { ++errors; }
  const extract::Budget& budget() const override { return budget_; }
  size_t members = 0, errors = 0;

 private:
  extract::Budget budget_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  extract::Budget budget;
  budget.max_member_in_memory = 4096;
  budget.max_members = 64;
  Sink sink(budget);
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  extract::Source src{bytes, "fuzz.har", nullptr};
  Status s = extract::HarExtractor()->Extract(src, sink);
  (void)s;
  if (sink.members > budget.max_members) __builtin_trap();
  return 0;
}
