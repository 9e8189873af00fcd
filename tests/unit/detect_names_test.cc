// Tests for detect/name_lexicon.h and detect/names.h.
#include <gtest/gtest.h>

#include "test_names.h"

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/name_lexicon.h"
#include "detect/names.h"

#ifndef BS_SHARED_DIR
#define BS_SHARED_DIR "../shared"
#endif

namespace breachscope::detect {
namespace {

// A small lexicon; several everyday words are on the surname list on purpose, as
// they are on the census list ("Street", "Search", "City", "Kansas", "Lake", "View").
std::shared_ptr<const NameLexicon> TestLexicon() {
  // clang-format off
  static const auto lex = NameLexicon::FromLists(
      {"james", "john", "robert", "michael", "mary", "dana", "marcus", "jose", "jennifer", "will",
       "mark", "may", "grant", "virginia", "maria", "george", "june", "april", "marie", "martin",
       "luther", "emile", "ana", "louis", "frank", "jane", "nicole", "cherry", "allen"},
      {"smith", "johnson", "williams", "jones", "brown", "whitfield", "obrien", "lopez", "street",
       "search", "may", "will", "page", "city", "kansas", "view", "lake", "washington", "garcia",
       "cruz", "delacruz", "mark", "grant", "march", "king", "zola", "elm", "birth", "number",
       "patient", "member", "louis", "davis", "times", "york", "public", "john", "allen", "lane",
       "way", "diego", "vegas", "raleigh", "francois", "soren"});
  // clang-format on
  return lex;
}

using testing_util::Slug;

using Names = std::vector<std::pair<std::string, std::string>>;

Names Found(std::string_view text) {
  Names out;
  for (const auto& m : FindNamesInWindow(text, *TestLexicon())) out.emplace_back(m.first, m.last);
  return out;
}

struct WindowCase {
  std::string text;
  Names want;
};

void PrintTo(const WindowCase& c, std::ostream* os) { *os << Slug(c.text); }

class FindNamesInWindowTest : public ::testing::TestWithParam<WindowCase> {};

TEST_P(FindNamesInWindowTest, Finds) {
  const auto& c = GetParam();
  EXPECT_EQ(Found(c.text), c.want) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Positives, FindNamesInWindowTest,
    ::testing::Values(
        WindowCase{"Dana Whitfield", {{"Dana", "Whitfield"}}},
        WindowCase{"Dana M. Whitfield", {{"Dana", "Whitfield"}}},
        WindowCase{"Dana Marie Whitfield", {{"Dana", "Whitfield"}}},
        WindowCase{"WHITFIELD, DANA", {{"DANA", "WHITFIELD"}}},
        WindowCase{"Whitfield, Dana M.", {{"Dana", "Whitfield"}}},
        WindowCase{"DANA WHITFIELD", {{"DANA", "WHITFIELD"}}},
        WindowCase{"Please contact José O'Brien today.", {{"José", "O'Brien"}}},
        WindowCase{"Signed by Mary Smith-Jones.", {{"Mary", "Smith-Jones"}}},
        WindowCase{"Contact: Ana María Núñez García", {{"Ana", "García"}}},
        WindowCase{"ÉMILE ZOLA", {{"ÉMILE", "ZOLA"}}},
        WindowCase{"<tr><td>Dana Whitfield</td><td>Initial Professional</td></tr>",
                   {{"Dana", "Whitfield"}}},
        WindowCase{"Dr. Dana M Whitfield Jr, Principal", {{"Dana", "Whitfield"}}},
        WindowCase{"ssn of Maria De La Cruz on file", {{"Maria", "De La Cruz"}}},
        WindowCase{"Name: Smith, John", {{"John", "Smith"}}},
        WindowCase{"Dana Whitfield, Marcus Oyelaran",
                   {{"Dana", "Whitfield"}, {"Marcus", "Oyelaran"}}},
        WindowCase{"PATIENT NAME: JOHN SMITH DOB: 01/02/1980", {{"JOHN", "SMITH"}}},
        WindowCase{"Search Results for Dana Whitfield", {{"Dana", "Whitfield"}}},
        WindowCase{"Sincerely,\nRobert Johnson\nDirector", {{"Robert", "Johnson"}}},
        WindowCase{"On May 5 Jennifer Smith visited.", {{"Jennifer", "Smith"}}},
        WindowCase{"the meeting with Will Smith is on Monday", {{"Will", "Smith"}}},
        WindowCase{"George Washington", {{"George", "Washington"}}},
        WindowCase{"Virginia Smith", {{"Virginia", "Smith"}}},
        WindowCase{"Mary Dana Whitfield", {{"Mary", "Whitfield"}}},
        WindowCase{"\"name\": \"Dana Whitfield\", \"ssn\": \"412637781\"", {{"Dana", "Whitfield"}}},
        WindowCase{"Dana&nbsp;Whitfield", {{"Dana", "Whitfield"}}},
        WindowCase{"Jane Public, 12 Elm St, Columbia, MO 65201", {{"Jane", "Public"}}},
        WindowCase{"Whitfield,Dana,412-63-7781", {{"Dana", "Whitfield"}}},
        WindowCase{"Allen, Nicole", {{"Nicole", "Allen"}}},
        WindowCase{"Nicole Allen", {{"Nicole", "Allen"}}},
        // Neither part on the lists, but labelled.
        WindowCase{"Name: Ødegaard, Søren  |  SSN: 116-26-8770", {{"Søren", "Ødegaard"}}},
        WindowCase{"<th>Name</th><td>Zbigniew Brzęczyszczykiewicz</td>",
                   {{"Zbigniew", "Brzęczyszczykiewicz"}}},
        WindowCase{"Patient: Søren Çelik    DOB: 1952-04-23", {{"Søren", "Çelik"}}},
        // Not on the lists in these roles, but a census name and accents.
        WindowCase{"<td>François Brontë</td>", {{"François", "Brontë"}}}));

INSTANTIATE_TEST_SUITE_P(
    Negatives, FindNamesInWindowTest,
    ::testing::Values(
        WindowCase{"Initial Professional", {}}, WindowCase{"Search Results", {}},
        WindowCase{"SEARCH RESULTS", {}}, WindowCase{"Social Security Number", {}},
        WindowCase{"Elm Street", {}}, WindowCase{"lives on Elm Street", {}},
        WindowCase{"Date Of Birth", {}}, WindowCase{"Kansas City", {}},
        WindowCase{"Kansas City, MO", {}}, WindowCase{"January", {}},
        WindowCase{"March April May June", {}}, WindowCase{"May 2023", {}},
        WindowCase{"Will Be", {}}, WindowCase{"Will Smith will attend.", {}},
        WindowCase{"Mark Davis called.", {}}, WindowCase{"The Report", {}},
        WindowCase{"1207 Elm Street", {}}, WindowCase{"88 Lake View Drive", {}},
        WindowCase{"88 Lake View", {}}, WindowCase{"Columbia, Missouri", {}},
        WindowCase{"Martin Luther King Drive", {}}, WindowCase{"dana whitfield", {}},
        WindowCase{"St. Louis, Missouri", {}}, WindowCase{"New York Times", {}},
        WindowCase{"Patient Member Number", {}}, WindowCase{"Page 3 of 10", {}}, WindowCase{"", {}},
        WindowCase{"Phone Email Address", {}}, WindowCase{"Smith John 12 Elm St", {}},
        WindowCase{"4381 E Hickory Circle", {}}, WindowCase{"lives on Cherry Ave", {}},
        WindowCase{"4536 Cherry Lane", {}}, WindowCase{"4385 Orchard Way, Raleigh, NC 27601", {}},
        WindowCase{"San Diego, CA 92101", {}}, WindowCase{"Las Vegas", {}},
        WindowCase{"Nicole,Allen,800-22-6827", {}}, WindowCase{"Name: Search Results", {}},
        WindowCase{"Name: Columbia, Missouri", {}},
        WindowCase{"Zbigniew Brzęczyszczykiewicz", {}}));

TEST(FindNamesInWindowTest, SpanAndScores) {
  const auto& lex = *TestLexicon();
  std::string html = "<td>Dana Whitfield</td>";
  auto m = FindNamesInWindow(html, lex);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(html.substr(m[0].begin, m[0].end - m[0].begin), "Dana Whitfield");
  EXPECT_GE(m[0].score, 0.85);

  // Both on the lists beats one on the lists; a name-like common word scores lower.
  double both = FindNamesInWindow("met Dana Whitfield", lex).at(0).score;
  double first_only = FindNamesInWindow("met Marcus Oyelaran", lex).at(0).score;
  double common = FindNamesInWindow("met Will Smith", lex).at(0).score;
  EXPECT_GT(both, first_only);
  EXPECT_GE(first_only, kMinWindowNameScore);
  EXPECT_LT(common, both);

  // The suffix belongs to the span, the title does not.
  std::string t = "to Dr. Dana Whitfield Jr. today";
  m = FindNamesInWindow(t, lex);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(t.substr(m[0].begin, m[0].end - m[0].begin), "Dana Whitfield Jr.");
}

struct FieldCase {
  std::string field;
  bool ok;
  std::string first, last;
  double min_score = 0.6;
};

void PrintTo(const FieldCase& c, std::ostream* os) { *os << Slug(c.field); }

class ParseNameFieldTest : public ::testing::TestWithParam<FieldCase> {};

TEST_P(ParseNameFieldTest, Parses) {
  const auto& c = GetParam();
  auto m = ParseNameField(c.field, *TestLexicon());
  ASSERT_EQ(m.has_value(), c.ok) << c.field;
  if (!m) return;
  EXPECT_EQ(m->first, c.first) << c.field;
  EXPECT_EQ(m->last, c.last) << c.field;
  EXPECT_GE(m->score, c.min_score) << c.field;
  EXPECT_LE(m->score, 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseNameFieldTest,
    ::testing::Values(FieldCase{"Dana Whitfield", true, "Dana", "Whitfield", 0.9},
                      FieldCase{"  Whitfield, Dana ", true, "Dana", "Whitfield", 0.9},
                      FieldCase{"Dr. Dana M Whitfield Jr", true, "Dana", "Whitfield", 0.9},
                      FieldCase{"Dana Whitfield, Jr.", true, "Dana", "Whitfield", 0.9},
                      FieldCase{"dana whitfield", true, "dana", "whitfield", 0.9},
                      FieldCase{"WHITFIELD, DANA M.", true, "DANA", "WHITFIELD", 0.9},
                      FieldCase{"Marcus Oyelaran", true, "Marcus", "Oyelaran", 0.6},
                      FieldCase{"Xavo Qwertel", true, "Xavo", "Qwertel", 0.6},
                      FieldCase{"José O'Brien", true, "José", "O'Brien", 0.9},
                      FieldCase{"De La Cruz, Maria", true, "Maria", "De La Cruz", 0.9},
                      FieldCase{"Maria de la Cruz", true, "Maria", "de la Cruz", 0.9},
                      FieldCase{"", false, "", ""}, FieldCase{"Dana", false, "", ""},
                      FieldCase{"dana.whitfield@example.org", false, "", ""},
                      FieldCase{"Dana Whitfield 2", false, "", ""}, FieldCase{"N/A", false, "", ""},
                      FieldCase{"Unknown", false, "", ""},
                      FieldCase{"Customer Service", false, "", ""},
                      FieldCase{"123 Main St", false, "", ""},
                      FieldCase{"Dana Whitfield, Marcus Oyelaran", false, "", ""},
                      FieldCase{"one two three four five six", false, "", ""},
                      FieldCase{"Columbia, Missouri", false, "", ""}));

TEST(ParseNameFieldTest, Span) {
  std::string f = "  Dr. Dana Whitfield ";
  auto m = ParseNameField(f, *TestLexicon());
  ASSERT_TRUE(m);
  EXPECT_EQ(f.substr(m->begin, m->end - m->begin), "Dana Whitfield");
}

TEST(ParseNamePartsTest, Parts) {
  const auto& lex = *TestLexicon();
  auto m = ParseNameParts("Dana", "Whitfield", lex);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "Dana");
  EXPECT_EQ(m->last, "Whitfield");
  EXPECT_GE(m->score, 0.95);

  m = ParseNameParts(" Dr. Dana  M. ", " Whitfield, Jr. ", lex);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "Dana");
  EXPECT_EQ(m->last, "Whitfield");

