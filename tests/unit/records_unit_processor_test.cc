// records::UnitProcessor grouping: which findings form one record.
#include "records/unit_processor.h"

#include <gtest/gtest.h>

#include "test_engine.h"
#include "test_reveal.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/pii_type.h"

namespace breachscope::records {
namespace {

// type name -> the records its findings are in, and the number of findings.
struct Grouped {
  std::map<std::string, std::vector<uint32_t>> records;
  uint32_t record_count = 0;
};

Grouped Process(const std::string& text, Format format) {
  UnitInput in;
  in.text = text;
  in.format = format;
  UnitOutput out;
  testing_engine::TheProcessor().Process(in, out);
  Grouped g;
  g.record_count = out.records;
  for (const auto& f : out.findings) g.records[std::string(TypeName(f.candidate.type))].push_back(f.candidate.record);
  return g;
}

TEST(UnitProcessorJson, NestedObjectsBelongToTheirParentsRecord) {
  // An address, a card and a licence nested under a person are that person's.
  Grouped g = Process(R"({"people": [{"name": "Jane Public", "ssn": "412-63-7781",
      "address": {"street": "12 Elm Street", "city": "Columbia", "state": "MO", "zip": "65201"},
      "payment": {"card": {"number": "4111111111111111"}}}]})",
                      Format::kJson);
  ASSERT_EQ(g.records["ssn"].size(), 1u);
  ASSERT_EQ(g.records["address"].size(), 1u);
  ASSERT_EQ(g.records["credit_card"].size(), 1u);
  EXPECT_EQ(g.records["address"][0], g.records["ssn"][0]);
  EXPECT_EQ(g.records["credit_card"][0], g.records["ssn"][0]);
  EXPECT_EQ(g.record_count, 1u);
}

TEST(UnitProcessorJson, ListsOfScalarsAreReadOnce) {
  Grouped g = Process(R"({"name": "Jane Public", "phones": ["573-882-4410", "314-362-0187"]})", Format::kJson);
  EXPECT_EQ(g.records["phone"].size(), 2u);  // once each, not again as a list of their own
  EXPECT_EQ(std::set<uint32_t>(g.records["phone"].begin(), g.records["phone"].end()).size(), 1u);
}

TEST(UnitProcessorJson, ObjectsInAnArrayAreRecordsOfTheirOwn) {
  Grouped g = Process(R"({"employer": "Example District", "staff": [
      {"name": "Jane Public", "ssn": "412-63-7781"},
      {"name": "Marcus Whitfield", "ssn": "529-18-3306", "dependents": [{"name": "Ana Whitfield", "dob": "2011-05-22"}]}]})",
                      Format::kJson);
  ASSERT_EQ(g.records["ssn"].size(), 2u);
  EXPECT_NE(g.records["ssn"][0], g.records["ssn"][1]);
  ASSERT_EQ(g.records["dob"].size(), 1u);
  EXPECT_NE(g.records["dob"][0], g.records["ssn"][1]);  // a dependent is another person
}

TEST(UnitProcessorProse, ALettersParagraphsAreOneRecord) {
  Grouped g = Process(
      "Jane Public\n12 Elm Street\nColumbia, MO 65201\n\nDear Jane Public,\n\n"
      "We write about an incident involving your Social Security number 412-63-7781.\n",
      Format::kText);
  ASSERT_EQ(g.records["ssn"].size(), 1u);
  ASSERT_EQ(g.records["address"].size(), 1u);
  EXPECT_EQ(g.records["address"][0], g.records["ssn"][0]);
  for (uint32_t r : g.records["name"]) EXPECT_EQ(r, g.records["ssn"][0]);
}

TEST(UnitProcessorProse, AnotherPersonStartsAnotherRecord) {
  Grouped g = Process("Name: Jane Public\nSSN: 412-63-7781\n\nName: Marcus Whitfield\nSSN: 529-18-3306\n",
                      Format::kText);
  ASSERT_EQ(g.records["ssn"].size(), 2u);
  EXPECT_NE(g.records["ssn"][0], g.records["ssn"][1]);
  ASSERT_EQ(g.records["name"].size(), 2u);
  EXPECT_EQ(g.records["name"][0], g.records["ssn"][0]);
  EXPECT_EQ(g.records["name"][1], g.records["ssn"][1]);
}

TEST(UnitProcessorCsv, EachRowIsARecord) {
  Grouped g = Process("name,ssn\nJane Public,412-63-7781\nMarcus Whitfield,529-18-3306\n", Format::kCsv);
  ASSERT_EQ(g.records["ssn"].size(), 2u);
  EXPECT_NE(g.records["ssn"][0], g.records["ssn"][1]);
  ASSERT_EQ(g.records["name"].size(), 2u);
  EXPECT_EQ(g.records["name"][0], g.records["ssn"][0]);
}

