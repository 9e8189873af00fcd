// Letters: the composed text meets the content requirements (what happened, the
// element types in words, what the organisation does, credit freeze, fraud alert,
// free reports, the FTC, an enrolment-code placeholder, contact details); the
// Massachusetts variant leaves the nature of the breach out; the PDF is real
// (pdftotext reads it back, Unicode names included) and mode 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "notify/letters.h"

namespace breachscope::notify {
namespace {

const Rules& TheRules() {
  static Rules rules = *LoadEmbeddedRules();
  return rules;
}

Incident MakeIncident() {
  Incident inc;
  inc.entity_name = "Example School District";
  inc.entity_type = "school_district";
  inc.entity_state = "MO";
  inc.discovered = *Date::Parse("2023-02-18");
  inc.breach_start = *Date::Parse("2023-02-17");
  inc.breach_type = "hacking_it_incident";
  inc.location = "network_server";
  inc.description = "An outside party copied files from a file server.";
  inc.contact.phone = "1-800-555-0100";
  return inc;
}

std::string AllText(const std::vector<LetterBlock>& blocks) {
  std::string s;
  for (const auto& b : blocks) s += b.text + "\n";
  return s;
}

std::string PdfText(const std::filesystem::path& pdf) {
  std::string cmd = "pdftotext -layout '" + pdf.string() + "' - 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

TEST(NotifyLetters, ContentRequirements) {
  LetterVariant v{"V01", {"dob", "name", "ssn"}, false, false, 0};
  Incident inc = MakeIncident();
  std::string t = AllText(ComposeLetter(TheRules(), inc, v, nullptr));
  for (const char* must : {"Notice of Data Breach", "What Happened", "What Information Was Involved",
                           "What We Are Doing", "What You Can Do", "For More Information", "February 18, 2023",
                           "copied files", "your Social Security number", "your date of birth", "Credit freeze",
                           "Fraud alert", "annualcreditreport.com", "identitytheft.gov", "[ENROLLMENT CODE]",
                           "1-800-555-0100", "Equifax", "Experian", "TransUnion", "P.O. Box 105788", "Washington, DC 20580",
                           "[FULL NAME]"})
    EXPECT_NE(t.find(must), std::string::npos) << must;
  EXPECT_EQ(t.find("Massachusetts"), std::string::npos);
}

TEST(NotifyLetters, EveryContentItemInTheRulesIsMet) {
  const Rules& rules = TheRules();
  std::vector<std::string> items = rules.default_notice_content;
  items.insert(items.end(), rules.hipaa.notice_content.begin(), rules.hipaa.notice_content.end());
  for (const auto& [code, j] : rules.jurisdictions) items.insert(items.end(), j.notice_content.begin(), j.notice_content.end());
  ASSERT_GT(items.size(), 15u);
  for (const auto& item : items) EXPECT_TRUE(LetterSupports(item)) << item;
  EXPECT_FALSE(LetterSupports("number_of_residents_affected"));
}

TEST(NotifyLetters, MissingContactGetsAPlaceholder) {
  LetterVariant v{"V01", {"name", "ssn"}, false, false, 0};
  Incident inc = MakeIncident();
  inc.contact = {};
  std::string t = AllText(ComposeLetter(TheRules(), inc, v, nullptr));
  EXPECT_NE(t.find("[TOLL-FREE NUMBER]"), std::string::npos);
}

TEST(NotifyLetters, MassachusettsLeavesOutTheNatureOfTheBreach) {
  LetterVariant v{"V02", {"bank_account", "name"}, true, false, 18};
  Incident inc = MakeIncident();
  std::string t = AllText(ComposeLetter(TheRules(), inc, v, nullptr));
  EXPECT_EQ(t.find("copied files"), std::string::npos);
  EXPECT_EQ(t.find("computer systems"), std::string::npos);
  EXPECT_NE(t.find("police report"), std::string::npos);
  EXPECT_NE(t.find("18 months"), std::string::npos);
  EXPECT_NE(t.find("your bank account number"), std::string::npos);
}

TEST(NotifyLetters, HealthWording) {
  LetterVariant v{"V03", {"diagnosis", "health_id", "name"}, false, true, 0};
  std::string t = AllText(ComposeLetter(TheRules(), MakeIncident(), v, nullptr));
  EXPECT_NE(t.find("explanation-of-benefits"), std::string::npos);
  EXPECT_NE(t.find("your medical diagnosis information"), std::string::npos);
}

TEST(NotifyLetters, RealPdfWithUnicodeNames) {
  auto dir = std::filesystem::temp_directory_path() / ("bs_notify_letters_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "batch.pdf";
  {
    auto pdf = PdfWriter::Create(path);
    ASSERT_TRUE(pdf.ok()) << pdf.status().message();
    LetterVariant v{"V01", {"name", "ssn"}, false, false, 0};
    Recipient a{"p000001", "José Müller-Øst", "12 Elm St", "Columbia, MO 65201"};
    Recipient b{"p000002", "Zoë Ångström", "88 Lake View Drive", "Minneapolis, MN 55455"};
    ASSERT_TRUE((*pdf)->AddLetter(ComposeLetter(TheRules(), MakeIncident(), v, &a)).ok());
    ASSERT_TRUE((*pdf)->AddLetter(ComposeLetter(TheRules(), MakeIncident(), v, &b)).ok());
    EXPECT_GE((*pdf)->pages(), 2);
    ASSERT_TRUE((*pdf)->Close().ok());
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::string text = PdfText(path);
  EXPECT_NE(text.find("José Müller-Øst"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find("Zoë Ångström"), std::string::npos);
  EXPECT_NE(text.find("Notice of Data Breach"), std::string::npos);
  EXPECT_NE(text.find("annualcreditreport.com"), std::string::npos);
  EXPECT_NE(text.find("Reference p000002"), std::string::npos);
  // Each letter starts on its own page: the second name follows a form feed.
  EXPECT_LT(text.find("José"), text.find('\f'));
  EXPECT_GT(text.find("Zoë"), text.find('\f'));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace breachscope::notify
