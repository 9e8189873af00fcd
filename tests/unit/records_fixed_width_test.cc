// Tests of fixed-width records (records/fixed_width.h): layout files and their errors,
// which files a layout applies to, reading records with a layout (directly and through
// the unit processor), and inference of columns and types — including that prose, logs
// and source code are not taken for fixed-width. Fixtures: tests/fixtures/fixed/
// (make.sh); expected values are recomputed here from the fixture text by position and
// the contract validators, not copied from the reader's output.
#include "records/fixed_width.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "test_files.h"

#include "test_engine.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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

using ::testing::HasSubstr;

namespace fs = std::filesystem;
using testing_files::ReadFile;
using testing_engine::Lex;
using testing_engine::TheScanner;

using testing_engine::kToday;

std::string Value(const Candidate& c) { return c.canonical.Reveal(RevealPassForTests::Pass()); }

const fs::path kFixtures = fs::path(BS_SOURCE_DIR) / "tests/fixtures/fixed";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string l;
  while (std::getline(ss, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What one record yields, by type: canonical values (diagnoses "icd10:E11.9").
using Record = std::map<PiiType, std::multiset<std::string>>;

std::vector<Record> Records(const FixedResult& r) {
  std::vector<Record> out(r.record_spans.size());
  for (const auto& c : r.candidates) {
    EXPECT_LT(c.record, out.size());
    if (c.record >= out.size()) continue;
    std::string v = Value(c);
    if (c.type == PiiType::kDiagnosis) v = std::string(c.code_system) + ":" + v;
    out[c.record][c.type].insert(v);
  }
  return out;
}

FixedLayout ExtractLayout() {
  auto l = LoadLayoutFile(kFixtures / "extract.layout.json");
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  return *l;
}

// ---------------------------------------------------------------- layout files

TEST(FixedLayoutFile, ParsesFieldsWithOneBasedStarts) {
  FixedLayout l = ExtractLayout();
  EXPECT_EQ(l.record_length, 120u);
  ASSERT_EQ(l.fields.size(), 10u);
  EXPECT_EQ(l.fields[0].name, "SSN");
  EXPECT_EQ(l.fields[0].start, 0u);
  EXPECT_EQ(l.fields[0].length, 9u);
  EXPECT_EQ(l.fields[0].type, FieldType::kSsn);
  EXPECT_EQ(l.fields[1].type, FieldType::kLastName);
  EXPECT_EQ(l.fields[1].start, 9u);
  EXPECT_EQ(l.fields[3].type, FieldType::kDob);
  EXPECT_EQ(l.fields[9].type, FieldType::kIgnore);
  EXPECT_EQ(l.MaxRecordLength(), 120u);
  EXPECT_EQ(l.MinRecordLength(), 115u);  // the ZIP's first character; STATUS is ignored
  EXPECT_FALSE(l.inferred);
}

TEST(FixedLayoutFile, SortsFieldsAndReadsGlobsAndCodeSystems) {
  auto l = ParseLayout(R"({"files": ["a*.dat"], "fields": [
      {"name": "DX", "start": 11, "length": 6, "type": "diagnosis", "code_system": "icd9"},
      {"name": "ID", "start": 1, "length": 10, "type": "health_id"}]})");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->fields.size(), 2u);
  EXPECT_EQ(l->fields[0].name, "ID");
  EXPECT_STREQ(l->fields[1].code_system, "icd9");
  EXPECT_EQ(l->files, std::vector<std::string>{"a*.dat"});
  EXPECT_EQ(l->record_length, 0u);
  EXPECT_EQ(l->MaxRecordLength(), 16u);
}

// The error message of a layout that must not parse ("(parsed)" when it did).
std::string LayoutError(std::string_view text) {
  auto l = ParseLayout(text);
  return l.ok() ? "(parsed)" : l.status().message();
}

struct BadLayout {
  const char* json;
  const char* message;  // a part of the error message
};

