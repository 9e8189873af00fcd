// Tests of the X12 reader (records/x12.h): delimiters from ISA, person records by loop,
// qualified elements, code systems, locations, and robustness. The expected values were
// read by hand from the sample files (tests/fixtures/x12/, copies of the LinuxForHealth
// samples in ../shared/samples/external/x12/, and hand-made files from make.sh).
#include "records/x12.h"

#include <gtest/gtest.h>

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
#include "detect/scanner.h"
#include "model/pii_type.h"
#include "records/format.h"
#include "records/unit_processor.h"
#include "detect/name_lexicon.h"

#include "test_reveal.h"
#include "test_x12.h"

namespace breachscope::records {
namespace {

namespace fs = std::filesystem;
using testing_files::ReadFile;
using testing_engine::Lex;
using testing_engine::TheScanner;

std::string Value(const Candidate& c) { return c.canonical.Reveal(RevealPassForTests::Pass()); }

const fs::path kFixtures = fs::path(BS_SOURCE_DIR) / "tests/fixtures/x12";
const fs::path kSamples = fs::path(BS_SHARED_DIR) / "samples/external/x12/linuxforhealth";

// One person record, as read back from the candidates.
struct Person {
  std::string name, first, last, dob, state, street, zip;
  std::set<std::string> health_ids, mbis, ssns, phones, emails, diagnoses;  // diagnoses: "icd9:034.0"
  std::set<std::string> loops;
};

std::vector<Person> People(const X12Result& r) {
  std::vector<Person> people(r.records);
  for (const auto& c : r.candidates) {
    EXPECT_LT(c.record, r.records);
    if (c.record >= r.records) continue;
    Person& p = people[c.record];
    p.loops.insert(c.location.loop);
    std::string v = Value(c);
    switch (c.type) {
      case PiiType::kName:
        EXPECT_TRUE(p.name.empty()) << "two names in one record: " << p.name << " / " << v;
        p.name = v;
        p.first = c.contact->first;
        p.last = c.contact->last;
        break;
      case PiiType::kDob: p.dob = v; break;
      case PiiType::kAddress:
        p.state = c.contact->state;
        p.street = c.contact->street;
        p.zip = c.contact->zip;
        break;
      case PiiType::kHealthId: p.health_ids.insert(v); break;
      case PiiType::kMbi: p.mbis.insert(v); break;
      case PiiType::kSsn: p.ssns.insert(v); break;
      case PiiType::kPhone: p.phones.insert(v); break;
      case PiiType::kEmail: p.emails.insert(v); break;
      case PiiType::kDiagnosis: p.diagnoses.insert(std::string(c.code_system) + ":" + v); break;
      default: ADD_FAILURE() << "unexpected type " << TypeName(c.type);
    }
  }
  return people;
}

X12Result Read(std::string_view text) {
  X12Result r;
  ReadX12(text, TheScanner(), r);
  return r;
}

const Person* Find(const std::vector<Person>& people, std::string_view name) {
  for (const auto& p : people)
    if (p.name == name) return &p;
  return nullptr;
}

// ---------------------------------------------------------------- delimiters

TEST(X12Isa, ReadsDelimitersFromTheFixedHeader) {
  auto d = ReadIsa(
      "ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240105*1200*^*00501*000000101*0*P*:~");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->element, '*');
  EXPECT_EQ(d->component, ':');
  EXPECT_EQ(d->repetition, '^');
  EXPECT_EQ(d->segment, '~');
  auto e = ReadIsa(ReadFile(kFixtures / "member-address.834"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->element, '|');
  EXPECT_EQ(e->component, '>');
  EXPECT_EQ(e->repetition, '^');
  EXPECT_EQ(e->segment, '~');
  // 4010: ISA11 is the standards id 'U', not a repetition separator.
  auto f = ReadIsa(
      "ISA*00*          *00*          *ZZ*SUBMITTERID    *ZZ*RECEIVERID     *240105*1200*U*00401*000000101*0*P*:~");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->repetition, 0);
}

TEST(X12Isa, RejectsWhatIsNotAnIsaHeader) {
  EXPECT_FALSE(ReadIsa(""));
  EXPECT_FALSE(ReadIsa("ISA*00*"));
  EXPECT_FALSE(ReadIsa(std::string("ISA") + std::string(200, 'x')));
  EXPECT_FALSE(LooksLikeX12("ISA is an abbreviation of many things, like Individual Savings Account, and more."
                            "                                                                            "));
  EXPECT_TRUE(LooksLikeX12("\xEF\xBB\xBF\r\n" + ReadFile(kFixtures / "linuxforhealth/demo.837")));
  EXPECT_EQ(SniffFormat("claims.txt", ReadFile(kFixtures / "linuxforhealth/demo.837")), Format::kX12);
  EXPECT_EQ(SniffFormat("claims.dat", "ISA is not enough\n"), Format::kText);
  EXPECT_EQ(FormatDecoderName(Format::kX12), "x12");
}

// ---------------------------------------------------------------- the samples, by hand

// demo.837 (5010 837P): subscriber JANE SMITH (HL 22, member id), patient TED SMITH
// (HL 23, address in Miami FL, DOB 1973-05-01) who has the claim's ICD-9 diagnoses.
TEST(X12Samples, Demo837SubscriberAndPatient) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/demo.837"));
  EXPECT_TRUE(r.problems.empty());
  auto people = People(r);
  ASSERT_EQ(people.size(), 2u);
  const Person& jane = people[0];
  EXPECT_EQ(jane.name, "jane smith");
  EXPECT_EQ(jane.first, "JANE");
  EXPECT_EQ(jane.last, "SMITH");
  EXPECT_EQ(jane.health_ids, std::set<std::string>{"JS00111223333"});
  EXPECT_TRUE(jane.dob.empty());
  EXPECT_TRUE(jane.diagnoses.empty());
  const Person& ted = people[1];
  EXPECT_EQ(ted.name, "ted smith");
  EXPECT_EQ(ted.dob, "1973-05-01");
  EXPECT_EQ(ted.state, "FL");
  EXPECT_EQ(ted.zip, "33413");
  EXPECT_EQ(ted.street, "236 N MAIN ST");
  EXPECT_EQ(ted.diagnoses, (std::set<std::string>{"icd9:034.0", "icd9:V73.89"}));
  EXPECT_TRUE(ted.health_ids.empty());
}

