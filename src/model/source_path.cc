#include "model/source_path.h"

#include <string_view>

namespace breachscope {

std::string SourcePath::Joined() const {
  std::string out;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i) out += '!';
    out += levels[i];
  }
  return out;
}

std::string ColumnLetters(size_t index) {
  std::string s;
  ++index;
  while (index > 0) {
    size_t rem = (index - 1) % 26;
    s.insert(s.begin(), static_cast<char>('A' + rem));
    index = (index - 1) / 26;
  }
  return s;
}

std::string EscapePathLevel(std::string_view level) {
  std::string out;
  out.reserve(level.size());
  for (char c : level) {
    if (c == '!') out += "%21";
    else out += c;
  }
  return out;
}

}  // namespace breachscope
