// ImageExtractor: OCR of PNG, JPEG, TIFF (multi-page), BMP and GIF scans with
// Tesseract; OCR off, damaged and oversized images, the recognition deadline, and
// the scale-up of low-resolution scans. Fixtures: tests/fixtures/pdf/ (make.sh).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "extract/extractor.h"
#include "extract/ocr.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

// extract/collecting_sink.h's sink, copied: that header does not compile with GCC
// yet (its `std::vector<Error>` names the member function).
class CollectingSink : public MemberSink {
 public:
  struct Err {
    std::string member;
    StatusCode reason;
    std::string detail;
  };
  explicit CollectingSink(Budget budget = {}) : budget_(std::move(budget)) {}
  Status Add(Member&& m) override {
    members.push_back(std::move(m));
    return Status::Ok();
  }
  void Error(std::string_view member, StatusCode reason, std::string detail) override {
    errors.push_back({std::string(member), reason, std::move(detail)});
  }
  const Budget& budget() const override { return budget_; }
  std::vector<Member> members;
  std::vector<Err> errors;

 private:
  Budget budget_;
};

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/tests/fixtures/pdf/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c))) d += c;
  return d;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Budget OcrBudget(OcrMode mode = OcrMode::kAuto, int seconds = 60) {
  Budget b;
  b.ocr = mode;
  b.member_seconds = seconds;
  return b;
}

const Extractor& Image() {
  const Extractor* e = ImageExtractor();
  EXPECT_NE(e, nullptr);
  return *e;
}

TEST(ImageExtractor, AcceptsImageMagicsOnly) {
  EXPECT_EQ(Image().name(), "ocr");
  for (const char* f : {"scan.png", "scan.jpg", "two_pages.tif", "scan.bmp", "scan.gif"}) {
    std::string bytes = ReadFixture(f);
    EXPECT_TRUE(Image().Accepts(f, bytes)) << f;
    EXPECT_EQ(FindExtractor(f, bytes), &Image()) << f;
  }
  EXPECT_TRUE(Image().Accepts("x", std::string("MM\0*\0\0\0\x08", 8)));  // big-endian TIFF
  EXPECT_FALSE(Image().Accepts("cars.txt", "BMW owners: Name: Jane Public, 12 Elm St"));  // "BM" is not enough
  EXPECT_FALSE(Image().Accepts("a.pdf", ReadFixture("text.pdf")));
  EXPECT_FALSE(Image().Accepts("a.png", "\x89PN"));
  EXPECT_FALSE(Image().Accepts("a.gif", "GIF90a"));
}

// The same 300 dpi scan in every format must read back its name and SSN.
class ImageFormats : public ::testing::TestWithParam<const char*> {};

TEST_P(ImageFormats, OcrReadsNameAndSsn) {
  std::string bytes = ReadFixture(GetParam());
  CollectingSink sink(OcrBudget());
  auto t0 = std::chrono::steady_clock::now();
  Status s = Image().Extract({bytes, GetParam(), nullptr}, sink);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ measure  ] OCR of " << GetParam() << " (2550x600 px): " << ms << " ms\n";
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.members.size(), 1u);
  const Member& m = sink.members[0];
  EXPECT_EQ(m.name, "");
  EXPECT_EQ(m.decoders, std::vector<std::string>{"ocr"});
  EXPECT_TRUE(m.ocr);
  EXPECT_EQ(m.format, "text");
  EXPECT_TRUE(m.file.empty());
  // Robust to OCR noise around the values (spacing, punctuation), not inside them.
  EXPECT_NE(Digits(m.data).find("412637781"), std::string::npos) << m.data;
  EXPECT_NE(Digits(m.data).find("04021980"), std::string::npos) << m.data;
  EXPECT_NE(Lower(m.data).find("jane public"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("SSN"), std::string::npos) << m.data;  // the label that gives the SSN its context
  EXPECT_NE(m.data.find('\n'), std::string::npos);             // lines are kept
  EXPECT_TRUE(sink.errors.empty());
}

INSTANTIATE_TEST_SUITE_P(Scans, ImageFormats, ::testing::Values("scan.png", "scan.jpg", "scan.bmp", "scan.gif"));

TEST(ImageExtractor, MultiPageTiffGivesOneMemberPerPage) {
  std::string bytes = ReadFixture("two_pages.tif");
  CollectingSink sink(OcrBudget());
  Status s = Image().Extract({bytes, "two_pages.tif", nullptr}, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.members.size(), 2u);
  EXPECT_EQ(sink.members[0].location.page, 1u);
  EXPECT_EQ(sink.members[1].location.page, 2u);
  for (const Member& m : sink.members) {
    EXPECT_EQ(m.decoders, std::vector<std::string>{"ocr"});
    EXPECT_TRUE(m.ocr);
  }
  EXPECT_NE(Digits(sink.members[0].data).find("412637781"), std::string::npos) << sink.members[0].data;
  EXPECT_EQ(Digits(sink.members[0].data).find("523418876"), std::string::npos);
  EXPECT_NE(Digits(sink.members[1].data).find("523418876"), std::string::npos) << sink.members[1].data;
  EXPECT_NE(Lower(sink.members[1].data).find("mary example"), std::string::npos) << sink.members[1].data;
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ImageExtractor, LowResolutionScanIsScaledUp) {
  // 36 dpi: Tesseract alone reads "812.63-781" here (measured with the tesseract
  // CLI); scaled to 144 dpi it reads the SSN exactly.
  std::string bytes = ReadFixture("lowres.png");
  CollectingSink sink(OcrBudget());
  ASSERT_TRUE(Image().Extract({bytes, "lowres.png", nullptr}, sink).ok());
  ASSERT_EQ(sink.members.size(), 1u);
  EXPECT_NE(Digits(sink.members[0].data).find("412637781"), std::string::npos) << sink.members[0].data;
}

