// Tests for the Office extractors (extract/office.cc, extract/legacy_office.cc) on
// fixtures made by LibreOffice and by tests/fixtures/office/make_handmade.py.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "extract/child_process.h"
#include "extract/collecting_sink.h"
#include "extract/office_util.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/tests/fixtures/office/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Extracted {
  explicit Extracted(Budget b) : sink(std::move(b)) {}
  CollectingSink sink;
  Status status;
};

std::unique_ptr<Extracted> ExtractWith(const Extractor* e, const std::string& bytes, const std::string& name,
                                       Budget budget = {}) {
  auto r = std::make_unique<Extracted>(std::move(budget));
  Source src{bytes, name, nullptr};
  r->status = e->Extract(src, r->sink);
  return r;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

TEST(OfficeExtractorTest, AcceptsByExtensionOrContent) {
  const Extractor* e = OfficeExtractor();
  ASSERT_NE(e, nullptr);
  std::string docx = Fixture("letter.docx");
  EXPECT_TRUE(e->Accepts("a.DOCX", docx));
  EXPECT_TRUE(e->Accepts("noext", docx.substr(0, 4096)));  // [Content_Types].xml in the head
  EXPECT_TRUE(e->Accepts("x.ods", Fixture("people.ods").substr(0, 512)));
  EXPECT_TRUE(e->Accepts("blob", Fixture("people.ods").substr(0, 512)));  // mimetype + opendocument
  EXPECT_FALSE(e->Accepts("a.docx", "not a zip"));
  std::string plain = Fixture("notoffice.docx");
  EXPECT_FALSE(e->Accepts("a.zip", plain));
  EXPECT_EQ(FindExtractor("letter.docx", docx), e);
}

TEST(OfficeExtractorTest, XlsxSheetsNumbersAndDates) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("people.xlsx"), "people.xlsx");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 2u);
  const Member& staff = r->sink.members[0];
  EXPECT_EQ(staff.name, "");
  EXPECT_EQ(staff.decoders, std::vector<std::string>{"xlsx"});
  EXPECT_EQ(staff.format, "tsv");
  EXPECT_TRUE(staff.rows_are_lines);
  EXPECT_EQ(staff.location.sheet, "Staff");
  auto lines = Lines(staff.data);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "Name\tSSN\tDOB\tSalary");
  EXPECT_EQ(lines[1], "Jane Public\t412637781\t1980-04-02\t52000.5");
  EXPECT_EQ(lines[2], "John Q Sample\t523458812\t1975-12-31\t61000");
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[5], "\t\tNote with tab");  // row 6, column C; the tab inside the cell is a space
  EXPECT_EQ(r->sink.members[1].location.sheet, "Contacts");
  EXPECT_EQ(r->sink.members[1].data, "Email\tPhone\njane.public@example.org\t(573) 882-4410\n");
  EXPECT_TRUE(r->sink.errors.empty());
}

TEST(OfficeExtractorTest, XlsxHandmadeCellKinds) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("handmade.xlsx"), "handmade.xlsx");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 2u);
  // Workbook order ("Numbers" is sheet2.xml) rather than part order.
  EXPECT_EQ(r->sink.members[0].location.sheet, "Numbers");
  auto lines = Lines(r->sink.members[0].data);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "SSN\tDOB\tShared name\tAmount");                  // inline, rich shared, formula str
  EXPECT_EQ(lines[1], "412637781\t1980-04-02\tJane Public\t52000.5");      // 4.12637781E8; built-in 14; phonetic dropped
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[3], "523458812\t1900-02-29\tTRUE\t\t7");                 // custom d/m/yyyy; "Day" 0 is no date
  EXPECT_EQ(lines[4], "multirun\t1900-03-01");                             // cells without r
  EXPECT_EQ(lines[5], "0.0015\t2023-03-15\t#N/A\t2020-05-06\t\t0.5");      // [h]:mm:ss is a time
  // The second sheet stops at the 200000-row jump, keeping what came before.
  EXPECT_EQ(r->sink.members[1].location.sheet, "Gap");
  EXPECT_EQ(r->sink.members[1].data, "\tbefore gap\n");
  ASSERT_EQ(r->sink.errors.size(), 1u);
  EXPECT_EQ(r->sink.errors[0].member, "Gap");
  EXPECT_EQ(r->sink.errors[0].reason, StatusCode::kLimit);
}

