// Fuzz target: PdfExtractor on arbitrary bytes. pdftotext and pdftoppm run as child
// processes (their crashes cost a member, never us); this checks our side: page
// splitting, exit-code and stderr handling, temporary files, members' shape. OCR is
// on so image-only pages go through pdftoppm and Tesseract too, under 2 s budgets.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
    // Pages add no path level, carry a 1-based page and the pdf decoder first.
    if (!m.name.empty() || m.location.page == 0 || m.decoders.empty() || m.decoders[0] != "pdf") __builtin_trap();
    if (m.location.page <= last_page_) __builtin_trap();  // page order
    if (m.ocr != (m.decoders.size() == 2 && m.decoders[1] == "ocr")) __builtin_trap();
    if (m.format != "text" || m.data.find('\f') != std::string::npos) __builtin_trap();
    last_page_ = m.location.page;
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode reason, std::string detail) override {
    if (reason == StatusCode::kOk || detail.empty()) __builtin_trap();
  }
  const Budget& budget() const override { return budget_; }

 private:
  Budget budget_;
  uint32_t last_page_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Extractor* pdf = PdfExtractor();
  if (!pdf->Accepts("x.pdf", bytes)) return 0;
  Budget budget;
  budget.member_seconds = 2;
  budget.child_memory_bytes = 1ull << 30;
  budget.max_members = 64;
  budget.ocr = OcrMode::kOn;
  CheckingSink sink(budget);
  Status s = pdf->Extract({bytes, "x.pdf", nullptr}, sink);
  if (!s.ok() && s.message().empty()) __builtin_trap();
  return 0;
}
