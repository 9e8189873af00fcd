// Tests of column typing by values (records/column_typing.h): the 95% rule and its extra
// conditions (SSN sample sizes, birth dates only next to names, not recent and not
// sorted, address parts only with a street), header-less and meaningless-header tables,
// and header-less CSV cells read with the inferred labels through the unit processor.
// Fixture: tests/fixtures/fixed/headerless.csv (make.sh); expected values are recomputed
// from the fixture's cells with the contract validators.
#include "records/column_typing.h"

#include <gtest/gtest.h>

#include "test_files.h"

#include "test_engine.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "detect/validators.h"
#include "model/pii_type.h"
#include "records/unit_processor.h"

#include "test_reveal.h"

namespace breachscope::records {
namespace {

namespace fs = std::filesystem;
using testing_files::ReadFile;
using testing_engine::Lex;
using testing_engine::TheScanner;
using detect::Label;

using testing_engine::kToday;

TypingContext Ctx(bool mmddyyyy = false) { return TypingContext{Lex(), kToday, mmddyyyy}; }

const fs::path kCsv = fs::path(BS_SOURCE_DIR) / "tests/fixtures/fixed/headerless.csv";

std::vector<std::vector<std::string>> Cells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}

std::vector<std::string_view> Column(const std::vector<std::vector<std::string>>& rows, size_t c) {
  std::vector<std::string_view> out;
  for (const auto& r : rows) out.push_back(r[c]);
  return out;
}

// A small deterministic generator (tests must not depend on the clock or a seed source).
struct Lcg {
  uint64_t s;
  uint32_t Next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
};

// ---------------------------------------------------------------- single columns

TEST(ColumnTyping, UndashedValidSsnsAreAnSsnColumn) {
  auto rows = Cells(ReadFile(kCsv));
  ColumnGuess g = ClassifyValues(Column(rows, 2), Ctx());
  EXPECT_EQ(g.kind, ValueKind::kSsn);
  EXPECT_EQ(g.values, rows.size());
  EXPECT_GE(g.share, 0.95);
}

TEST(ColumnTyping, NineDigitOrderNumbersMostlyFailingSsaRulesAreNot) {
  auto rows = Cells(ReadFile(kCsv));
  auto orders = Column(rows, 4);
  size_t valid = 0;
  for (auto v : orders) valid += detect::IsValidSsn(v);
  ASSERT_LT(valid * 2, orders.size()) << "the fixture's order numbers mostly fail the SSA rules";
  ASSERT_GT(valid, 0u) << "but some pass";
  EXPECT_NE(ClassifyValues(orders, Ctx()).kind, ValueKind::kSsn);
}

TEST(ColumnTyping, RandomNineDigitIdsAreNotSsnsEvenWhenMostPass) {
  // Random ids pass the SSA rules ~89% of the time: below 95% with enough values, and
  // a small sample must be entirely valid and sit in a table with a name.
  Lcg r{7};
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(std::to_string(100000000 + r.Next() % 900000000));
  std::vector<std::string_view> all(ids.begin(), ids.end());
  size_t valid = 0;
  for (auto v : all) valid += detect::IsValidSsn(v);
  ASSERT_LT(valid, 190u);
  EXPECT_NE(ClassifyValues(all, Ctx()).kind, ValueKind::kSsn);
  // 25 values that all pass, alone in their table: not enough.
  std::vector<std::string_view> clean;
  for (auto v : all)
    if (detect::IsValidSsn(v) && clean.size() < 25) clean.push_back(v);
  ColumnGuess g = ClassifyValues(clean, Ctx());
  ASSERT_EQ(g.kind, ValueKind::kSsn);
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{g})[0], Label::kNone);
  ColumnGuess name{ValueKind::kFullName, 25, 1.0};
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{name, g})[1], Label::kSsn);
  // 60 values at >= 95%: an SSN column on their own.
  std::vector<std::string_view> many;
  for (auto v : all)
    if (detect::IsValidSsn(v) && many.size() < 58) many.push_back(v);
  many.push_back("000123456");
  many.push_back("900112222");
  ColumnGuess big = ClassifyValues(many, Ctx());
  ASSERT_EQ(big.kind, ValueKind::kSsn);
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{big})[0], Label::kSsn);
}