class FixedLayoutErrors : public ::testing::TestWithParam<BadLayout> {};

TEST_P(FixedLayoutErrors, AreUsageErrorsNamingTheProblem) {
  auto l = ParseLayout(GetParam().json);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(l.status().message().find(GetParam().message), std::string::npos) << l.status().message();
  EXPECT_EQ(l.status().message().rfind("--layout: ", 0), 0u) << l.status().message();
}

const BadLayout kBad[] = {
    {R"({"fields": [})", "not valid JSON"},
    {"[1, 2]", "must be an object"},
    {"fields: [a\n  b: c", "not valid YAML or JSON (line "},
    {"{}", "\"fields\" is missing"},
    {R"({"fields": []})", "\"fields\" is empty"},
    {R"({"fields": {"name": "A"}})", "\"fields\" must be a list"},
    {R"({"fields": [{"start": 1, "length": 2, "type": "ssn"}]})", "field 1: \"name\" is missing"},
    {R"({"fields": [{"name": "A", "length": 2, "type": "ssn"}]})", "field 1 (A): \"start\" is missing"},
    {R"({"fields": [{"name": "A", "start": 1, "type": "ssn"}]})", "\"length\" is missing"},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9}]})", "\"type\" is missing"},
    {R"({"fields": [{"name": "A", "start": 0, "length": 9, "type": "ssn"}]})", "\"start\" must be an integer of at least 1"},
    {R"({"fields": [{"name": "A", "start": 1.5, "length": 9, "type": "ssn"}]})", "\"start\" must be an integer"},
    {R"({"fields": [{"name": "A", "start": 1, "length": -3, "type": "ssn"}]})", "\"length\" must be an integer of at least 1"},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "social"}]})", "unknown type \"social\""},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn", "width": 3}]})", "unknown key \"width\""},
    {R"({"recordlength": 9, "fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn"}]})",
     "unknown key \"recordlength\""},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn"},
                    {"name": "B", "start": 9, "length": 4, "type": "text"}]})",
     "fields \"A\" and \"B\" overlap (1-9 and 9-12)"},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn"},
                    {"name": "A", "start": 10, "length": 4, "type": "text"}]})",
     "two fields are called \"A\""},
    {R"({"record_length": 10, "fields": [{"name": "A", "start": 5, "length": 9, "type": "ssn"}]})",
     "ends at 13, past \"record_length\" 10"},
    {R"({"record_length": 0, "fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn"}]})",
     "\"record_length\" must be an integer of at least 1"},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "ignore"}]})", "every field is \"ignore\""},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn", "code_system": "icd9"}]})",
     "only for diagnosis fields"},
    {R"({"fields": [{"name": "A", "start": 1, "length": 9, "type": "diagnosis", "code_system": "icd11"}]})",
     "\"code_system\" must be \"icd9\" or \"icd10\""},
    {R"({"files": "*.dat", "fields": [{"name": "A", "start": 1, "length": 9, "type": "ssn"}]})",
     "\"files\" must be a list"},
    {R"({"fields": [{"name": "  ", "start": 1, "length": 9, "type": "ssn"}]})", "\"name\" must be a non-empty string"},
};

INSTANTIATE_TEST_SUITE_P(All, FixedLayoutErrors, ::testing::ValuesIn(kBad));

void BlockStyle(YAML::Node node) {
  if (node.IsMap() || node.IsSequence()) node.SetStyle(YAML::EmitterStyle::Block);
  if (node.IsMap())
    for (auto kv : node) BlockStyle(kv.second);
  if (node.IsSequence())
    for (auto item : node) BlockStyle(item);
}

