// ArchiveExtractor: every format and filter on fixtures made by the real tools
// (tests/fixtures/archive/make.sh), member names and decoders per the contract,
// damaged and encrypted input, and the budgets — including zip bombs built at run
// time by bombs.py (a 1 GiB deflate layer, an overlapping-entry zip) and zstd.
#include <gtest/gtest.h>

#include "test_files.h"
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/collecting_sink.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

namespace fs = std::filesystem;
using testing_files::ReadFile;
using testing_files::TempDir;

using TestSink = extract::CollectingSink;

const std::string kPeopleCsv =
    "name,ssn,email\nJane Roe,512-43-8876,jane.roe@example.com\nJohn Poe,401-22-9134,john.poe@example.com\n";
const std::string kNote = "Call Jane at 555-201-3344 about the claim.\n";

fs::path Fixture(const std::string& name) { return fs::path(BS_SOURCE_DIR) / "tests/fixtures/archive" / name; }

struct Run {
  Status status;
  TestSink sink;
};

std::unique_ptr<Run> Extract(std::string_view bytes, Budget budget = {}, std::string_view name = "x") {
  auto run = std::make_unique<Run>(Run{Status::Ok(), TestSink(std::move(budget))});
  Source src{bytes, name, nullptr};
  run->status = ArchiveExtractor()->Extract(src, run->sink);
  return run;
}

std::vector<std::string> Names(const TestSink& sink) {
  std::vector<std::string> out;
  for (const auto& m : sink.members) out.push_back(m.name);
  return out;
}

// The outcome in one line, for failure messages.
std::string Describe(const Run& run) {
  std::string d = run.status.ToString() + "; members:";
  for (const auto& m : run.sink.members) d += " [" + m.name + " " + std::to_string(m.data.size()) + "]";
  d += "; errors:";
  for (const auto& e : run.sink.errors) d += " [" + e.member + " " + e.detail + "]";
  return d;
}

const Member* Find(const TestSink& sink, std::string_view name) {
  for (const auto& m : sink.members)
    if (m.name == name) return &m;
  return nullptr;
}

using Strings = std::vector<std::string>;

TEST(ArchiveExtractor, NameIsTheFamily) { EXPECT_EQ(ArchiveExtractor()->name(), "archive"); }

TEST(ArchiveExtractor, AcceptsEveryFixtureByItsMagic) {
  for (const char* f : {"plain.zip", "zip64.zip", "people.tar.gz", "people.tar.bz2", "people.tar.xz",
                        "people.tar.zst", "people.csv.gz", "people.csv.bz2", "people.csv.xz", "people.csv.zst",
                        "people.7z", "people.cpio", "rar5_unicode.rar", "people.iso.gz"}) {
    std::string bytes = ReadFile(Fixture(f));
    ASSERT_FALSE(bytes.empty()) << f;
    // The file name plays no part: a neutral name.
    EXPECT_TRUE(ArchiveExtractor()->Accepts("member", bytes)) << f;
  }
}

TEST(ArchiveExtractor, AcceptsAnUncompressedTarByUstarAndAnIsoByCd001) {
  std::string tar(1024, '\0');
  tar.replace(257, 5, "ustar");
  EXPECT_TRUE(ArchiveExtractor()->Accepts("x", tar));
  std::string iso(40000, '\0');
  iso.replace(32769, 5, "CD001");
  EXPECT_TRUE(ArchiveExtractor()->Accepts("x", iso));
  // A head cut before offset 32769 or 257 must not be read past its end.
  EXPECT_FALSE(ArchiveExtractor()->Accepts("x", iso.substr(0, 32770)));
  EXPECT_FALSE(ArchiveExtractor()->Accepts("x", tar.substr(0, 258)));
}

TEST(ArchiveExtractor, RejectsTextSqliteAndShortHeads) {
  EXPECT_FALSE(ArchiveExtractor()->Accepts("people.csv", kPeopleCsv));
  EXPECT_FALSE(ArchiveExtractor()->Accepts("db", std::string("SQLite format 3\0", 16) + std::string(100, 'x')));
  EXPECT_FALSE(ArchiveExtractor()->Accepts("x", ""));
  EXPECT_FALSE(ArchiveExtractor()->Accepts("x", "P"));
  EXPECT_FALSE(ArchiveExtractor()->Accepts("x", "BZh"));  // no block-size digit
}