TEST(ColumnTyping, TooFewOrTooSparseValuesAreNothing) {
  std::vector<std::string_view> few = {"412637781", "523118899", "601223344"};
  EXPECT_EQ(ClassifyValues(few, Ctx()).kind, ValueKind::kNone);
  std::vector<std::string_view> sparse(100, "");
  for (int i = 0; i < 12; ++i) sparse[i * 8] = "412637781";
  EXPECT_EQ(ClassifyValues(sparse, Ctx()).kind, ValueKind::kNone);  // 12% filled
}

TEST(ColumnTyping, BirthDatesButNotRecentOrSortedDates) {
  auto rows = Cells(ReadFile(kCsv));
  EXPECT_EQ(ClassifyValues(Column(rows, 3), Ctx()).kind, ValueKind::kBirthDate);
  // Service dates of the last months are not birth dates.
  std::vector<std::string> recent;
  for (int i = 0; i < 40; ++i) recent.push_back("2025-" + std::to_string(10 + i % 3) + "-" + std::to_string(10 + i % 17));
  std::vector<std::string_view> rv(recent.begin(), recent.end());
  EXPECT_NE(ClassifyValues(rv, Ctx()).kind, ValueKind::kBirthDate);
  // Dates in order (a journal, a log) are not birth dates either.
  std::vector<std::string> sorted;
  for (int i = 0; i < 40; ++i) sorted.push_back(std::to_string(1960 + i) + "-03-1" + std::to_string(i % 10));
  std::vector<std::string_view> sv(sorted.begin(), sorted.end());
  EXPECT_NE(ClassifyValues(sv, Ctx()).kind, ValueKind::kBirthDate);
}

TEST(ColumnTyping, MmddyyyyOnlyWhenAsked) {
  EXPECT_EQ(ParseBirthDate("04021980", kToday, true), (detect::Date{1980, 4, 2}));
  EXPECT_FALSE(ParseBirthDate("04021980", kToday, false));
  EXPECT_EQ(ParseBirthDate("19800402", kToday, true), (detect::Date{1980, 4, 2}));
  EXPECT_EQ(ParseBirthDate(" 1980-04-02 ", kToday, false), (detect::Date{1980, 4, 2}));
  EXPECT_FALSE(ParseBirthDate("13321980", kToday, true));
  EXPECT_FALSE(ParseBirthDate("2030-01-01", kToday, false));  // future
  EXPECT_FALSE(ParseBirthDate("1850-01-01", kToday, false));  // more than 120 years back
  EXPECT_FALSE(ParseBirthDate("1980-04-02 10:22:01", kToday, false));  // a timestamp
}

TEST(ColumnTyping, NamesByTheLexiconWithVariety) {
  auto rows = Cells(ReadFile(kCsv));
  EXPECT_EQ(ClassifyValues(Column(rows, 0), Ctx()).kind, ValueKind::kLastName);
  EXPECT_EQ(ClassifyValues(Column(rows, 1), Ctx()).kind, ValueKind::kFirstName);
  // One repeated word is not a column of names.
  std::vector<std::string_view> same(40, "Worker");
  EXPECT_NE(ClassifyValues(same, Ctx()).kind, ValueKind::kLastName);
  std::vector<std::string_view> full = {"Dana Whitfield", "James Smith",  "Mary Johnson", "Robert Brown",
                                        "Linda Miller",   "Karen Davis",  "Brian Clark",  "Nancy Harris",
                                        "Kevin Lewis",    "Lisa Young",   "Susan Allen",  "David Moore"};
  EXPECT_EQ(ClassifyValues(full, Ctx()).kind, ValueKind::kFullName);
}

