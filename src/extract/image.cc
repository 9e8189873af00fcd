// extract/image.cc — scanned images (PNG, JPEG, TIFF, BMP, GIF) into text by OCR.
//
// Breach piles hold scans: ID cards, claim forms, faxed letters as TIFF. Their text
// is only reachable by OCR, so each image (each page of a multi-page TIFF) becomes
// one "text" member with decoders {"ocr"} and ocr = true, which makes the scan apply
// the lower confidence floor for OCR'd text. Decoding is leptonica's, recognition
// Tesseract's (extract/ocr.h), both in process and Apache/BSD-licensed.
//
// With --ocr off the image is not silently skipped: Extract() returns kUnsupported
// so errors.jsonl shows that it was not read. Sizes are checked from the header
// before anything is decoded.
#include <leptonica/allheaders.h>

#include <cstring>
#include <memory>
#include <string>

#include "extract/extractor.h"
#include "extract/ocr.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

uint32_t Le32(std::string_view s, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// "BM" alone begins plenty of text; a BMP also has zero reserved words, a pixel
// offset past the headers and a known DIB header size.
bool LooksLikeBmp(std::string_view head) {
  if (head.size() < 18 || !StartsWith(head, "BM")) return false;
  if (Le32(head, 6) != 0) return false;
  const uint32_t pixels_at = Le32(head, 10), dib = Le32(head, 14);
  const bool known_dib = dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 ||
                         dib == 108 || dib == 124;
  return known_dib && pixels_at >= 14 + dib;
}

bool IsTiff(std::string_view head) {
  return StartsWith(head, std::string_view("II*\0", 4)) || StartsWith(head, std::string_view("MM\0*", 4));
}

struct PixDeleter {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

Member OcrMember(std::string text, uint32_t page) {
  Member m;
  m.decoders = {"ocr"};
  m.location.page = page;
  m.data = std::move(text);
  m.format = "text";
  m.ocr = true;
  return m;
}

bool HasText(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") != std::string_view::npos; }

// Each page of a TIFF (fax and scanner output are often multi-page) is a member
// with its 1-based page number. Pages are read by index, so a page that is too
// large or cannot be decoded is reported and the next one is still read; the first
// directory that cannot be read ends the pages.
Status ExtractTiff(std::string_view bytes, MemberSink& sink) {
  const Budget& budget = sink.budget();
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  for (uint32_t page = 1;; ++page) {
    l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
    if (readHeaderMemTiff(data, bytes.size(), static_cast<l_int32>(page - 1), &w, &h, &bps, &spp, &res, &cmap,
                          &format) != 0) {
      if (page == 1) return CorruptError("TIFF header could not be read");
      return Status::Ok();
    }
    if (page > budget.max_members) return LimitError("TIFF has more pages than the member limit");
    const std::string where = "TIFF page " + std::to_string(page);
    if (w <= 0 || h <= 0) {
      sink.Error("", StatusCode::kCorrupt, where + " has no size");
      continue;
    }
    if (static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > kMaxOcrPixels) {
      sink.Error("", StatusCode::kLimit, where + " is larger than the OCR limit of 100 megapixels");
      continue;
    }
    PixPtr pix(pixReadMemTiff(data, bytes.size(), static_cast<l_int32>(page - 1)));
    if (!pix) {
      sink.Error("", StatusCode::kCorrupt, where + " could not be decoded");
      continue;
    }
    auto ocr = OcrPix(pix.get(), budget.member_seconds);
    if (!ocr.ok()) {
      if (ocr.status().code() == StatusCode::kUnsupported) return ocr.status();
      sink.Error("", ocr.status().code(), where + ": " + ocr.status().message());
      continue;
    }
    if (HasText(ocr->text)) BS_RETURN_IF_ERROR(sink.Add(OcrMember(std::move(ocr->text), page)));
    if (!ocr->status.ok()) sink.Error("", ocr->status.code(), where + ": " + ocr->status.message());
  }
}

class ImageExtractorImpl final : public Extractor {
 public:
  std::string_view name() const override { return "ocr"; }

  bool Accepts(std::string_view /*file_name*/, std::string_view head) const override {
    return StartsWith(head, "\x89PNG\r\n\x1a\n") || StartsWith(head, "\xFF\xD8\xFF") || IsTiff(head) ||
           StartsWith(head, "GIF87a") || StartsWith(head, "GIF89a") || LooksLikeBmp(head);
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    const Budget& budget = sink.budget();
    if (budget.ocr == OcrMode::kOff) return UnsupportedError("OCR is off (--ocr off)");
    QuietLeptonica();
    if (IsTiff(source.bytes)) return ExtractTiff(source.bytes, sink);
    if (LooksLikeBmp(source.bytes) && source.bytes.size() >= 34 && Le32(source.bytes, 14) >= 40) {
      const uint32_t compression = Le32(source.bytes, 30);
      if (compression == 1 || compression == 2)  // BI_RLE8, BI_RLE4: leptonica reads uncompressed BMP only
        return UnsupportedError("RLE-compressed BMP is not supported");
    }
    auto ocr = OcrImageBytes(source.bytes, budget.member_seconds);
    if (!ocr.ok()) return ocr.status();
    // Text recognised before a deadline passed is still handed over, then the
    // limit is reported: a partial read beats none in a breach review.
    if (HasText(ocr->text)) BS_RETURN_IF_ERROR(sink.Add(OcrMember(std::move(ocr->text), 0)));
    return ocr->status;
  }
};

}  // namespace

const Extractor* ImageExtractor() {
  static const ImageExtractorImpl extractor;
  return &extractor;
}

}  // namespace breachscope::extract