// The segment numbers and loops of demo.837, counted by hand (ISA = 1).
TEST(X12Samples, Demo837SegmentsAndLoops) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/demo.837"));
  std::vector<std::tuple<std::string, std::string, uint64_t, std::string>> got;
  for (const auto& c : r.candidates)
    got.emplace_back(std::string(TypeName(c.type)), Value(c), c.location.segment, c.location.loop);
  std::vector<std::tuple<std::string, std::string, uint64_t, std::string>> want = {
      {"name", "jane smith", 19, "2010BA"},   {"health_id", "JS00111223333", 19, "2010BA"},
      {"name", "ted smith", 24, "2010CA"},    {"address", "236 n main st, 33413", 25, "2010CA"},
      {"dob", "1973-05-01", 27, "2010CA"},    {"diagnosis", "034.0", 30, "2300"},
      {"diagnosis", "V73.89", 30, "2300"},
  };
  EXPECT_EQ(got, want);
  // Spans point at the values.
  std::string text = ReadFile(kFixtures / "linuxforhealth/demo.837");
  for (const auto& c : r.candidates) {
    std::string_view s = std::string_view(text).substr(c.begin, c.end - c.begin);
    switch (c.type) {
      case PiiType::kName: EXPECT_EQ(s, c.record == 0 ? "SMITH*JANE" : "SMITH*TED"); break;
      case PiiType::kDob: EXPECT_EQ(s, "19730501"); break;
      case PiiType::kHealthId: EXPECT_EQ(s, "JS00111223333"); break;
      case PiiType::kDiagnosis: EXPECT_TRUE(s == "0340" || s == "V7389") << s; break;
      case PiiType::kAddress: EXPECT_TRUE(s.starts_with("236 N MAIN ST") && s.ends_with("33413")) << s; break;
      default: ADD_FAILURE() << TypeName(c.type);
    }
  }
  ASSERT_EQ(r.record_spans.size(), 2u);
  EXPECT_LT(r.record_spans[0].second, r.record_spans[1].first);
}

