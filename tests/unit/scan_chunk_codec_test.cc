// A chunk's finding rows go into the case store as one blob (AppendRow) and come back
// for the outputs through RowReader (views into the blob) or DecodeRows (copies): every
// field must come back as written, and a blob cut short anywhere must be an error, not
// a row made of whatever bytes were there.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "scan/chunk_codec.h"

namespace breachscope::scan {
namespace {

std::vector<report::FindingRow> RandomRows(std::mt19937& rng, int n) {
  std::vector<report::FindingRow> rows;
  for (int i = 0; i < n; ++i) {
    report::FindingRow r;
    r.type = kAllPiiTypes[rng() % kPiiTypeCount];
    for (auto& b : r.hash) b = static_cast<uint8_t>(rng());
    r.masked = std::string(rng() % 40, static_cast<char>('*' + rng() % 3));
    r.chain = static_cast<uint16_t>(rng() % 300);
    r.confidence = static_cast<float>(rng() % 101) / 100.0f;
    r.code_system = rng() % 3 == 0 ? (rng() % 2 ? "icd10" : "icd9") : nullptr;
    r.location.line = rng() % 2 ? 0 : (static_cast<uint64_t>(rng()) << (rng() % 30));
    if (rng() % 2) r.location.column = std::string(1 + rng() % 3, static_cast<char>('A' + rng() % 26));
    r.location.offset = rng() % 2 ? -1 : static_cast<int64_t>(rng());
    r.location.segment = rng() % 3 ? 0 : rng();
    if (rng() % 4 == 0) r.location.loop = "2010BA";
    r.record = rng();
    rows.push_back(std::move(r));
  }
  return rows;
}

void ExpectSameRow(const report::FindingRow& a, const report::FindingRow& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.masked, b.masked);
  EXPECT_EQ(a.chain, b.chain);
  EXPECT_EQ(a.confidence, b.confidence);
  EXPECT_EQ(a.code_system == nullptr, b.code_system == nullptr);
  if (a.code_system && b.code_system) EXPECT_STREQ(a.code_system, b.code_system);
  EXPECT_EQ(a.location.line, b.location.line);
  EXPECT_EQ(a.location.column, b.location.column);
  EXPECT_EQ(a.location.offset, b.location.offset);
  EXPECT_EQ(a.location.segment, b.location.segment);
  EXPECT_EQ(a.location.loop, b.location.loop);
  EXPECT_EQ(a.record, b.record);
}

TEST(ChunkCodec, RowsComeBackAsWrittenThroughBothReaders) {
  std::mt19937 rng(3);
  auto rows = RandomRows(rng, 3000);
  std::string blob;
  for (const auto& r : rows) AppendRow(r, blob);

  std::vector<report::FindingRow> decoded;
  ASSERT_TRUE(DecodeRows(blob, decoded).ok());
  ASSERT_EQ(decoded.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) ExpectSameRow(rows[i], decoded[i]);

  RowReader reader(blob);
  RowView v;
  size_t n = 0;
  while (reader.Next(v)) {
    ASSERT_LT(n, rows.size());
    const auto& r = rows[n++];
    EXPECT_EQ(v.type, r.type);
    EXPECT_EQ(std::memcmp(v.hash, r.hash.data(), r.hash.size()), 0);
    EXPECT_EQ(v.masked, r.masked);
    EXPECT_EQ(v.line, r.location.line);
    EXPECT_EQ(v.column, r.location.column);
    EXPECT_EQ(v.offset, r.location.offset);
    EXPECT_EQ(v.loop, r.location.loop);
    EXPECT_EQ(v.record, r.record);
    // The views point into the blob itself.
    if (!v.masked.empty()) {
      EXPECT_GE(v.masked.data(), blob.data());
      EXPECT_LE(v.masked.data() + v.masked.size(), blob.data() + blob.size());
    }
  }
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(n, rows.size());
}

TEST(ChunkCodec, EmptyBlobHasNoRows) {
  std::vector<report::FindingRow> decoded(3);
  EXPECT_TRUE(DecodeRows("", decoded).ok());
  EXPECT_TRUE(decoded.empty());
  RowReader reader("");
  RowView v;
  EXPECT_FALSE(reader.Next(v));
  EXPECT_TRUE(reader.ok());
}

TEST(ChunkCodec, TruncatedRowsAreAnError) {
  std::mt19937 rng(5);
  auto rows = RandomRows(rng, 4);
  std::string blob;
  std::vector<size_t> ends;
  for (const auto& r : rows) {
    AppendRow(r, blob);
    ends.push_back(blob.size());
  }
  for (size_t cut = 1; cut < blob.size(); ++cut) {
    const bool at_row_end = std::find(ends.begin(), ends.end(), cut) != ends.end();
    std::vector<report::FindingRow> decoded;
    Status s = DecodeRows(std::string_view(blob).substr(0, cut), decoded);
    EXPECT_EQ(s.ok(), at_row_end) << "cut at " << cut;
    RowReader reader(std::string_view(blob).substr(0, cut));
    RowView v;
    while (reader.Next(v)) {
    }
    EXPECT_EQ(reader.ok(), at_row_end) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace breachscope::scan