// The same bad layouts written as block-style YAML (yaml-cpp's emitter) give the same
// error messages: one validator reads both formats. (The first ones are not layouts in
// either format, or not mappings.)
TEST(FixedLayoutFile, YamlErrorsAreTheJsonErrors) {
  size_t compared = 0;
  for (const BadLayout& bad : kBad) {
    YAML::Node node;
    try {
      node = YAML::Load(bad.json);
    } catch (const YAML::Exception&) {
      continue;
    }
    if (!node.IsMap() || node.size() == 0) continue;  // ({} is "{}" in any style)
    BlockStyle(node);
    const std::string yaml = YAML::Dump(node);
    ASSERT_NE(yaml.front(), '{') << yaml;
    auto from_json = ParseLayout(bad.json);
    auto from_yaml = ParseLayout(yaml);
    ASSERT_FALSE(from_json.ok());
    ASSERT_FALSE(from_yaml.ok()) << yaml;
    EXPECT_EQ(from_yaml.status().message(), from_json.status().message()) << yaml;
    ++compared;
  }
  EXPECT_GE(compared, std::size(kBad) - 4);
}

// YAML scalars are typed as YAML 1.2 says: a quoted "12" is a string (so not a start),
// 012 the integer 12, 1.0 a float, globs and code systems plain or quoted strings.
TEST(FixedLayoutFile, YamlScalarTyping) {
  auto ok = ParseLayout(
      "files: ['claims_*.dat', \"*.txt\"]\n"
      "fields:\n"
      "  - {name: ID, start: 012, length: +4, type: health_id}\n"
      "  - {name: '7', start: 1, length: 10, type: text}\n"
      "  - {name: DX, start: 17, length: 6, type: diagnosis, code_system: icd10}\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->fields.size(), 3u);
  EXPECT_EQ(ok->fields[0].name, "7");
  EXPECT_EQ(ok->fields[1].start, 11u);
  EXPECT_EQ(ok->fields[1].length, 4u);
  EXPECT_STREQ(ok->fields[2].code_system, "icd10");
  EXPECT_EQ(ok->files, (std::vector<std::string>{"claims_*.dat", "*.txt"}));
  // A plain 7 is a number, as in JSON: not a name.
  EXPECT_THAT(LayoutError("fields:\n  - {name: 7, start: 1, length: 4, type: ssn}\n"),
              HasSubstr("\"name\" must be a non-empty string"));
  EXPECT_THAT(LayoutError("fields:\n  - {name: A, start: '12', length: 4, type: ssn}\n"),
              HasSubstr("\"start\" must be an integer"));
  EXPECT_THAT(LayoutError("fields:\n  - {name: A, start: 1.0, length: 4, type: ssn}\n"),
              HasSubstr("\"start\" must be an integer"));
  EXPECT_THAT(LayoutError(""), HasSubstr("must be an object"));
}

TEST(FixedLayoutFile, MissingFileIsAUsageError) {
  auto l = LoadLayoutFile(kFixtures / "no-such-layout.json");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------- which files

TEST(FixedLayoutApplies, ByRecordLengthToPlainTextOnly) {
  FixedLayout l = ExtractLayout();
  std::string extract = ReadFile(kFixtures / "extract.dat");
  EXPECT_TRUE(LayoutApplies(l, "extract.dat", extract, Format::kText));
  EXPECT_TRUE(LayoutApplies(l, "exports.zip!extract.dat", extract, Format::kLog));
  // Lines with trailing spaces trimmed still fit (down to the last field's first character).
  std::string trimmed;
  for (auto& line : Lines(extract)) trimmed += Trim(line.substr(0, 117)) + "\n";
  EXPECT_TRUE(LayoutApplies(l, "extract.dat", trimmed, Format::kText));
  // Another format, or other line lengths: not this layout.
  EXPECT_FALSE(LayoutApplies(l, "extract.csv", extract, Format::kCsv));
  EXPECT_FALSE(LayoutApplies(l, "server.log", ReadFile(kFixtures / "server.log"), Format::kLog));
  EXPECT_FALSE(LayoutApplies(l, "README.md", ReadFile(fs::path(BS_SOURCE_DIR) / "README.md"), Format::kText));
}

TEST(FixedLayoutApplies, ByGlobWhateverTheContent) {
  auto l = LoadLayoutFile(kFixtures / "claims.layout.json");
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(LayoutApplies(*l, "claims.dat", "anything", Format::kText));
  EXPECT_TRUE(LayoutApplies(*l, "2023/claims_q4.dat", "x", Format::kCsv));
  EXPECT_TRUE(LayoutApplies(*l, "backup.zip!in/claims-01.dat", "x", Format::kText));
  EXPECT_FALSE(LayoutApplies(*l, "extract.dat", ReadFile(kFixtures / "claims.dat"), Format::kText));
  EXPECT_FALSE(LayoutApplies(*l, "claims.dat.bak", "x", Format::kText));
}

// ---------------------------------------------------------------- reading with a layout

// The extract's records, read by position from the fixture text and checked with the
// contract validators (two records carry invalid SSNs on purpose).
struct Expected {
  std::string ssn, name, dob, phone, address;
};

std::vector<Expected> ExpectedExtract() {
  std::vector<Expected> out;
  for (const auto& line : Lines(ReadFile(kFixtures / "extract.dat"))) {
    Expected e;
    std::string ssn = line.substr(0, 9);
    if (detect::IsValidSsn(ssn)) e.ssn = ssn;
    e.name = Lower(Trim(line.substr(29, 15))) + " " + Lower(Trim(line.substr(9, 20)));
    std::string d = line.substr(44, 8);
    e.dob = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    std::string phone = line.substr(52, 10);
    if (detect::IsValidNanpPhone(phone)) e.phone = phone;
    e.address = Lower(Trim(line.substr(62, 30))) + ", " + line.substr(114, 5);
    out.push_back(e);
  }
  return out;
}

void ExpectExtract(const std::vector<Record>& got) {
  auto want = ExpectedExtract();
  ASSERT_EQ(got.size(), want.size());
  size_t invalid_ssn = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i + 1));
    const Record& r = got[i];
    if (want[i].ssn.empty()) {
      ++invalid_ssn;
      EXPECT_EQ(r.count(PiiType::kSsn), 0u);
    } else {
      EXPECT_EQ(r.at(PiiType::kSsn), std::multiset<std::string>{want[i].ssn});
    }
    EXPECT_EQ(r.at(PiiType::kName), std::multiset<std::string>{want[i].name});
    EXPECT_EQ(r.at(PiiType::kDob), std::multiset<std::string>{want[i].dob});
    if (want[i].phone.empty())
      EXPECT_EQ(r.count(PiiType::kPhone), 0u);
    else
      EXPECT_EQ(r.at(PiiType::kPhone), std::multiset<std::string>{want[i].phone});
    EXPECT_EQ(r.at(PiiType::kAddress), std::multiset<std::string>{want[i].address});
    size_t total = 0;
    for (auto& [t, v] : r) total += v.size();
    EXPECT_EQ(total, 3u + !want[i].ssn.empty() + !want[i].phone.empty()) << "nothing else is reported";
  }
  EXPECT_EQ(invalid_ssn, 2u);
}