TEST(OfficeExtractorTest, XlsxDate1904) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("date1904.xlsx"), "date1904.xlsx");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 1u);
  EXPECT_EQ(r->sink.members[0].data, "1984-04-03\t1904-01-01\n");
}

TEST(OfficeExtractorTest, DocxPartsTablesAndRevisions) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("letter.docx"), "letter.docx");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 5u);  // body, header, footer, footnotes, comments
  for (const auto& m : r->sink.members) {
    EXPECT_EQ(m.decoders, std::vector<std::string>{"docx"});
    EXPECT_EQ(m.format, "text");
    EXPECT_EQ(m.name, "");
  }
  EXPECT_EQ(r->sink.members[0].data,
            "Staff memo\nDear Jane Public,\nYour SSN is 412-63-7781.\n"
            "Inserted: phone 573-882-4410 end.\nDeleted here:Old SSN 219-44-5566 removed end.\n"
            "Name\tSSN\tCity\nJohn Q Sample\t523-45-8812\tColumbia\nRegards, HR\n");
  EXPECT_EQ(r->sink.members[1].data, "Confidential HR memo header\n");
  EXPECT_EQ(r->sink.members[2].data, "Footer: Example School District\n");
  EXPECT_NE(r->sink.members[3].data.find("Footnote: born 1980-04-02."), std::string::npos);
  EXPECT_EQ(r->sink.members[4].data, "Comment: verify SSN with payroll\n");
}

TEST(OfficeExtractorTest, DocxEmbeddedPartsAreHandedOver) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("embedded.docx"), "embedded.docx");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 7u);
  const Member& png = r->sink.members[5];
  EXPECT_EQ(png.name, "word/media/image1.png");
  EXPECT_TRUE(png.decoders.empty());
  EXPECT_EQ(png.format, "");
  EXPECT_EQ(png.data.substr(0, 4), "\x89PNG");
  const Member& xlsx = r->sink.members[6];
  EXPECT_EQ(xlsx.name, "word/embeddings/Microsoft_Excel_Worksheet1.xlsx");
  EXPECT_EQ(xlsx.data, Fixture("people.xlsx"));
}

TEST(OfficeExtractorTest, MalformedPartIsReportedOthersGoOn) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("badxml.docx"), "badxml.docx");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.errors.size(), 1u);
  EXPECT_EQ(r->sink.errors[0].member, "word/header1.xml");
  EXPECT_EQ(r->sink.errors[0].reason, StatusCode::kCorrupt);
  ASSERT_EQ(r->sink.members.size(), 4u);  // body, footer, footnotes, comments
  EXPECT_EQ(r->sink.members[1].data, "Footer: Example School District\n");
}

TEST(OfficeExtractorTest, TruncatedZipHandsOverWhatWasReadThenCorrupt) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("corrupt.docx"), "corrupt.docx");
  EXPECT_EQ(r->status.code(), StatusCode::kCorrupt);
  ASSERT_GE(r->sink.members.size(), 1u);
  EXPECT_NE(r->sink.members[0].data.find("Your SSN is 412-63-7781."), std::string::npos);
}

TEST(OfficeExtractorTest, PptxSlidesWithNotesInOrder) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("slides.pptx"), "slides.pptx");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 2u);
  EXPECT_EQ(r->sink.members[0].location.page, 1u);
  EXPECT_EQ(r->sink.members[0].decoders, std::vector<std::string>{"pptx"});
  EXPECT_EQ(r->sink.members[0].data,
            "Quarterly HR review\nPrepared for Jane Public\nSpeaker note: SSN 412-63-7781 on file\n");
  EXPECT_EQ(r->sink.members[1].location.page, 2u);
  EXPECT_EQ(r->sink.members[1].data, "Second slide: John Q Sample, 523-45-8812\n");
}

