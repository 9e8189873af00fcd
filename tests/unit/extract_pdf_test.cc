// PdfExtractor: pages by pdftotext, scanned pages by pdftoppm + Tesseract, and the
// failure cases (password, damage, time/output/member limits, OCR off).
// Fixtures: tests/fixtures/pdf/ (make.sh regenerates them with LibreOffice,
// ImageMagick, Ghostscript and poppler-utils).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "extract/collecting_sink.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

namespace fs = std::filesystem;

using extract::CollectingSink;

std::string FixturePath(const std::string& name) { return std::string(BS_SOURCE_DIR) + "/tests/fixtures/pdf/" + name; }

std::string ReadFixture(const std::string& name) {
  std::ifstream in(FixturePath(name), std::ios::binary);
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

// A fresh temp_dir per test, so tests can check that nothing is left behind.
class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_ = fs::temp_directory_path() /
            ("bs-pdf-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(temp_);
    fs::create_directories(temp_);
  }
  void TearDown() override { fs::remove_all(temp_); }

  Budget MakeBudget(OcrMode ocr = OcrMode::kAuto) {
    Budget b;
    b.temp_dir = temp_;
    b.ocr = ocr;
    b.member_seconds = 60;
    return b;
  }
  bool TempDirEmpty() const { return fs::is_empty(temp_); }

  fs::path temp_;
  const Extractor* pdf_ = PdfExtractor();
};

TEST_F(PdfTest, AcceptsPdfMagicWithinFirstKilobyte) {
  ASSERT_NE(pdf_, nullptr);
  EXPECT_EQ(pdf_->name(), "pdf");
  EXPECT_TRUE(pdf_->Accepts("a.pdf", "%PDF-1.7\n"));
  EXPECT_TRUE(pdf_->Accepts("x.bin", std::string(600, ' ') + "%PDF-1.4"));  // junk before the header
  EXPECT_FALSE(pdf_->Accepts("a.pdf", std::string(1100, ' ') + "%PDF-1.4"));
  EXPECT_FALSE(pdf_->Accepts("a.pdf", "PK\x03\x04"));
  EXPECT_FALSE(pdf_->Accepts("a.pdf", ""));
  EXPECT_EQ(FindExtractor("report.pdf", ReadFixture("text.pdf")), pdf_);
}

void ExpectTextPages(const CollectingSink& sink) {
  ASSERT_EQ(sink.members.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Member& m = sink.members[i];
    EXPECT_EQ(m.name, "");
    EXPECT_EQ(m.decoders, std::vector<std::string>{"pdf"});
    EXPECT_EQ(m.location.page, i + 1);
    EXPECT_EQ(m.format, "text");
    EXPECT_FALSE(m.ocr);
  }
  EXPECT_NE(sink.members[0].data.find("Jane Public"), std::string::npos);
  EXPECT_NE(sink.members[0].data.find("412-63-7781"), std::string::npos);
  EXPECT_NE(sink.members[0].data.find("04/02/1980"), std::string::npos);
  EXPECT_EQ(sink.members[0].data.find("John Sample"), std::string::npos);  // page 2's text stays on page 2
  EXPECT_NE(sink.members[1].data.find("Member ID: MBR5551234"), std::string::npos);
  EXPECT_NE(sink.members[1].data.find("John Sample"), std::string::npos);
  EXPECT_NE(sink.members[2].data.find("523-41-8876"), std::string::npos);
  EXPECT_NE(sink.members[2].data.find("page three"), std::string::npos);
  for (const auto& m : sink.members) EXPECT_EQ(m.data.find('\f'), std::string::npos);
  EXPECT_TRUE(sink.errors.empty());
}