// demo.834: one member, JOHN P DOE, PA, with phones; his "SSN" 123456789 is the
// universal placeholder and is not reported as an ssn, REF*1L (group) is not an id.
TEST(X12Samples, Demo834Member) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/demo.834"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 1u);
  const Person& john = people[0];
  EXPECT_EQ(john.name, "john doe");
  EXPECT_EQ(john.dob, "1940-08-16");
  EXPECT_EQ(john.state, "PA");
  EXPECT_EQ(john.street, "100 MARKET ST APT 30");
  EXPECT_EQ(john.zip, "17011");
  EXPECT_TRUE(john.ssns.empty());
  EXPECT_EQ(john.health_ids, std::set<std::string>{"123456789"});  // REF*0F subscriber number
  EXPECT_EQ(john.phones, (std::set<std::string>{"7172343334", "7172341240"}));
  EXPECT_TRUE(john.loops.count("2000") && john.loops.count("2100A"));
}

// 4010 837I: the subscriber LANCE D BOZARTH and the patient MAGGIE B BOZARTH, both in
// Columbia MO, each with an SSN under REF*SY; the patient has the ICD-9 diagnosis.
TEST(X12Samples, Institutional4010WithSsns) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/institutional-ppo-repriced.837"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].name, "lance bozarth");
  EXPECT_EQ(people[0].health_ids, std::set<std::string>{"32762113503"});
  EXPECT_EQ(people[0].ssns, std::set<std::string>{"327621135"});
  EXPECT_EQ(people[0].state, "MO");
  EXPECT_EQ(people[0].zip, "65202");
  EXPECT_TRUE(people[0].diagnoses.empty());
  EXPECT_EQ(people[1].name, "maggie bozarth");
  EXPECT_EQ(people[1].dob, "1969-11-25");
  EXPECT_EQ(people[1].ssns, std::set<std::string>{"329524430"});
  EXPECT_EQ(people[1].state, "MO");
  EXPECT_EQ(people[1].diagnoses, std::set<std::string>{"icd9:643.03"});
}

// demo.837i: the subscriber JON T DOE is the patient (HL 22 with no child) and has the
// diagnoses; JANE S DOE, the other subscriber of the claim (2330A), is a second record.
TEST(X12Samples, Institutional5010OtherSubscriber) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/demo.837i"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].name, "jon doe");
  EXPECT_EQ(people[0].dob, "1926-11-11");
  EXPECT_EQ(people[0].state, "PA");
  EXPECT_EQ(people[0].health_ids, std::set<std::string>{"030005074A"});
  // BK/BF are ICD-9; BH (occurrence), BE (value), BG (condition) codes are not diagnoses.
  EXPECT_EQ(people[0].diagnoses, (std::set<std::string>{"icd9:366.9", "icd9:401.9", "icd9:794.31"}));
  EXPECT_EQ(people[1].name, "jane doe");
  EXPECT_EQ(people[1].health_ids, std::set<std::string>{"222004433"});
  EXPECT_EQ(people[1].state, "PA");
  EXPECT_EQ(people[1].loops, std::set<std::string>{"2330A"});
  EXPECT_TRUE(people[1].diagnoses.empty());
  // The attending physician JOHN J JONES (NM1*71) is not a record.
  EXPECT_EQ(Find(people, "john jones"), nullptr);
}

// demo.835: two claims, each patient with a HICN under HN: a health_id, never an ssn.
TEST(X12Samples, Demo835HicnIsNotAnSsn) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/demo.835"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].name, "sam jones");
  EXPECT_EQ(people[0].health_ids, std::set<std::string>{"666666666A"});
  EXPECT_EQ(people[1].name, "liz border");
  EXPECT_EQ(people[1].health_ids, std::set<std::string>{"996669999B"});
  for (const auto& p : people) EXPECT_TRUE(p.ssns.empty());
  // The payer's and payee's N1 addresses are not people's.
  for (const auto& p : people) EXPECT_TRUE(p.street.empty());
}

