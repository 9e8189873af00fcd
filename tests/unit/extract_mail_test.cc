// MailExtractor: .eml and mbox fixtures made by python3's email package
// (tests/fixtures/mail/make.sh) into members — names, decoders, locations, decoded
// text — plus sniffing (mail vs "Key: value" text), budgets and damaged input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "extract/collecting_sink.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(BS_SOURCE_DIR) + "/tests/fixtures/mail/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Sink = extract::CollectingSink;

const Extractor& Mail() {
  const Extractor* e = MailExtractor();
  EXPECT_NE(e, nullptr);
  return *e;
}

Status Extract(const std::string& bytes, std::string_view name, Sink& sink) {
  Source src{bytes, name, nullptr};
  return Mail().Extract(src, sink);
}

const Member* Find(const Sink& sink, std::string_view name, std::string_view format) {
  for (const Member& m : sink.members)
    if (m.name == name && m.format == format) return &m;
  return nullptr;
}

using Decoders = std::vector<std::string>;

TEST(MailAccepts, TakesEmlMboxAndBareMessages) {
  EXPECT_TRUE(Mail().Accepts("x.eml", "anything"));
  EXPECT_TRUE(Mail().Accepts("inbox.mbox", "From someone@example.org Mon Mar  6 08:06:40 2023\n"));
  EXPECT_TRUE(Mail().Accepts("Inbox", "From a@b Mon Mar  6 08:06:40 2023\nReturn-Path: <a@b>\n"));
  EXPECT_TRUE(Mail().Accepts("17", "From: A <a@b.org>\r\nTo: b@c.org\r\nSubject: hi\r\n\r\nbody"));
  EXPECT_TRUE(Mail().Accepts("msg", "Received: from x\n\tby y\nFrom: a@b.org\nDate: Mon, 6 Mar 2023\n\nbody"));
  EXPECT_TRUE(Mail().Accepts("person", ReadFixture("person.eml")));
}

TEST(MailAccepts, RejectsLogsKeyValueTextAndProse) {
  // Only one of the mail headers.
  EXPECT_FALSE(Mail().Accepts("notes.txt", "Subject: meeting\nOwner: Jane\n\nText"));
  // Key: value lines that are not a header block (spaces in names, no blank line).
  EXPECT_FALSE(Mail().Accepts("app.log", "2023-03-06 Date: now\nFrom: scheduler\nTo: queue\n"));
  EXPECT_FALSE(Mail().Accepts("config.txt", "Name: Jane\nDate of birth: 1980-04-02\nTo: x\n\n"));
  EXPECT_FALSE(Mail().Accepts("a.txt", "From: a\nTo: b\nthen some prose without a blank line\n"));
  // "From " prose in a file with an extension and no header after it.
  EXPECT_FALSE(Mail().Accepts("story.txt", "From the start it was clear.\nNobody knew.\n"));
  EXPECT_FALSE(Mail().Accepts("data.csv", "name,ssn\nJane,412-63-7781\n"));
}

TEST(MailEml, TextMemberHasDecodedAddressHeadersAndQpLatin1Body) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("person.eml"), "person.eml", sink).ok());
  const Member* text = Find(sink, "", "text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->decoders, Decoders{"eml"});
  EXPECT_EQ(text->location.message, 0u);
  // RFC 2047 From name decoded to UTF-8.
  EXPECT_NE(text->data.find("From: José Müller <jose.muller@example.org>"), std::string::npos) << text->data;
  EXPECT_NE(text->data.find("To: Records Desk <records@example.org>"), std::string::npos);
  EXPECT_NE(text->data.find("Cc: Ann Other <ann.other@example.org>"), std::string::npos);
  EXPECT_NE(text->data.find("Reply-To: HR Desk <hr@example.org>"), std::string::npos);
  EXPECT_NE(text->data.find("Subject: Member record update"), std::string::npos);
  // Quoted-printable undone (soft break joined), ISO-8859-1 converted to UTF-8.
  EXPECT_NE(text->data.find("Hello Mr. Müller,"), std::string::npos);
  EXPECT_NE(text->data.find("enough that quoted-printable has"), std::string::npos);
  EXPECT_NE(text->data.find("SSN: 412-63-7781"), std::string::npos);
  EXPECT_EQ(text->data.find("=FC"), std::string::npos);
  // The forwarded message's body stays in its own member.
  EXPECT_EQ(text->data.find("287-65-4321"), std::string::npos);
  // First member is the text.
  EXPECT_EQ(&sink.members.front(), text);
  EXPECT_TRUE(sink.errors.empty());
}

TEST(MailEml, HtmlAlternativeOfPlainTextIsNotReadTwice) {
  // person.eml is multipart/alternative (text/plain + text/html of the same record):
  // reading both would count every finding twice. An HTML-only message is still
  // read as HTML (MailMbox tests, message 3).
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("person.eml"), "person.eml", sink).ok());
  EXPECT_EQ(Find(sink, "", "html"), nullptr);
  const Member* text = Find(sink, "", "text");
  ASSERT_NE(text, nullptr);
  EXPECT_NE(text->data.find("SSN: 412-63-7781"), std::string::npos);
}