TEST(OfficeExtractorTest, OdtBodyNotesCommentsDeletionsAndHeaders) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("letter.odt"), "letter.odt");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 2u);
  EXPECT_EQ(r->sink.members[0].decoders, std::vector<std::string>{"odt"});
  EXPECT_EQ(r->sink.members[0].data,
            "Old SSN 219-44-5566 removed\nStaff memo\nDear Jane Public,\nFootnote: born 1980-04-02.\n"
            "Your SSN is 412-63-7781.\nComment: verify SSN with payroll\nInserted: phone 573-882-4410 end.\n"
            "Deleted here: end.\nName\tSSN\tCity\nJohn Q Sample\t523-45-8812\tColumbia\nRegards, HR\n");
  EXPECT_EQ(r->sink.members[1].data, "Confidential HR memo header\nFooter: Example School District\n");
}

TEST(OfficeExtractorTest, OdsSheetsWithRepeatedRowsAndTypedValues) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("people.ods"), "people.ods");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 2u);
  const Member& staff = r->sink.members[0];
  EXPECT_EQ(staff.decoders, std::vector<std::string>{"ods"});
  EXPECT_EQ(staff.format, "tsv");
  EXPECT_TRUE(staff.rows_are_lines);
  EXPECT_EQ(staff.location.sheet, "Staff");
  EXPECT_EQ(staff.data,
            "Name\tSSN\tDOB\tSalary\nJane Public\t412637781\t1980-04-02\t52000.5\n"
            "John Q Sample\t523458812\t1975-12-31\t61000\n\n\n\t\tNote with tab\n");
  EXPECT_EQ(r->sink.members[1].location.sheet, "Contacts");
}

TEST(OfficeExtractorTest, OdpPagesWithNotes) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("slides.odp"), "slides.odp");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 2u);
  EXPECT_EQ(r->sink.members[0].decoders, std::vector<std::string>{"odp"});
  EXPECT_EQ(r->sink.members[0].location.page, 1u);
  EXPECT_NE(r->sink.members[0].data.find("Speaker note: SSN 412-63-7781 on file"), std::string::npos);
  EXPECT_EQ(r->sink.members[1].location.page, 2u);
}

TEST(OfficeExtractorTest, ZipThatIsNoOfficeFileIsHandedOverByEntry) {
  auto r = ExtractWith(OfficeExtractor(), Fixture("notoffice.docx"), "notoffice.docx");
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.members.size(), 1u);
  EXPECT_EQ(r->sink.members[0].name, "notes/readme.txt");
  EXPECT_EQ(r->sink.members[0].decoders, std::vector<std::string>{"zip"});
  EXPECT_EQ(r->sink.members[0].data, "Plain text SSN 412-63-7781\n");
}

TEST(OfficeExtractorTest, LargeMembersGoToTempFiles) {
  Budget b;
  b.max_member_in_memory = 16;
  b.temp_dir = ::testing::TempDir();
  auto r = ExtractWith(OfficeExtractor(), Fixture("people.xlsx"), "people.xlsx", b);
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(r->sink.file_backed, 2u);
  EXPECT_EQ(Lines(r->sink.members[0].data)[1], "Jane Public\t412637781\t1980-04-02\t52000.5");
}

TEST(OfficeExtractorTest, SinkStopEndsExtraction) {
  CollectingSink sink;
  sink.stop_after = 1;
  std::string bytes = Fixture("letter.docx");
  Source src{bytes, "letter.docx", nullptr};
  Status s = OfficeExtractor()->Extract(src, sink);
  EXPECT_EQ(s.code(), StatusCode::kLimit);
  EXPECT_EQ(sink.members.size(), 1u);
}