// claim-level-status.276: three subscribers (FRED SMITH, MARY JONES, JOHN MANN) and one
// dependent (JOSEPH MANN); DMG comes before NM1 in 2000D/2000E.
TEST(X12Samples, ClaimStatus276) {
  X12Result r = Read(ReadFile(kFixtures / "linuxforhealth/claim-level-status.276"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 4u);
  EXPECT_EQ(people[0].name, "fred smith");
  EXPECT_EQ(people[0].dob, "1930-12-10");
  EXPECT_EQ(people[0].health_ids, std::set<std::string>{"123456789A"});
  EXPECT_EQ(people[1].name, "mary jones");
  EXPECT_EQ(people[1].dob, "1930-11-15");
  EXPECT_EQ(people[2].name, "john mann");
  EXPECT_EQ(people[2].health_ids, std::set<std::string>{"345678901"});
  EXPECT_TRUE(people[2].dob.empty());
  EXPECT_EQ(people[3].name, "joseph mann");
  EXPECT_EQ(people[3].dob, "1995-11-01");
  EXPECT_EQ(people[3].loops, (std::set<std::string>{"2000E", "2100E"}));
}

// ---------------------------------------------------------------- hand-made files

TEST(X12HandMade, Icd10OneLineClaim) {
  std::string text = ReadFile(kFixtures / "icd10-oneline.837");
  ASSERT_EQ(text.find('\n'), std::string::npos);
  X12Result r = Read(text);
  EXPECT_TRUE(r.problems.empty());
  auto people = People(r);
  ASSERT_EQ(people.size(), 1u);  // providers, payer and submitter are not people
  const Person& p = people[0];
  EXPECT_EQ(p.name, "rosalind quintero");
  EXPECT_EQ(p.dob, "1982-03-17");
  EXPECT_EQ(p.ssns, std::set<std::string>{"412551234"});
  EXPECT_EQ(p.health_ids, std::set<std::string>{"DCN48291736"});
  EXPECT_EQ(p.street, "4410 HICKORY HOLLOW LN APT 2B");
  EXPECT_EQ(p.state, "MO");
  EXPECT_EQ(p.zip, "65109");
  EXPECT_EQ(p.phones, std::set<std::string>{"5736624410"});
  // The NTE note's SSN and e-mail come from the generic scanner, in the patient's record.
  EXPECT_EQ(p.emails, (std::set<std::string>{"rquintero@example.org", "r.q@example.net"}));
  EXPECT_EQ(p.diagnoses, (std::set<std::string>{"icd10:E11.9", "icd10:I10", "icd10:S82.61XA"}));
  for (const auto& c : r.candidates) {
    if (c.type == PiiType::kDiagnosis) {
      EXPECT_EQ(c.location.loop, "2300");
      EXPECT_EQ(c.location.segment, 25u);
      EXPECT_STREQ(c.code_system, "icd10");
    }
    if (c.type == PiiType::kSsn || c.type == PiiType::kEmail) {
      EXPECT_TRUE(c.location.segment == 19u || c.location.segment == 20u || c.location.segment == 26u)
          << c.location.segment;
    }
    if (c.location.segment != 26u) {
      EXPECT_GE(c.confidence, c.type == PiiType::kName ? 0.9f : 0.95f);
    }
  }
  size_t ssns = 0;
  for (const auto& c : r.candidates) {
    if (c.type != PiiType::kSsn) continue;
    ++ssns;
    EXPECT_EQ(c.location.loop, c.location.segment == 26u ? "2300" : "2010BA");
  }
  EXPECT_EQ(ssns, 2u);
  // The rendering provider DANIEL OKAFOR (NM1*82*1, a person) is not a breach subject.
  EXPECT_EQ(Find(people, "daniel okafor"), nullptr);
}

TEST(X12HandMade, EnrolmentWithOtherDelimitersAndCrLf) {
  X12Result r = Read(ReadFile(kFixtures / "member-address.834"));
  EXPECT_TRUE(r.problems.empty());
  auto people = People(r);
  ASSERT_EQ(people.size(), 3u);
  const Person& emil = people[0];
  EXPECT_EQ(emil.name, "emil brandt");
  EXPECT_EQ(emil.ssns, std::set<std::string>{"512443389"});
  EXPECT_EQ(emil.health_ids, std::set<std::string>{"M00012345"});  // REF*0F; REF*1L is a group number
  EXPECT_EQ(emil.dob, "1975-09-04");
  EXPECT_EQ(emil.phones, (std::set<std::string>{"3145557788", "3142268811"}));
  // Two addresses: residence (2100A) and mailing (2100C); the last one read is kept here.
  EXPECT_EQ(emil.state, "MO");
  EXPECT_TRUE(emil.loops.count("2100A") && emil.loops.count("2100C"));
  size_t addresses = 0;
  for (const auto& c : r.candidates) addresses += c.type == PiiType::kAddress && c.record == 0;
  EXPECT_EQ(addresses, 2u);
  const Person& sophie = people[1];
  EXPECT_EQ(sophie.name, "sophie brandt");
  EXPECT_EQ(sophie.dob, "2011-05-22");
  EXPECT_EQ(sophie.health_ids, (std::set<std::string>{"M00012345", "M00012345B"}));
  const Person& helena = people[2];
  EXPECT_EQ(helena.name, "helena vance");
  EXPECT_EQ(helena.street, "12 LAKE ST");
  EXPECT_EQ(helena.loops, std::set<std::string>{"2100F"});
}

TEST(X12HandMade, MedicareRemittanceMbiAndInsured) {
  X12Result r = Read(ReadFile(kFixtures / "medicare.835"));
  auto people = People(r);
  ASSERT_EQ(people.size(), 3u);
  EXPECT_EQ(people[0].name, "alma fenwick");
  EXPECT_EQ(people[0].mbis, std::set<std::string>{"1EG4TE5MK73"});
  EXPECT_EQ(people[1].name, "otto fenwick");
  EXPECT_EQ(people[1].health_ids, std::set<std::string>{"412551234A"});
  EXPECT_TRUE(people[1].ssns.empty());  // the HICN's SSN may be the insured's
  EXPECT_EQ(people[2].name, "greta fenwick");
  EXPECT_EQ(people[2].health_ids, std::set<std::string>{"G55501234"});
}

// ---------------------------------------------------------------- layouts of the same file

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::vector<std::string> Summary(const X12Result& r) {
  std::vector<std::string> out;
  for (const auto& c : r.candidates)
    out.push_back(std::string(TypeName(c.type)) + "=" + Value(c) + "@" + std::to_string(c.location.segment) + "/" +
                  c.location.loop + "#" + std::to_string(c.record));
  return out;
}

TEST(X12Layouts, OneLineNewlinesAndOtherDelimitersReadTheSame) {
  const std::string lines = ReadFile(kFixtures / "linuxforhealth/demo.837");
  const std::string one_line = Replace(lines, "\n", "");
  const std::string crlf = Replace(lines, "~\n", "~\r\n");
  // The newline itself as the terminator (ISA's 106th character).
  const std::string newline_terminated = Replace(lines, "~\n", "\n");
  // Other delimiters: '|' elements, '>' components, '^' stays the repetition separator.
  std::string other = Replace(Replace(lines, "*", "|"), ":~", ">~");
  other = Replace(Replace(other, "BK:", "BK>"), "BF:", "BF>");
  const auto want = Summary(Read(lines));
  ASSERT_EQ(want.size(), 7u);
  EXPECT_EQ(Summary(Read(one_line)), want);
  EXPECT_EQ(Summary(Read(crlf)), want);
  EXPECT_EQ(Summary(Read(newline_terminated)), want);
  EXPECT_EQ(Summary(Read(other)), want);
  // The single-line 270 sample gives the same as its multi-line twin.
  EXPECT_EQ(Summary(Read(ReadFile(kFixtures / "linuxforhealth/demo-single-line.270"))),
            Summary(Read(ReadFile(kSamples / "demo-file/demo.270"))));
}

// A later chunk of a big file starts mid-segment with no ISA: delimiters are inferred,
// segments before own_begin only set the loop state, and segment numbers are unknown (0).
TEST(X12Layouts, ChunkWithoutIsa) {
  const std::string text = ReadFile(kFixtures / "linuxforhealth/demo.837");
  size_t cut = text.find("RVICE*****XX");  // inside the billing provider's NM1
  size_t own = text.find("HL*3*2*23");     // own region: the patient's loop on
  ASSERT_NE(cut, std::string::npos);
  std::string_view chunk = std::string_view(text).substr(cut);
  X12Result r;
  ReadX12(chunk, TheScanner(), r, X12Region{own - cut, chunk.size()});
  auto people = People(r);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].name, "ted smith");
  EXPECT_EQ(people[0].dob, "1973-05-01");
  EXPECT_EQ(people[0].diagnoses.size(), 2u);
  for (const auto& c : r.candidates) EXPECT_EQ(c.location.segment, 0u);
  EXPECT_TRUE(r.problems.empty());
}

