// The label-word table's flat probe (LabelTable::ForWord / Lookup) against a plain map
// read from the same TSV: every label word, every filler word, near misses of each,
// every word of one to three letters, long words past the packed keys, and a table
// large enough to make probes chain.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/embedded_data.h"
#include "detect/labels.h"

namespace breachscope::detect {
namespace {

Label LabelNamed(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Label::kNegative); ++i)
    if (LabelName(static_cast<Label>(i)) == name) return static_cast<Label>(i);
  return Label::kNone;
}

// The TSV as a plain map (first line of a word wins, as in the table).
std::map<std::string, Label> ReadWords(std::string_view tsv) {
  std::map<std::string, Label> out;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    out.emplace(std::string(line.substr(0, tab)), LabelNamed(line.substr(tab + 1)));
  }
  return out;
}

Label Expected(const std::map<std::string, Label>& words, const std::string& w) {
  auto it = words.find(w);
  return it == words.end() ? Label::kNone : it->second;
}

// Checks ForWord and Lookup on `w` against the map and the filler list.
void ExpectAgrees(const LabelTable& t, const std::map<std::string, Label>& words, const std::string& w) {
  const Label want = Expected(words, w);
  EXPECT_EQ(t.ForWord(w), want) << "ForWord(\"" << w << "\")";
  LabelTable::WordInfo info = t.Lookup(w);
  EXPECT_EQ(info.label, want) << "Lookup(\"" << w << "\").label";
  EXPECT_EQ(info.filler, IsFillerWord(w)) << "Lookup(\"" << w << "\").filler";
}

// Words one edit away from `w`: shorter, longer, one letter changed at each end and in
// the middle, and the word doubled.
std::vector<std::string> NearMisses(const std::string& w) {
  std::vector<std::string> out;
  if (!w.empty()) {
    out.push_back(w.substr(0, w.size() - 1));
    out.push_back(w.substr(1));
  }
  for (char c : std::string("aesz")) {
    out.push_back(w + c);
    out.push_back(c + w);
    for (size_t at : {size_t{0}, w.size() / 2, w.size() ? w.size() - 1 : 0}) {
      if (at >= w.size()) continue;
      std::string v = w;
      v[at] = v[at] == c ? static_cast<char>(c + 1) : c;
      out.push_back(v);
    }
  }
  out.push_back(w + w);
  return out;
}

TEST(LabelLookup, EmbeddedWordsAndNearMissesAgreeWithTheTsv) {
  auto table = LabelTable::LoadEmbedded();
  ASSERT_TRUE(table.ok());
  const auto words = ReadWords(EmbeddedFile("label_words.tsv"));
  ASSERT_GT(words.size(), 50u);
  for (const auto& [w, label] : words) {
    ASSERT_NE(label, Label::kNone) << w;
    ExpectAgrees(**table, words, w);
    for (const auto& v : NearMisses(w)) ExpectAgrees(**table, words, v);
  }
  for (std::string_view f : {"number", "is", "identification", "identifier", "security", "x", "records"}) {
    ASSERT_TRUE(IsFillerWord(f)) << f;
    ExpectAgrees(**table, words, std::string(f));
    for (const auto& v : NearMisses(std::string(f))) ExpectAgrees(**table, words, v);
  }
  // "card" is both a label word and a filler.
  EXPECT_EQ((*table)->Lookup("card").label, Label::kCard);
  EXPECT_TRUE((*table)->Lookup("card").filler);
}

TEST(LabelLookup, EveryShortWordAgreesWithTheTsv) {
  auto table = LabelTable::LoadEmbedded();
  ASSERT_TRUE(table.ok());
  const auto words = ReadWords(EmbeddedFile("label_words.tsv"));
  std::string w;
  for (char a = 'a'; a <= 'z'; ++a) {
    ExpectAgrees(**table, words, std::string(1, a));
    for (char b = 'a'; b <= 'z'; ++b) {
      ExpectAgrees(**table, words, std::string{a, b});
      for (char c = 'a'; c <= 'z'; ++c) ExpectAgrees(**table, words, std::string{a, b, c});
    }
  }
  // Longer random words (a fixed seed), which are almost all misses.
  std::mt19937 rng(11);
  for (int k = 0; k < 20000; ++k) {
    std::string r(4 + rng() % 13, 'a');
    for (char& c : r) c = static_cast<char>('a' + rng() % 26);
    ExpectAgrees(**table, words, r);
  }
}