TEST(ArchiveExtractor, ZipMembersAreNamedByPathAndFoldersSkipped) {
  std::string bytes = ReadFile(Fixture("plain.zip"));
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok()) << run->status.ToString();
  EXPECT_EQ(Names(run->sink), (Strings{"people.csv", "docs/note.txt"}));
  for (const auto& m : run->sink.members) {
    EXPECT_EQ(m.decoders, Strings{"zip"});
    EXPECT_EQ(m.format, "");
    EXPECT_TRUE(m.file.empty());
  }
  EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
  EXPECT_EQ(Find(run->sink, "docs/note.txt")->data, kNote);
  EXPECT_TRUE(run->sink.errors.empty());
}

TEST(ArchiveExtractor, NonUtf8NamesBecomeUtf8) {
  // "caf\xe9.txt" stored as Latin-1 bytes without the UTF-8 flag: read as Windows-1252.
  std::string bytes = ReadFile(Fixture("latin1_name.zip"));
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok()) << Describe(*run);
  EXPECT_EQ(Names(run->sink), Strings{"caf\xc3\xa9.txt"});
}

TEST(ArchiveExtractor, Zip64) {
  std::string bytes = ReadFile(Fixture("zip64.zip"));
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok()) << run->status.ToString();
  ASSERT_EQ(Names(run->sink), Strings{"people.csv"});
  EXPECT_EQ(run->sink.members[0].data, kPeopleCsv);
}

TEST(ArchiveExtractor, CompressedTarsAreOneLevelWithFilterThenTar) {
  for (auto [file, filter] : {std::pair{"people.tar.gz", "gzip"}, std::pair{"people.tar.bz2", "bzip2"},
                              std::pair{"people.tar.xz", "xz"}, std::pair{"people.tar.zst", "zstd"}}) {
    std::string bytes = ReadFile(Fixture(file));
    auto run = Extract(bytes);
    ASSERT_TRUE(run->status.ok()) << file << ": " << run->status.ToString();
    EXPECT_EQ(Names(run->sink), (Strings{"people.csv", "docs/note.txt"})) << file;
    for (const auto& m : run->sink.members) EXPECT_EQ(m.decoders, (Strings{filter, "tar"})) << file;
    ASSERT_NE(Find(run->sink, "people.csv"), nullptr);
    EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv) << file;
  }
}

TEST(ArchiveExtractor, LoneCompressedFileAddsNoLevel) {
  for (auto [file, filter] : {std::pair{"people.csv.gz", "gzip"}, std::pair{"people.csv.bz2", "bzip2"},
                              std::pair{"people.csv.xz", "xz"}, std::pair{"people.csv.zst", "zstd"}}) {
    std::string bytes = ReadFile(Fixture(file));
    auto run = Extract(bytes, {}, file);
    ASSERT_TRUE(run->status.ok()) << file << ": " << run->status.ToString();
    ASSERT_EQ(run->sink.members.size(), 1u) << file;
    const Member& m = run->sink.members[0];
    EXPECT_EQ(m.name, "") << file;
    EXPECT_EQ(m.decoders, Strings{filter}) << file;
    EXPECT_EQ(m.format, "") << file;  // the scan sniffs it
    EXPECT_EQ(m.data, kPeopleCsv) << file;
  }
}

TEST(ArchiveExtractor, SevenZipCpioAndRar) {
  {
    std::string bytes = ReadFile(Fixture("people.7z"));
    auto run = Extract(bytes);
    ASSERT_TRUE(run->status.ok()) << run->status.ToString();
    EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
    EXPECT_EQ(Find(run->sink, "docs/note.txt")->data, kNote);
    EXPECT_EQ(run->sink.members.size(), 2u);
    EXPECT_EQ(run->sink.members[0].decoders, Strings{"7z"});
  }
  {
    std::string bytes = ReadFile(Fixture("people.cpio"));
    auto run = Extract(bytes);
    ASSERT_TRUE(run->status.ok()) << run->status.ToString();
    EXPECT_EQ(Names(run->sink), (Strings{"docs/note.txt", "people.csv"}));
    EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
    EXPECT_EQ(run->sink.members[0].decoders, Strings{"cpio"});
  }
  {
    // libarchive's own RAR 5 test file: names in Unicode (mathematical letters).
    std::string bytes = ReadFile(Fixture("rar5_unicode.rar"));
    auto run = Extract(bytes);
    ASSERT_TRUE(run->status.ok()) << run->status.ToString();
    ASSERT_FALSE(run->sink.members.empty());
    for (const auto& m : run->sink.members) {
      EXPECT_EQ(m.decoders, Strings{"rar"});
      EXPECT_NE(m.name.find(".txt"), std::string::npos) << m.name;
      EXPECT_NE(m.name.find("\xf0\x9d"), std::string::npos) << "name kept in UTF-8: " << m.name;
    }
  }
}