// ---------------------------------------------------------------- every sample

// Every subscriber/patient of every claim, enrolment, remittance, eligibility and status
// sample is a record with a name or an id; diagnoses are ICD-9 (the samples have no
// ICD-10); no provider or payer name is a person; record spans are ordered.
TEST(X12Samples, EverySampleFile) {
  ASSERT_TRUE(fs::exists(kSamples)) << kSamples;
  size_t files = 0, records = 0;
  std::set<std::string> provider_names = {"ben kildare", "marcus jones", "john jones", "theodore zeuss",
                                          "harold nordstrum", "vincent lombardo", "mack donald", "bruno moglie",
                                          "jack henzes", "jim hendrix", "marcus welby", "larry wilson",
                                          "randall wilson", "jacob townsend", "susan anthony", "dawn rivers",
                                          "simon johnson", "judy jones", "jackie blue", "david greene",
                                          "sam sweettooth", "lee bryht", "bernard brown"};
  for (const auto& entry : fs::recursive_directory_iterator(kSamples)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    std::string text = ReadFile(entry.path());
    ASSERT_TRUE(LooksLikeX12(text));
    X12Result r = Read(text);
    EXPECT_TRUE(r.problems.empty());
    ++files;
    records += r.records;
    auto people = People(r);
    const bool error_reply = name.find("error") != std::string::npos ||
                             name.find("information-receiver-level-status.277") != std::string::npos;
    if (!error_reply) {
      EXPECT_GE(people.size(), 1u);
    }
    for (const auto& p : people) {
      EXPECT_TRUE(!p.name.empty() || !p.health_ids.empty() || !p.dob.empty());
      EXPECT_FALSE(provider_names.count(p.name)) << p.name;
      for (const auto& d : p.diagnoses) EXPECT_TRUE(d.starts_with("icd9:")) << d;
      if (!p.street.empty()) {
        EXPECT_EQ(p.state.size(), 2u) << p.street;
      }
    }
    for (size_t i = 1; i < r.record_spans.size(); ++i)
      EXPECT_LE(r.record_spans[i - 1].second, r.record_spans[i].first);
    uint64_t last_begin = 0;
    for (const auto& c : r.candidates) {
      EXPECT_GE(c.begin, last_begin);
      last_begin = c.begin;
      EXPECT_GT(c.location.segment, 0u);
      EXPECT_FALSE(c.location.loop.empty());
      EXPECT_LE(c.end, text.size());
    }
  }
  EXPECT_EQ(files, 70u);
  EXPECT_GE(records, 100u);
}