TEST_F(PdfTest, TextPdfInMemoryGivesOneMemberPerPage) {
  std::string bytes = ReadFixture("text.pdf");
  CollectingSink sink(MakeBudget());
  Status s = pdf_->Extract({bytes, "text.pdf", nullptr}, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectTextPages(sink);
  EXPECT_TRUE(TempDirEmpty());  // text pages need no temporary file
}

TEST_F(PdfTest, TextPdfOnDiskGivesTheSamePages) {
  std::string bytes = ReadFixture("text.pdf");
  fs::path path = FixturePath("text.pdf");
  CollectingSink sink(MakeBudget());
  Status s = pdf_->Extract({bytes, "text.pdf", &path}, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectTextPages(sink);
}

TEST_F(PdfTest, ScannedPdfIsReadByOcr) {
  std::string bytes = ReadFixture("scanned.pdf");
  CollectingSink sink(MakeBudget(OcrMode::kAuto));
  auto t0 = std::chrono::steady_clock::now();
  Status s = pdf_->Extract({bytes, "scanned.pdf", nullptr}, sink);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ measure  ] scanned.pdf page 1: render + OCR " << ms << " ms\n";
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.members.size(), 1u);
  const Member& m = sink.members[0];
  EXPECT_EQ(m.name, "");
  EXPECT_EQ((m.decoders), (std::vector<std::string>{"pdf", "ocr"}));
  EXPECT_EQ(m.location.page, 1u);
  EXPECT_TRUE(m.ocr);
  EXPECT_EQ(m.format, "text");
  // OCR noise is allowed around the values, not in them.
  EXPECT_NE(Digits(m.data).find("412637781"), std::string::npos) << m.data;
  EXPECT_NE(Lower(m.data).find("jane public"), std::string::npos) << m.data;
  EXPECT_NE(m.data.find("MBR5551234"), std::string::npos) << m.data;
  EXPECT_TRUE(sink.errors.empty());
  EXPECT_TRUE(TempDirEmpty());  // the temporary copy for pdftoppm is gone
}

TEST_F(PdfTest, MixedPdfKeepsPageOrderAndMarksOcrPages) {
  std::string bytes = ReadFixture("mixed.pdf");
  fs::path path = FixturePath("mixed.pdf");
  const fs::path* disks[] = {nullptr, &path};
  for (const fs::path* disk : disks) {
    CollectingSink sink(MakeBudget(OcrMode::kOn));
    Status s = pdf_->Extract({bytes, "mixed.pdf", disk}, sink);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(sink.members.size(), 2u);
    EXPECT_EQ(sink.members[0].location.page, 1u);
    EXPECT_EQ(sink.members[0].decoders, std::vector<std::string>{"pdf"});
    EXPECT_FALSE(sink.members[0].ocr);
    EXPECT_NE(sink.members[0].data.find("412-63-7781"), std::string::npos);
    EXPECT_EQ(sink.members[1].location.page, 2u);
    EXPECT_EQ((sink.members[1].decoders), (std::vector<std::string>{"pdf", "ocr"}));
    EXPECT_TRUE(sink.members[1].ocr);
    EXPECT_NE(Digits(sink.members[1].data).find("412637781"), std::string::npos);
    EXPECT_TRUE(sink.errors.empty());
    EXPECT_TRUE(TempDirEmpty());
  }
}

TEST_F(PdfTest, OcrOffReportsPagesWithoutTextOnce) {
  std::string bytes = ReadFixture("mixed.pdf");
  CollectingSink sink(MakeBudget(OcrMode::kOff));
  Status s = pdf_->Extract({bytes, "mixed.pdf", nullptr}, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(sink.members.size(), 1u);  // the text page is still read
  EXPECT_EQ(sink.members[0].location.page, 1u);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].member, "");
  EXPECT_EQ(sink.errors[0].reason, StatusCode::kUnsupported);
  EXPECT_EQ(sink.errors[0].detail, "page 2 has no text layer and OCR is off");
  EXPECT_TRUE(TempDirEmpty());
}

TEST_F(PdfTest, ScannedPdfWithOcrOffHasNoMembersAndOneError) {
  std::string bytes = ReadFixture("scanned.pdf");
  CollectingSink sink(MakeBudget(OcrMode::kOff));
  ASSERT_TRUE(pdf_->Extract({bytes, "scanned.pdf", nullptr}, sink).ok());
  EXPECT_TRUE(sink.members.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].reason, StatusCode::kUnsupported);
  EXPECT_NE(sink.errors[0].detail.find("OCR is off"), std::string::npos);
}