TEST(ArchiveExtractor, IsoImage) {
  TempDir dir;
  std::string iso_path = (dir.path() / "people.iso").string();
  std::string cmd = "gzip -dc '" + Fixture("people.iso.gz").string() + "' > '" + iso_path + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string iso = ReadFile(iso_path);
  // The scan hands Accepts() at most the first 64 KiB.
  EXPECT_TRUE(ArchiveExtractor()->Accepts("people.iso", std::string_view(iso).substr(0, 64 << 10)));
  auto run = Extract(iso);
  ASSERT_TRUE(run->status.ok()) << Describe(*run);
  EXPECT_EQ(run->sink.members.size(), 2u) << Describe(*run);
  ASSERT_NE(Find(run->sink, "people.csv"), nullptr) << Describe(*run);
  EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
  EXPECT_EQ(Find(run->sink, "docs/note.txt")->data, kNote);
  EXPECT_EQ(run->sink.members[0].decoders, Strings{"iso"});
}

TEST(ArchiveExtractor, GzippedIsoIsOneLevelLikeATarGz) {
  // libarchive reads the image inside the gzip stream directly: x.iso.gz!people.csv.
  std::string bytes = ReadFile(Fixture("people.iso.gz"));
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok()) << Describe(*run);
  ASSERT_NE(Find(run->sink, "people.csv"), nullptr) << Describe(*run);
  EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
  EXPECT_EQ(Find(run->sink, "people.csv")->decoders, (Strings{"gzip", "iso"}));
}

TEST(ArchiveExtractor, NestedZipHandsOverTheInnerZipAsBytes) {
  std::string bytes = ReadFile(Fixture("nested20.zip"));
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok());
  ASSERT_EQ(Names(run->sink), Strings{"level2.zip"});
  const Member& inner = run->sink.members[0];
  EXPECT_EQ(inner.decoders, Strings{"zip"});
  EXPECT_TRUE(ArchiveExtractor()->Accepts(inner.name, inner.data));
  // Follow all 20 levels down (the scan recurses the same way, up to max_depth).
  std::string level = bytes;
  int depth = 0;
  for (;;) {
    auto r = Extract(level);
    ASSERT_TRUE(r->status.ok()) << "level " << depth;
    ASSERT_EQ(r->sink.members.size(), 1u);
    ++depth;
    if (r->sink.members[0].name == "people.csv") {
      EXPECT_EQ(r->sink.members[0].data, kPeopleCsv);
      break;
    }
    ASSERT_EQ(r->sink.members[0].name, "level" + std::to_string(depth + 1) + ".zip");
    level = r->sink.members[0].data;
  }
  EXPECT_EQ(depth, 20);
}

TEST(ArchiveExtractor, EncryptedZipMemberIsReportedAndTheOthersRead) {
  std::string bytes = ReadFile(Fixture("mixed_encrypted.zip"));
  auto run = Extract(bytes);
  EXPECT_TRUE(run->status.ok()) << run->status.ToString();
  EXPECT_EQ(Names(run->sink), Strings{"docs/note.txt"});
  EXPECT_EQ(run->sink.members[0].data, kNote);
  ASSERT_EQ(run->sink.errors.size(), 1u);
  EXPECT_EQ(run->sink.errors[0].member, "people.csv");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kEncrypted);
}

