// Name normalisation, Jaro–Winkler and the embedded nickname table.
#include "resolve/name_match.h"

#include <gtest/gtest.h>

namespace breachscope::resolve {
namespace {

TEST(FoldName, FoldsAccentsCaseAndPunctuation) {
  EXPECT_EQ(FoldName("José"), "jose");
  EXPECT_EQ(FoldName("NÚÑEZ"), "nunez");
  EXPECT_EQ(FoldName("Müller-Lüdenscheidt"), "muller ludenscheidt");
  EXPECT_EQ(FoldName("Straße"), "strasse");
  EXPECT_EQ(FoldName("O'Brien"), "obrien");
  EXPECT_EQ(FoldName("Łukasz Wąsik"), "lukasz wasik");
  EXPECT_EQ(FoldName("Jose\xCC\x81"), "jose");  // decomposed accent (combining acute)
  EXPECT_EQ(FoldName("  Anne   Marie "), "anne marie");
  EXPECT_EQ(FoldName("\xFF\xFE bad"), "bad");  // invalid UTF-8 is a separator, not a crash
}

TEST(NormalizeName, FirstKeepsFirstTokenLastDropsSuffixes) {
  EXPECT_EQ(NormalizeFirst("Robert J."), "robert");
  EXPECT_EQ(NormalizeFirst("ROBERT"), "robert");
  EXPECT_EQ(NormalizeFirst("Mr. John"), "john");
  EXPECT_EQ(NormalizeFirst("R."), "r");
  EXPECT_EQ(NormalizeLast("Smith Jr."), "smith");
  EXPECT_EQ(NormalizeLast("de la Cruz"), "delacruz");
  EXPECT_EQ(NormalizeLast("Smith-Jones"), "smithjones");
  EXPECT_EQ(NormalizeLast("Núñez III"), "nunez");
  EXPECT_EQ(NormalizeLast(""), "");
}

TEST(JaroWinkler, KnownValues) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "abc"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "abc"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("jon", "john"), JaroWinkler("john", "jon"));
}

TEST(Nicknames, EmbeddedTableRelatesNicknames) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_GT(t.size(), 1000u);
  EXPECT_TRUE(t.Equivalent("bob", "robert"));
  EXPECT_TRUE(t.Equivalent("robert", "bob"));
  EXPECT_TRUE(t.Equivalent("bill", "william"));
  EXPECT_TRUE(t.Equivalent("rob", "bob"));
  EXPECT_TRUE(t.Equivalent("robby", "dobbin"));  // two nicknames of robert
  EXPECT_TRUE(t.Equivalent("liz", "elizabeth"));
  EXPECT_FALSE(t.Equivalent("robert", "william"));
  EXPECT_FALSE(t.Equivalent("robert", "fred"));  // robert -> bill -> fred is two hops between names
  EXPECT_FALSE(t.Equivalent("zzyzx", "robert"));
}

TEST(Nicknames, ParsesOnlyHasNicknameRows) {
  NicknameTable t("name1,relationship,name2\nrobert,has_nickname,bob\r\nalpha,other,beta\nbroken line\n");
  EXPECT_TRUE(t.Equivalent("bob", "robert"));
  EXPECT_FALSE(t.Equivalent("alpha", "beta"));
  EXPECT_EQ(t.size(), 1u);
}

TEST(CompareNames, Levels) {
  const NicknameTable& t = NicknameTable::Default();
  EXPECT_EQ(CompareFirst("robert", "robert", t), NameLevel::kExact);
  EXPECT_EQ(CompareFirst("bob", "robert", t), NameLevel::kNickname);
  EXPECT_EQ(CompareFirst("r", "robert", t), NameLevel::kInitial);
  EXPECT_EQ(CompareFirst("w", "robert", t), NameLevel::kDisagree);
  EXPECT_EQ(CompareFirst("marcella", "marcela", t), NameLevel::kSimilar);
  EXPECT_EQ(CompareFirst("mary", "john", t), NameLevel::kDisagree);
  EXPECT_EQ(CompareFirst("", "john", t), NameLevel::kMissing);
  EXPECT_EQ(CompareLast("smith", "smith"), NameLevel::kExact);
  EXPECT_EQ(CompareLast("smith", "smiht"), NameLevel::kSimilar);
  EXPECT_EQ(CompareLast("smithjones", "smith"), NameLevel::kSimilar);
  EXPECT_EQ(CompareLast("smith", "jones"), NameLevel::kDisagree);
  EXPECT_EQ(CompareLast("lee", ""), NameLevel::kMissing);
}

}  // namespace
}  // namespace breachscope::resolve
