// SqliteExtractor and MdbExtractor: one TSV sheet per table, values as text the
// detectors can read (an SSN stored as a number, reals without exponent, UTF-8
// blobs), from memory and from disk, WAL-mode files, damaged files and budgets.
// Fixtures: tests/fixtures/archive/make.sh (sqlite3 CLI); fruit.mdb.gz is a real
// Access (Jet 4) file from the MIT-licensed npm package "mdb" (see README there).
#include <gtest/gtest.h>

#include "test_files.h"
#include <unistd.h>

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
using Strings = std::vector<std::string>;

using TestSink = extract::CollectingSink;

fs::path Fixture(const std::string& name) { return fs::path(BS_SOURCE_DIR) / "tests/fixtures/archive" / name; }

Strings Lines(const std::string& text) {
  Strings out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string Describe(const Status& s, const TestSink& sink) {
  std::string d = s.ToString() + "; members:";
  for (const auto& m : sink.members) d += " [" + m.location.sheet + " " + std::to_string(m.data.size()) + "]";
  d += "; errors:";
  for (const auto& e : sink.errors) d += " [" + e.member + " " + e.detail + "]";
  return d;
}

Status RunOn(const Extractor* e, std::string_view bytes, TestSink& sink, const fs::path* disk = nullptr) {
  Source src{bytes, "db", disk};
  return e->Extract(src, sink);
}

// ---- SQLite ----

const Strings kPeopleLines = {
    "id\tname\tssn\tsalary\tssn_real\tnote\tcard\tphoto\tdob",
    // TEXT with LF, TAB and CR; an SSN as INTEGER and one as an integral REAL; a
    // UTF-8 blob kept, a JPEG blob dropped.
    "1\tJane Roe\t512438876\t52000.5\t401229134\tline one line two \t4111 1111 1111 1111\t\t1980-02-29",
    "2\tJohn Poe\t\t1e+300\t-0.25\t\t\t\t",
};

void ExpectPeopleDb(const TestSink& sink) {
  ASSERT_EQ(sink.members.size(), 2u);  // the view and the index are not tables
  const Member& people = sink.members[0];
  EXPECT_EQ(people.name, "");
  EXPECT_EQ(people.decoders, Strings{"sqlite"});
  EXPECT_EQ(people.location.sheet, "people");
  EXPECT_EQ(people.format, "tsv");
  EXPECT_TRUE(people.rows_are_lines);
  EXPECT_EQ(Lines(people.data), kPeopleLines);
  const Member& odd = sink.members[1];
  EXPECT_EQ(odd.location.sheet, "odd \"name\" table");
  EXPECT_EQ(Lines(odd.data), (Strings{"k\tv", "email\tjane.roe@example.com"}));
}

TEST(SqliteExtractor, AcceptsTheMagicOnly) {
  const Extractor* e = SqliteExtractor();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "sqlite");
  EXPECT_TRUE(e->Accepts("x", ReadFile(Fixture("people.sqlite"))));
  EXPECT_FALSE(e->Accepts("x.sqlite", "SQLite format 2\n"));
  EXPECT_FALSE(e->Accepts("x.sqlite", "SQLite"));
  EXPECT_FALSE(e->Accepts("x.db", "id,ssn\n1,2\n"));
}

TEST(SqliteExtractor, TablesFromMemory) {
  std::string bytes = ReadFile(Fixture("people.sqlite"));
  TestSink sink;
  Status s = RunOn(SqliteExtractor(), bytes, sink);
  ASSERT_TRUE(s.ok()) << Describe(s, sink);
  ExpectPeopleDb(sink);
  EXPECT_TRUE(sink.errors.empty()) << Describe(s, sink);
}

TEST(SqliteExtractor, TablesFromDiskReadOnly) {
  TempDir dir;
  // A '?' and '#' in the path must not end the URI's path.
  fs::path p = dir.path() / "a?b#c%d.sqlite";
  fs::copy_file(Fixture("people.sqlite"), p);
  auto before = fs::last_write_time(p);
  std::string bytes = ReadFile(p);
  TestSink sink;
  Status s = RunOn(SqliteExtractor(), bytes, sink, &p);
  ASSERT_TRUE(s.ok()) << Describe(s, sink);
  ExpectPeopleDb(sink);
  EXPECT_EQ(fs::last_write_time(p), before);
  EXPECT_EQ(dir.Count(), 1u);  // no journal, WAL or shm file appeared
}