TEST(FixedLayoutFile, YamlAndJsonGiveTheSameLayoutAndFindings) {
  auto json = LoadLayoutFile(kFixtures / "extract.layout.json");
  auto yaml = LoadLayoutFile(kFixtures / "extract.layout.yaml");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  EXPECT_EQ(yaml->record_length, json->record_length);
  ASSERT_EQ(yaml->fields.size(), json->fields.size());
  for (size_t i = 0; i < json->fields.size(); ++i) {
    EXPECT_EQ(yaml->fields[i].name, json->fields[i].name);
    EXPECT_EQ(yaml->fields[i].start, json->fields[i].start);
    EXPECT_EQ(yaml->fields[i].length, json->fields[i].length);
    EXPECT_EQ(yaml->fields[i].type, json->fields[i].type);
  }
  const std::string text = ReadFile(kFixtures / "extract.dat");
  FixedResult a, b;
  ReadFixed(text, *json, TheScanner(), Lex(), a);
  ReadFixed(text, *yaml, TheScanner(), Lex(), b);
  ExpectExtract(Records(b));
  ASSERT_EQ(a.candidates.size(), b.candidates.size());
  for (size_t i = 0; i < a.candidates.size(); ++i) {
    EXPECT_EQ(a.candidates[i].type, b.candidates[i].type);
    EXPECT_EQ(a.candidates[i].begin, b.candidates[i].begin);
    EXPECT_EQ(a.candidates[i].location.column, b.candidates[i].location.column);
  }
}

