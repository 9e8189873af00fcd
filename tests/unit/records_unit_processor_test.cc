// records::UnitProcessor grouping: which findings form one record.
#include "records/unit_processor.h"

#include <gtest/gtest.h>

#include "test_engine.h"

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

}  // namespace
}  // namespace breachscope::records
