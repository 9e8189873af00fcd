// ParseCsvRows (one vector pass, rows without quotes cut at the stops) against the
// byte-by-byte ParseCsvRow loop it replaces, on random CSV-shaped text: quotes
// anywhere, doubled quotes, CR LF, empty cells and rows, a last row without a line
// break, and regions that begin and end mid-row.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "records/format.h"

namespace breachscope::records {
namespace {

std::vector<Row> ByRowLoop(std::string_view text, uint64_t from, uint64_t to, char delim) {
  std::vector<Row> rows;
  to = std::min<uint64_t>(to, text.size());
  Row row;
  while (from < to) {
    uint64_t next = ParseCsvRow(text, from, delim, row);
    rows.push_back(row);
    if (next == from) break;
    from = next;
  }
  return rows;
}

std::vector<Row> ByVectorPass(std::string_view text, uint64_t from, uint64_t to, char delim) {
  std::vector<Row> rows;
  std::vector<uint64_t> stops = {7, 7};  // stale scratch: must be cleared
  Row row;
  ParseCsvRows(text, from, to, delim, stops, row, [&](const Row& r) { rows.push_back(r); });
  return rows;
}

void ExpectSameRows(std::string_view text, uint64_t from, uint64_t to, char delim) {
  std::vector<Row> want = ByRowLoop(text, from, to, delim), got = ByVectorPass(text, from, to, delim);
  ASSERT_EQ(got.size(), want.size()) << "from " << from << " to " << to;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].begin, want[i].begin) << i;
    EXPECT_EQ(got[i].end, want[i].end) << i;
    EXPECT_EQ(got[i].cells, want[i].cells) << "row " << i << " from " << from << " to " << to;
  }
}

TEST(CsvRows, SameRowsAsParseCsvRowOnRandomText) {
  std::mt19937 rng(11);
  for (char delim : {',', '\t'}) {
    for (int trial = 0; trial < 3000; ++trial) {
      const std::string alphabet = trial % 3 == 0 ? std::string("ab,\t\n\"\r") : std::string("abcdef0123,\t\n\n\"\r");
      std::string text(rng() % 300, 'a');
      for (auto& c : text) c = alphabet[rng() % alphabet.size()];
      uint64_t from = text.empty() ? 0 : rng() % (text.size() + 1);
      uint64_t to = from + rng() % (text.size() + 10);
      ExpectSameRows(text, from, to, delim);
      if (HasFailure()) return;
    }
  }
}

TEST(CsvRows, MachineCsvIsCutWithoutParseCsvRowAndStillMatches) {
  std::string csv;
  for (int i = 0; i < 500; ++i)
    csv += "2024-01-0" + std::to_string(i % 9 + 1) + "T10:00:00Z,host-" + std::to_string(i) + ",12.5,,3" +
           (i % 7 == 0 ? "\r\n" : "\n");
  csv += "x,\"quoted, with comma\",\"two\nlines\",\"a \"\"b\"\"\"\nlast,row,without,break";
  ExpectSameRows(csv, 0, csv.size(), ',');
  ExpectSameRows(csv, 100, csv.size() - 40, ',');  // a region ending inside the quoted rows
  std::vector<Row> rows = ByVectorPass(csv, 0, csv.size(), ',');
  ASSERT_EQ(rows.size(), 502u);
  ASSERT_EQ(rows[0].cells.size(), 5u);
  EXPECT_EQ(csv.substr(rows[0].cells[1].first, rows[0].cells[1].second - rows[0].cells[1].first), "host-0");
  EXPECT_EQ(rows[0].cells[3].first, rows[0].cells[3].second);  // the empty cell
  ASSERT_EQ(rows[500].cells.size(), 4u);
  EXPECT_EQ(csv.substr(rows[500].cells[2].first, rows[500].cells[2].second - rows[500].cells[2].first), "two\nlines");
  EXPECT_EQ(rows[501].end, csv.size());
}

}  // namespace
}  // namespace breachscope::records