// ---------------------------------------------------------------- big texts in chunks

// Each finding as type, value, segment, loop, absolute offset and (with_record) global
// record number: what a whole read and a chunked read must agree on.
void Flatten(const X12Result& r, uint64_t offset, uint32_t record_base, bool with_record,
             std::vector<std::string>& out) {
  for (const auto& c : r.candidates) {
    std::string k = std::string(TypeName(c.type)) + "=" + Value(c) + "@" + std::to_string(c.location.segment) + "/" +
                    c.location.loop + "#" + std::to_string(offset + c.begin);
    if (with_record) k += "r" + std::to_string(record_base + c.record);
    out.push_back(std::move(k));
  }
}

// The first place two finding lists differ ("" when equal): shorter failure messages.
std::string FirstDifference(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  for (size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    std::string g = i < got.size() ? got[i] : "(none)", w = i < want.size() ? want[i] : "(none)";
    if (g != w) return "at " + std::to_string(i) + ": got " + g + ", want " + w;
  }
  return "";
}

struct Chunked {
  std::vector<std::string> findings;
  size_t chunks = 0;
  uint32_t records = 0;
  size_t problems = 0;
};

// Reads `text` as the scan reads a big file: windows of `chunk` bytes after 256 bytes of
// lookback, each cut where X12ChunkEnd says (a window with no cut grows), one X12State.
Chunked ReadInChunks(std::string_view text, size_t chunk, bool force, bool with_record) {
  Chunked out;
  X12State st;
  const uint64_t n = text.size();
  uint64_t pos = 0;
  size_t want = chunk;
  while (pos < n) {
    const uint64_t ctx = pos > 256 ? pos - 256 : 0;
    const uint64_t wend = std::min<uint64_t>(n, pos + want);
    std::string_view w = text.substr(ctx, wend - ctx);
    uint64_t own_end = w.size();
    if (wend < n) {
      own_end = X12ChunkEnd(w, pos - ctx, st, force);
      if (own_end == pos - ctx) {
        want += chunk;
        continue;
      }
    }
    X12Result r;
    ReadX12(w, TheScanner(), r, X12Region{pos - ctx, own_end}, &st);
    Flatten(r, ctx, out.records, with_record, out.findings);
    out.records += r.records;
    out.problems += r.problems.size();
    ++out.chunks;
    pos = ctx + own_end;
    want = chunk;
  }
  return out;
}