TEST(FixedRead, ExtractWithLayoutGivesEachRecordsValues) {
  std::string text = ReadFile(kFixtures / "extract.dat");
  FixedResult r;
  ReadFixed(text, ExtractLayout(), TheScanner(), Lex(), r);
  ExpectExtract(Records(r));
  // Locations and contact parts.
  for (const auto& c : r.candidates) {
    EXPECT_LT(c.begin, c.end);
    EXPECT_LE(c.end, text.size());
    EXPECT_GE(c.begin, r.record_spans[c.record].first);
    EXPECT_LE(c.end, r.record_spans[c.record].second);
    switch (c.type) {
      case PiiType::kSsn: EXPECT_EQ(c.location.column, "SSN"); break;
      case PiiType::kDob: EXPECT_EQ(c.location.column, "DOB"); break;
      case PiiType::kPhone: EXPECT_EQ(c.location.column, "PHONE"); break;
      case PiiType::kName:
        EXPECT_EQ(c.location.column, "FIRST");
        ASSERT_TRUE(c.contact);
        EXPECT_FALSE(c.contact->last.empty());
        break;
      case PiiType::kAddress:
        EXPECT_EQ(c.location.column, "STREET");
        ASSERT_TRUE(c.contact);
        EXPECT_EQ(c.contact->state.size(), 2u);
        EXPECT_FALSE(c.contact->city.empty());
        break;
      default: ADD_FAILURE() << "unexpected " << TypeName(c.type);
    }
  }
}

TEST(FixedRead, ClaimsWithFullNamesMmddyyyyDatesAndCodes) {
  std::string text = ReadFile(kFixtures / "claims.dat");
  auto layout = LoadLayoutFile(kFixtures / "claims.layout.json");
  ASSERT_TRUE(layout.ok());
  FixedResult r;
  ReadFixed(text, *layout, TheScanner(), Lex(), r);
  auto got = Records(r);
  auto lines = Lines(text);
  ASSERT_EQ(got.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i + 1));
    const std::string& l = lines[i];
    EXPECT_EQ(got[i].at(PiiType::kHealthId), std::multiset<std::string>{l.substr(0, 12)});
    EXPECT_EQ(got[i].at(PiiType::kName), std::multiset<std::string>{Lower(Trim(l.substr(12, 30)))});
    std::string d = l.substr(42, 8);  // MMDDYYYY
    EXPECT_EQ(got[i].at(PiiType::kDob), std::multiset<std::string>{d.substr(4, 4) + "-" + d.substr(0, 2) + "-" + d.substr(2, 2)});
    std::multiset<std::string> dx;
    std::stringstream codes(l.substr(54, 16));
    for (std::string c; codes >> c;) dx.insert("icd10:" + detect::CanonicalIcd10(c));
    dx.insert("icd9:" + detect::CanonicalIcd9(Trim(l.substr(70, 6))));
    EXPECT_EQ(got[i].at(PiiType::kDiagnosis), dx);
    EXPECT_EQ(got[i].size(), 4u) << "the ignored filler and nothing else";
  }
}

TEST(FixedRead, OnlyLinesStartingInTheRegion) {
  std::string text = ReadFile(kFixtures / "extract.dat");
  auto lines = Lines(text);
  size_t second = lines[0].size() + 1, fourth = second + 2 * (lines[1].size() + 1);
  FixedResult r;
  ReadFixed(text, ExtractLayout(), TheScanner(), Lex(), r, FixedRegion{second + 5, fourth});
  ASSERT_EQ(r.record_spans.size(), 1u);  // line 3 only: line 2 starts before the region
  EXPECT_EQ(r.record_spans[0].first, second + lines[1].size() + 1);
}

