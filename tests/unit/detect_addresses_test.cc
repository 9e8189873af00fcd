// Tests for detect/addresses.h.
#include <gtest/gtest.h>

#include "test_names.h"

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/embedded_data.h"
#include "detect/addresses.h"

#ifndef BS_SHARED_DIR
#define BS_SHARED_DIR "../shared"
#endif

namespace breachscope::detect {
namespace {

TEST(AddressDataTest, EmbeddedTablesLoad) {
  ASSERT_TRUE(CheckAddressData().ok()) << CheckAddressData().ToString();
  // Every row of us_states.tsv is a code IsUsStateCode() knows and maps to itself.
  std::string_view tsv = EmbeddedFile("us_states.tsv");
  int rows = 0;
  size_t pos = tsv.find('\n') + 1;  // header
  while (pos < tsv.size()) {
    size_t nl = tsv.find('\n', pos);
    std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl == std::string_view::npos ? tsv.size() : nl + 1;
    if (line.empty()) continue;
    std::string_view code = line.substr(0, 2);
    std::string_view name = line.substr(3, line.find('\t', 3) - 3);
    EXPECT_TRUE(IsUsStateCode(code)) << code;
    EXPECT_EQ(StateCodeFromName(name), code) << name;
    ++rows;
  }
  EXPECT_EQ(rows, 59);  // 50 states, DC, 5 territories, 3 Armed Forces codes
}

TEST(AddressDataTest, States) {
  EXPECT_TRUE(IsUsStateCode("MO"));
  EXPECT_TRUE(IsUsStateCode("mo"));
  EXPECT_TRUE(IsUsStateCode("DC"));
  EXPECT_TRUE(IsUsStateCode("PR"));
  EXPECT_TRUE(IsUsStateCode("AE"));
  EXPECT_FALSE(IsUsStateCode("XX"));
  EXPECT_FALSE(IsUsStateCode("M"));
  EXPECT_FALSE(IsUsStateCode("MOO"));
  EXPECT_EQ(StateCodeFromName("Missouri"), "MO");
  EXPECT_EQ(StateCodeFromName(" MO "), "MO");
  EXPECT_EQ(StateCodeFromName("mo"), "MO");
  EXPECT_EQ(StateCodeFromName("Mo."), "MO");
  EXPECT_EQ(StateCodeFromName("N.Y."), "NY");
  EXPECT_EQ(StateCodeFromName("new  york"), "NY");
  EXPECT_EQ(StateCodeFromName("Calif."), "CA");
  EXPECT_EQ(StateCodeFromName("W. Va."), "WV");
  EXPECT_EQ(StateCodeFromName("District of Columbia"), "DC");
  EXPECT_EQ(StateCodeFromName("Guam"), "GU");
  EXPECT_EQ(StateCodeFromName("Virgin Islands"), "VI");
  EXPECT_EQ(StateCodeFromName("Ontario"), "");
  EXPECT_EQ(StateCodeFromName("XX"), "");
  EXPECT_EQ(StateCodeFromName(""), "");
}

TEST(AddressDataTest, StreetSuffixes) {
  for (const char* w :
       {"Street",  "st",    "St.",     "STR",  "Avenue", "ave",       "av",      "Drive",
        "dr",      "Road",  "rd",      "Lane", "ln",     "Boulevard", "blvd",    "Court",
        "ct",      "Place", "pl",      "Way",  "Circle", "cir",       "Parkway", "pkwy",
        "Highway", "hwy",   "Terrace", "ter",  "Trail",  "trl"})
    EXPECT_TRUE(IsStreetSuffix(w)) << w;
  for (const char* w : {"Main", "Elm", "straight", "ideas", "Report", ""})
    EXPECT_FALSE(IsStreetSuffix(w)) << w;
}

// The look-ups go through a flat table for keys of up to 16 bytes and the map for
// longer ones; both must agree with the data, in any case and with any spacing.
TEST(AddressDataTest, StateKeysShortAndLong) {
  EXPECT_EQ(StateCodeFromName("NORTHERN MARIANA ISLANDS"), "MP");  // 24 bytes: the long path
  EXPECT_EQ(StateCodeFromName("armed  forces\tpacific"), "AP");
  EXPECT_EQ(StateCodeFromName("U.S. Virgin Islands"), "VI");
  EXPECT_EQ(StateCodeFromName("Northern Mariana Island"), "");  // a long key one byte short
  EXPECT_EQ(StateCodeFromName("North Carolina"), "NC");         // 14 bytes: the flat path
  EXPECT_EQ(StateCodeFromName("North Carolin"), "");
  EXPECT_EQ(StateCodeFromName("N. C."), "NC");          // spaces dropped for an abbreviation
  EXPECT_EQ(StateCodeFromName("New Yo Rk"), "");        // but not for a longer key
  EXPECT_EQ(StateCodeFromName("."), "");
  EXPECT_EQ(StateCodeFromName(std::string(41, 'a')), "");
  EXPECT_TRUE(IsUsStateName("Missouri"));
  EXPECT_TRUE(IsUsStateName("district of columbia"));
  EXPECT_TRUE(IsUsStateName("mo"));
  EXPECT_FALSE(IsUsStateName("Ontario"));
  EXPECT_FALSE(IsUsStateName(""));
  // Bytes that differ from a letter only in bit 5 are not that letter.
  EXPECT_FALSE(IsUsStateCode("M\x0f"));
  EXPECT_FALSE(IsUsStateName("m\x0f"));
}

TEST(AddressDataTest, SuffixCaseAndNonLetters) {
  for (const char* w : {"STREET", "sTrEeT", "Blvd.", "PKWY", "Av"}) EXPECT_TRUE(IsStreetSuffix(w)) << w;
  // Same letters with bit 5 flipped on a non-letter, digits, accents, or too long.
  for (const char* w : {"s\x14", "st1", "str\xc3\xa9et", "streetstreetstreet", "s-t", "."})
    EXPECT_FALSE(IsStreetSuffix(w)) << w;
}

TEST(ParseAddressFieldsTest, ZipDigitsAndStreetShapes) {
  // Ten digits are no ZIP; nine are ZIP+4; dashes and spaces are ignored.
  EXPECT_EQ(ParseAddressFields("12 Elm St", "", "MO", "6520112345")->zip5, "");
  EXPECT_EQ(ParseAddressFields("12 Elm St", "", "MO", "65201 1234")->zip5, "65201");
  EXPECT_EQ(ParseAddressFields("12 Elm St", "", "NJ", "7030")->zip5, "07030");
  EXPECT_EQ(ParseAddressFields("12 Elm St", "", "MO", "7030")->zip5, "");
  EXPECT_EQ(ParseAddressFields("12 Elm St", "", "MO", "65x01")->zip5, "");
  // The street's own tokens decide its shape when no street match starts it.
  auto plain = ParseAddressFields("12\tElmwood   Gardens", "Columbia ", "mo", "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->street, "12 Elmwood Gardens");
  EXPECT_EQ(plain->city, "Columbia");
  EXPECT_EQ(plain->state, "MO");
  EXPECT_FALSE(ParseAddressFields("12 34", "", "", ""));
  EXPECT_TRUE(ParseAddressFields("HC 1 Box 12", "", "", ""));
}

using testing_util::Slug;

// --- ParseAddressFields -----------------------------------------------------

struct FieldsCase {
  std::string street, city, state, zip;
  bool ok;
  std::string canonical, want_state, want_zip;
};

void PrintTo(const FieldsCase& c, std::ostream* os) { *os << Slug(c.street + " " + c.zip); }

class ParseAddressFieldsTest : public ::testing::TestWithParam<FieldsCase> {};

TEST_P(ParseAddressFieldsTest, Parses) {
  const auto& c = GetParam();
  auto a = ParseAddressFields(c.street, c.city, c.state, c.zip);
  ASSERT_EQ(a.has_value(), c.ok) << c.street;
  if (!a) return;
  EXPECT_EQ(CanonicalAddress(*a), c.canonical);
  EXPECT_EQ(a->state, c.want_state);
  EXPECT_EQ(a->zip5, c.want_zip);
  EXPECT_GE(a->score, 0.6);
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseAddressFieldsTest,
    ::testing::Values(
        // The rows of the contract example's hr/staff.csv.
        FieldsCase{"1207 Elm Street", "Columbia", "MO", "65201", true, "1207 elm street, 65201",
                   "MO", "65201"},
        FieldsCase{"88 Lake View Drive", "Minneapolis", "MN", "55455", true,
                   "88 lake view drive, 55455", "MN", "55455"},
        FieldsCase{" 1207  Elm  Street ", "Columbia", "Missouri", "65201-1234", true,
                   "1207 elm street, 65201", "MO", "65201"},
        FieldsCase{"12 Beacon St Apt 3", "Boston", "MA", "2108", true, "12 beacon st apt 3, 02108",
                   "MA", "02108"},
        FieldsCase{"PO Box 123", "Columbia", "MO", "652011234", true, "po box 123, 65201", "MO",
                   "65201"},
        FieldsCase{"1585 Broadway", "New York", "NY", "10036", true, "1585 broadway, 10036", "NY",
                   "10036"},
        FieldsCase{"RR 2 Box 15", "Ashland", "MO", "65010", true, "rr 2 box 15, 65010", "MO",
                   "65010"},
        FieldsCase{"1207 Elm Street", "", "", "", true, "1207 elm street", "", ""},
        FieldsCase{"1207 Elm Street", "Columbia", "ZZ", "652", true, "1207 elm street", "", ""},
        FieldsCase{"Elm Street", "Columbia", "MO", "65201", false, "", "", ""},
        FieldsCase{"", "Columbia", "MO", "65201", false, "", "", ""},
        FieldsCase{"N/A", "", "", "", false, "", "", ""},
        FieldsCase{"12345", "", "", "", false, "", "", ""},
        // The street's shape is read from its first token: an address further in does
        // not make the field one; a house number then a word without a suffix does.
        FieldsCase{"Apt 4 1207 Elm Street", "Columbia", "MO", "65201", false, "", "", ""},
        FieldsCase{"1207 Elmwood", "Columbia", "MO", "65201", true, "1207 elmwood, 65201", "MO", "65201"}));

TEST(ParseAddressFieldsTest, ASuffixScoresHigher) {
  auto with = ParseAddressFields("1207 Elm Street", "", "", "");
  auto without = ParseAddressFields("1207 Elmwood", "", "", "");
  ASSERT_TRUE(with && without);
  EXPECT_GT(with->score, without->score);
}

// The contract example's CSV itself.
TEST(ParseAddressFieldsTest, ContractExampleStaffCsv) {
  std::ifstream in(BS_SHARED_DIR "/contract-example/input/hr/staff.csv");
  if (!in) GTEST_SKIP() << "contract example not found";
  std::string line;
  std::getline(in, line);  // header: ...,street,city,state,zip (columns 6..9)
  std::vector<std::string> got;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, ',')) cols.push_back(col);
    ASSERT_EQ(cols.size(), 10u) << line;
    auto a = ParseAddressFields(cols[6], cols[7], cols[8], cols[9]);
    ASSERT_TRUE(a) << cols[6];
    EXPECT_GE(a->score, 0.9);
    got.push_back(CanonicalAddress(*a));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"1207 elm street, 65201", "88 lake view drive, 55455"}));
}