  m = ParseNameParts("Mary  Ann", "De La Cruz", lex);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "Mary Ann");
  EXPECT_EQ(m->last, "De La Cruz");

  m = ParseNameParts("Marcus", "Oyelaran", lex);
  ASSERT_TRUE(m);
  EXPECT_GE(m->score, 0.85);

  EXPECT_FALSE(ParseNameParts("", "Whitfield", lex));
  EXPECT_FALSE(ParseNameParts("Dana", "  ", lex));
  EXPECT_FALSE(ParseNameParts("Dana", "123", lex));
  EXPECT_FALSE(ParseNameParts("N/A", "Whitfield", lex));
  EXPECT_FALSE(ParseNameParts("Dana", "Unknown", lex));
  EXPECT_FALSE(ParseNameParts("dana@example.org", "Whitfield", lex));
}

// One-word fields take a short path past the tokenizer: it must read them the same way.
TEST(ParseNamePartsTest, OneWordFields) {
  const auto& lex = *TestLexicon();
  auto m = ParseNameParts("DANA", "whitfield", lex);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "DANA");
  EXPECT_EQ(m->last, "whitfield");
  // Mixed case that is neither capitalised, capitals nor lowercase is no name word.
  EXPECT_FALSE(ParseNameParts("dANA", "Whitfield", lex));
  EXPECT_FALSE(ParseNameParts("Dana", "wHITFIELD", lex));
  // A placeholder is still refused.
  EXPECT_FALSE(ParseNameParts("Dana", "NULL", lex));
  // One word against the same word with spaces around it: the same result.
  auto a = ParseNameParts("Marcus", "Oyelaran", lex);
  auto b = ParseNameParts(" Marcus\t", "  Oyelaran ", lex);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->first, b->first);
  EXPECT_EQ(a->last, b->last);
  EXPECT_EQ(a->score, b->score);
  // A one-word surname not on the list and a listed two-word one still rank.
  auto c = ParseNameParts("Dana", "Zzyzxqx", lex);
  ASSERT_TRUE(c);
  EXPECT_LT(c->score, ParseNameParts("Dana", "Whitfield", lex)->score);
}