TEST(SqliteExtractor, WalModeDatabase) {
  std::string bytes = ReadFile(Fixture("wal.sqlite"));
  ASSERT_EQ(bytes[18], 2);  // the header says WAL
  {
    TestSink sink;
    Status s = RunOn(SqliteExtractor(), bytes, sink);
    ASSERT_TRUE(s.ok()) << Describe(s, sink);
    ASSERT_EQ(sink.members.size(), 1u);
    EXPECT_EQ(Lines(sink.members[0].data), (Strings{"a", "in wal mode"}));
  }
  {
    TempDir dir;
    fs::path p = dir.path() / "wal.sqlite";
    fs::copy_file(Fixture("wal.sqlite"), p);
    TestSink sink;
    Status s = RunOn(SqliteExtractor(), bytes, sink, &p);
    ASSERT_TRUE(s.ok()) << Describe(s, sink);
    ASSERT_EQ(sink.members.size(), 1u);
    EXPECT_EQ(Lines(sink.members[0].data), (Strings{"a", "in wal mode"}));
  }
}

TEST(SqliteExtractor, CorruptDatabaseIsCorruptWithSqlitesMessage) {
  std::string bytes = ReadFile(Fixture("corrupt.sqlite"));
  TestSink sink;
  Status s = RunOn(SqliteExtractor(), bytes, sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << Describe(s, sink);
  EXPECT_NE(s.message().find("sqlite: "), std::string::npos);
  EXPECT_GT(s.message().size(), std::string("sqlite: cannot read the schema: ").size());
  EXPECT_TRUE(sink.members.empty());
}

TEST(SqliteExtractor, TruncatedDatabaseNeverCrashes) {
  std::string bytes = ReadFile(Fixture("people.sqlite"));
  for (size_t cut : {16ul, 100ul, 4096ul, 4097ul, 8192ul, bytes.size() - 1}) {
    TestSink sink;
    Status s = RunOn(SqliteExtractor(), std::string_view(bytes).substr(0, cut), sink);
    // Either an error for the file, or errors for tables: never a silent success
    // with the full content.
    bool complete = s.ok() && sink.errors.empty() && sink.members.size() == 2 &&
                    Lines(sink.members[0].data) == kPeopleLines;
    if (cut < 8192) {
      EXPECT_FALSE(complete) << cut;
    }
  }
}

TEST(SqliteExtractor, BigTablesAndBigDatabasesGoToTemporaryFiles) {
  TempDir dir;
  Budget b;
  b.max_member_in_memory = 8;  // the database itself and both tables are larger
  b.temp_dir = dir.path();
  std::string bytes = ReadFile(Fixture("people.sqlite"));
  TestSink sink(b);
  Status s = RunOn(SqliteExtractor(), bytes, sink);
  ASSERT_TRUE(s.ok()) << Describe(s, sink);
  EXPECT_EQ(sink.file_backed, 2u);
  ExpectPeopleDb(sink);
  EXPECT_EQ(dir.Count(), 0u);  // the database copy was removed too
}

TEST(SqliteExtractor, Budgets) {
  std::string bytes = ReadFile(Fixture("people.sqlite"));
  {
    Budget b;
    b.max_members = 1;
    TestSink sink(b);
    EXPECT_EQ(RunOn(SqliteExtractor(), bytes, sink).code(), StatusCode::kLimit);
    EXPECT_TRUE(sink.members.empty());
  }
  {
    Budget b;
    // The header and first row, not the second.
    b.max_expanded_bytes = kPeopleLines[0].size() + 1 + kPeopleLines[1].size() + 1 + 5;
    TestSink sink(b);
    Status s = RunOn(SqliteExtractor(), bytes, sink);
    EXPECT_EQ(s.code(), StatusCode::kLimit);
    ASSERT_EQ(sink.members.size(), 1u);
    EXPECT_EQ(Lines(sink.members[0].data).size(), 2u);
  }
  {
    TestSink sink;
    sink.stop_after = 1;
    EXPECT_EQ(RunOn(SqliteExtractor(), bytes, sink).code(), StatusCode::kLimit);
    EXPECT_EQ(sink.members.size(), 1u);
  }
}

TEST(SqliteExtractor, ASlowTableStopsAtMemberSeconds) {
  TempDir dir;
  fs::path p = dir.path() / "big.sqlite";
  std::string cmd = "sqlite3 '" + p.string() +
                    "' 'CREATE TABLE t(a); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                    "WHERE x < 200000) INSERT INTO t SELECT x FROM c;'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string bytes = ReadFile(p);
  Budget b;
  b.member_seconds = 0;  // every statement is past its deadline after its first steps
  TestSink sink(b);
  Status s = RunOn(SqliteExtractor(), bytes, sink);
  bool limited = s.code() == StatusCode::kLimit;
  for (const auto& e : sink.errors) limited |= e.reason == StatusCode::kLimit;
  EXPECT_TRUE(limited) << Describe(s, sink);
  for (const auto& m : sink.members) EXPECT_LT(Lines(m.data).size(), 200001u);
  // With the default budget the same file reads whole.
  TestSink whole;
  ASSERT_TRUE(RunOn(SqliteExtractor(), bytes, whole).ok());
  ASSERT_EQ(whole.members.size(), 1u);
  EXPECT_EQ(Lines(whole.members[0].data).size(), 200001u);
}