TEST(MailEml, Base64CsvAttachmentIsDecodedAndSniffed) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("person.eml"), "person.eml", sink).ok());
  const Member* csv = Find(sink, "people.csv", "");
  ASSERT_NE(csv, nullptr);
  EXPECT_EQ(csv->decoders, (Decoders{"eml", "mime"}));
  EXPECT_FALSE(csv->name_has_levels);
  EXPECT_EQ(csv->data.rfind("name,ssn,dob\nJane Q. Public,412-63-7781,1980-04-02\n", 0), 0u) << csv->data;
}

TEST(MailEml, ForwardedMessageIsHandedOverAsEmlAndReadsAgain) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("person.eml"), "person.eml", sink).ok());
  const Member* fwd = Find(sink, "forwarded.eml", "");
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(fwd->decoders, (Decoders{"eml", "mime"}));
  ASSERT_TRUE(Mail().Accepts(fwd->name, fwd->data));
  Sink inner;
  ASSERT_TRUE(Extract(fwd->data, fwd->name, inner).ok());
  const Member* text = Find(inner, "", "text");
  ASSERT_NE(text, nullptr);
  EXPECT_NE(text->data.find("From: Mary Major <mary.major@example.net>"), std::string::npos) << text->data;
  EXPECT_NE(text->data.find("SSN: 287-65-4321"), std::string::npos);
  EXPECT_EQ(sink.members.size(), 3u);  // text, csv, forwarded (the HTML alternative is skipped)
}

TEST(MailEml, TruncatedBase64AttachmentKeepsWhatDecodesAndSaysSo) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("truncated.eml"), "truncated.eml", sink).ok());
  const Member* csv = Find(sink, "export.csv", "");
  ASSERT_NE(csv, nullptr);
  EXPECT_EQ(csv->data.rfind("name,ssn,dob\nPerson 000,412-63-7000,1980-01-01\n", 0), 0u) << csv->data;
  EXPECT_LT(csv->data.size(), 40u * 30u);  // cut short
  bool reported = std::any_of(sink.errors.begin(), sink.errors.end(), [](const Sink::ErrorEntry& e) {
    return e.member == "export.csv" && e.reason == StatusCode::kCorrupt;
  });
  EXPECT_TRUE(reported);
  for (const auto& e : sink.errors) EXPECT_EQ(e.detail.find("412"), std::string::npos);  // no content in messages
}

TEST(MailMbox, EachMessageIsALevelWithItsIndex) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("archive.mbox"), "archive.mbox", sink).ok());
  std::vector<std::string> names;
  for (const Member& m : sink.members) names.push_back(m.name + ":" + m.format);
  EXPECT_EQ(names, (std::vector<std::string>{"1:text", "2:text", "2!claims.csv:", "3:text", "3:html"}));
}

TEST(MailMbox, MessageTwoAttachmentCarriesTwoLevelsAndMboxMimeDecoders) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("archive.mbox"), "archive.mbox", sink).ok());
  const Member* m1 = Find(sink, "1", "text");
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(m1->decoders, Decoders{"mbox"});
  EXPECT_EQ(m1->location.message, 1u);
  EXPECT_NE(m1->data.find("From: Alice Example <alice@example.org>"), std::string::npos);
  EXPECT_NE(m1->data.find("Lunch at noon?"), std::string::npos);

  const Member* m2 = Find(sink, "2", "text");
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(m2->location.message, 2u);
  EXPECT_NE(m2->data.find("The list is attached."), std::string::npos);
  EXPECT_EQ(m2->data.find("Lunch"), std::string::npos);  // messages do not bleed into each other

  const Member* csv = Find(sink, "2!claims.csv", "");
  ASSERT_NE(csv, nullptr);
  EXPECT_EQ(csv->decoders, (Decoders{"mbox", "mime"}));
  EXPECT_TRUE(csv->name_has_levels);
  EXPECT_FALSE(m2->name_has_levels);
  EXPECT_EQ(csv->location.message, 2u);
  EXPECT_EQ(csv->data, "name,ssn,dob\nRobert Roe,345-67-8912,1988-02-14\n");

  const Member* m3 = Find(sink, "3", "text");
  ASSERT_NE(m3, nullptr);
  EXPECT_NE(m3->data.find("Subject: Café visit"), std::string::npos) << m3->data;
  const Member* h3 = Find(sink, "3", "html");
  ASSERT_NE(h3, nullptr);
  EXPECT_EQ(h3->decoders, Decoders{"mbox"});
  EXPECT_EQ(h3->location.message, 3u);
  EXPECT_NE(h3->data.find("DOB 1990-05-17"), std::string::npos);
  EXPECT_TRUE(sink.errors.empty());
}

TEST(MailMbox, MemberBudgetStopsWithLimit) {
  Budget b;
  b.max_members = 2;
  Sink sink(b);
  Status st = Extract(ReadFixture("archive.mbox"), "archive.mbox", sink);
  EXPECT_EQ(st.code(), StatusCode::kLimit);
  EXPECT_EQ(sink.members.size(), 2u);
}