TEST(OfficeExtractorTest, MemberBudget) {
  Budget b;
  b.max_members = 2;
  auto r = ExtractWith(OfficeExtractor(), Fixture("letter.docx"), "letter.docx", b);
  EXPECT_EQ(r->status.code(), StatusCode::kLimit);
  EXPECT_EQ(r->sink.members.size(), 2u);
}

TEST(OfficeUtilTest, NumbersAndDates) {
  EXPECT_EQ(office::RenderNumber("1.23456789E8"), "123456789");
  EXPECT_EQ(office::RenderNumber("412637781"), "412637781");
  EXPECT_EQ(office::RenderNumber("5.0"), "5");
  EXPECT_EQ(office::RenderNumber("-3"), "-3");
  EXPECT_EQ(office::RenderNumber("0.1"), "0.1");
  EXPECT_EQ(office::RenderNumber("abc"), "abc");
  EXPECT_EQ(office::RenderNumber("1E+20"), "1E+20");
  EXPECT_EQ(office::SerialToDate("1", false), "1900-01-01");
  EXPECT_EQ(office::SerialToDate("59", false), "1900-02-28");
  EXPECT_EQ(office::SerialToDate("60", false), "1900-02-29");
  EXPECT_EQ(office::SerialToDate("61", false), "1900-03-01");
  EXPECT_EQ(office::SerialToDate("29313.9", false), "1980-04-02");
  EXPECT_EQ(office::SerialToDate("0", true), "1904-01-01");
  EXPECT_EQ(office::SerialToDate("0", false), std::nullopt);
  EXPECT_EQ(office::SerialToDate("99999999", false), std::nullopt);
  EXPECT_TRUE(office::IsDateFormatCode("yyyy\\-mm\\-dd"));
  EXPECT_TRUE(office::IsDateFormatCode("[$-409]mmmm d, yyyy;@"));
  EXPECT_FALSE(office::IsDateFormatCode("[h]:mm:ss"));
  EXPECT_FALSE(office::IsDateFormatCode("\"Day\" 0"));
  EXPECT_FALSE(office::IsDateFormatCode("General"));
  EXPECT_FALSE(office::IsDateFormatCode("[Red]0.00"));
  EXPECT_TRUE(office::IsBuiltinDateFormat(14));
  EXPECT_FALSE(office::IsBuiltinDateFormat(49));
}

// ---- legacy (OLE2) ----

TEST(LegacyOfficeExtractorTest, Accepts) {
  const Extractor* e = LegacyOfficeExtractor();
  ASSERT_NE(e, nullptr);
  std::string doc = Fixture("letter.doc");
  EXPECT_TRUE(e->Accepts("letter.doc", doc.substr(0, 512)));
  EXPECT_TRUE(e->Accepts("noext", doc.substr(0, 512)));
  EXPECT_FALSE(e->Accepts("mail.MSG", doc.substr(0, 512)));
  EXPECT_FALSE(e->Accepts("a.doc", "!BDN...."));
  EXPECT_EQ(FindExtractor("letter.doc", doc.substr(0, 512)), e);
}

TEST(LegacyOfficeExtractorTest, DocWithTableHeadersAndComments) {
  ASSERT_TRUE(HaveProgram("antiword"));
  auto r = ExtractWith(LegacyOfficeExtractor(), Fixture("letter.doc"), "letter.doc");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 1u);
  const Member& m = r->sink.members[0];
  EXPECT_EQ(m.decoders, std::vector<std::string>{"doc"});
  EXPECT_EQ(m.format, "text");
  for (const char* want : {"\nYour SSN is 412-63-7781.\n", "Old SSN 219-44-5566 removed",
                           "\nJohn Q Sample\t523-45-8812\tColumbia\n", "Footnote: born 1980-04-02.",
                           "\nConfidential HR memo header\n", "\nComment: verify SSN with payroll\n"})
    EXPECT_NE(m.data.find(want), std::string::npos) << want;
  // catdoc's lines are added only where antiword missed them: the SSN line once.
  EXPECT_EQ(m.data.find("412-63-7781"), m.data.rfind("412-63-7781"));
}