// ---- Access (mdbtools) ----

// fruit.mdb is kept gzipped; the archive reader unpacks it (as the scan would).
std::string FruitMdb() {
  std::string gz = ReadFile(Fixture("fruit.mdb.gz"));
  TestSink sink;
  Source src{gz, "fruit.mdb.gz", nullptr};
  EXPECT_TRUE(ArchiveExtractor()->Extract(src, sink).ok());
  EXPECT_EQ(sink.members.size(), 1u);
  return sink.members.empty() ? std::string() : sink.members[0].data;
}

void ExpectFruit(const Status& s, const TestSink& sink) {
  ASSERT_TRUE(s.ok()) << Describe(s, sink);
  Strings sheets;
  for (const auto& m : sink.members) sheets.push_back(m.location.sheet);
  EXPECT_EQ(sheets, (Strings{"Fruit", "Fruit Salad", "Veggie Salad", "Muffin/Bread", "Dried"}));
  const Member& fruit = sink.members[0];
  EXPECT_EQ(fruit.name, "");
  EXPECT_EQ(fruit.decoders, Strings{"mdb"});
  EXPECT_EQ(fruit.format, "tsv");
  EXPECT_TRUE(fruit.rows_are_lines);
  Strings lines = Lines(fruit.data);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "Fruit\tFiber\tFat\tProtien\tSugar\tVit A\tVit C\tVit B1\tVit B2\tVit B6\tVit E");
  EXPECT_EQ(lines[1], "Apple\t2\t0\t0\t12\t2\t15\t0\t0\t0\t0");
  EXPECT_TRUE(sink.errors.empty()) << Describe(s, sink);
}

TEST(MdbExtractor, AcceptsJetAndAceMagic) {
  const Extractor* e = MdbExtractor();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "mdb");
  EXPECT_TRUE(e->Accepts("x", FruitMdb()));
  EXPECT_TRUE(e->Accepts("x", std::string("\0\1\0\0Standard ACE DB\0", 20)));
  EXPECT_FALSE(e->Accepts("x", std::string("\0\1\0\0Standard Jet", 16)));
  EXPECT_FALSE(e->Accepts("x", "SQLite format 3"));
}

TEST(MdbExtractor, TablesFromMemoryViaATemporaryFile) {
  TempDir dir;
  Budget b;
  b.temp_dir = dir.path();
  std::string bytes = FruitMdb();
  TestSink sink(b);
  Status s = RunOn(MdbExtractor(), bytes, sink);
  ExpectFruit(s, sink);
  EXPECT_EQ(dir.Count(), 0u);  // the temporary copy is gone
}

TEST(MdbExtractor, TablesFromDisk) {
  TempDir dir;
  fs::path p = dir.path() / "fruit.mdb";
  std::string bytes = FruitMdb();
  std::ofstream(p, std::ios::binary) << bytes;
  TestSink sink;
  ExpectFruit(RunOn(MdbExtractor(), bytes, sink, &p), sink);
}

TEST(MdbExtractor, BigTablesGoToTemporaryFiles) {
  TempDir dir;
  Budget b;
  b.max_member_in_memory = 64;
  b.temp_dir = dir.path();
  std::string bytes = FruitMdb();
  TestSink sink(b);
  Status s = RunOn(MdbExtractor(), bytes, sink);
  ExpectFruit(s, sink);
  EXPECT_GE(sink.file_backed, 1u);
  EXPECT_EQ(dir.Count(), 0u);
}

TEST(MdbExtractor, DamagedDatabaseIsCorrupt) {
  std::string bytes = FruitMdb().substr(0, 4096);  // the header page only
  TestSink sink;
  Status s = RunOn(MdbExtractor(), bytes, sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << Describe(s, sink);
  EXPECT_TRUE(sink.members.empty());
}

TEST(MdbExtractor, MaxMembers) {
  Budget b;
  b.max_members = 2;
  TestSink sink(b);
  EXPECT_EQ(RunOn(MdbExtractor(), FruitMdb(), sink).code(), StatusCode::kLimit);
}

TEST(MdbExtractor, ChildTimeLimitIsLimit) {
  Budget b;
  b.member_seconds = 0;
  TestSink sink(b);
  Status s = RunOn(MdbExtractor(), FruitMdb(), sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit) << Describe(s, sink);
}

TEST(MdbExtractor, MissingMdbtoolsIsUnsupported) {
  std::string bytes = FruitMdb();
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  TestSink sink;
  Status s = RunOn(MdbExtractor(), bytes, sink);
  ::setenv("PATH", old_path.c_str(), 1);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported) << Describe(s, sink);
}

}  // namespace
}  // namespace breachscope::extract
