// PstExtractor: sniffing and the error paths. No licensed PST small enough to commit
// (< 200 KB) was found (the MIT samples of pst-extractor are 14-16 MB), so a positive
// extraction (folders, messages, attachments) is NOT covered here; these tests cover
// what bad input must give: kCorrupt with libpff's reason, no crash, no temporary file
// left behind, kIo when the temporary copy cannot be made.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

class Sink : public MemberSink {
 public:
  explicit Sink(Budget budget = {}) : budget_(std::move(budget)) {}
  Status Add(Member&& m) override {
    members.push_back(std::move(m));
    return Status::Ok();
  }
  void Error(std::string_view, StatusCode reason, std::string) override { errors.push_back(reason); }
  const Budget& budget() const override { return budget_; }
  std::vector<Member> members;
  std::vector<StatusCode> errors;

 private:
  Budget budget_;
};

const Extractor& Pst() {
  const Extractor* e = PstExtractor();
  EXPECT_NE(e, nullptr);
  return *e;
}

// A PST file header (signature, "SM", Unicode version 23) whose B-trees lead nowhere.
std::string FakeHeader(size_t size) {
  std::string h(size, '\0');
  h.replace(0, 4, "!BDN");
  h.replace(8, 2, "SM");
  h[10] = 23;
  h[12] = 19;
  return h;
}

std::filesystem::path FreshDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / ("bs-pst-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

bool IsEmptyDir(const std::filesystem::path& dir) {
  return std::filesystem::directory_iterator(dir) == std::filesystem::directory_iterator();
}

TEST(PstAccepts, TakesTheSignatureOnly) {
  EXPECT_TRUE(Pst().Accepts("mail.pst", FakeHeader(64)));
  EXPECT_TRUE(Pst().Accepts("anything", "!BDN\x01\x02"));
  EXPECT_FALSE(Pst().Accepts("mail.pst", "not a pst"));
  EXPECT_FALSE(Pst().Accepts("mail.ost", ""));
  EXPECT_FALSE(Pst().Accepts("x.pst", "!BD"));
}

TEST(PstExtract, NotAPstIsCorrupt) {
  Sink sink;
  Status st = Pst().Extract(Source{"From: a@b\n\nhello", "x.pst", nullptr}, sink);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(sink.members.empty());
}

TEST(PstExtract, HeaderThatLeadsNowhereIsCorruptAndLeavesNoTemporaryFile) {
  Budget b;
  b.temp_dir = FreshDir("mem");
  Sink sink(b);
  std::string bytes = FakeHeader(4096);
  Status st = Pst().Extract(Source{bytes, "x.pst", nullptr}, sink);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_EQ(st.message().rfind("pst: ", 0), 0u) << st.message();
  EXPECT_TRUE(sink.members.empty());
  EXPECT_TRUE(IsEmptyDir(b.temp_dir));  // the in-memory copy was removed
}

TEST(PstExtract, TruncatedSignatureOnlyFileIsCorrupt) {
  Sink sink;
  Status st = Pst().Extract(Source{"!BDN", "x.pst", nullptr}, sink);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
}

TEST(PstExtract, CorruptFileOnDiskIsReadInPlace) {
  std::filesystem::path dir = FreshDir("disk");
  std::filesystem::path path = dir / "broken.pst";
  std::string bytes = FakeHeader(8192);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  Budget b;
  b.temp_dir = "/nonexistent-dir-for-bs-test";  // would fail if a copy were attempted
  Sink sink(b);
  Status st = Pst().Extract(Source{bytes, "broken.pst", &path}, sink);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt) << st.message();
  EXPECT_EQ(st.message().find("broken.pst"), std::string::npos) << st.message();  // no file names in messages
}

TEST(PstExtract, RealOstHeaderCutShortOpensButHasNoFolders) {
  // The first 16 KB of a real OST (tests/fixtures/mail/ost_head.LICENSE): a valid
  // header, so libpff opens it, then the folder tree lies past the cut.
  std::filesystem::path path = std::filesystem::path(BS_SOURCE_DIR) / "tests/fixtures/mail/ost_head.ost";
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 16384u);
  ASSERT_TRUE(Pst().Accepts("ost_head.ost", bytes.substr(0, 512)));
  Sink sink;
  Status st = Pst().Extract(Source{bytes, "ost_head.ost", &path}, sink);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("root folder"), std::string::npos) << st.message();
  EXPECT_TRUE(sink.members.empty());
  // Same from memory (through a temporary copy).
  Sink sink2;
  EXPECT_EQ(Pst().Extract(Source{bytes, "ost_head.ost", nullptr}, sink2).code(), StatusCode::kCorrupt);
}

TEST(PstExtract, NoTemporaryCopyPossibleIsIo) {
  Budget b;
  b.temp_dir = "/nonexistent-dir-for-bs-test";
  Sink sink(b);
  std::string bytes = FakeHeader(4096);
  Status st = Pst().Extract(Source{bytes, "x.pst", nullptr}, sink);
  EXPECT_EQ(st.code(), StatusCode::kIo);
}

TEST(PstExtract, RandomTailAfterSignatureNeverCrashes) {
  std::string bytes = FakeHeader(4096);
  uint32_t x = 12345;
  for (size_t i = 16; i < bytes.size(); ++i) {
    x = x * 1103515245u + 12345u;
    bytes[i] = static_cast<char>(x >> 24);
  }
  Sink sink;
  Status st = Pst().Extract(Source{bytes, "x.pst", nullptr}, sink);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(sink.members.empty());
}

}  // namespace
}  // namespace breachscope::extract