TEST(CanonicalNameTest, Forms) {
  EXPECT_EQ(CanonicalName("Dana", "Whitfield"), "dana whitfield");
  EXPECT_EQ(CanonicalName("  DANA ", " De  La\tCruz "), "dana de la cruz");
  EXPECT_EQ(CanonicalName("José", "O'Brien"), "josé o'brien");
  EXPECT_EQ(CanonicalName("ÉMILE", "ZOLA"), "émile zola");
  EXPECT_EQ(CanonicalName("Łukasz", "ŻÓŁW"), "łukasz żółw");
  EXPECT_EQ(CanonicalName("Dana", ""), "dana");
  EXPECT_EQ(CanonicalName("", ""), "");
  EXPECT_EQ(CanonicalName("İLKAY", "ŸVES"), "ilkay ÿves");  // 2-byte capitals, 1-byte result
  EXPECT_EQ(CanonicalName("Anne\n  Marie", "Smith-JONES"), "anne marie smith-jones");
  EXPECT_EQ(CanonicalName("Zoë", "\xe4\xb8\xad\xe6\x96\x87"), "zoë \xe4\xb8\xad\xe6\x96\x87");  // 3-byte as written
  // "Last, First" reorders through the parser: the same canonical form either way.
  const auto& lex = *TestLexicon();
  auto a = ParseNameField("Whitfield, Dana", lex);
  auto b = ParseNameField("DANA WHITFIELD", lex);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(CanonicalName(a->first, a->last), CanonicalName(b->first, b->last));
}

