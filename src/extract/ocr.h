// extract/ocr.h — text of an image by Tesseract (English), in process.
//
// Shared by the image extractor (PNG, JPEG, TIFF, BMP, GIF files) and the PDF
// extractor (pages without a text layer, rendered by pdftoppm). Tesseract and
// leptonica are Apache/BSD-style libraries, so they run in our process; poppler
// (GPL) never does.
//
// Set-up of a Tesseract engine takes a few hundred milliseconds, so each thread
// keeps one engine (thread_local), made on its first use and never shared.
// Recognition runs under a deadline (Tesseract's ETEXT_DESC monitor). Images are
// checked against kMaxOcrPixels before they are decoded.
//
// Errors: kUnsupported when Tesseract or its English data cannot be loaded;
// kCorrupt when leptonica cannot decode the bytes; kLimit when an image has more
// than kMaxOcrPixels pixels or recognition passes its deadline (OcrText::text then
// still holds what was recognised before it); kInternal for unexpected failures.
// Messages are fixed text only.
//
// Thread-safety: every function may be called from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

struct Pix;  // leptonica's PIX

namespace breachscope::extract {

// Larger images are refused before decoding (100 megapixels: a letter page at
// 1000 dpi; a page at 300 dpi is 8.4).
inline constexpr uint64_t kMaxOcrPixels = 100'000'000;

struct OcrText {
  std::string text;        // UTF-8, lines separated by '\n'
  Status status;           // OK, or kLimit when the deadline passed (text is partial)
};

// Recognises `pix` (any depth leptonica has; not taken over) within `seconds`
// (at least 1). Images whose resolution is known and below 200 dpi are scaled up
// to 300 dpi first (capped by kMaxOcrPixels).
Result<OcrText> OcrPix(Pix* pix, int seconds);

// Decodes one image (any format leptonica reads: PNM, PNG, JPEG, TIFF's first
// page, BMP, GIF, WebP) and recognises it. `assumed_dpi` (when > 0) is the
// resolution of an image that does not state one (pdftoppm's PGM at -r 300).
Result<OcrText> OcrImageBytes(std::string_view bytes, int seconds, int assumed_dpi = 0);

// OK when Tesseract with English data can be set up on this thread.
Status OcrAvailable();

// Silences leptonica's messages on stderr (once per process; idempotent). The
// image libraries under it (libpng, libjpeg) still print their own warnings.
void QuietLeptonica();

}  // namespace breachscope::extract
