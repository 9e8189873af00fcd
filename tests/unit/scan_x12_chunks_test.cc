// A big X12 file through the whole scan: read in many small chunks (--chunk-size
// lowered instead of writing 256 MB) it must give byte for byte the findings.jsonl and
// people.jsonl of a one-chunk read — the same segment numbers, loops, records and
// people, no finding lost or doubled at a chunk edge (records/x12.h, X12State).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "scan/scan.h"
#include "test_files.h"
#include "test_x12.h"

namespace breachscope::scan {
namespace {

namespace fs = std::filesystem;
using testing_files::ReadFile;
using testing_files::TempDir;

const fs::path kFixtures = fs::path(BS_SOURCE_DIR) / "tests/fixtures/x12";

struct ScanOutput {
  std::string findings, people, errors;
  uint64_t individuals = 0;
  int chunks = 0;
};

ScanOutput Scan(const fs::path& input, const fs::path& key, const fs::path& out, uint64_t chunk_bytes) {
  ScanConfig cfg;
  cfg.paths = {input};
  cfg.out_dir = out;
  cfg.key_file = key;
  cfg.jobs = 1;
  cfg.quiet = true;
  cfg.chunk_bytes = chunk_bytes;
  ScanOutput r;
  auto res = RunScan(cfg);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  if (!res.ok()) return r;
  r.individuals = res->individuals;
  r.findings = ReadFile(out / "findings.jsonl");
  r.people = ReadFile(out / "people.jsonl");
  r.errors = ReadFile(out / "errors.jsonl");
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((out / "case.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM chunks", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      r.chunks = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return r;
}

// The value of "key": "..." in a JSON line (enough for the flat fields used here).
std::string Field(const std::string& line, const std::string& key) {
  size_t at = line.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "";
  at += key.size() + 5;
  return line.substr(at, line.find('"', at) - at);
}

TEST(X12ChunkedScan, SmallChunksGiveTheWholeFilesOutput) {
  TempDir dir;
  const auto gen = testing_x12::Generate(kFixtures, 400);
  const fs::path input = dir.path() / "claims.837";
  std::ofstream(input, std::ios::binary) << gen.text;
  const fs::path key = dir.path() / "key";
  std::ofstream(key, std::ios::binary) << std::string(32, 'k');
  ASSERT_GT(gen.text.size(), 200000u);

  const ScanOutput whole = Scan(input, key, dir.path() / "whole", 64u << 20);
  ASSERT_EQ(whole.chunks, 1);
  EXPECT_EQ(whole.errors, "");
  // Every generated person is one person (unique SSNs and birth dates), plus the
  // fixtures' members and patients.
  EXPECT_GE(whole.individuals, gen.subscribers + gen.patients);
  // Each subscriber's SSN (REF*SY, and again in a claim note) belongs to one person,
  // and no two SSNs share one.
  std::map<std::string, std::set<std::string>> people_of_ssn;
  size_t lines = 0;
  for (size_t p = 0, e; (e = whole.findings.find('\n', p)) != std::string::npos; p = e + 1) {
    std::string line = whole.findings.substr(p, e - p);
    ++lines;
    EXPECT_NE(line.find("\"segment\": "), std::string::npos) << line;
    EXPECT_NE(line.find("\"loop\": \""), std::string::npos) << line;
    if (Field(line, "type") == "ssn") people_of_ssn[Field(line, "hash")].insert(Field(line, "person"));
  }
  EXPECT_GT(lines, 4000u);
  EXPECT_GE(people_of_ssn.size(), gen.subscribers);
  std::set<std::string> ssn_people;
  for (const auto& [hash, people] : people_of_ssn) {
    EXPECT_EQ(people.size(), 1u);
    ssn_people.insert(*people.begin());
  }
  EXPECT_EQ(ssn_people.size(), people_of_ssn.size());

  for (uint64_t chunk : {4096u, 10007u}) {
    SCOPED_TRACE(chunk);
    const ScanOutput split = Scan(input, key, dir.path() / ("split" + std::to_string(chunk)), chunk);
    EXPECT_GT(split.chunks, static_cast<int>(gen.text.size() / chunk / 2));
    EXPECT_EQ(split.errors, "");
    EXPECT_EQ(split.individuals, whole.individuals);
    EXPECT_TRUE(split.findings == whole.findings) << "findings.jsonl differs";
    EXPECT_TRUE(split.people == whole.people) << "people.jsonl differs";
  }
}

}  // namespace
}  // namespace breachscope::scan