// A big X12 text read in chunks of many sizes gives exactly the whole read: the same
// findings at the same offsets with the same segment numbers (counted from the first
// ISA through later interchanges whose delimiters differ), loops and records.
TEST(X12BigText, ChunkedReadIsTheWholeRead) {
  const auto gen = testing_x12::Generate(kFixtures, 300);
  X12Result whole = Read(gen.text);
  ASSERT_TRUE(whole.problems.empty()) << whole.problems[0].message();
  std::vector<std::string> want;
  Flatten(whole, 0, 0, true, want);
  // Sanity of the whole read: every generated person is a record, the fixtures add theirs.
  EXPECT_GE(whole.records, gen.subscribers + gen.patients);
  ASSERT_GT(want.size(), 3000u);
  uint64_t max_segment = 0;
  for (const auto& c : whole.candidates) max_segment = std::max(max_segment, c.location.segment);
  EXPECT_GT(max_segment, 5000u);  // numbers continue through the later interchanges
  for (size_t chunk : {1500u, 4096u, 7001u, 65536u}) {
    SCOPED_TRACE(chunk);
    Chunked got = ReadInChunks(gen.text, chunk, /*force=*/false, /*with_record=*/true);
    EXPECT_GT(got.chunks, gen.text.size() / chunk / 2);
    EXPECT_EQ(got.records, whole.records);
    EXPECT_EQ(got.problems, 0u);
    EXPECT_EQ(FirstDifference(got.findings, want), "");
  }
}

// Cut anywhere (windows too small to hold a person's loop, forced cuts at segment
// boundaries): records may then split, but no finding is lost or doubled and segment
// numbers and loops stay those of the whole read.
TEST(X12BigText, ForcedCutsKeepSegmentsAndLoops) {
  const auto gen = testing_x12::Generate(kFixtures, 40);
  std::vector<std::string> want;
  Flatten(Read(gen.text), 0, 0, false, want);
  Chunked got = ReadInChunks(gen.text, 90, /*force=*/true, /*with_record=*/false);
  EXPECT_GT(got.chunks, gen.text.size() / 200);
  EXPECT_EQ(FirstDifference(got.findings, want), "");
}

TEST(X12BigText, ChunkEndIsBeforeAPersonsLoop) {
  const std::string text = ReadFile(kFixtures / "linuxforhealth/demo.837");
  X12State fresh;
  // Up to the patient's DMG: the last loop opened is the patient's HL.
  const std::string_view head = std::string_view(text).substr(0, text.find("DMG*D8*1973"));
  EXPECT_EQ(X12ChunkEnd(head, 0, fresh, false), text.find("HL*3*2*23"));
  // From past that HL, nothing opens a loop: no cut, unless forced (then the last
  // segment start that does not follow an N3).
  const uint64_t from = text.find("PAT*19");
  EXPECT_EQ(X12ChunkEnd(head, from, fresh, false), from);
  // (The reader must know the delimiters: a fresh state finds the ISA at the start only.)
  X12State st;
  X12Result r;
  ReadX12(std::string_view(text).substr(0, from), TheScanner(), r, X12Region{}, &st);
  ASSERT_TRUE(st.active);
  EXPECT_EQ(st.transaction, "837");
  EXPECT_EQ(X12ChunkEnd(head, from, st, false), from);
  // Forced: the patient's N3 (its N4 follows an N3, and an address is not cut in two).
  EXPECT_EQ(X12ChunkEnd(head, from, st, true), text.find("N3*236 N MAIN ST"));
  // INS opens a loop in an 834 only; CLP in an 835 only.
  const std::string enrol = ReadFile(kFixtures / "member-address.834");
  const uint64_t ins = enrol.rfind("INS|");
  ASSERT_NE(ins, std::string::npos);
  EXPECT_EQ(X12ChunkEnd(std::string_view(enrol).substr(0, ins + 10), 0, fresh, false), ins);
  const std::string remit = ReadFile(kFixtures / "medicare.835");
  const uint64_t clp = remit.rfind("CLP*");
  ASSERT_NE(clp, std::string::npos);
  EXPECT_EQ(X12ChunkEnd(std::string_view(remit).substr(0, clp + 10), 0, fresh, false), clp);
}

// ---------------------------------------------------------------- robustness

