// Table-driven tests of the single-pass scanner: shapes, validators, context labels,
// boundaries and ownership of chunk regions.
#include <gtest/gtest.h>

#include "test_scanner.h"

namespace breachscope::detect {
namespace {

std::vector<Found> Scan(std::string_view text, float min_conf = 0.5f) {
  return ScanFound(text, min_conf, [](PiiType) { return true; });
}

struct Case {
  const char* text;
  std::vector<Found> want;
};

// Readable, unique test names in ctest (the text itself, not a byte dump).
void PrintTo(const Case& c, std::ostream* os) { *os << '"' << c.text << '"'; }

class ScannerCases : public ::testing::TestWithParam<Case> {};

TEST_P(ScannerCases, FindsExactly) {
  const Case& c = GetParam();
  EXPECT_EQ(Scan(c.text), c.want) << "text: " << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ScannerCases,
    ::testing::Values(
        // SSNs: dashed alone is enough; undashed needs its label; SSA rules and block-list.
        Case{"SSN 412-63-7781.", {{"ssn", "412637781"}}},
        Case{"ref 412-63-7781 end", {}},  // a negative label suppresses it
        Case{"id: 412 63 7781", {{"ssn", "412637781"}}},
        Case{"Social Security Number: 412637781", {{"ssn", "412637781"}}},
        Case{"412637781", {}},
        Case{"Invoice 123456789 was paid", {}},
        Case{"SSN 123-45-6789", {}},
        Case{"SSN 078-05-1120", {}},
        Case{"SSN 219-09-9999", {}},
        Case{"SSN 987-65-4329", {}},
        Case{"SSN 000-12-3456 666-12-3456 912-70-1234", {}},
        Case{"SSN 412-00-7781 412-63-0000", {}},
        Case{"ssn: 912701234", {}},  // an ITIN is never an SSN
        Case{"SSN 772-63-7781 and 899-12-3456", {{"ssn", "772637781"}, {"ssn", "899123456"}}},
        Case{"v1.412-63-7781", {}},
        Case{"records_412-63-7781.txt", {{"ssn", "412637781"}}},
        // Phones: NANP rules, fiction range, formats.
        Case{"Call (573) 882-4410 today", {{"phone", "5738824410"}}},
        Case{"cell: 573.882.4410", {{"phone", "5738824410"}}},
        Case{"+1 573 882 4410", {{"phone", "5738824410"}}},
        Case{"1-573-882-4410", {{"phone", "5738824410"}}},
        Case{"phone 5738824410", {{"phone", "5738824410"}}},
        Case{"5738824410", {}},
        Case{"front desk (573) 555-0100", {}},
        Case{"573-911-4410", {}},
        Case{"193-882-4410", {}},
        Case{"order 573-882-4410", {}},
        // Cards: Luhn + IIN + length.
        Case{"card 4111 1111 1111 1111", {{"credit_card", "4111111111111111"}}},
        Case{"4111-1111-1111-1111", {{"credit_card", "4111111111111111"}}},
        Case{"amex 3782 822463 10005", {{"credit_card", "378282246310005"}}},
        Case{"5555555555554444", {{"credit_card", "5555555555554444"}}},
        Case{"4111 1111 1111 1112", {}},
        Case{"0000-0000-0000-0000", {}},
        Case{"2720995912345674 9999999999999995", {}},
        // E-mail.
        Case{"mail Dana.Whitfield@Example.org.", {{"email", "dana.whitfield@example.org"}}},
        Case{"logo@2x.png", {}},
        Case{"noreply@example.com", {}},
        Case{"NoReply@Example.com", {}},
        Case{"banner@3x.PNG", {}},
        // Dates of birth only with birth context.
        Case{"DOB: 07/19/1984", {{"dob", "1984-07-19"}}},
        Case{"born July 19, 1984 in", {{"dob", "1984-07-19"}}},
        Case{"Date of birth 19-JUL-1984", {{"dob", "1984-07-19"}}},
        Case{"birthdate 1984-07-19T00:00:00Z", {{"dob", "1984-07-19"}}},
        Case{"paid on 2023-03-01", {}},
        Case{"DOB 07/19/2031", {}},
        // MBI, licences, passports, member and student ids, accounts, diagnoses.
        Case{"Medicare: 1EG4-TE5-MK73", {{"mbi", "1EG4TE5MK73"}}},
        Case{"1EG4TE5MK73", {{"mbi", "1EG4TE5MK73"}}},
        Case{"1SG4TE5MK73", {}},
        Case{"Driver's License: F123456789012", {{"drivers_license", "F123456789012"}}},
        Case{"F123456789012", {}},
        Case{"Driver's license (MO): A123456", {{"drivers_license", "A123456"}}},
        // Washington's WDL numbers (since 2018) may hold a single digit.
        Case{"Driver's License WDL7TJ9PWWKD", {{"drivers_license", "WDL7TJ9PWWKD"}}},
        Case{"Driver's License WDLPTJXPWWKD", {}},
        Case{"Passport number A90583942", {{"passport", "A90583942"}}},
        Case{"Passport No. 7903699371", {}},
        Case{"Medicaid ID 40981726", {{"health_id", "40981726"}}},
        Case{"Member ID: JS00111223333", {{"health_id", "JS00111223333"}}},
        Case{"Student ID 4817263950", {{"student_id", "4817263950"}}},
        Case{"Account number 000123456789", {{"bank_account", "000123456789"}}},
        Case{"routing 121000358 account 12345678", {{"bank_account", "12345678"}}},
        Case{"Diagnosis: E11.9, I10", {{"diagnosis", "E11.9"}, {"diagnosis", "I10"}}},
        Case{"room E11 on floor 2", {}},
        // Hashes and UUIDs are not identifiers.
        Case{"550e8400-e29b-41d4-a716-446655440000 d41d8cd98f00b204e9800998ecf8427e", {}}),
    [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.index); });

TEST(Scanner, ColumnLabelGivesContextToUndashedValues) {
  std::string text = "412637781,5738824410,02/11/1979";
  std::vector<Field> fields = {{0, 9, Label::kSsn}, {10, 20, Label::kPhone}, {21, 31, Label::kDob}};
  std::vector<Candidate> out;
  ScanRequest req;
  req.text = text;
  req.fields = fields;
  TheScanner().Scan(req, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].type, PiiType::kSsn);
  EXPECT_EQ(out[1].type, PiiType::kPhone);
  EXPECT_EQ(out[2].type, PiiType::kDob);
  EXPECT_EQ(out[2].canonical.Reveal(RevealPassForTests::Pass()), "1979-02-11");
}