// Everything a finding carries, in one line each (compared in memory, never written).
std::vector<std::string> Dump(const std::string& text, Format format) {
  UnitInput in;
  in.text = text;
  in.format = format;
  UnitOutput out;
  testing_engine::TheProcessor().Process(in, out);
  std::vector<std::string> lines;
  for (const auto& f : out.findings) {
    const Candidate& c = f.candidate;
    lines.push_back(std::string(TypeName(c.type)) + " " + std::to_string(c.begin) + "-" + std::to_string(c.end) +
                    " r" + std::to_string(c.record) + " l" + std::to_string(c.location.line) + " c" +
                    c.location.column + " o" + std::to_string(c.location.offset) + " ch" + std::to_string(f.chain) +
                    " " + std::to_string(c.confidence) + " " + c.canonical.Reveal(RevealPassForTests::Pass()) +
                    (c.contact ? " " + c.contact->first + "|" + c.contact->last + "|" + c.contact->street + "|" +
                                     c.contact->city + "|" + c.contact->state + "|" + c.contact->zip
                               : ""));
  }
  lines.push_back("records " + std::to_string(out.records) + " newlines " + std::to_string(out.newlines) +
                  " runs " + std::to_string(out.decoded_runs));
  return lines;
}

const char kCsv[] =
    "first_name,last_name,ssn,street,city,state,zip,phone\n"
    "Jane,Public,412-63-7781,1207 Elm Street,Columbia,MO,65201,573-882-4410\n"
    "Marcus,Whitfield,529-18-3306,88 Lake View Drive,Minneapolis,MN,55455,314-362-0187\n";
// A log line holding a base64 run: "Patient SSN 412-63-7781, phone 573-882-4410, email ...".
const char kLog[] =
    "2024-03-01T10:00:00Z INFO intake ssn=529-18-3306 user Dana Whitfield\n"
    "2024-03-01T10:00:01Z INFO blob=UGF0aWVudCBTU04gNDEyLTYzLTc3ODEsIHBob25lIDU3My04ODItNDQxMCwgZW1haWwgZGFuYS53aGl0ZmllbGRAZXhhbXBsZS5vcmc=\n";
const char kLetter[] =
    "Dear Dana Whitfield,\n\nYour SSN 412-63-7781 and card 4111 1111 1111 1111 were exposed.\n"
    "1207 Elm Street, Columbia, MO 65201\n\nMarcus Public, SSN 529-18-3306, phone (573) 882-4410\n";

// Buffers are kept per thread from unit to unit (and a decoded run's unit runs inside its
// parent's): what ran before must not change what a unit yields.
TEST(UnitProcessorReuse, SameFindingsWhateverRanBefore) {
  const auto csv = Dump(kCsv, Format::kCsv);
  const auto log = Dump(kLog, Format::kLog);
  const auto letter = Dump(kLetter, Format::kText);
  // A large unit in between grows every buffer.
  std::string big = "first_name,last_name,ssn,street,city,state,zip,phone\n";
  for (int i = 0; i < 3000; ++i) big += "Jane,Public,412-63-7781,1207 Elm Street,Columbia,MO,65201,573-882-4410\n";
  const auto big_dump = Dump(big, Format::kCsv);
  EXPECT_EQ(big_dump.size(), 3000u * 4u + 1u);  // ssn, phone, name, address per row, and the totals line
  EXPECT_EQ(Dump(kLetter, Format::kText), letter);
  EXPECT_EQ(Dump(kLog, Format::kLog), log);
  EXPECT_EQ(Dump(kCsv, Format::kCsv), csv);
  EXPECT_EQ(Dump(big, Format::kCsv), big_dump);
  EXPECT_EQ(Dump(kCsv, Format::kCsv), csv);
}

TEST(UnitProcessorReuse, DecodedRunFindingsAreLocatedInTheirRun) {
  const auto log = Dump(kLog, Format::kLog);
  int decoded = 0, plain = 0;
  for (const auto& l : log) {
    if (l.find(" ch0 ") != std::string::npos) ++plain;
    else if (l.starts_with("records")) continue;
    else ++decoded;
  }
  EXPECT_GE(decoded, 3);  // ssn, phone, email from the run
  EXPECT_GE(plain, 1);    // the first line's SSN
  EXPECT_NE(log.back().find(" runs 1"), std::string::npos) << log.back();
}

TEST(UnitProcessorCsv, FindingsAreLocatedByLineAndColumn) {
  UnitInput in;
  std::string text = kCsv;
  in.text = text;
  in.format = Format::kCsv;
  UnitOutput out;
  testing_engine::TheProcessor().Process(in, out);
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> at;
  for (const auto& f : out.findings)
    at[std::string(TypeName(f.candidate.type))].emplace_back(f.candidate.location.line, f.candidate.location.column);
  using Loc = std::vector<std::pair<uint64_t, std::string>>;
  EXPECT_EQ(at["ssn"], (Loc{{2, "C"}, {3, "C"}}));
  EXPECT_EQ(at["phone"], (Loc{{2, "H"}, {3, "H"}}));
  EXPECT_EQ(at["name"], (Loc{{2, "A"}, {3, "A"}}));
  EXPECT_EQ(at["address"], (Loc{{2, "D"}, {3, "D"}}));
  EXPECT_EQ(out.records, 2u);
  EXPECT_EQ(out.newlines, 3u);
}

}  // namespace
}  // namespace breachscope::records