TEST(X12Robustness, GarbageAndTruncationDoNotCrash) {
  const std::string good = ReadFile(kFixtures / "linuxforhealth/demo.837");
  for (size_t n = 0; n <= good.size(); n += 7) {
    X12Result r = Read(std::string_view(good).substr(0, n));
    for (const auto& c : r.candidates) EXPECT_LE(c.end, n);
  }
  X12Result none = Read("hello world, this is not X12 at all");
  EXPECT_TRUE(none.candidates.empty());
  ASSERT_EQ(none.problems.size(), 1u);
  EXPECT_EQ(none.problems[0].code(), StatusCode::kCorrupt);
  // Truncated mid-segment: what was read stays, the cut is a problem.
  X12Result cut = Read(std::string_view(good).substr(0, good.find("DMG*D8*1973") + 9));
  EXPECT_FALSE(cut.problems.empty());
  EXPECT_EQ(People(cut).size(), 2u);
  // Wrong delimiters: an ISA whose separators are letters is not an ISA.
  std::string wrong = Replace(good, "*", "A");
  X12Result w = Read(wrong);
  EXPECT_TRUE(w.candidates.empty());
  EXPECT_FALSE(w.problems.empty());
  // Binary noise, separators only, a huge element count.
  std::string noise;
  for (int i = 0; i < 5000; ++i) noise.push_back(static_cast<char>((i * 7919) & 0xff));
  (void)Read(noise);
  (void)Read(good.substr(0, 106) + std::string(10000, '*') + "~" + std::string(5000, '~'));
  (void)Read(good.substr(0, 106) + "HL*1**23~NM1*QC*1*A*B~HI*ABK:~HI*:::*ABK~N4*X~N3~DMG*D8*99999999~");
}

// ---------------------------------------------------------------- through the unit processor

TEST(X12UnitProcessor, RecordsAndLocations) {
  auto labels = detect::LabelTable::LoadEmbedded();
  auto lex = detect::NameLexicon::LoadEmbedded();
  ASSERT_TRUE(labels.ok() && lex.ok());
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  UnitProcessor up(scanner, **lex, ProcessorOptions{});
  const std::string text = ReadFile(kFixtures / "linuxforhealth/institutional-ppo-repriced.837");
  UnitInput in;
  in.text = text;
  in.format = Format::kX12;
  in.decoders = {"x12"};
  UnitOutput out;
  up.Process(in, out);
  EXPECT_EQ(out.records, 2u);
  std::map<uint32_t, std::set<std::string>> by_record;
  for (const auto& f : out.findings) {
    const Candidate& c = f.candidate;
    by_record[c.record].insert(std::string(TypeName(c.type)) + "=" + Value(c));
    EXPECT_GT(c.location.segment, 0u) << TypeName(c.type);
    EXPECT_FALSE(c.location.loop.empty());
    EXPECT_EQ(out.chains[f.chain], std::vector<std::string>{"x12"});
  }
  ASSERT_EQ(by_record.size(), 2u);
  EXPECT_TRUE(by_record[0].count("name=lance bozarth"));
  EXPECT_TRUE(by_record[0].count("ssn=327621135"));
  EXPECT_TRUE(by_record[1].count("name=maggie bozarth"));
  EXPECT_TRUE(by_record[1].count("dob=1969-11-25"));
  EXPECT_TRUE(by_record[1].count("diagnosis=643.03"));
  // Nothing from the providers (NPIs, EINs, the attending physician).
  for (auto& [r, s] : by_record)
    for (const auto& v : s) EXPECT_EQ(v.find("nordstrum"), std::string::npos);
}

// On every sample the unit processor reports exactly the reader's findings, in the
// reader's records: the generic scanner and the window name search add nothing.
TEST(X12UnitProcessor, SamplesGiveTheReadersFindings) {
  auto labels = detect::LabelTable::LoadEmbedded();
  auto lex = detect::NameLexicon::LoadEmbedded();
  ASSERT_TRUE(labels.ok() && lex.ok());
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  UnitProcessor up(scanner, **lex, ProcessorOptions{});
  for (const auto& entry : fs::recursive_directory_iterator(kSamples)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const std::string text = ReadFile(entry.path());
    X12Result r = Read(text);
    UnitInput in;
    in.text = text;
    in.format = Format::kX12;
    UnitOutput out;
    up.Process(in, out);
    std::vector<std::string> want, got;
    for (const auto& c : r.candidates)
      want.push_back(std::string(TypeName(c.type)) + "=" + Value(c) + "#" + std::to_string(c.record));
    for (const auto& f : out.findings)
      got.push_back(std::string(TypeName(f.candidate.type)) + "=" + Value(f.candidate) + "#" +
                    std::to_string(f.candidate.record));
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want);
    EXPECT_EQ(out.records, r.records);
  }
}

}  // namespace
}  // namespace breachscope::records