TEST(ArchiveExtractor, Encrypted7zMemberIsReported) {
  std::string bytes = ReadFile(Fixture("encrypted.7z"));
  auto run = Extract(bytes);
  EXPECT_TRUE(run->sink.members.empty());
  bool encrypted = run->status.code() == StatusCode::kEncrypted;
  for (const auto& e : run->sink.errors) encrypted |= e.reason == StatusCode::kEncrypted;
  EXPECT_TRUE(encrypted) << run->status.ToString();
}

TEST(ArchiveExtractor, Deflate64MemberIsUnsupportedAndTheOthersRead) {
  std::string bytes = ReadFile(Fixture("deflate64.zip"));
  auto run = Extract(bytes);
  EXPECT_TRUE(run->status.ok()) << Describe(*run);
  EXPECT_EQ(Names(run->sink), Strings{"docs/note.txt"});
  ASSERT_EQ(run->sink.errors.size(), 1u) << Describe(*run);
  EXPECT_EQ(run->sink.errors[0].member, "people.csv");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kUnsupported);
}

TEST(ArchiveExtractor, BadCrcHandsOverTheBytesAndReportsCorrupt) {
  std::string bytes = ReadFile(Fixture("badcrc.zip"));
  auto run = Extract(bytes);
  EXPECT_TRUE(run->status.ok()) << run->status.ToString();
  const Member* damaged = Find(run->sink, "people.csv");
  ASSERT_NE(damaged, nullptr);
  EXPECT_NE(damaged->data.find("John Poe,401-22-9134"), std::string::npos);
  EXPECT_EQ(damaged->data.find("Jane Roe"), std::string::npos);  // the damaged byte is there
  ASSERT_NE(Find(run->sink, "docs/note.txt"), nullptr);
  ASSERT_EQ(run->sink.errors.size(), 1u);
  EXPECT_EQ(run->sink.errors[0].member, "people.csv");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kCorrupt);
  EXPECT_NE(run->sink.errors[0].detail.find("CRC"), std::string::npos) << run->sink.errors[0].detail;
}

TEST(ArchiveExtractor, TruncatedZipHandsOverWhatWasReadThenCorrupt) {
  std::string bytes = ReadFile(Fixture("truncated.zip"));
  auto run = Extract(bytes);
  EXPECT_EQ(run->status.code(), StatusCode::kCorrupt) << run->status.ToString();
  EXPECT_NE(run->status.message().find("archive: "), std::string::npos);
  ASSERT_NE(Find(run->sink, "people.csv"), nullptr);
  EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
}

TEST(ArchiveExtractor, TruncatedTarGzHandsOverWhatWasReadThenCorrupt) {
  std::string bytes = ReadFile(Fixture("people.tar.gz"));
  // Everything up to the gzip trailer: the tar ends early and the stream is cut.
  auto run = Extract(std::string_view(bytes).substr(0, bytes.size() - 12));
  EXPECT_EQ(run->status.code(), StatusCode::kCorrupt) << run->status.ToString();
}

TEST(ArchiveExtractor, GarbageAfterAMagicIsCorruptNotACrash) {
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) >> 3));
  for (std::string magic : {std::string("PK\x03\x04", 4), std::string("\x1f\x8b", 2), std::string("BZh9"),
                            std::string("\xfd\x37\x7a\x58\x5a\x00", 6), std::string("7z\xbc\xaf\x27\x1c"),
                            std::string("Rar!\x1a\x07\x01\x00"), std::string("070701"), std::string("\x28\xb5\x2f\xfd")}) {
    auto run = Extract(magic + junk);
    EXPECT_FALSE(run->status.ok()) << "magic of " << magic.size() << " bytes";
    EXPECT_TRUE(run->sink.members.empty() || run->sink.members[0].data.size() < (1u << 20));
  }
  auto empty = Extract("");
  EXPECT_TRUE(empty->sink.members.empty());
  // A ".tar" by name that is text: not read as a raw file.
  auto text = Extract(kPeopleCsv + std::string(600, ' '), {}, "x.tar");
  EXPECT_EQ(text->status.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(text->sink.members.empty());
}

TEST(ArchiveExtractor, MaxMembersStopsWithLimit) {
  std::string bytes = ReadFile(Fixture("plain.zip"));
  Budget b;
  b.max_members = 1;
  auto run = Extract(bytes, b);
  EXPECT_EQ(run->status.code(), StatusCode::kLimit);
  EXPECT_EQ(Names(run->sink), Strings{"people.csv"});
}

