// The name lexicon's rank table against plain maps built from the same lists: every
// embedded first and last name gets the rank of its first line, one-letter variants get
// theirs or 0, and duplicates keep the better rank.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/embedded_data.h"
#include "detect/name_lexicon.h"

namespace breachscope::detect {
namespace {

std::vector<std::string> ReadLines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(pos, nl - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

// name -> 1-based rank of its first line.
std::unordered_map<std::string, uint32_t> Ranks(const std::vector<std::string>& names) {
  std::unordered_map<std::string, uint32_t> out;
  for (size_t i = 0; i < names.size(); ++i) out.emplace(names[i], static_cast<uint32_t>(i + 1));
  return out;
}

bool PlainFolded(const std::string& s) {
  std::string folded;
  AppendFoldedName(s, &folded);
  return folded == s && s.find('-') == std::string::npos;
}

template <typename RankOf>
void ExpectListAgrees(const std::vector<std::string>& names, RankOf rank_of) {
  const auto ranks = Ranks(names);
  size_t checked = 0;
  for (const auto& [name, rank] : ranks) {
    if (!PlainFolded(name)) continue;
    ASSERT_EQ(rank_of(name), rank) << name;
    // Variants one letter away: their own rank when listed, else 0.
    for (std::string v : {name + "q", name.substr(0, name.size() - 1), "z" + name}) {
      if (v.empty() || !PlainFolded(v)) continue;
      auto it = ranks.find(v);
      ASSERT_EQ(rank_of(v), it == ranks.end() ? 0u : it->second) << v;
    }
    ++checked;
  }
  EXPECT_GT(checked, names.size() / 2);
}

TEST(NameLexiconRanks, EmbeddedListsAgreeWithTheirLines) {
  auto lex = NameLexicon::LoadEmbedded();
  ASSERT_TRUE(lex.ok());
  const auto last = ReadLines(EmbeddedFile("names/last.txt"));
  const auto male = ReadLines(EmbeddedFile("names/first_male.txt"));
  const auto female = ReadLines(EmbeddedFile("names/first_female.txt"));
  std::vector<std::string> first;
  for (size_t i = 0; i < std::max(male.size(), female.size()); ++i) {
    if (i < male.size()) first.push_back(male[i]);
    if (i < female.size()) first.push_back(female[i]);
  }
  ExpectListAgrees(last, [&](const std::string& w) { return (*lex)->LastNameRank(w); });
  ExpectListAgrees(first, [&](const std::string& w) { return (*lex)->FirstNameRank(w); });
  // Any case, accents folded.
  EXPECT_EQ((*lex)->LastNameRank("SMITH"), 1u);
  EXPECT_EQ((*lex)->LastNameRank("Smith"), 1u);
}

TEST(NameLexiconRanks, ManyNamesWithDuplicatesKeepTheFirstRank) {
  std::mt19937 rng(8);
  std::vector<std::string> names;
  for (int k = 0; k < 50000; ++k) {
    std::string r(2 + rng() % 9, 'a');
    for (char& c : r) c = static_cast<char>('a' + rng() % 26);
    names.push_back(r);
    if (k % 7 == 0) names.push_back(names[rng() % names.size()]);  // a duplicate, later
  }
  auto lex = NameLexicon::FromLists({"alice"}, names);
  ExpectListAgrees(names, [&](const std::string& w) { return lex->LastNameRank(w); });
  EXPECT_EQ(lex->FirstNameRank("alice"), 1u);
  EXPECT_EQ(lex->FirstNameRank("alicea"), 0u);
}

TEST(NameLexiconWords, CommonAndNonNameWords) {
  auto lex = NameLexicon::LoadEmbedded();
  ASSERT_TRUE(lex.ok());
  const NameLexicon& l = **lex;
  // The header's examples, any case.
  for (std::string_view w : {"the", "will", "may", "page", "date", "street", "mark", "THE", "Street"})
    EXPECT_TRUE(l.IsCommonWord(w)) << w;
  for (std::string_view w : {"the", "date", "street", "social", "patient", "The", "PATIENT"})
    EXPECT_TRUE(l.IsNonNameWord(w)) << w;
  EXPECT_FALSE(l.IsNonNameWord("mark"));  // common, but also a given name
  for (std::string_view w : {"", "thee", "streetz", "patientx", "xq", "the1", "th-e", "abcdefghijklmnopqrstuvwxy"}) {
    EXPECT_FALSE(l.IsCommonWord(w)) << w;
    EXPECT_FALSE(l.IsNonNameWord(w)) << w;
  }
  // Every non-name word is a common word; check all words of one to three letters.
  int common = 0;
  std::string w;
  for (char a = 'a'; a <= 'z'; ++a)
    for (char b = 'a' - 1; b <= 'z'; ++b)
      for (char c = 'a' - 1; c <= 'z'; ++c) {
        w.assign(1, a);
        if (b >= 'a') w += b;
        if (b >= 'a' && c >= 'a') w += c;
        if (b < 'a' && c >= 'a') continue;
        if (l.IsNonNameWord(w)) {
          EXPECT_TRUE(l.IsCommonWord(w)) << w;
        }
        common += l.IsCommonWord(w);
      }
  EXPECT_GT(common, 40);  // "a", "an", "the", "of", "to", ...
}

}  // namespace
}  // namespace breachscope::detect
