// Helpers shared by the unit tests.
#pragma once

#include <string>
#include <string_view>

namespace breachscope::testing_util {

// Readable test names in ctest (gtest_discover_tests shows the printed value).
inline std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= 48) break;
    bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    if (alnum)
      out.push_back(c);
    else if (!out.empty() && out.back() != '_')
      out.push_back('_');
  }
  return out.empty() ? "empty" : out;
}

}  // namespace breachscope::testing_util
