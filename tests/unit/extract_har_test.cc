// HAR extraction: which files are HARs, one member per response body (base64 bodies
// decoded, formats from MIME types) and per request's query/post data, errors and
// budgets; then the DESE-style page of the fixture through the unit processor: the
// SSN in the script's base64 record and the one in the __VIEWSTATE are both found.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "extract/collecting_sink.h"
#include "extract/extractor.h"
#include "extract/registry.h"
#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "records/format.h"
#include "records/unit_processor.h"

#include "test_reveal.h"

namespace breachscope::extract {
namespace {

using extract::CollectingSink;

std::string Fixture() {
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/tests/fixtures/decode/educator_search.har", std::ios::binary);
  EXPECT_TRUE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status ExtractHar(std::string_view bytes, CollectingSink& sink, std::string_view name = "session.har") {
  const Extractor* har = HarExtractor();
  EXPECT_NE(har, nullptr);
  Source src{bytes, name, nullptr};
  return har->Extract(src, sink);
}

TEST(HarExtractor, AcceptsHarsByNameOrContent) {
  const Extractor* har = HarExtractor();
  ASSERT_NE(har, nullptr);
  EXPECT_EQ(har->name(), "har");
  EXPECT_TRUE(har->Accepts("capture.HAR", ""));
  EXPECT_TRUE(har->Accepts("export.json", "\xEF\xBB\xBF{\n  \"log\": {\"version\": \"1.2\", \"entries\": ["));
  EXPECT_FALSE(har->Accepts("data.json", "{\"users\": [{\"name\": \"x\"}]}"));
  EXPECT_FALSE(har->Accepts("notes.txt", "log entries follow"));
  EXPECT_EQ(FindExtractor("capture.har", Fixture().substr(0, 4096)), har);
}

TEST(HarExtractor, OneMemberPerBodyAndPerRequestData) {
  CollectingSink sink;
  ASSERT_TRUE(ExtractHar(Fixture(), sink).ok());
  EXPECT_TRUE(sink.errors.empty());
  ASSERT_EQ(sink.members.size(), 5u);
  const auto& page = sink.members[0];
  EXPECT_EQ(page.name, "https://dese.example.gov/EducatorSearch/Details.aspx?id=88123");
  EXPECT_EQ(page.decoders, std::vector<std::string>{"har"});
  EXPECT_EQ(page.format, "html");
  EXPECT_NE(page.data.find("__VIEWSTATE"), std::string::npos);
  const auto& query = sink.members[1];
  EXPECT_EQ(query.name, page.name);
  EXPECT_EQ(query.format, "text");
  EXPECT_EQ(query.data, "id=88123");
  const auto& api = sink.members[2];
  EXPECT_EQ(api.name, "https://dese.example.gov/EducatorSearch/api/search");
  EXPECT_EQ(api.format, "json");
  EXPECT_TRUE(api.data.starts_with("{\"results\""));  // decoded from content.encoding base64
  const auto& post = sink.members[3];
  EXPECT_EQ(post.format, "text");
  EXPECT_EQ(post.data, "lastName=Oyelaran&ssn=529%2D44%2D9023&dob=1979%2D02%2D11");
  const auto& png = sink.members[4];
  EXPECT_EQ(png.format, "");  // binary: sniffed by the scan
  EXPECT_TRUE(png.data.starts_with("\x89PNG"));
}

TEST(HarExtractor, BadInputIsAnErrorNotACrash) {
  CollectingSink sink;
  Status s = ExtractHar("{\"log\": {\"entries\": [", sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  s = ExtractHar("{\"log\": {\"version\": \"1.2\"}}", sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  // A body that claims base64 and is not: that member is an error, the others are read.
  std::string har = R"({"log": {"entries": [
    {"request": {"url": "https://a.example/x"}, "response": {"content": {"mimeType": "text/plain", "encoding": "base64", "text": "%%%not base64%%%"}}},
    {"request": {"url": "https://a.example/y"}, "response": {"content": {"mimeType": "text/plain", "text": "hello"}}},
    {"request": {}, "response": {"content": {"text": 17}}},
    "not an entry"
  ]}})";
  CollectingSink sink2;
  ASSERT_TRUE(ExtractHar(har, sink2).ok());
  ASSERT_EQ(sink2.errors.size(), 1u);
  EXPECT_EQ(sink2.errors[0].member, "https://a.example/x");
  EXPECT_EQ(sink2.errors[0].reason, StatusCode::kCorrupt);
  ASSERT_EQ(sink2.members.size(), 1u);
  EXPECT_EQ(sink2.members[0].data, "hello");
}

TEST(HarExtractor, BudgetsAreRespected) {
  // The sink stops the extraction.
  CollectingSink stop;
  stop.stop_after = 2;
  EXPECT_EQ(ExtractHar(Fixture(), stop).code(), StatusCode::kLimit);
  EXPECT_EQ(stop.members.size(), 2u);
  // Member count.
  Budget few;
  few.max_members = 3;
  CollectingSink counted(few);
  EXPECT_EQ(ExtractHar(Fixture(), counted).code(), StatusCode::kLimit);
  EXPECT_EQ(counted.members.size(), 3u);
  // Bodies over the in-memory limit go through a temporary file; HARs over four times it are refused.
  Budget small;
  small.max_member_in_memory = 2048;
  small.temp_dir = ::testing::TempDir();
  CollectingSink filed(small);
  std::string body(5000, 'x');
  body += " SSN 412-63-7781";
  std::string har = R"({"log": {"entries": [{"request": {"url": "https://a.example/big"}, "response": {"content": {"mimeType": "text/plain", "text": ")" +
                    body + "\"}}}]}}";
  ASSERT_TRUE(ExtractHar(har, filed).ok());
  ASSERT_EQ(filed.members.size(), 1u);
  EXPECT_EQ(filed.file_backed, 1u);
  EXPECT_EQ(filed.members[0].data, body);
  Budget tiny;
  tiny.max_member_in_memory = 1024;
  CollectingSink refused(tiny);
  EXPECT_EQ(ExtractHar(Fixture(), refused).code(), StatusCode::kLimit);
  EXPECT_TRUE(refused.members.empty());
}

// ------------------------------------------------------------------ the page, scanned
struct Engine {
  std::shared_ptr<const detect::NameLexicon> lexicon;
  std::unique_ptr<detect::Scanner> scanner;
  std::unique_ptr<records::UnitProcessor> processor;
};

const Engine& TheEngine() {
  static const Engine* e = [] {
    auto* eng = new Engine;
    auto labels = detect::LabelTable::LoadEmbedded();
    auto lex = detect::NameLexicon::LoadEmbedded();
    EXPECT_TRUE(labels.ok() && lex.ok());
    eng->lexicon = *lex;
    eng->scanner = std::make_unique<detect::Scanner>(*labels, detect::Date{2026, 1, 1});
    eng->processor = std::make_unique<records::UnitProcessor>(*eng->scanner, *eng->lexicon, records::ProcessorOptions{});
    return eng;
  }();
  return *e;
}

// SSN findings of a member read as the scan reads it: (canonical, decoder chain).
std::vector<std::pair<std::string, std::vector<std::string>>> Ssns(const Member& m) {
  records::UnitInput in;
  in.text = m.data;
  in.decoders = m.decoders;
  in.format = m.format == "html" ? records::Format::kHtml
              : m.format == "json" ? records::Format::kJson
                                   : records::Format::kText;
  if (auto n = records::FormatDecoderName(in.format); !n.empty()) in.decoders.emplace_back(n);
  records::SqlState sql;
  in.sql = &sql;
  records::UnitOutput out;
  TheEngine().processor->Process(in, out);
  std::vector<std::pair<std::string, std::vector<std::string>>> r;
  for (const auto& f : out.findings)
    if (f.candidate.type == PiiType::kSsn)
      r.emplace_back(f.candidate.canonical.Reveal(RevealPassForTests::Pass()), out.chains[f.chain]);
  std::sort(r.begin(), r.end());
  return r;
}

TEST(HarExtractor, SsnsHiddenInThePageAreFoundWithTheirChains) {
  CollectingSink sink;
  ASSERT_TRUE(ExtractHar(Fixture(), sink).ok());
  ASSERT_EQ(sink.members.size(), 5u);
  using Chain = std::vector<std::string>;
  auto page = Ssns(sink.members[0]);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0], std::make_pair(std::string("412637781"), Chain{"har", "html", "base64", "json"}));
  EXPECT_EQ(page[1], std::make_pair(std::string("529449023"), Chain{"har", "html", "viewstate"}));
  auto api = Ssns(sink.members[2]);
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0], std::make_pair(std::string("529449023"), Chain{"har", "json"}));
  auto post = Ssns(sink.members[3]);
  ASSERT_EQ(post.size(), 1u);
  EXPECT_EQ(post[0], std::make_pair(std::string("529449023"), Chain{"har", "url"}));
}

}  // namespace
}  // namespace breachscope::extract