TEST(MailMbox, SinkLimitStopsExtraction) {
  Sink sink;
  sink.stop_after = 1;
  Status st = Extract(ReadFixture("archive.mbox"), "archive.mbox", sink);
  EXPECT_EQ(st.code(), StatusCode::kLimit);
  EXPECT_EQ(sink.members.size(), 1u);
}

TEST(MailEml, LargeAttachmentGoesToATemporaryFile) {
  Budget b;
  b.max_member_in_memory = 16;
  b.temp_dir = testing::TempDir();
  Sink sink(b);
  ASSERT_TRUE(Extract(ReadFixture("person.eml"), "person.eml", sink).ok());
  EXPECT_EQ(sink.file_backed, 3u);  // text, the CSV and the forwarded message all exceed 16 bytes
  EXPECT_NE(sink.members[0].data.find("SSN: 412-63-7781"), std::string::npos);
  const Member* csv = Find(sink, "people.csv", "");
  ASSERT_NE(csv, nullptr);
  EXPECT_EQ(csv->data.rfind("name,ssn,dob\n", 0), 0u);
}

TEST(MailEml, EncryptedPartIsReportedAndHeadersStillRead) {
  Sink sink;
  ASSERT_TRUE(Extract(ReadFixture("encrypted.eml"), "encrypted.eml", sink).ok());
  ASSERT_EQ(sink.members.size(), 1u);  // the text only: no ciphertext handed over
  EXPECT_NE(sink.members[0].data.find("From: Eve Example <eve@example.org>"), std::string::npos);
  EXPECT_EQ(sink.members[0].data.find("PGP MESSAGE"), std::string::npos);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].reason, StatusCode::kEncrypted);
  EXPECT_EQ(sink.errors[0].member, "");
}

TEST(MailMbox, FileOnDiskIsStreamedAndGivesTheSameMembers) {
  std::filesystem::path path = std::filesystem::path(BS_SOURCE_DIR) / "tests/fixtures/mail/archive.mbox";
  std::string bytes = ReadFixture("archive.mbox");
  Budget b;
  b.max_member_in_memory = 64;  // the mbox is larger: read through a file stream
  b.temp_dir = testing::TempDir();
  Sink sink(b);
  ASSERT_TRUE(Mail().Extract(Source{bytes, "archive.mbox", &path}, sink).ok());
  std::vector<std::string> names;
  for (const Member& m : sink.members) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"1", "2", "2!claims.csv", "3", "3"}));
  const Member* csv = Find(sink, "2!claims.csv", "");
  ASSERT_NE(csv, nullptr);
  EXPECT_TRUE(csv->name_has_levels);
  EXPECT_EQ(csv->data, "name,ssn,dob\nRobert Roe,345-67-8912,1988-02-14\n");
}

TEST(MailEml, UnknownHeadersOfAMemoAreKeptAndMachineryIsNot) {
  std::string memo =
      "From: HR <hr@example.org>\nTo: Payroll <payroll@example.org>\nEmployee: Jane Q. Public\n"
      "SSN: 412-63-7781\nX-Originating-Email: =?utf-8?q?jane=2Epublic?=@example.org\n"
      "Received: from mx.example.org by mx2.example.org\nDKIM-Signature: v=1; a=rsa-sha256; b=abc\n"
      "Date: Mon, 06 Mar 2023 09:15:00 -0600\n\nSee above.\n";
  ASSERT_TRUE(Mail().Accepts("memo", memo));
  Sink sink;
  ASSERT_TRUE(Extract(memo, "memo", sink).ok());
  ASSERT_FALSE(sink.members.empty());
  const std::string& text = sink.members[0].data;
  EXPECT_NE(text.find("Employee: Jane Q. Public\n"), std::string::npos) << text;
  EXPECT_NE(text.find("SSN: 412-63-7781\n"), std::string::npos);
  EXPECT_NE(text.find("X-Originating-Email: jane.public@example.org\n"), std::string::npos);
  EXPECT_EQ(text.find("Received"), std::string::npos);
  EXPECT_EQ(text.find("DKIM"), std::string::npos);
  EXPECT_EQ(text.find("Date:"), std::string::npos);
  EXPECT_NE(text.find("See above."), std::string::npos);
}

TEST(MailEml, GarbageIsNotACrashAndStillYieldsText) {
  std::string junk = "From: a@b.org\nTo: c@d.org\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
                     "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!\n--x";
  Sink sink;
  Status st = Extract(junk, "junk.eml", sink);
  EXPECT_TRUE(st.ok() || st.code() == StatusCode::kCorrupt);
  ASSERT_FALSE(sink.members.empty());
  EXPECT_NE(sink.members[0].data.find("From: a@b.org"), std::string::npos);
}

TEST(MailMbox, EmptyMboxIsCorrupt) {
  Sink sink;
  Status st = Extract("", "empty.mbox", sink);
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace breachscope::extract