TEST(NameLexiconTest, RanksAndFolding) {
  const auto& lex = *TestLexicon();
  EXPECT_EQ(lex.FirstNameRank("james"), 1u);
  EXPECT_EQ(lex.FirstNameRank("JOHN"), 2u);
  EXPECT_EQ(lex.FirstNameRank("José"), lex.FirstNameRank("jose"));
  EXPECT_GT(lex.FirstNameRank("José"), 0u);
  EXPECT_EQ(lex.FirstNameRank("Zzyzx"), 0u);
  EXPECT_EQ(lex.LastNameRank("Smith"), 1u);
  EXPECT_EQ(lex.LastNameRank("O'Brien"), lex.LastNameRank("obrien"));
  EXPECT_EQ(lex.LastNameRank("O\xE2\x80\x99"
                             "Brien"),
            lex.LastNameRank("obrien"));  // ’
  EXPECT_EQ(lex.LastNameRank("De La Cruz"), lex.LastNameRank("delacruz"));
  EXPECT_EQ(lex.LastNameRank("Smith-Jones"), 1u);  // best part
  EXPECT_EQ(lex.LastNameRank("Jones-Smith"), 1u);
  EXPECT_EQ(lex.LastNameRank(""), 0u);

  EXPECT_TRUE(lex.IsCommonWord("The"));
  EXPECT_TRUE(lex.IsCommonWord("will"));
  EXPECT_TRUE(lex.IsCommonWord("MAY"));
  EXPECT_TRUE(lex.IsCommonWord("page"));
  EXPECT_TRUE(lex.IsCommonWord("date"));
  EXPECT_TRUE(lex.IsCommonWord("Street"));
  EXPECT_TRUE(lex.IsCommonWord("mark"));
  EXPECT_FALSE(lex.IsCommonWord("Whitfield"));
  EXPECT_FALSE(lex.IsCommonWord("José"));
  EXPECT_TRUE(lex.IsNonNameWord("Street"));
  EXPECT_TRUE(lex.IsNonNameWord("SOCIAL"));
  EXPECT_FALSE(lex.IsNonNameWord("Will"));
  EXPECT_FALSE(lex.IsNonNameWord("Dana"));
}

