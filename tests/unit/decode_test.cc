// base64 runs inside text (single, wrapped, in quotes; noise rejected) and text
// encodings (BOMs, UTF-16 without BOM, Windows-1252, binary).
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "decode/base64_runs.h"
#include "decode/text_encoding.h"

namespace breachscope::decode {
namespace {

std::string B64(std::string_view s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

TEST(Base64Runs, FindsARunInsideAScriptAndGivesItsSpan) {
  std::string payload = R"({"name": "Dana Whitfield", "ssn": "412637781"})";
  std::string enc = B64(payload);
  std::string text = "<script>var educatorData = \"" + enc + "\";</script>";
  auto runs = FindBase64Runs(text);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, payload);
  EXPECT_EQ(text.substr(runs[0].begin, runs[0].end - runs[0].begin), enc);
}

TEST(Base64Runs, JoinsAWrappedBlockOfEqualLines) {
  std::string payload;
  for (int i = 0; i < 40; ++i) payload += "first_name,last_name,ssn\nDana,Whitfield,412637781\n";
  std::string enc = B64(payload), wrapped;
  for (size_t i = 0; i < enc.size(); i += 76) wrapped += enc.substr(i, 76) + "\n";
  auto runs = FindBase64Runs("Content-Transfer-Encoding: base64\n\n" + wrapped + "\n--boundary--\n");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, payload);
}

TEST(Base64Runs, FindsRunsAtEveryOffsetOfTheVectorWindows) {
  // The SIMD prefilter looks at 64-byte windows advancing by 49: a run must be found
  // whatever its position relative to them, and decoded from its true start.
  std::string payload = "Patient Rosa Delgado, SSN 412-63-7781, DOB 1958-04-22";
  std::string enc = B64(payload);
  for (size_t pad = 0; pad < 130; ++pad) {
    std::string text = std::string(pad, ' ') + enc + " tail";
    auto runs = FindBase64Runs(text);
    ASSERT_EQ(runs.size(), 1u) << "pad " << pad;
    EXPECT_EQ(runs[0].begin, pad);
    EXPECT_EQ(runs[0].decoded, payload);
  }
}

TEST(Base64Runs, IgnoresWordsHashesAndShortRuns) {
  EXPECT_TRUE(FindBase64Runs("Antidisestablishmentarianism is a long word indeed").empty());
  EXPECT_TRUE(FindBase64Runs("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").empty());
  EXPECT_TRUE(FindBase64Runs("token " + B64("short")).empty());  // under 16 characters
  // Hex ids are valid base64 and some decode to printable text; they are not base64 runs.
  EXPECT_TRUE(FindBase64Runs("req_id=e219e109776875e0 msg=ok").empty());
  std::string binary("\x01\x02\xff\xfe\x00\x10 binary junk here", 24);
  EXPECT_TRUE(FindBase64Runs("blob " + B64(binary)).empty());  // decodes, but not to text
}

TEST(Base64Runs, DecodesUrlSafeAlphabet) {
  std::string payload = "????>>>>????>>>> SSN 412-63-7781";  // '?' and '>' produce '/' and '+' in base64
  std::string enc = B64(payload);
  for (char& c : enc) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  auto runs = FindBase64Runs("u=" + enc);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].decoded, payload);
}

TEST(TextEncoding, DetectsByBomAndByNulPattern) {
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBFhello"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(std::string("\xFF\xFEh\0i\0", 6)), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding(std::string("\xFE\xFF\0h\0i", 6)), TextEncoding::kUtf16Be);
  std::string le, be;
  for (char c : std::string("Patient: Rosa Delgado, SSN 412-63-7781\n")) {
    le += c;
    le += '\0';
    be += '\0';
    be += c;
  }
  EXPECT_EQ(DetectEncoding(le), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding(be), TextEncoding::kUtf16Be);
  EXPECT_EQ(DetectEncoding("Jos\xe9 M\xfcller, Ren\xe9" "e"), TextEncoding::kCp1252);
  EXPECT_EQ(DetectEncoding("Jos\xc3\xa9 M\xc3\xbcller"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16)), TextEncoding::kBinary);
}

TEST(TextEncoding, TranscodesToUtf8AndLeavesAnOddByteForTheNextChunk) {
  std::string out;
  size_t used = 0;
  ASSERT_TRUE(ToUtf8("Jos\xe9", TextEncoding::kCp1252, out, &used).ok());
  EXPECT_EQ(out, "Jos\xc3\xa9");
  std::string le("S\0S\0N\0", 6);
  le += 'x';  // half of the next code unit
  ASSERT_TRUE(ToUtf8(le, TextEncoding::kUtf16Le, out, &used).ok());
  EXPECT_EQ(out, "SSN");
  EXPECT_EQ(used, 6u);
}

}  // namespace
}  // namespace breachscope::decode