TEST(ArchiveExtractor, StopsWhenTheSinkSaysSo) {
  std::string bytes = ReadFile(Fixture("people.tar.xz"));
  TestSink sink;
  sink.stop_after = 1;
  Source src{bytes, "people.tar.xz", nullptr};
  Status s = ArchiveExtractor()->Extract(src, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit);
  EXPECT_EQ(sink.members.size(), 1u);
}

TEST(ArchiveExtractor, LargeMembersGoToTemporaryFiles) {
  TempDir dir;
  Budget b;
  b.max_member_in_memory = 16;
  b.temp_dir = dir.path();
  std::string bytes = ReadFile(Fixture("people.tar.gz"));
  auto run = Extract(bytes, b);
  ASSERT_TRUE(run->status.ok()) << run->status.ToString();
  EXPECT_EQ(run->sink.file_backed, 2u);  // both members are over 16 bytes
  EXPECT_EQ(Find(run->sink, "people.csv")->data, kPeopleCsv);
  EXPECT_EQ(Find(run->sink, "docs/note.txt")->data, kNote);
  EXPECT_EQ(dir.Count(), 0u);  // the sink removed them; nothing else was left behind
}

TEST(ArchiveExtractor, TemporaryFilesAreOwnerOnly) {
  TempDir dir;
  Budget b;
  b.max_member_in_memory = 16;
  b.temp_dir = dir.path();
  // A sink that looks at the file instead of reading it.
  struct ModeSink : TestSink {
    using TestSink::TestSink;
    Status Add(Member&& m) override {
      if (!m.file.empty()) modes.push_back(fs::status(m.file).permissions());
      return TestSink::Add(std::move(m));
    }
    std::vector<fs::perms> modes;
  } sink(b);
  std::string bytes = ReadFile(Fixture("plain.zip"));
  Source src{bytes, "plain.zip", nullptr};
  ASSERT_TRUE(ArchiveExtractor()->Extract(src, sink).ok());
  ASSERT_EQ(sink.modes.size(), 2u);
  for (auto p : sink.modes) EXPECT_EQ(p, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(ArchiveExtractor, MaxExpandedBytesCountsAllMembers) {
  std::string bytes = ReadFile(Fixture("plain.zip"));
  Budget b;
  b.max_expanded_bytes = kPeopleCsv.size() + 10;  // the first member fits, the second does not
  auto run = Extract(bytes, b);
  EXPECT_EQ(run->status.code(), StatusCode::kLimit);
  EXPECT_EQ(Names(run->sink), Strings{"people.csv"});
  ASSERT_EQ(run->sink.errors.size(), 1u);
  EXPECT_EQ(run->sink.errors[0].member, "docs/note.txt");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kLimit);
}

// The bombs are built at run time, each once per process and only when a test
// needs it (ctest runs every test in its own process).
class ZipBombs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new TempDir(); }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // The path of bomb `file`, made by `command` (with OUT replaced by the folder).
  static fs::path Bomb(const std::string& file, const std::string& command) {
    fs::path p = dir_->path() / file;
    if (!fs::exists(p)) {
      std::string cmd = command;
      cmd.replace(cmd.find("OUT"), 3, "'" + dir_->path().string() + "'");
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    return p;
  }
  static fs::path Deflate1G() {
    return Bomb("deflate_1g.zip", "python3 '" + Fixture("bombs.py").string() + "' OUT deflate");
  }
  static fs::path Overlap() { return Bomb("overlap.zip", "python3 '" + Fixture("bombs.py").string() + "' OUT overlap"); }
  // Zeros after a line of text: a stream that starts with zeros reads as an empty
  // tar first (tested above).
  static fs::path ZstdZeros() {
    return Bomb("zeros.zst", "(echo id,ssn; head -c 1073741824 /dev/zero) | zstd -q -c > OUT/zeros.zst");
  }
  static TempDir* dir_;
};
TempDir* ZipBombs::dir_ = nullptr;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_F(ZipBombs, DeflateGigabyteEndsAsLimitForThatMember) {
  std::string bytes = ReadFile(Deflate1G());
  ASSERT_LT(bytes.size(), 2u << 20);
  TempDir spill;
  Budget b;
  b.temp_dir = spill.path();
  auto start = std::chrono::steady_clock::now();
  auto run = Extract(bytes, b);  // default max_ratio 1000: 1 GiB / ~1 MB passes it
  EXPECT_LT(Seconds(start), 2.0);  // refused on the size the central directory declares
  EXPECT_EQ(run->status.code(), StatusCode::kLimit) << run->status.ToString();
  EXPECT_TRUE(run->sink.members.empty());
  ASSERT_EQ(run->sink.errors.size(), 1u);
  EXPECT_EQ(run->sink.errors[0].member, "zeros.bin");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kLimit);
  EXPECT_EQ(spill.Count(), 0u);  // the partial spill file was removed

}

