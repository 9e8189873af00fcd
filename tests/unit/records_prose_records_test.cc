// Prose records: where one person's record ends in running text. A second, different
// name, SSN or DOB starts a new record; a repeat of the record's own name does not
// (a letter names its addressee several times). The two meet in forms of namesakes:
// "RENÉE Y. MUÑOZ" then "Renée Muñoz" — the second name repeats the first (same
// canonical name), and only the DOB on its line tells that it is someone else. The
// name must go with that DOB, or every later form is shifted by one record.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/pii_type.h"
#include "records/unit_processor.h"
#include "test_engine.h"

namespace breachscope::records {
namespace {

struct Row {
  std::string type;
  uint32_t record;
};

std::vector<Row> Records(const std::string& text) {
  UnitInput in;
  in.text = text;
  in.format = Format::kText;
  UnitOutput out;
  testing_engine::TheProcessor().Process(in, out);
  std::vector<Row> rows;
  for (const auto& f : out.findings) rows.push_back({std::string(TypeName(f.candidate.type)), f.candidate.record});
  return rows;
}

// The record of the n-th finding of `type` (0-based).
uint32_t RecordOf(const std::vector<Row>& rows, const std::string& type, int n) {
  for (const auto& r : rows)
    if (r.type == type && n-- == 0) return r.record;
  ADD_FAILURE() << "no finding " << type << " #" << n;
  return UINT32_MAX;
}

TEST(ProseRecords, NamesakeFormsDoNotShiftLaterForms) {
  const std::string text =
      "=== Intake 2022-05-06 ===\n"
      "Patient: RENÉE Y. MUÑOZ    DOB: 05/21/1955\n"
      "SSN: 877 85 0218  |  Phone: 504.663.3724\n"
      "Reason for visit: statement copy service.\n"
      "\n"
      "=== Intake 2022-07-07 ===\n"
      "Patient: Renée Muñoz    DOB: 11/25/1962\n"
      "SSN: 215 66 5233  |  Phone: 505.829.3965\n"
      "Reason for visit: enrollment.\n"
      "\n"
      "=== Intake 2022-01-15 ===\n"
      "Patient: KATHRYN FLORES    DOB: 07/13/1998\n"
      "SSN: 587 01 3291  |  Phone: 573.586.6916\n"
      "Reason for visit: benefits meeting.\n";
  auto rows = Records(text);
  for (int form = 0; form < 3; ++form) {
    uint32_t r = RecordOf(rows, "name", form);
    EXPECT_EQ(RecordOf(rows, "dob", form), r) << "form " << form;
    EXPECT_EQ(RecordOf(rows, "ssn", form), r) << "form " << form;
    EXPECT_EQ(RecordOf(rows, "phone", form), r) << "form " << form;
  }
  EXPECT_NE(RecordOf(rows, "name", 0), RecordOf(rows, "name", 1));
  EXPECT_NE(RecordOf(rows, "name", 1), RecordOf(rows, "name", 2));
}

TEST(ProseRecords, ARosterLineWhoseNameIsMissedDoesNotShiftTheNextLines) {
  // Line 2 has no name (withheld); its SSN and DOB open a nameless
  // record. Line 3's name must not join that record: its own SSN follows on its line.
  const std::string text =
      "Name: Albert Nichols  |  SSN: 585 64 5787  |  DOB: 02/05/1995\n"
      "Name: (withheld)  |  SSN: 685 56 1146  |  DOB: 02/12/1975\n"
      "Name: Lefèvre, Søren  |  SSN: 165949288  |  DOB: 01/21/2006\n"
      "Name: Brandon Castro  |  SSN: 443661259  |  DOB: 06/03/1978\n";
  auto rows = Records(text);
  // Names found: Albert Nichols, Søren Lefèvre, Brandon Castro (SSNs and DOBs: four each).
  EXPECT_EQ(RecordOf(rows, "name", 0), RecordOf(rows, "ssn", 0));
  EXPECT_EQ(RecordOf(rows, "name", 1), RecordOf(rows, "ssn", 2));
  EXPECT_EQ(RecordOf(rows, "name", 1), RecordOf(rows, "dob", 2));
  EXPECT_EQ(RecordOf(rows, "name", 2), RecordOf(rows, "ssn", 3));
  EXPECT_NE(RecordOf(rows, "ssn", 1), RecordOf(rows, "name", 1)) << "the nameless line stays nameless";
}

// Every finding of `text` is in one record.
void ExpectOneRecord(const std::string& text) {
  auto rows = Records(text);
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) EXPECT_EQ(r.record, rows.front().record) << r.type;
}

TEST(ProseRecords, ALetterNamingItsAddresseeTwiceIsOneRecord) {
  const std::string text =
      "Renée Muñoz\n"
      "1208 Maple Avenue\n"
      "Columbia, MO 65201\n"
      "\n"
      "Dear Renée Muñoz,\n"
      "Your record (date of birth 05/21/1955, SSN 877-85-0218) was in the files.\n";
  ExpectOneRecord(text);
}

TEST(ProseRecords, ALetterWithALongFirstParagraphIsOneRecord) {
  // Notification letters put the addressee on top and the identifiers a paragraph
  // or two further down (here 450 characters of text in between).
  std::string filler;
  while (filler.size() < 450) filler += "We are writing to tell you about an incident at our office. ";
  const std::string text = "Dennis J. James\n992 Creek Lane\nBoston, MA 02108-6137\n\nDear Dennis James,\n\n" + filler +
                           "\n\nThe records involved included your Social Security number (SSN: 042-74-8110) "
                           "and your date of birth (02/18/1971).\n";
  ExpectOneRecord(text);
}

TEST(ProseRecords, AnAttributeAfterTheFirstPersonOnASharedLineStaysWithThem) {
  // Two people on one line: the second name conflicts; the first person's phone, which
  // comes before it, is not a repeat of a name and stays in the first record.
  const std::string text =
      "Employee Kathryn Flores, SSN 587-01-3291, phone 573-586-6916; employee Denise Tucker, SSN "
      "162-65-3641.\n";
  auto rows = Records(text);
  EXPECT_EQ(RecordOf(rows, "phone", 0), RecordOf(rows, "ssn", 0));
  EXPECT_NE(RecordOf(rows, "ssn", 0), RecordOf(rows, "ssn", 1));
}

}  // namespace
}  // namespace breachscope::records
