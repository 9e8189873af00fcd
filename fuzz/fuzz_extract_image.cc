// Fuzz target: ImageExtractor on arbitrary bytes. Leptonica decodes in our process,
// so this is where a hostile PNG/JPEG/TIFF/BMP/GIF header or body would crash us;
// the size cap and the OCR deadline (2 s here) keep each input bounded.
#include <cstdint>
#include <string>
#include <string_view>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace {

using namespace breachscope;
using namespace breachscope::extract;

// extract/collecting_sink.h does not compile with GCC yet; a minimal sink here.
class CheckingSink : public MemberSink {
 public:
  explicit CheckingSink(Budget b) : budget_(std::move(b)) {}
  Status Add(Member&& m) override {
    if (!m.name.empty() || !m.ocr || m.decoders.size() != 1 || m.decoders[0] != "ocr" || m.format != "text")
      __builtin_trap();
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode reason, std::string detail) override {
    if (reason == StatusCode::kOk || detail.empty()) __builtin_trap();
  }
  const Budget& budget() const override { return budget_; }

 private:
  Budget budget_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Extractor* image = ImageExtractor();
  if (!image->Accepts("x", bytes)) return 0;
  Budget budget;
  budget.member_seconds = 2;
  budget.max_members = 16;
  CheckingSink sink(budget);
  Status s = image->Extract({bytes, "x", nullptr}, sink);
  if (!s.ok() && s.message().empty()) __builtin_trap();
  return 0;
}
