// Fuzz target: the mail extractor (.eml and mbox through GMime) and the PST
// extractor's signature/open path. Checks that hostile bytes never crash, that every
// member is well formed, and that budgets stop extraction. The sink is local and
// keeps nothing (extract/collecting_sink.h does not compile with GCC yet: its
// `std::vector<Error>` names the member function).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace {

using namespace breachscope;
using namespace breachscope::extract;

class FuzzSink : public MemberSink {
 public:
  FuzzSink() {
    budget_.max_members = 64;
    budget_.max_member_in_memory = 4096;  // exercise the temporary-file path
  }
  Status Add(Member&& m) override {
    if (!m.file.empty()) {
      std::error_code ec;
      if (!std::filesystem::exists(m.file, ec)) __builtin_trap();
      std::filesystem::remove(m.file, ec);
    } else if (m.data.size() > budget_.max_member_in_memory) {
      __builtin_trap();  // big members must come as files
    }
    if (m.decoders.empty()) __builtin_trap();
    if (++count_ > budget_.max_members) __builtin_trap();  // the extractor must stop at the budget
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode, std::string) override {}
  const Budget& budget() const override { return budget_; }

 private:
  Budget budget_;
  uint64_t count_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Extractor* mail = MailExtractor();
  (void)mail->Accepts("x.eml", bytes.substr(0, 4096));
  (void)mail->Accepts("inbox", bytes.substr(0, 4096));
  {
    FuzzSink sink;
    (void)mail->Extract(Source{bytes, "x.eml", nullptr}, sink);
  }
  // The same bytes as an mbox (the extractor picks mbox mode on a "From " line).
  std::string as_mbox = "From fuzz@example.org Mon Mar  6 08:06:40 2023\n" + std::string(bytes);
  {
    FuzzSink sink;
    (void)mail->Extract(Source{as_mbox, "x.mbox", nullptr}, sink);
  }
  if (bytes.substr(0, 4) == "!BDN") {
    FuzzSink sink;
    (void)PstExtractor()->Extract(Source{bytes, "x.pst", nullptr}, sink);
  }
  return 0;
}