TEST(FixedRead, ShortLongAndOddLinesDoNotBreakIt) {
  FixedLayout l = ExtractLayout();
  std::string text = "\n\n123\r\n" + std::string(500, 'x') + "\n" + "\xC3\xA9\xC3\xA9" + "078051120" + "\n";
  FixedResult r;
  ReadFixed(text, l, TheScanner(), Lex(), r);
  EXPECT_EQ(r.record_spans.size(), 3u);
  for (const auto& c : r.candidates) EXPECT_LE(c.end, text.size());
}

TEST(FixedRead, PositionsCountCharactersNotBytes) {
  // "José" takes 5 bytes; the SSN after a 10-character name field still starts at 11.
  auto l = ParseLayout(R"({"fields": [{"name": "N", "start": 1, "length": 10, "type": "text"},
                                       {"name": "S", "start": 11, "length": 9, "type": "ssn"}]})");
  ASSERT_TRUE(l.ok());
  std::string text = "Jos\xC3\xA9 Ruiz 412637781\n";
  FixedResult r;
  ReadFixed(text, *l, TheScanner(), Lex(), r);
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(Value(r.candidates[0]), "412637781");
  EXPECT_EQ(text.substr(r.candidates[0].begin, 9), "412637781");
}

TEST(FixedRead, ThroughTheUnitProcessorWithLinesAndRecords) {
  std::string text = ReadFile(kFixtures / "extract.dat");
  FixedLayout layout = ExtractLayout();
  UnitProcessor up(TheScanner(), Lex(), ProcessorOptions{});
  UnitInput in;
  in.text = text;
  in.format = Format::kFixed;
  in.layout = &layout;
  in.first_line = 1;
  in.decoders = {"fixed"};
  UnitOutput out;
  up.Process(in, out);
  auto lines = Lines(text);
  EXPECT_EQ(out.records, lines.size());
  std::vector<Record> by_line(lines.size());
  std::map<uint32_t, uint64_t> line_of_record;
  for (const auto& f : out.findings) {
    const Candidate& c = f.candidate;
    ASSERT_GE(c.location.line, 1u);
    ASSERT_LE(c.location.line, lines.size());
    EXPECT_EQ(out.chains[f.chain], std::vector<std::string>{"fixed"});
    auto [it, fresh] = line_of_record.emplace(c.record, c.location.line);
    EXPECT_EQ(it->second, c.location.line) << "one record per line";
    by_line[c.location.line - 1][c.type].insert(Value(c));
  }
  ExpectExtract(by_line);
  EXPECT_EQ(out.newlines, lines.size());
}

TEST(FixedRead, TheProcessorInfersALayoutWhenGivenNone) {
  std::string text = ReadFile(kFixtures / "extract.dat");
  UnitProcessor up(TheScanner(), Lex(), ProcessorOptions{});
  UnitInput in;
  in.text = text;
  in.format = Format::kFixed;
  UnitOutput out;
  up.Process(in, out);
  size_t ssns = 0;
  for (const auto& f : out.findings) ssns += f.candidate.type == PiiType::kSsn;
  EXPECT_EQ(ssns, 58u);
}

// ---------------------------------------------------------------- inference

