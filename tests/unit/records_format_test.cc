// SniffFormat: the file name decides where it is plain, the first bytes otherwise; source
// code is text whatever its first line looks like (a C table opening with '{' was read as
// JSON and reported "corrupt"; a line with commas would have been read as CSV).
#include <gtest/gtest.h>

#include "records/format.h"

namespace breachscope::records {
namespace {

TEST(SniffFormat, SourceCodeIsTextWhateverItsFirstLine) {
  EXPECT_EQ(SniffFormat("tables.c", "    { 2403, 718890613ULL, 0.087991201, \"fc998c342eb4\" },\n    { 1, 2, 0.5, \"ab\" },\n"),
            Format::kText);
  EXPECT_EQ(SniffFormat("consts.py", "a, b, c = 1, 2, 3\nd, e, f = 4, 5, 6\n"), Format::kText);
  EXPECT_EQ(SniffFormat("data.JS", "[1, 2, 3]\n"), Format::kText);
  EXPECT_EQ(SniffFormat("Main.java", "{\"a\": 1}\n{\"b\": 2}\n"), Format::kText);
}

TEST(SniffFormat, OtherNamesAreStillSniffedByContent) {
  EXPECT_EQ(SniffFormat("export.txt", "id,name,ssn\n1,Ann,x\n"), Format::kCsv);
  EXPECT_EQ(SniffFormat("events", "{\"a\": 1}\n{\"b\": 2}\n"), Format::kJsonLines);
  EXPECT_EQ(SniffFormat("dump.dat", "[{\"a\": 1}]"), Format::kJson);
  EXPECT_EQ(SniffFormat("notes", "Dear Ann,\nthanks.\n"), Format::kText);
}

// Structured logging: a *.log of one JSON object per line is read as JSON Lines (by key);
// a plain log, or one that opens with a multi-line object, stays a log.
TEST(SniffFormat, LogsOfJsonObjectsAreJsonLines) {
  EXPECT_EQ(SniffFormat("app.log", "\n{\"ts\": \"2023-02-17\", \"user\": \"ann\"}\r\n{\"ts\": \"x\"}\n"),
            Format::kJsonLines);
  EXPECT_EQ(SniffFormat("worker.LOG", "2024-04-14 15:57:54,320 WARN [worker-1] user=ann@example.org\n"), Format::kLog);
  EXPECT_EQ(SniffFormat("odd.log", "{\n  \"a\": 1\n}\n"), Format::kLog);
  EXPECT_EQ(SniffFormat("one.log", "{\"a\": 1}"), Format::kLog);  // a single object, no second line
}

}  // namespace
}  // namespace breachscope::records
