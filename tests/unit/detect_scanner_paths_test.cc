// The scanner reads a token with 16/32-byte vector loads when enough text follows it and
// byte by byte near the end of the text. These tests scan each value twice, at the end
// of the text and with a line of words after it, and require the same candidates (type,
// span, confidence, value) both ways, plus the expected findings for known cases.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "test_scanner.h"

namespace breachscope::detect {
namespace {

using Row = std::tuple<std::string, uint64_t, uint64_t, float, std::string>;

std::vector<Row> Candidates(std::string_view text) {
  std::vector<Candidate> out;
  ScanRequest req;
  req.text = text;
  TheScanner().Scan(req, out);
  std::vector<Row> rows;
  for (const auto& c : out)
    rows.emplace_back(std::string(TypeName(c.type)), c.begin, c.end, c.confidence,
                      c.canonical.Reveal(RevealPassForTests::Pass()));
  return rows;
}

// Words only: no digit or '@' that could start a candidate of its own, nothing that
// could label the value.
constexpr std::string_view kTail = " and then the line goes on for quite a while longer\nnext line here\n";

void ExpectSameBothWays(const std::string& text) {
  EXPECT_EQ(Candidates(text), Candidates(text + std::string(kTail))) << "text: " << text;
}

std::vector<Found> Found50(std::string_view text) {
  return ScanFound(text, 0.5f, [](PiiType) { return true; });
}

TEST(ScannerPaths, KnownValuesAtTheEndAndFollowedByText) {
  struct Known {
    std::string text;
    std::vector<Found> want;
  };
  const std::vector<Known> known = {
      {"Medicare: 1EG4-TE5-MK73", {{"mbi", "1EG4TE5MK73"}}},
      {"id 1EG4TE5MK73", {{"mbi", "1EG4TE5MK73"}}},
      {"Driver's License: F123456789012", {{"drivers_license", "F123456789012"}}},
      {"Driver's License WDL7TJ9PWWKD", {{"drivers_license", "WDL7TJ9PWWKD"}}},
      {"trace 4bfacc8734fdbcf78e0ad5bf13fadabd", {}},
      {"span=ca3bc1c5fefa44ec", {}},
      {"see dl/t5520-cleanup", {}},
      {"request_id=0b231436-caf7-cf4c-313f-610f6cca9f7b status=200", {}},
      {"Member ID: 0B231436-CAF7-CF4C-313F-610F6CCA9F7B", {}},
      {"Driver's License: A123-4567-8901", {{"drivers_license", "A12345678901"}}},
  };
  for (const auto& k : known) {
    EXPECT_EQ(Found50(k.text), k.want) << k.text;
    EXPECT_EQ(Found50(k.text + std::string(kTail)), k.want) << k.text << " + tail";
    ExpectSameBothWays(k.text);
  }
}

TEST(ScannerPaths, TokenLengthsAroundTheLimit) {
  // 20 to 34 characters: the pass reads at most 25 of a token, and a token of 25 or
  // more is skipped whole; with and without hyphens, '_' and ".x" after it.
  const std::string chars = "ABCD1234EFGH5678IJKL9012MNOP3456";
  for (const char* label : {"Member ID: ", "Student ID ", "DL: ", "Passport # ", "x "})
    for (size_t n = 20; n <= chars.size(); ++n)
      for (const char* after : {"", "_x", ".txt", "-", "-ab"}) {
        std::string tok = chars.substr(0, n);
        ExpectSameBothWays(label + tok + after);
        ExpectSameBothWays(label + tok.substr(0, 8) + "-" + tok.substr(8) + after);
        ExpectSameBothWays(label + std::string("q") + tok + after);
      }
}

TEST(ScannerPaths, RandomTokensAgreeBothWays) {
  // Labels followed by random runs of letters, digits and the joiners the alphanumeric
  // reader treats specially ('-', '_', '.'), some lowercase words after hyphens.
  const std::vector<std::string> labels = {"Member ID: ", "DL ", "Student ID: ", "Medicare ", "Diagnosis: ",
                                           "Passport no. ", "acct ", "", "path/"};
  const std::string alphabet = "ABCDEFGHJKMNPQRTUVWXYZabcdefxyz0123456789";
  std::mt19937 rng(9);
  for (int k = 0; k < 20000; ++k) {
    std::string text = labels[rng() % labels.size()];
    if (rng() % 4 == 0) text += static_cast<char>('A' + rng() % 26);
    int len = 1 + static_cast<int>(rng() % 34);
    for (int i = 0; i < len; ++i) {
      unsigned r = rng() % 100;
      if (r < 4) text += '-';
      else if (r < 6) text += '_';
      else if (r < 8) text += '.';
      else if (r < 10) text += "-word";
      else text += alphabet[rng() % alphabet.size()];
    }
    ExpectSameBothWays(text);
    if (HasFailure()) break;
  }
}

TEST(ScannerPaths, LettersBeforeADigitNearTheStartOfTheText) {
  // The letters glued before a digit run are found byte by byte in the first 8 bytes
  // of the text and 8 at a time after them. Every byte value before 0 to 9 letters and
  // a digit run, in a field whose header labels it a health id (so the letters found
  // are part of the value reported): the same findings at the start of the text and
  // after 10 spaces.
  auto values = [](const std::string& text) {
    std::vector<Field> fields = {{0, text.size(), Label::kHealthId}};
    std::vector<Candidate> out;
    ScanRequest req;
    req.text = text;
    req.fields = fields;
    TheScanner().Scan(req, out);
    std::vector<std::tuple<std::string, float, std::string>> v;
    for (const auto& c : out)
      v.emplace_back(std::string(TypeName(c.type)), c.confidence, c.canonical.Reveal(RevealPassForTests::Pass()));
    return v;
  };
  int reported = 0;
  for (int c = 0; c < 256; ++c) {
    if (c >= '0' && c <= '9') continue;
    for (int k = 0; k <= 9; ++k) {
      std::string text(1, static_cast<char>(c));
      text += std::string("QmZaBcYz").substr(0, std::min(k, 8)) + (k == 9 ? "A" : "");
      text += "20481234 x";
      const auto at_start = values(text);
      ASSERT_EQ(at_start, values("          " + text)) << "byte " << c << " letters " << k;
      reported += !at_start.empty();
    }
  }
  EXPECT_GT(reported, 1000);  // most of them are reported
}

}  // namespace
}  // namespace breachscope::detect