TEST(FixedInfer, FindsTheColumnsAndTypesOfAGeneratedExtract) {
  auto l = InferLayout(ReadFile(kFixtures / "extract.dat"), Lex(), kToday);
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->inferred);
  EXPECT_EQ(l->record_length, 120u);
  std::map<FieldType, std::pair<uint32_t, uint32_t>> at;  // type -> (start, end), 0-based
  for (const auto& f : l->fields) {
    if (f.type != FieldType::kText) {
      EXPECT_TRUE(at.emplace(f.type, std::make_pair(f.start, f.end())).second);
    }
    EXPECT_EQ(f.name, std::to_string(f.start + 1) + "-" + std::to_string(f.end()));
  }
  using P = std::pair<uint32_t, uint32_t>;
  EXPECT_EQ(at[FieldType::kSsn], P(0, 9));
  EXPECT_EQ(at[FieldType::kLastName], P(9, 29));
  EXPECT_EQ(at[FieldType::kFirstName], P(29, 44));
  EXPECT_EQ(at[FieldType::kDob], P(44, 52));
  EXPECT_EQ(at[FieldType::kPhone], P(52, 62));
  EXPECT_EQ(at[FieldType::kStreet], P(62, 92));
  EXPECT_EQ(at[FieldType::kCity], P(92, 112));
  EXPECT_EQ(at[FieldType::kState], P(112, 114));
  EXPECT_EQ(at[FieldType::kZip], P(114, 119));
  // Read with it, the extract gives what its layout file gives.
  FixedResult r;
  std::string text = ReadFile(kFixtures / "extract.dat");
  ReadFixed(text, *l, TheScanner(), Lex(), r);
  ExpectExtract(Records(r));
}

TEST(FixedInfer, SeparatedColumnsAndDashedValues) {
  // Space-separated columns, dashed SSNs, ISO dates, formatted phones; a header line.
  std::vector<std::string> first = {"James", "Mary",  "Robert", "Linda",   "Michael", "Susan", "David",
                                    "Karen", "Brian", "Nancy",  "Charles", "Lisa",    "Kevin"};
  std::vector<std::string> last = {"Smith",  "Johnson", "Brown",  "Miller", "Davis", "Wilson", "Moore",
                                   "Taylor", "Clark",   "Harris", "Lewis",  "Young", "Allen"};
  std::string text = "LAST       FIRST      SSN          BIRTH       PHONE           \n";
  for (int i = 0; i < 40; ++i) {
    char ssn[16], dob[16], phone[24];
    std::snprintf(ssn, sizeof ssn, "%03d-%02d-%04d", 101 + i * 17, 10 + i, 1000 + i * 211);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 1950 + i * 7 % 60, 1 + i % 12, 1 + i % 28);
    std::snprintf(phone, sizeof phone, "(573) %03d-%04d", 220 + i, 1000 + i * 37);
    auto pad = [](std::string s, size_t n) { return s + std::string(n - s.size(), ' '); };
    text += pad(last[i % 13], 11) + pad(first[(i * 5) % 13], 11) + pad(ssn, 13) + pad(dob, 12) + pad(phone, 16) + "\n";
  }
  auto l = InferLayout(text, Lex(), kToday);
  ASSERT_TRUE(l);
  std::set<FieldType> types;
  for (const auto& f : l->fields) types.insert(f.type);
  for (FieldType t : {FieldType::kSsn, FieldType::kDob, FieldType::kPhone, FieldType::kFirstName, FieldType::kLastName})
    EXPECT_TRUE(types.count(t)) << FieldTypeName(t);
  EXPECT_TRUE(l->header_line);
  // The title line is not a record.
  FixedResult r;
  ReadFixed(text, *l, TheScanner(), Lex(), r);
  EXPECT_EQ(r.record_spans.size(), 40u);
  size_t ssns = 0;
  for (const auto& c : r.candidates) ssns += c.type == PiiType::kSsn;
  EXPECT_EQ(ssns, 40u);
}

TEST(FixedInfer, RejectsProseLogsAndCode) {
  const fs::path root(BS_SOURCE_DIR);
  for (const fs::path& p :
       {root / "README.md", root / "LICENSE", root / "src/records/unit_processor.cc", root / "src/detect/scanner.cc",
        root / "data/header_synonyms.tsv", kFixtures / "server.log", kFixtures / "headerless.csv"}) {
    SCOPED_TRACE(p.string());
    std::string text = ReadFile(p);
    ASSERT_FALSE(text.empty());
    EXPECT_FALSE(InferLayout(text.substr(0, 65536), Lex(), kToday));
    EXPECT_EQ(ChooseFixedLayout(p.filename().string(), text.substr(0, 65536), Format::kText, nullptr, Lex(), kToday),
              nullptr);
  }
}