// --- FindAddresses ------------------------------------------------------------

struct FindCase {
  std::string text;
  std::string street, city, state, zip;  // of the first match; street "" = no match
  double min_score = 0, max_score = 1;
  std::string span;  // expected text[begin, end) when set
};

FindCase Pos(std::string text, std::string street, std::string city, std::string state,
             std::string zip, double min_score, double max_score = 1, std::string span = "") {
  return FindCase{std::move(text), std::move(street), std::move(city), std::move(state),
                  std::move(zip),  min_score,         max_score,       std::move(span)};
}
FindCase Neg(std::string text) { return Pos(std::move(text), "", "", "", "", 0); }

void PrintTo(const FindCase& c, std::ostream* os) { *os << Slug(c.text); }

class FindAddressesTest : public ::testing::TestWithParam<FindCase> {};

TEST_P(FindAddressesTest, Finds) {
  const auto& c = GetParam();
  auto found = FindAddresses(c.text);
  if (c.street.empty()) {
    EXPECT_TRUE(found.empty()) << c.text << " -> " << (found.empty() ? "" : found[0].street);
    return;
  }
  ASSERT_FALSE(found.empty()) << c.text;
  const AddressMatch& a = found[0];
  EXPECT_EQ(a.street, c.street) << c.text;
  EXPECT_EQ(a.city, c.city) << c.text;
  EXPECT_EQ(a.state, c.state) << c.text;
  EXPECT_EQ(a.zip5, c.zip) << c.text;
  EXPECT_GE(a.score, c.min_score) << c.text;
  EXPECT_LE(a.score, c.max_score) << c.text;
  if (!c.span.empty()) {
    EXPECT_EQ(c.text.substr(a.begin, a.end - a.begin), c.span);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Positives, FindAddressesTest,
    ::testing::Values(
        Pos("She lives at 1207 Elm Street, Columbia, MO 65201.", "1207 Elm Street", "Columbia",
            "MO", "65201", 0.9, 1, "1207 Elm Street, Columbia, MO 65201"),
        Pos("88 Lake View Drive Apt 4\nMinneapolis, MN 55455-1234", "88 Lake View Drive Apt 4",
            "Minneapolis", "MN", "55455", 0.9, 1,
            "88 Lake View Drive Apt 4\nMinneapolis, MN 55455-1234"),
        Pos("1207 Elm Street<br>Columbia, Missouri 65201", "1207 Elm Street", "Columbia", "MO",
            "65201", 0.9),
        Pos("Mail to: 1207 Elm St #4, Columbia MO 65201", "1207 Elm St #4", "Columbia", "MO",
            "65201", 0.9),
        Pos("500 Oak Park Ave, Suite 200, Chicago, IL 60601", "500 Oak Park Ave, Suite 200",
            "Chicago", "IL", "60601", 0.9),
        Pos("100 W 42nd St, New York, NY 10036", "100 W 42nd St", "New York", "NY", "10036", 0.9),
        Pos("1600 Pennsylvania Ave NW, Washington, DC 20500", "1600 Pennsylvania Ave NW",
            "Washington", "DC", "20500", 0.9),
        Pos("123 Main St, Kansas City, MO 64105", "123 Main St", "Kansas City", "MO", "64105", 0.9),
        Pos("4500 US Highway 63 S, Columbia, MO 65201", "4500 US Highway 63 S", "Columbia", "MO",
            "65201", 0.9),
        Pos("12 St. Charles Ave", "12 St. Charles Ave", "", "", "", 0.6, 0.8),
        Pos("address: 1207 Elm Street", "1207 Elm Street", "", "", "", 0.6, 0.8),
        Pos("1207 Elm Street, Columbia, MO", "1207 Elm Street", "Columbia", "MO", "", 0.8, 0.9),
        Pos("1207 Elm Street Columbia 65201", "1207 Elm Street", "Columbia", "", "65201", 0.8, 0.9),
        Pos("checkout the new place at 101 main st.", "101 main st", "", "", "", 0.6, 0.8),
        Pos("Send it to PO Box 123, Columbia, MO 65205", "PO Box 123", "Columbia", "MO", "65205",
            0.9),
        Pos("hey p.o. box 234234 hey", "p.o. box 234234", "", "", "", 0.6, 0.8),
        Pos("Post Office Box 9", "Post Office Box 9", "", "", "", 0.6, 0.8),
        Pos("1585 Broadway, New York, NY 10036", "1585 Broadway", "New York", "NY", "10036", 0.9),
        Pos("<td>1207 Elm Street</td><td>Columbia</td><td>MO</td><td>65201</td>", "1207 Elm Street",
            "", "", "", 0.6, 0.8),
        Pos("1207 Elm Street,Columbia,MO,65201", "1207 Elm Street", "Columbia", "MO", "65201", 0.9),
        Pos("JOHN Q PUBLIC 12 ELM ST COLUMBIA MO 65201", "12 ELM ST", "COLUMBIA", "MO", "65201",
            0.9),
        Pos("We moved to 2200 Research Park Blvd. Please update your records.",
            "2200 Research Park Blvd", "", "", "", 0.6, 0.8),
        Pos("6712 Broadway Court, Columbia, MO 65203", "6712 Broadway Court", "Columbia", "MO",
            "65203", 0.9),
        Pos("1997 Fox Hollow Court, Columbia, MO 65201", "1997 Fox Hollow Court", "Columbia", "MO",
            "65201", 0.9),
        Pos("George Simmons\n3175 Prairie Terrace\nPortland, OR 97205\n", "3175 Prairie Terrace",
            "Portland", "OR", "97205", 0.9),
        Pos("12 Lake View, Springfield, IL 62701", "12 Lake View", "Springfield", "IL", "62701",
            0.9)));

INSTANTIATE_TEST_SUITE_P(
    Negatives, FindAddressesTest,
    ::testing::Values(Neg("2023 Annual Report"), Neg("5 Main ideas"), Neg("101 main straight"),
                      Neg("Call 573-882-4410 today"), Neg("In 2019 the court ruled"),
                      Neg("Page 3 of 10"), Neg("$500 Park Avenue"),
                      Neg("Invoice 12345 Main Street"), Neg("12/31/2023 Main St"),
                      Neg("a 10 minute walk"), Neg("3 dogs run"), Neg("Elm Street"), Neg("Main St"),
                      Neg("version 2.5 Drive"), Neg("(523)222-8888 ext 527"), Neg("")));

TEST(FindAddressesTest, SeveralAndScores) {
  auto found = FindAddresses("Home: 1207 Elm Street, Columbia, MO 65201. Work: 12 Oak Ave.");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].street, "1207 Elm Street");
  EXPECT_EQ(found[1].street, "12 Oak Ave");
  EXPECT_GT(found[0].score, found[1].score);
  // A ZIP that does not belong to the state lowers the score.
  auto wrong = FindAddresses("1207 Elm Street, Columbia, MO 95201");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_LT(wrong[0].score, found[0].score);
}