TEST(NameLexiconTest, AppendFoldedName) {
  auto fold = [](std::string_view s) {
    std::string out;
    AppendFoldedName(s, &out);
    return out;
  };
  EXPECT_EQ(fold("José"), "jose");
  EXPECT_EQ(fold("NÚÑEZ"), "nunez");
  EXPECT_EQ(fold("Łukasz"), "lukasz");
  EXPECT_EQ(fold("Straße"), "strasse");
  EXPECT_EQ(fold("Œuvre"), "oeuvre");
  EXPECT_EQ(fold("Ærø"), "aero");
  EXPECT_EQ(fold("Jose\xCC\x81"), "jose");  // combining acute
  EXPECT_EQ(fold("O'Brien"), "obrien");
  EXPECT_EQ(fold("St. John"), "stjohn");
  EXPECT_EQ(fold("Smith-Jones"), "smith-jones");
  EXPECT_EQ(fold("Иван"), "Иван");  // other scripts unchanged
}

// The embedded census lists (needs the CMake-generated embedded data).
TEST(NameLexiconEmbeddedTest, LoadsCensusLists) {
  auto lex = NameLexicon::LoadEmbedded();
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  const NameLexicon& l = **lex;
  EXPECT_EQ(l.last_name_count(), 88799u);
  EXPECT_GT(l.first_name_count(), 5000u);
  EXPECT_EQ(l.FirstNameRank("James"), 1u);  // male #1
  EXPECT_EQ(l.FirstNameRank("Mary"), 2u);   // female #1, interleaved
  EXPECT_EQ(l.LastNameRank("SMITH"), 1u);
  EXPECT_GT(l.LastNameRank("Whitfield"), 0u);
  EXPECT_GT(l.FirstNameRank("Dana"), 0u);
  EXPECT_GT(l.FirstNameRank("José"), 0u);
  EXPECT_GT(l.LastNameRank("O'Brien"), 0u);
  EXPECT_EQ(l.LastNameRank("Oyelaran"), 0u);

  auto names = FindNamesInWindow("Search results: Dana Whitfield, Initial Professional", l);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(CanonicalName(names[0].first, names[0].last), "dana whitfield");
  EXPECT_TRUE(FindNamesInWindow("Social Security Number and Date of Birth", l).empty());
  EXPECT_TRUE(FindNamesInWindow("1207 Elm Street, Kansas City", l).empty());
}

// The contract example's web page: the visible name, once; not the certificate.
TEST(NameLexiconEmbeddedTest, ContractExampleHtml) {
  std::ifstream in(BS_SHARED_DIR "/contract-example/input/web/EducatorSearch_Whitfield.html");
  if (!in) GTEST_SKIP() << "contract example not found";
  std::stringstream ss;
  ss << in.rdbuf();
  auto lex = NameLexicon::LoadEmbedded();
  ASSERT_TRUE(lex.ok()) << lex.status().ToString();
  auto names = FindNamesInWindow(ss.str(), **lex);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].first, "Dana");
  EXPECT_EQ(names[0].last, "Whitfield");
  auto field = ParseNameField("Dana Whitfield", **lex);
  ASSERT_TRUE(field);
  EXPECT_GE(field->score, 0.9);
}

}  // namespace
}  // namespace breachscope::detect