TEST_F(PdfTest, PasswordProtectedPdfIsEncrypted) {
  std::string bytes = ReadFixture("encrypted.pdf");
  EXPECT_TRUE(pdf_->Accepts("encrypted.pdf", bytes));
  CollectingSink sink(MakeBudget());
  Status s = pdf_->Extract({bytes, "encrypted.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kEncrypted) << s.ToString();
  EXPECT_TRUE(sink.members.empty());
  EXPECT_TRUE(TempDirEmpty());
}

TEST_F(PdfTest, TruncatedPdfIsCorrupt) {
  std::string bytes = ReadFixture("truncated.pdf");
  CollectingSink sink(MakeBudget());
  Status s = pdf_->Extract({bytes, "truncated.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.ToString();
  EXPECT_NE(s.message().find("damaged"), std::string::npos);
  EXPECT_TRUE(sink.members.empty());
}

TEST_F(PdfTest, GarbageAfterMagicIsCorruptAndMessageHasNoContent) {
  std::string bytes = "%PDF-1.4\nName: Jane Public SSN 412-63-7781\n" + std::string(2000, 'x');
  CollectingSink sink(MakeBudget());
  Status s = pdf_->Extract({bytes, "x.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.ToString();
  EXPECT_EQ(s.message().find("412"), std::string::npos);
  EXPECT_EQ(s.message().find("Jane"), std::string::npos);
}

// A valid PDF of `pages` pages that share one content stream of `lines` text lines:
// small on disk, slow for pdftotext.
std::string GeneratedPdf(int pages, int lines) {
  std::string content = "BT /F1 10 Tf 72 720 Td ";
  for (int i = 0; i < lines; ++i) content += "(Lorem ipsum dolor sit amet) Tj 0 -1 Td ";
  content += "ET";
  std::vector<std::string> objs;
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(5 + i) + " 0 R ";
  objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
  objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  objs.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
  for (int i = 0; i < pages; ++i)
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                   "/Contents 4 0 R >>");
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  char line[32];
  for (size_t off : offsets) {
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

TEST_F(PdfTest, GeneratedPdfIsReadPageByPage) {
  std::string bytes = GeneratedPdf(5, 3);
  CollectingSink sink(MakeBudget());
  ASSERT_TRUE(pdf_->Extract({bytes, "gen.pdf", nullptr}, sink).ok());
  ASSERT_EQ(sink.members.size(), 5u);
  EXPECT_EQ(sink.members[4].location.page, 5u);
  EXPECT_NE(sink.members[4].data.find("Lorem ipsum"), std::string::npos);
}

TEST_F(PdfTest, LongRunningPdftotextHitsTheTimeLimit) {
  std::string bytes = GeneratedPdf(4000, 200);  // ~20 s of pdftotext on this machine
  Budget b = MakeBudget();
  b.member_seconds = 1;
  CollectingSink sink(b);
  auto t0 = std::chrono::steady_clock::now();
  Status s = pdf_->Extract({bytes, "slow.pdf", nullptr}, sink);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(s.code(), StatusCode::kLimit) << s.ToString();
  EXPECT_LT(secs, 10);
  EXPECT_TRUE(sink.members.empty());
}

TEST_F(PdfTest, OutputLimitIsALimitError) {
  std::string bytes = ReadFixture("text.pdf");
  Budget b = MakeBudget();
  b.max_expanded_bytes = 40;  // less than one page of text
  CollectingSink sink(b);
  Status s = pdf_->Extract({bytes, "text.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit) << s.ToString();
}

TEST_F(PdfTest, MemberLimitStopsAfterThePagesAllowed) {
  std::string bytes = ReadFixture("text.pdf");
  Budget b = MakeBudget();
  b.max_members = 2;
  CollectingSink sink(b);
  Status s = pdf_->Extract({bytes, "text.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit) << s.ToString();
  EXPECT_EQ(sink.members.size(), 2u);
}

TEST_F(PdfTest, SinkBudgetStopsExtraction) {
  std::string bytes = ReadFixture("text.pdf");
  CollectingSink sink(MakeBudget());
  sink.stop_after = 1;
  Status s = pdf_->Extract({bytes, "text.pdf", nullptr}, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit);
  EXPECT_EQ(sink.members.size(), 1u);
}

TEST_F(PdfTest, LargePagesGoToTemporaryFiles) {
  std::string bytes = ReadFixture("text.pdf");
  Budget b = MakeBudget();
  b.max_member_in_memory = 16;
  CollectingSink sink(b);
  ASSERT_TRUE(pdf_->Extract({bytes, "text.pdf", nullptr}, sink).ok());
  EXPECT_EQ(sink.file_backed, 3u);
  ExpectTextPages(sink);
  EXPECT_TRUE(TempDirEmpty());  // the sink removed them
}

}  // namespace
}  // namespace breachscope::extract