TEST(CanonicalAddressTest, Forms) {
  AddressMatch a;
  a.street = "1207  Elm\tStreet";
  EXPECT_EQ(CanonicalAddress(a), "1207 elm street");
  a.zip5 = "65201";
  EXPECT_EQ(CanonicalAddress(a), "1207 elm street, 65201");
  a.street = "  PO BOX\n\n12 ";
  EXPECT_EQ(CanonicalAddress(a), "po box 12, 65201");
  a.street = "";
  a.zip5 = "";
  EXPECT_EQ(CanonicalAddress(a), "");
  // Prose and fields give the same canonical form.
  auto prose = FindAddresses("lives at 1207 Elm Street, Columbia, MO 65201.");
  auto fields = ParseAddressFields("1207 Elm Street", "Columbia", "MO", "65201");
  ASSERT_FALSE(prose.empty());
  ASSERT_TRUE(fields);
  EXPECT_EQ(CanonicalAddress(prose[0]), CanonicalAddress(*fields));
}

// --- Labelled cases from CommonRegex (madisonmay/CommonRegex test.py, MIT) -----

// Pulls a string or boolean field out of one flat JSON object line.
std::string JsonField(const std::string& line, const std::string& key) {
  std::string pat = "\"" + key + "\": ";
  size_t p = line.find(pat);
  if (p == std::string::npos) return {};
  p += pat.size();
  if (line[p] != '"') {
    size_t e = line.find_first_of(",}", p);
    return line.substr(p, e - p);
  }
  std::string out;
  for (size_t i = p + 1; i < line.size() && line[i] != '"'; ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      char c = line[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(line[i]);
    }
  }
  return out;
}

TEST(FindAddressesExternalTest, CommonRegexCases) {
  std::ifstream in(BS_SHARED_DIR "/samples/external/pii/commonregex/commonregex_cases.jsonl");
  if (!in) GTEST_SKIP() << "commonregex cases not found";
  int pos = 0, pos_found = 0, neg = 0, neg_clean = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (JsonField(line, "entity") != "address") continue;
    std::string text = JsonField(line, "text");
    bool want = JsonField(line, "expected_match") == "true";
    bool got = !FindAddresses(text).empty();
    if (want) {
      ++pos;
      pos_found += got;
    } else {
      ++neg;
      neg_clean += !got;
    }
    EXPECT_EQ(got, want) << text;
  }
  // Measured: 6/6 positives found (4 street, 2 PO box), 1/1 negative clean.
  EXPECT_EQ(pos, 6);
  EXPECT_EQ(neg, 1);
  EXPECT_GE(pos_found, 6);
  EXPECT_GE(neg_clean, 1);
}

}  // namespace
}  // namespace breachscope::detect
