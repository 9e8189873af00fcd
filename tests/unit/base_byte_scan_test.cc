// CountByte and ListByte against a byte loop, over every length and alignment around
// the vector widths (16, 32, 64) and with the byte at the edges of each block.
#include "base/byte_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace breachscope {
namespace {

std::vector<uint64_t> Naive(std::string_view s, char c, uint64_t base) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == c) v.push_back(base + i);
  return v;
}

TEST(ByteScan, AgreesWithAByteLoopAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string buf(400, 'x');
  for (auto& ch : buf) ch = "ab\n\n,\x80\xff"[rng() % 7];
  for (size_t off = 0; off < 70; ++off) {
    for (size_t len = 0; off + len <= buf.size(); len += (len < 140 ? 1 : 37)) {
      std::string_view s(buf.data() + off, len);
      for (char c : {'\n', ',', '\xff', 'z'}) {
        std::vector<uint64_t> want = Naive(s, c, 1000);
        EXPECT_EQ(CountByte(s, c), want.size()) << off << " " << len;
        std::vector<uint64_t> got = {42};  // appended to, not replaced
        ListByte(s, c, 1000, got);
        ASSERT_EQ(got.size(), want.size() + 1);
        EXPECT_EQ(got[0], 42u);
        EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin() + 1)) << off << " " << len;
      }
    }
  }
}

TEST(ByteScan, ListAnyOfAgreesWithAByteLoop) {
  std::mt19937 rng(9);
  std::string buf(300, 'x');
  for (auto& ch : buf) ch = "ab\n,\"\t\r"[rng() % 7];
  for (size_t off = 0; off < 66; ++off) {
    for (size_t len = 0; off + len <= buf.size(); len += (len < 140 ? 1 : 29)) {
      std::string_view s(buf.data() + off, len);
      std::vector<uint64_t> want;
      for (size_t i = 0; i < s.size(); ++i)
        if (s[i] == ',' || s[i] == '\n' || s[i] == '"') want.push_back(7 + i);
      std::vector<uint64_t> got;
      ListAnyOf(s, ',', '\n', '"', 7, got);
      EXPECT_EQ(got, want) << off << " " << len;
    }
  }
}

TEST(ByteScan, FindsTheByteAtEachBlockEdge) {
  for (size_t at : {0u, 15u, 16u, 31u, 32u, 63u, 64u, 65u, 127u, 128u, 199u}) {
    std::string s(200, 'a');
    s[at] = '\n';
    EXPECT_EQ(CountByte(s, '\n'), 1u) << at;
    std::vector<uint64_t> got;
    ListByte(s, '\n', 0, got);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], at);
  }
  std::string all(130, '\n');
  EXPECT_EQ(CountByte(all, '\n'), 130u);
  std::vector<uint64_t> got;
  ListByte(all, '\n', 5, got);
  ASSERT_EQ(got.size(), 130u);
  EXPECT_EQ(got.back(), 134u);
}

}  // namespace
}  // namespace breachscope