TEST_F(ZipBombs, ALyingSizeIsCaughtWhileInflating) {
  std::string bytes = ReadFile(Deflate1G());
  // Make the headers claim 1 MiB instead of 1 GiB: the central directory's 32-bit
  // size and the local header's zip64 extra field (python writes one there).
  const std::string real("\x00\x00\x00\x40", 4), one_mib("\x00\x00\x10\x00", 4);
  size_t patched = 0;
  for (size_t region : {size_t{0}, bytes.size() - 200}) {
    for (size_t at = bytes.find(real, region); at != std::string::npos && at < region + 200;
         at = bytes.find(real, at + 4), ++patched)
      bytes.replace(at, 4, one_mib);
  }
  ASSERT_GE(patched, 2u);
  TempDir spill;
  Budget b;
  b.temp_dir = spill.path();
  b.max_ratio = 20;  // 20 x ~1 MB: the real 1 GiB passes it early
  auto start = std::chrono::steady_clock::now();
  auto run = Extract(bytes, b);
  EXPECT_EQ(run->status.code(), StatusCode::kLimit) << Describe(*run);
  EXPECT_TRUE(run->sink.members.empty()) << Describe(*run);
  EXPECT_LT(Seconds(start), 5.0);
  EXPECT_EQ(spill.Count(), 0u);
}

TEST_F(ZipBombs, OverlappingEntriesStopAtTheArchiveWideRatio) {
  std::string bytes = ReadFile(Overlap());
  ASSERT_LT(bytes.size(), 200u << 10);
  auto start = std::chrono::steady_clock::now();
  auto run = Extract(bytes);
  EXPECT_EQ(run->status.code(), StatusCode::kLimit) << Describe(*run);
  // Each entry (64 MiB from ~76 KB) is under the ratio alone; two together are not.
  EXPECT_LE(run->sink.members.size(), 1u);
  ASSERT_FALSE(run->sink.errors.empty());
  EXPECT_EQ(run->sink.errors.back().reason, StatusCode::kLimit);
  EXPECT_LT(Seconds(start), 20.0);  // not 12.5 GiB of inflating
}

TEST_F(ZipBombs, LoneZstdOfZerosEndsAsLimit) {
  std::string bytes = ReadFile(ZstdZeros());
  ASSERT_LT(bytes.size(), 1u << 20);
  auto run = Extract(bytes);
  EXPECT_EQ(run->status.code(), StatusCode::kLimit) << Describe(*run);
  EXPECT_TRUE(run->sink.members.empty());
  ASSERT_EQ(run->sink.errors.size(), 1u);
  EXPECT_EQ(run->sink.errors[0].member, "");
  EXPECT_EQ(run->sink.errors[0].reason, StatusCode::kLimit);
}

TEST(ArchiveExtractor, CompressedZerosAreReadAsALoneFileNotAnEmptyTar) {
  TempDir dir;
  std::string cmd = "head -c 5000 /dev/zero | gzip -c > '" + (dir.path() / "z.gz").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string bytes = ReadFile(dir.path() / "z.gz");
  auto run = Extract(bytes);
  ASSERT_TRUE(run->status.ok()) << Describe(*run);
  ASSERT_EQ(run->sink.members.size(), 1u);
  EXPECT_EQ(run->sink.members[0].name, "");
  EXPECT_EQ(run->sink.members[0].decoders, Strings{"gzip"});
  EXPECT_EQ(run->sink.members[0].data, std::string(5000, '\0'));
}

}  // namespace
}  // namespace breachscope::extract