TEST(Scanner, ReportsOnlyCandidatesBeginningInItsOwnRegion) {
  // Two chunks sharing an overlap find the SSN exactly once between them.
  std::string text = "aaaa SSN 412-63-7781 bbbb";
  size_t split = text.find("412") + 2;  // inside the token
  std::vector<Candidate> first, second;
  ScanRequest a;
  a.text = text;
  a.own_end = split;
  TheScanner().Scan(a, first);
  ScanRequest b;
  b.text = text;
  b.own_begin = split;
  TheScanner().Scan(b, second);
  EXPECT_EQ(first.size() + second.size(), 1u);
}

TEST(Labels, HeaderSynonyms) {
  auto labels = LabelTable::LoadEmbedded();
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ((*labels)->ForHeader("Social Security #"), Label::kSsn);
  EXPECT_EQ((*labels)->ForHeader("SocSecNo"), Label::kSsn);
  EXPECT_EQ((*labels)->ForHeader("Date of Birth"), Label::kDob);
  EXPECT_EQ((*labels)->ForHeader("Member ID"), Label::kHealthId);
  EXPECT_EQ((*labels)->ForHeader("patient_ssn"), Label::kSsn);
  EXPECT_EQ((*labels)->ForHeader("first_name"), Label::kFirstName);
  EXPECT_EQ((*labels)->ForHeader("Comments"), Label::kNone);
}

// Scan() appends: what the vector held stays as it was, and the new candidates come in
// text order, each with its span and value (built in place, digits gathered on the stack).
TEST(ScannerOutput, AppendsInTextOrder) {
  const std::string first = "SSN 412-63-7781";
  const std::string second =
      "card 4111 1111 1111 1111, phone +1 573-882-4410, (314) 362-0187, mail dana@example.org, SSN 529-18-3306";
  std::vector<Candidate> out;
  ScanRequest req;
  req.text = first;
  TheScanner().Scan(req, out);
  ASSERT_EQ(out.size(), 1u);
  req.text = second;
  TheScanner().Scan(req, out);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].type, PiiType::kSsn);
  EXPECT_EQ(out[0].begin, 4u);
  std::vector<std::string> values;
  for (size_t i = 1; i < out.size(); ++i) {
    if (i > 1) EXPECT_LT(out[i - 1].begin, out[i].begin);
    EXPECT_LT(out[i].begin, out[i].end);
    EXPECT_LE(out[i].end, second.size());
    values.push_back(std::string(TypeName(out[i].type)) + ":" + out[i].canonical.Reveal(RevealPassForTests::Pass()));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"credit_card:4111111111111111", "phone:5738824410", "phone:3143620187",
                                              "email:dana@example.org", "ssn:529183306"}));
  EXPECT_EQ(second.substr(out[2].begin, out[2].end - out[2].begin), "+1 573-882-4410");
  EXPECT_EQ(second.substr(out[3].begin, out[3].end - out[3].begin), "(314) 362-0187");
}

}  // namespace
}  // namespace breachscope::detect