TEST(ColumnTyping, OtherKinds) {
  auto kind = [](std::vector<std::string_view> v) { return ClassifyValues(v, Ctx()).kind; };
  std::vector<std::string_view> phones, cards, emails, states, zips, streets;
  std::vector<std::string> store;
  for (int i = 0; i < 20; ++i) {
    store.push_back("(573) 8" + std::to_string(10 + i) + "-44" + std::to_string(10 + i));
    store.push_back("jane" + std::to_string(i) + "@example.org");
    store.push_back(std::to_string(100 + i * 7) + " Elm Street");
  }
  for (int i = 0; i < 20; ++i) {
    phones.push_back(store[i * 3]);
    emails.push_back(store[i * 3 + 1]);
    streets.push_back(store[i * 3 + 2]);
    states.push_back(i % 2 ? "MO" : "KS");
    zips.push_back(i % 2 ? "65201" : "66044");
    cards.push_back(i % 2 ? "4111111111111111" : "5500005555555559");
  }
  EXPECT_EQ(kind(phones), ValueKind::kPhone);
  EXPECT_EQ(kind(emails), ValueKind::kEmail);
  EXPECT_EQ(kind(streets), ValueKind::kStreet);
  EXPECT_EQ(kind(states), ValueKind::kState);
  EXPECT_EQ(kind(zips), ValueKind::kZip);
  EXPECT_EQ(kind(cards), ValueKind::kCard);
}

// ---------------------------------------------------------------- neighbours

TEST(ColumnLabels, ABirthDateIsADobOnlyNextToANameColumn) {
  ColumnGuess name{ValueKind::kLastName, 40, 1}, first{ValueKind::kFirstName, 40, 1};
  ColumnGuess date{ValueKind::kBirthDate, 40, 1}, none{};
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{name, first, date})[2], Label::kDob);
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{name, none, date})[2], Label::kDob);  // two columns away
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{name, none, none, date})[3], Label::kNone);
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{none, date, none})[1], Label::kNone);
  // A header's name label counts as the neighbour.
  std::vector<Label> known = {Label::kFullName, Label::kNone};
  EXPECT_EQ(LabelColumns(std::vector<ColumnGuess>{none, date}, known)[1], Label::kDob);
}

TEST(ColumnLabels, AddressPartsOnlyWithAStreet) {
  ColumnGuess street{ValueKind::kStreet, 40, 1}, city{ValueKind::kLastName, 40, 1}, state{ValueKind::kState, 40, 1},
      zip{ValueKind::kZip, 40, 1};
  auto with = LabelColumns(std::vector<ColumnGuess>{street, city, state, zip});
  EXPECT_EQ(with, (std::vector<Label>{Label::kStreet, Label::kCity, Label::kState, Label::kZip}));
  auto without = LabelColumns(std::vector<ColumnGuess>{city, state, zip});
  EXPECT_EQ(without, (std::vector<Label>{Label::kLastName, Label::kNone, Label::kNone}));
}

// ---------------------------------------------------------------- tables

TEST(TypedTable, HeaderlessCsvFixture) {
  auto t = ReadTypedTable(ReadFile(kCsv), ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->header_row);
  // Order numbers (E) are not SSNs; order dates (G) are far from the names: not DOBs.
  EXPECT_EQ(t->labels, (std::vector<Label>{Label::kLastName, Label::kFirstName, Label::kSsn, Label::kDob, Label::kNone,
                                          Label::kNone, Label::kNone}));
}

TEST(TypedTable, HeaderlessCsvWhoseFirstRowLooksLikeAHeader) {
  auto rows = Cells(ReadFile(kCsv));
  std::string text;
  for (size_t i = 0; i < rows.size(); ++i)
    text += rows[i][0] + "," + rows[i][1] + "," + rows[i][2] + "," + rows[i][3] + "," + (i % 2 ? "active" : "closed") + "\n";
  // Mostly words in the first row, so the header reader takes it for a header...
  ASSERT_TRUE(ReadTableHeader(text, ',', TheScanner().labels()));
  // ...but it names nothing and its cells fit the types below it: data.
  auto t = ReadTypedTable(text, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->header_row);
  EXPECT_EQ(t->labels,
            (std::vector<Label>{Label::kLastName, Label::kFirstName, Label::kSsn, Label::kDob, Label::kNone}));
}

TEST(TypedTable, HeaderlessCsvStartingWithNumbers) {
  // SSN and DOB first: the header reader returns nothing at all.
  auto rows = Cells(ReadFile(kCsv));
  std::string text;
  for (const auto& r : rows) text += r[2] + "," + r[3] + "," + r[1] + "," + r[0] + "," + r[5] + "\n";
  ASSERT_FALSE(ReadTableHeader(text, ',', TheScanner().labels()));
  auto t = ReadTypedTable(text, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->header_row);
  EXPECT_EQ(t->labels,
            (std::vector<Label>{Label::kSsn, Label::kDob, Label::kFirstName, Label::kLastName, Label::kNone}));
}

