// extract/ocr.cc — one Tesseract engine per thread, recognition under a deadline.
//
// Why this shape: TessBaseAPI::Init loads the English model (hundreds of ms), so an
// engine is made once per worker thread and reused; an engine is not thread-safe,
// so it is never shared. The ETEXT_DESC monitor's deadline stops word recognition
// when a page takes too long (layout analysis is not covered by it; the pixel cap
// bounds that). Low-resolution scans are scaled up to 300 dpi, where Tesseract's
// models were trained: on our 100 dpi fixture this turns digit noise into the exact
// text (tests/unit/extract_image_test.cc, LowResolutionScanIsScaledUp). An unknown
// resolution is left to Tesseract's own estimate.
#include "extract/ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace breachscope::extract {

namespace {

struct PixDeleter {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Where Debian and others put the English model; nullptr is Tesseract's built-in
// default (TESSDATA_PREFIX or the compiled-in path).
const char* const kTessdataDirs[] = {nullptr, "/usr/share/tesseract-ocr/5/tessdata",
                                     "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
                                     "/usr/local/share/tessdata"};

struct Engine {
  std::unique_ptr<tesseract::TessBaseAPI> api;
  Status status = UnsupportedError("OCR is not set up");
  bool tried = false;
};

Engine& ThreadEngine() {
  thread_local Engine engine;
  if (engine.tried) return engine;
  engine.tried = true;
  QuietLeptonica();
  for (const char* dir : kTessdataDirs) {
    if (dir && ::access((std::string(dir) + "/eng.traineddata").c_str(), R_OK) != 0) continue;
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    // Tesseract's progress and warnings ("Estimating resolution as ...") go to its
    // debug file; never to our stderr.
    api->SetVariable("debug_file", "/dev/null");
    if (api->Init(dir, "eng", tesseract::OEM_DEFAULT) != 0) continue;
    api->SetPageSegMode(tesseract::PSM_AUTO);
    api->SetVariable("preserve_interword_spaces", "1");
    api->SetVariable("debug_file", "/dev/null");
    engine.api = std::move(api);
    engine.status = Status::Ok();
    return engine;
  }
  engine.status = UnsupportedError("OCR is unavailable: Tesseract's English data (tesseract-ocr-eng) was not found");
  return engine;
}

}  // namespace

void QuietLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] {
    setMsgSeverity(L_SEVERITY_NONE);
    leptSetStderrHandler([](const char*) {});  // also the messages printed without a severity
  });
}

Status OcrAvailable() { return ThreadEngine().status; }

Result<OcrText> OcrPix(Pix* pix, int seconds) {
  if (!pix) return InternalError("no image to recognise");
  Engine& engine = ThreadEngine();
  if (!engine.status.ok()) return engine.status;
  const uint64_t w = static_cast<uint64_t>(pixGetWidth(pix)), h = static_cast<uint64_t>(pixGetHeight(pix));
  if (w == 0 || h == 0) return CorruptError("image has no pixels");
  if (w * h > kMaxOcrPixels) return LimitError("image is larger than the OCR limit of 100 megapixels");

  // Scale a known low resolution up to 300 dpi (at most 4x, within the pixel cap).
  PixPtr scaled;
  Pix* input = pix;
  const int res = std::max(pixGetXRes(pix), pixGetYRes(pix));
  if (res > 0 && res < 200) {
    double factor = std::min(4.0, 300.0 / res);
    factor = std::min(factor, std::sqrt(static_cast<double>(kMaxOcrPixels) / static_cast<double>(w * h)));
    if (factor > 1.2) {
      // 1 bpp and colour-mapped images become 8-bit grey first so the scale-up is smooth.
      PixPtr grey(pixConvertTo8(pix, 0));
      if (grey) scaled.reset(pixScale(grey.get(), static_cast<float>(factor), static_cast<float>(factor)));
      if (scaled) {
        pixSetResolution(scaled.get(), static_cast<int>(res * factor), static_cast<int>(res * factor));
        input = scaled.get();
      }
    }
  }

  tesseract::TessBaseAPI& api = *engine.api;
  api.SetImage(input);  // an unknown resolution is estimated by Tesseract from the text's size
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(std::max(1, seconds) * 1000);
  const int rc = api.Recognize(&monitor);
  OcrText result;
  if (monitor.deadline_exceeded()) {
    result.status = LimitError("OCR ran longer than " + std::to_string(std::max(1, seconds)) + " s and was stopped");
  } else if (rc != 0) {
    api.Clear();
    return InternalError("Tesseract could not recognise the image");
  }
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  if (text) result.text = text.get();
  api.Clear();
  return result;
}

Result<OcrText> OcrImageBytes(std::string_view bytes, int seconds, int assumed_dpi) {
  QuietLeptonica();
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, iscmap = 0;
  if (bytes.size() < 12 || pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp, &iscmap) != 0)
    return CorruptError("image header could not be read");
  if (w <= 0 || h <= 0) return CorruptError("image header gives no size");
  if (static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > kMaxOcrPixels)
    return LimitError("image is larger than the OCR limit of 100 megapixels");
  PixPtr pix(pixReadMem(data, bytes.size()));
  if (!pix) return CorruptError("image could not be decoded");
  if (assumed_dpi > 0 && pixGetXRes(pix.get()) <= 0) pixSetResolution(pix.get(), assumed_dpi, assumed_dpi);
  return OcrPix(pix.get(), seconds);
}

}  // namespace breachscope::extract