TEST(ImageExtractor, OcrOffIsUnsupportedNotSilent) {
  std::string bytes = ReadFixture("scan.png");
  CollectingSink sink(OcrBudget(OcrMode::kOff));
  Status s = Image().Extract({bytes, "scan.png", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_EQ(s.message(), "OCR is off (--ocr off)");
  EXPECT_TRUE(sink.members.empty());
}

TEST(ImageExtractor, DamagedImagesAreCorrupt) {
  const std::string png = ReadFixture("scan.png");
  const std::string cases[] = {
      png.substr(0, 200),                                             // header, then cut off in the pixel data
      std::string("\xFF\xD8\xFF\xE0", 4) + std::string(500, '\x11'),  // JPEG magic, garbage
      std::string("II*\0", 4) + std::string(100, '\xEE'),             // TIFF magic, no directory
      "GIF89a" + std::string(3, '\0'),
      "BM" + std::string(60, '\0'),
  };
  for (const std::string& bytes : cases) {
    CollectingSink sink(OcrBudget());
    Status s = Image().Extract({bytes, "x", nullptr}, sink);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.ToString() << " for " << bytes.size() << " bytes";
    EXPECT_TRUE(sink.members.empty());
  }
}

TEST(ImageExtractor, RleBmpIsUnsupported) {
  std::string bytes = ReadFixture("rle.bmp");
  ASSERT_TRUE(Image().Accepts("rle.bmp", bytes));
  CollectingSink sink(OcrBudget());
  Status s = Image().Extract({bytes, "rle.bmp", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported) << s.ToString();
}

TEST(ImageExtractor, HugeImageIsRefusedBeforeDecoding) {
  // The PNG fixture with its IHDR saying 20000 x 20000 (400 megapixels).
  std::string bytes = ReadFixture("scan.png");
  ASSERT_EQ(bytes.substr(12, 4), "IHDR");
  const unsigned char size[8] = {0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20};
  std::memcpy(bytes.data() + 16, size, 8);
  CollectingSink sink(OcrBudget());
  auto t0 = std::chrono::steady_clock::now();
  Status s = Image().Extract({bytes, "huge.png", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

// A tall page: the scan tiled 24 times (48 lines of text, 2550 x 14400 px; about
// 5 s of CPU for Tesseract, measured 3.7 s for 16 tiles).
std::string TallPng() {
  std::string one = ReadFixture("scan.png");
  Pix* tile = pixReadMem(reinterpret_cast<const l_uint8*>(one.data()), one.size());
  EXPECT_NE(tile, nullptr);
  const int w = pixGetWidth(tile), h = pixGetHeight(tile);
  Pix* tall = pixCreate(w, h * 24, pixGetDepth(tile));
  for (int i = 0; i < 24; ++i) pixRasterop(tall, 0, i * h, w, h, PIX_SRC, tile, 0, 0);
  pixSetResolution(tall, 300, 300);
  l_uint8* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pixWriteMem(&data, &size, tall, IFF_PNG), 0);
  std::string out(reinterpret_cast<char*>(data), size);
  lept_free(data);
  pixDestroy(&tile);
  pixDestroy(&tall);
  return out;
}

TEST(ImageExtractor, RecognitionDeadlineIsALimit) {
  // Reading this page takes several seconds (measured in the report); 1 s is not enough.
  std::string bytes = TallPng();
  CollectingSink sink(OcrBudget(OcrMode::kAuto, 1));
  auto t0 = std::chrono::steady_clock::now();
  Status s = Image().Extract({bytes, "tall.png", nullptr}, sink);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ measure  ] tall page stopped after " << ms << " ms\n";
  EXPECT_EQ(s.code(), StatusCode::kLimit) << s.ToString();
  EXPECT_NE(s.message().find("OCR ran longer than 1 s"), std::string::npos);
  EXPECT_LT(ms, 20000);
  EXPECT_LE(sink.members.size(), 1u);  // what was read before the deadline, if anything
}

TEST(ImageExtractor, EnginesArePerThread) {
  // Two threads OCR at once, each with its own Tesseract engine.
  std::string bytes = ReadFixture("scan.png");
  std::string out[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i)
    threads[i] = std::thread([&, i] {
      CollectingSink sink(OcrBudget());
      if (Image().Extract({bytes, "scan.png", nullptr}, sink).ok() && sink.members.size() == 1)
        out[i] = sink.members[0].data;
    });
  for (auto& t : threads) t.join();
  EXPECT_NE(Digits(out[0]).find("412637781"), std::string::npos);
  EXPECT_EQ(out[0], out[1]);
}

}  // namespace
}  // namespace breachscope::extract