TEST(LabelLookup, LongAndCollidingWordsInATsvTable) {
  // Words past the packed 16 bytes, words that share their first or last eight bytes,
  // and enough of them that probes run into occupied slots.
  std::string tsv = "abcdefghijklmnopq\tssn\nabcdefghijklmnop\tdob\nabcdefghxjklmnop\tphone\n"
                    "xbcdefghijklmnop\tcard\nabcdefghijklmnopqrstuvwxyz\tmbi\nabcdefghi\tzip\nbcdefghij\tcity\n";
  std::map<std::string, Label> words = ReadWords(tsv);
  std::mt19937 rng(5);
  for (int k = 0; k < 400; ++k) {
    std::string r(1 + rng() % 20, 'a');
    for (char& c : r) c = static_cast<char>('a' + rng() % 26);
    if (words.emplace(r, Label::kStudentId).second) tsv += r + "\tstudent\n";
  }
  auto table = LabelTable::FromTsv("ssn\tssn\n", tsv);
  ASSERT_TRUE(table.ok());
  for (const auto& [w, label] : words) {
    ExpectAgrees(**table, words, w);
    for (const auto& v : NearMisses(w)) ExpectAgrees(**table, words, v);
  }
  EXPECT_EQ((*table)->ForWord("abcdefghijklmnopqrstuvwxyz"), Label::kMbi);
  EXPECT_EQ((*table)->ForWord("abcdefghijklmnopq"), Label::kSsn);
  EXPECT_EQ((*table)->ForWord("abcdefghijklmnop"), Label::kDob);
  EXPECT_EQ((*table)->ForWord(""), Label::kNone);
}

TEST(LabelLookup, FillersCarryTheSearchBackToTheLabel) {
  auto table = LabelTable::LoadEmbedded();
  ASSERT_TRUE(table.ok());
  const LabelTable& t = **table;
  std::string_view s1 = "Social Security Number is 412637781";
  EXPECT_EQ(t.NearestLabel(s1, s1.find('4'), 0), Label::kSsn);
  std::string_view s2 = "SSN of the holder 412637781";
  EXPECT_EQ(t.NearestLabel(s2, s2.find('4'), 0), Label::kSsn);
  // A word that is neither a label nor a filler ends the search.
  std::string_view s3 = "SSN paid 412637781";
  EXPECT_EQ(t.NearestLabel(s3, s3.find('4'), 0), Label::kNone);
  // Across a line break the label ends its line, which holds only label and filler words.
  std::string_view s4 = "the Social Security SSN\n412637781";
  EXPECT_EQ(t.NearestLabel(s4, s4.find('4'), 0), Label::kSsn);
  std::string_view s5 = "we checked the ssn\n412637781";
  EXPECT_EQ(t.NearestLabel(s5, s5.find('4'), 0), Label::kNone);
}

TEST(LabelLookup, NearestLabelFoldsCase) {
  // The look-back probes words straight from the text with their case folded: the same
  // text in capitals and in lowercase finds the same label at the same distance.
  auto table = LabelTable::LoadEmbedded();
  ASSERT_TRUE(table.ok());
  const LabelTable& t = **table;
  const auto words = ReadWords(EmbeddedFile("label_words.tsv"));
  std::vector<std::string> vocab;
  for (const auto& [w, l] : words) vocab.push_back(w);
  for (std::string_view f : {"number", "is", "of", "the", "holder", "identifier", "x", "paid", "on", "node"})
    vocab.emplace_back(f);
  const std::vector<std::string> seps = {" ", ": ", " # ", "_", "-", "\n", "=", " (", ") ", ".", "/"};
  std::mt19937 rng(2);
  int labelled = 0;
  for (int k = 0; k < 20000; ++k) {
    std::string text;
    int n = 1 + static_cast<int>(rng() % 5);
    for (int w = 0; w < n; ++w) text += vocab[rng() % vocab.size()] + seps[rng() % seps.size()];
    text += "412637781";
    std::string upper = text, lower = text;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t du = 0, dl = 0;
    Label lu = t.NearestLabel(upper, upper.size() - 9, 0, 48, &du);
    Label ll = t.NearestLabel(lower, lower.size() - 9, 0, 48, &dl);
    ASSERT_EQ(lu, ll) << lower;
    if (ll != Label::kNone) {
      ASSERT_EQ(du, dl) << lower;
      ++labelled;
    }
  }
  EXPECT_GT(labelled, 2000);  // the texts do reach labels
}

}  // namespace
}  // namespace breachscope::detect
