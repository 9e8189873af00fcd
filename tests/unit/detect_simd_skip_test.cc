// The SIMD skips of the scan pass against byte-wise references, on random bytes at
// every start and end offset (so every vector width, tail and alignment is crossed).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "detect/simd_skip.h"

namespace breachscope::detect {
namespace {

bool Interesting(unsigned char c) { return (c >= '0' && c <= '9') || c == '@'; }
bool LetterOrNewline(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '\n'; }

// Mostly bytes the skips pass over, with the bytes they stop at sprinkled at `rate`,
// and bytes next to the letter ranges ('@', '[', '`', '{', 0xC1 | 0x20 ...).
std::string RandomText(std::mt19937& rng, size_t n, unsigned rate) {
  static const std::string kPass = " \t,.:;=-_/\"'()[]{}`~!#$%^&*+<>?|\\\x7f\x80\xc1\xe1\xfa\xff";
  static const std::string kStop = "aAzZmq\n0123456789@";
  std::string s(n, ' ');
  for (char& c : s) c = (rng() % 100 < rate) ? kStop[rng() % kStop.size()] : kPass[rng() % kPass.size()];
  return s;
}

TEST(SimdSkip, PrevLetterOrNewlineMatchesByteWise) {
  std::mt19937 rng(3);
  for (unsigned rate : {0u, 2u, 10u, 50u}) {
    std::string s = RandomText(rng, 200, rate);
    const char* b = s.data();
    for (size_t lo = 0; lo <= s.size(); lo += 1 + lo / 40)
      for (size_t p = lo; p <= s.size(); ++p) {
        const char* want = b + p;
        while (want > b + lo && !LetterOrNewline(static_cast<unsigned char>(want[-1]))) --want;
        ASSERT_EQ(PrevLetterOrNewline(b + lo, b + p) - b, want - b) << "rate " << rate << " lo " << lo << " p " << p;
      }
  }
}

TEST(SimdSkip, NextInterestingMatchesByteWise) {
  std::mt19937 rng(4);
  for (unsigned rate : {0u, 2u, 10u, 50u}) {
    std::string s = RandomText(rng, 200, rate);
    const char* b = s.data();
    for (size_t p = 0; p <= s.size(); ++p)
      for (size_t end = p; end <= s.size(); end += 1 + (end - p) / 40) {
        const char* want = b + p;
        while (want < b + end && !Interesting(static_cast<unsigned char>(*want))) ++want;
        ASSERT_EQ(NextInteresting(b + p, b + end) - b, want - b) << "rate " << rate << " p " << p << " end " << end;
      }
  }
}

}  // namespace
}  // namespace breachscope::detect
