// resolve/name_match.cc — name normalisation, Jaro–Winkler and the nickname table.
//
// Why hand-written: the folding needed here is small and fixed (Latin-1 and
// Latin Extended-A letters to their ASCII base, combining marks dropped), and the
// resolver calls it millions of times, so a table beats a general Unicode library.
// Jaro–Winkler is a dozen lines. The nickname relations come from the embedded
// data/nicknames/names.csv (see data/nicknames/README.md for its source and licence).
#include "resolve/name_match.h"

#include <algorithm>
#include <array>

#include "base/embedded_data.h"

namespace breachscope::resolve {
namespace {

// U+0100..U+017F to ASCII; '*' = "ij", '#' = "oe".
constexpr std::string_view kLatinExtA =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "**" "jj" "kkk" "llllllllll"
    "nnnnnnnnn" "oooooo" "##" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
static_assert(kLatinExtA.size() == 128);

// U+00C0..U+00FF to ASCII ('' = drop); both cases fold to lowercase.
const char* Latin1(uint32_t cp) {
  static constexpr std::array<const char*, 32> kUpper = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss"};
  if (cp == 0xF7) return "";
  if (cp == 0xFF) return "y";
  if (cp == 0xFE) return "th";
  return kUpper[(cp - 0xC0) & 31];
}

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes give U+FFFD.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += len;
  return cp;
}

std::vector<std::string_view> Tokens(std::string_view folded) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string_view::npos) j = folded.size();
    if (j > i) out.push_back(folded.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsSuffix(std::string_view t) { return t == "jr" || t == "sr" || t == "ii" || t == "iii" || t == "iv"; }
bool IsTitle(std::string_view t) { return t == "mr" || t == "mrs" || t == "ms" || t == "miss" || t == "dr"; }

}  // namespace

std::string FoldName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto sep = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = NextCodePoint(s, i);
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
      else if (c >= 'a' && c <= 'z') out += c;
      else if (c == '\'' || c == '`') continue;  // O'Brien -> obrien
      else sep();
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      if (cp == 0xD7 || cp == 0xF7) sep();
      else out += Latin1(cp);
    } else if (cp >= 0x100 && cp <= 0x17F) {
      char c = kLatinExtA[cp - 0x100];
      out += c == '*' ? "ij" : c == '#' ? "oe" : std::string(1, c);
    } else if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x2019 || cp == 0x2018) {
      continue;  // combining marks (decomposed accents) and curly apostrophes
    } else {
      sep();
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string NormalizeFirst(std::string_view first) {
  std::string folded = FoldName(first);
  for (std::string_view t : Tokens(folded))
    if (!IsTitle(t)) return std::string(t);
  return {};
}

std::string NormalizeLast(std::string_view last) {
  std::string folded = FoldName(last);
  std::string out;
  for (std::string_view t : Tokens(folded))
    if (!IsSuffix(t)) out += t;
  return out;
}

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max<size_t>(std::max(la, lb) / 2, 1) - 1;
  // Names are short: fixed flags suffice; longer strings are cut to 64 characters.
  std::array<bool, 64> ma{}, mb{};
  const size_t na = std::min<size_t>(la, 64), nb = std::min<size_t>(lb, 64);
  size_t matches = 0;
  for (size_t i = 0; i < na; ++i) {
    size_t lo = i > window ? i - window : 0, hi = std::min(nb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (!matches) return 0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < na; ++i) {
    if (!ma[i]) continue;
    while (!mb[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  double jaro = (m / na + m / nb + (m - transpositions / 2.0) / m) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < na && prefix < nb && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

NicknameTable::NicknameTable(std::string_view csv) {
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t c1 = line.find(','), c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    if (line.substr(c1 + 1, c2 - c1 - 1) != "has_nickname") continue;
    std::string formal = NormalizeFirst(line.substr(0, c1)), nick = NormalizeFirst(line.substr(c2 + 1));
    if (formal.empty() || nick.empty()) continue;
    auto [it, fresh] = formal_id_.emplace(formal, static_cast<uint32_t>(formal_id_.size()));
    groups_of_[nick].push_back(it->second);
  }
  for (auto& [name, ids] : groups_of_) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
}

const NicknameTable& NicknameTable::Default() {
  static const NicknameTable table(EmbeddedFile("nicknames/names.csv"));
  return table;
}

bool NicknameTable::Equivalent(std::string_view a, std::string_view b) const {
  if (a == b) return true;
  const std::string sa(a), sb(b);
  static const std::vector<uint32_t> kNone;
  auto groups = [&](const std::string& n) -> const std::vector<uint32_t>& {
    auto it = groups_of_.find(n);
    return it == groups_of_.end() ? kNone : it->second;
  };
  auto formal = [&](const std::string& n) -> int64_t {
    auto it = formal_id_.find(n);
    return it == formal_id_.end() ? int64_t{-1} : int64_t{it->second};
  };
  const auto &ga = groups(sa), &gb = groups(sb);
  const int64_t fa = formal(sa), fb = formal(sb);
  // Directly related: one lists the other as a nickname.
  if (fa >= 0 && std::binary_search(gb.begin(), gb.end(), static_cast<uint32_t>(fa))) return true;
  if (fb >= 0 && std::binary_search(ga.begin(), ga.end(), static_cast<uint32_t>(fb))) return true;
  // Two nicknames of one name ("robby", "dobbin": robert), when neither has nicknames
  // of its own: the table's loose links (bill -> robert, bill -> william, bill -> fred)
  // would otherwise join different names.
  if (fa >= 0 || fb >= 0) return false;
  for (size_t i = 0, j = 0; i < ga.size() && j < gb.size();) {
    if (ga[i] == gb[j]) return true;
    ga[i] < gb[j] ? ++i : ++j;
  }
  return false;
}

NameLevel CompareFirst(std::string_view a, std::string_view b, const NicknameTable& nicknames) {
  if (a.empty() || b.empty()) return NameLevel::kMissing;
  if (a.size() == 1 || b.size() == 1) return a[0] == b[0] ? NameLevel::kInitial : NameLevel::kDisagree;
  if (a == b) return NameLevel::kExact;
  if (nicknames.Equivalent(a, b)) return NameLevel::kNickname;
  if (JaroWinkler(a, b) >= 0.90) return NameLevel::kSimilar;
  return NameLevel::kDisagree;
}

NameLevel CompareLast(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return NameLevel::kMissing;
  if (a == b) return NameLevel::kExact;
  // A double-barrelled name written with one of its parts ("smithjones" / "smith").
  if (std::min(a.size(), b.size()) >= 4 && (a.starts_with(b) || b.starts_with(a) || a.ends_with(b) || b.ends_with(a)))
    return NameLevel::kSimilar;
  if (JaroWinkler(a, b) >= 0.92) return NameLevel::kSimilar;
  return NameLevel::kDisagree;
}

}  // namespace breachscope::resolve