TEST(FixedInfer, ACardListIsNotPackedDigitFields) {
  // 16-digit Visa numbers, one per line (Luhn completed): read as fixed-width they gave
  // an "SSN" in columns 1-9 of every line; they are one column of cards.
  std::string text;
  uint64_t x = 88172645463325252u;
  for (int i = 0; i < 40; ++i) {
    std::string d = "4";
    for (int k = 0; k < 14; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      d += static_cast<char>('0' + x % 10);
    }
    for (char c = '0'; c <= '9'; ++c)
      if (detect::IsValidCard(d + c)) {
        d += c;
        break;
      }
    ASSERT_EQ(d.size(), 16u);
    text += d + "\n";
  }
  EXPECT_FALSE(InferLayout(text, Lex(), kToday));
}

TEST(FixedInfer, RejectsAlignedTablesWithoutPersonalColumns) {
  // An aligned report of equal-length lines (codes, counts, amounts): fixed-width in
  // shape, but nothing in it is typed as a person's data, so it stays text.
  std::string text;
  for (int i = 0; i < 50; ++i) {
    char line[80];
    std::snprintf(line, sizeof line, "SKU%05d  WIDGET-%02d  %6d  %9.2f  WAREHOUSE-%c\n", i * 7, i % 13, i * 31 % 977,
                  i * 13.37, 'A' + i % 5);
    text += line;
  }
  EXPECT_FALSE(InferLayout(text, Lex(), kToday));
}

TEST(FixedInfer, NeedsTwentyLinesOfOneLength) {
  auto lines = Lines(ReadFile(kFixtures / "extract.dat"));
  std::string few;
  for (size_t i = 0; i < 15; ++i) few += lines[i] + "\n";
  EXPECT_FALSE(InferLayout(few, Lex(), kToday));
  // Lines of many lengths (every third one cut short).
  std::string ragged;
  for (size_t i = 0; i < lines.size(); ++i) ragged += (i % 3 == 0 ? lines[i].substr(0, 60 + i % 7) : lines[i]) + "\n";
  EXPECT_FALSE(InferLayout(ragged, Lex(), kToday));
}

TEST(FixedInfer, OrderNumbersInAFixedFileAreNotSsns) {
  // 9-digit order numbers most of which fail the SSA rules (9xx), next to names.
  auto lines = Lines(ReadFile(kFixtures / "extract.dat"));
  std::string text;
  for (size_t i = 0; i < lines.size(); ++i) {
    char order[16];
    std::snprintf(order, sizeof order, "9%08zu", 12345678 + i * 7919);
    text += std::string(order) + lines[i].substr(9) + "\n";
  }
  auto l = InferLayout(text, Lex(), kToday);
  if (l) {
    for (const auto& f : l->fields) EXPECT_NE(f.type, FieldType::kSsn) << f.name;
  }
}

TEST(FixedChoose, GivenLayoutFirstThenInference) {
  auto given = std::make_shared<const FixedLayout>(ExtractLayout());
  std::string extract = ReadFile(kFixtures / "extract.dat");
  EXPECT_EQ(ChooseFixedLayout("extract.dat", extract, Format::kText, given, Lex(), kToday), given);
  auto inferred = ChooseFixedLayout("extract.dat", extract, Format::kText, nullptr, Lex(), kToday);
  ASSERT_NE(inferred, nullptr);
  EXPECT_TRUE(inferred->inferred);
  // Sniffed as another format: neither.
  EXPECT_EQ(ChooseFixedLayout("extract.json", extract, Format::kJson, given, Lex(), kToday), nullptr);
}

}  // namespace
}  // namespace breachscope::records
