#include "base/json_text.h"

#include <cstdio>

namespace breachscope {

void AppendJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
      }
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      int n = (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
      bool ok = n > 0;
      for (int k = 1; ok && k <= n; ++k)
        if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) >> 6) != 2) ok = false;
      if (ok) {
        out.append(s.substr(i, static_cast<size_t>(n) + 1));
        i += static_cast<size_t>(n) + 1;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
    }
  }
  out += '"';
}

void AppendJsonConfidence(std::string& out, float value) {
  // Fixed "d.dd" without printf: called once per finding.
  int hundredths = static_cast<int>(value * 100.0f + 0.5f);
  if (hundredths < 0) hundredths = 0;
  if (hundredths > 100) hundredths = 100;
  out += static_cast<char>('0' + hundredths / 100);
  out += '.';
  out += static_cast<char>('0' + (hundredths / 10) % 10);
  out += static_cast<char>('0' + hundredths % 10);
}

}  // namespace breachscope