TEST(LegacyOfficeExtractorTest, DocFromDiskPath) {
  std::filesystem::path p = std::string(BS_SOURCE_DIR) + "/tests/fixtures/office/letter.doc";
  std::string bytes = Fixture("letter.doc");
  CollectingSink sink;
  Source src{bytes, "letter.doc", &p};
  ASSERT_TRUE(LegacyOfficeExtractor()->Extract(src, sink).ok());
  ASSERT_EQ(sink.members.size(), 1u);
  EXPECT_NE(sink.members[0].data.find("Regards, HR"), std::string::npos);
}

TEST(LegacyOfficeExtractorTest, XlsSheetsAsCsv) {
  ASSERT_TRUE(HaveProgram("xls2csv"));
  auto r = ExtractWith(LegacyOfficeExtractor(), Fixture("people.xls"), "people.xls");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 2u);
  const Member& staff = r->sink.members[0];
  EXPECT_EQ(staff.decoders, std::vector<std::string>{"xls"});
  EXPECT_EQ(staff.format, "csv");
  EXPECT_EQ(staff.location.sheet, "Staff");
  auto lines = Lines(staff.data);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "Name,SSN,DOB,Salary");
  // xls2csv renders dates only for the formats it knows; LibreOffice's custom
  // yyyy-mm-dd stays a serial here (a known limit of the child tool).
  EXPECT_EQ(lines[1], "\"Jane Public\",412637781,29313,52000.5");
  EXPECT_EQ(r->sink.members[1].location.sheet, "Contacts");
  EXPECT_EQ(r->sink.members[1].data, "Email,Phone\njane.public@example.org,\"(573) 882-4410\"\n");
}

TEST(LegacyOfficeExtractorTest, PptTextFromCatpptOrStreamStrings) {
  std::string gz = std::string(BS_SOURCE_DIR) + "/tests/fixtures/office/slides.ppt.gz";
  auto unz = RunChild({"gzip", "-dc", gz}, ChildLimits{});
  ASSERT_TRUE(unz.ok());
  auto r = ExtractWith(LegacyOfficeExtractor(), unz->out, "slides.ppt");
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.members.size(), 1u);
  EXPECT_EQ(r->sink.members[0].decoders.at(0), "doc");
  for (const char* want : {"Prepared for Jane Public", "Second slide: John Q Sample, 523-45-8812",
                           "Speaker note: SSN 412-63-7781 on file"})
    EXPECT_NE(r->sink.members[0].data.find(want), std::string::npos) << want;
}

TEST(LegacyOfficeExtractorTest, EncryptedFiles) {
  auto doc = ExtractWith(LegacyOfficeExtractor(), Fixture("secret.doc"), "secret.doc");
  EXPECT_EQ(doc->status.code(), StatusCode::kEncrypted);
  auto xls = ExtractWith(LegacyOfficeExtractor(), Fixture("secret.xls"), "secret.xls");
  EXPECT_EQ(xls->status.code(), StatusCode::kEncrypted);
  auto ooxml = ExtractWith(LegacyOfficeExtractor(), Fixture("encrypted.xlsx"), "encrypted.xlsx");
  EXPECT_EQ(ooxml->status.code(), StatusCode::kEncrypted);
  EXPECT_TRUE(doc->sink.members.empty() && xls->sink.members.empty() && ooxml->sink.members.empty());
  // The encrypted OOXML wrapper is OLE2, so the legacy extractor is the one asked.
  std::string enc = Fixture("encrypted.xlsx");
  EXPECT_EQ(FindExtractor("encrypted.xlsx", enc.substr(0, 512)), LegacyOfficeExtractor());
}

TEST(LegacyOfficeExtractorTest, GarbageAfterMagicIsCorrupt) {
  std::string bytes("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
  bytes += std::string(600, '\xff');
  auto r = ExtractWith(LegacyOfficeExtractor(), bytes, "x.doc");
  EXPECT_EQ(r->status.code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace breachscope::extract