TEST(TypedTable, MeaninglessHeaderKeepsItsRowAndTypesTheColumns) {
  auto rows = Cells(ReadFile(kCsv));
  std::string text = "c1,c2,c3,c4,c5,c6,c7\n" + ReadFile(kCsv);
  auto t = ReadTypedTable(text, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->header_row);
  EXPECT_EQ(t->labels[2], Label::kSsn);
  EXPECT_EQ(t->labels[3], Label::kDob);
}

TEST(TypedTable, KnownHeadersAreKeptAndOnlyGenericColumnsTyped) {
  std::string text = "Last Name,First Name,,col4,Order #,amount,when\n" + ReadFile(kCsv);
  auto t = ReadTypedTable(text, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->header_row);
  EXPECT_EQ(t->labels[0], Label::kLastName);
  EXPECT_EQ(t->labels[1], Label::kFirstName);
  EXPECT_EQ(t->labels[2], Label::kSsn);  // no header: its values say what it is
  EXPECT_EQ(t->labels[3], Label::kDob);  // "col4" says nothing either
  EXPECT_EQ(t->labels[6], Label::kNone);
}

TEST(TypedTable, AnUnknownButMeaningfulHeaderIsNotOverruledByValues) {
  // "signup_date" next to names: its values are plausible birth dates, but the header
  // says what they are (a trap of the synthetic corpus); "ref" holds valid SSNs but is
  // named, so it is left to the scanner's own rules.
  auto rows = Cells(ReadFile(kCsv));
  std::string text = "first_name,last_name,signup_date,ref\n";
  for (const auto& r : rows) text += r[1] + "," + r[0] + "," + r[3] + "," + r[2] + "\n";
  auto t = ReadTypedTable(text, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->header_row);
  EXPECT_EQ(t->labels, (std::vector<Label>{Label::kFirstName, Label::kLastName, Label::kNone, Label::kNone}));
}

TEST(TypedTable, ThroughTheUnitProcessorUndashedSsnsAreFound) {
  std::string text = ReadFile(kCsv);
  auto rows = Cells(text);
  UnitProcessor up(TheScanner(), Lex(), ProcessorOptions{});
  UnitInput in;
  in.text = text;
  in.format = Format::kCsv;
  in.decoders = {"csv"};
  UnitOutput out;
  up.Process(in, out);
  std::multiset<std::string> ssns, want_ssns, dobs, want_dobs;
  size_t names = 0;
  for (const auto& f : out.findings) {
    const Candidate& c = f.candidate;
    std::string v = c.canonical.Reveal(RevealPassForTests::Pass());
    switch (c.type) {
      case PiiType::kSsn:
        EXPECT_EQ(c.location.column, "C");
        ssns.insert(v);
        break;
      case PiiType::kDob:
        EXPECT_EQ(c.location.column, "D");
        dobs.insert(v);
        break;
      case PiiType::kName: ++names; break;
      default: ADD_FAILURE() << "unexpected " << TypeName(c.type) << " at " << c.location.column;
    }
  }
  for (const auto& r : rows) {
    if (detect::IsValidSsn(r[2])) want_ssns.insert(r[2]);
    want_dobs.insert(r[3]);
  }
  EXPECT_EQ(ssns, want_ssns);
  EXPECT_EQ(dobs, want_dobs);
  EXPECT_EQ(names, rows.size());
  EXPECT_EQ(out.records, rows.size());  // the first row is a record, not a header
}

TEST(TypedTable, NoTypedColumnsLeavesTablesAsBefore) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += std::to_string(i) + "," + std::to_string(i * 3) + ",x" + std::to_string(i) + "\n";
  EXPECT_FALSE(ReadTypedTable(text, ',', TheScanner().labels(), Ctx()));
  std::string labelled = "name,ssn\nDana Whitfield,412-63-7781\n";
  auto t = ReadTypedTable(labelled, ',', TheScanner().labels(), Ctx());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->header_row);
  EXPECT_EQ(t->labels, (std::vector<Label>{Label::kFullName, Label::kSsn}));
}

}  // namespace
}  // namespace breachscope::records
