// The fingerprint is the contract's HMAC-SHA256(key, TYPE ":" CANONICAL); masks never
// show more than 4 characters or half of a value; keys are read and created as specified.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "redact/redactor.h"

namespace breachscope::redact {
namespace {

TEST(Redactor, FingerprintMatchesTheContractExample) {
  auto r = Redactor::Create("breachscope-contract-example-k32");
  ASSERT_TRUE(r.ok());
  HmacScratch scratch;
  // ../shared/contract-example/expected/findings.jsonl
  EXPECT_EQ(ToHex((*r)->Hash(PiiType::kSsn, Sensitive("412637781"), scratch)),
            "a511ea6cdb0df76251d7f7a2ddc89ec3385b92ed823295c096ee5a22cb8672ef");
  EXPECT_EQ(ToHex((*r)->Hash(PiiType::kName, Sensitive("dana whitfield"), scratch)),
            "ded02a79ec64b6828069a77ef44b909f1e146623f9aad5d65e16239543da428c");
  EXPECT_EQ(ToHex((*r)->Hash(PiiType::kAddress, Sensitive("1207 elm street, 65201"), scratch)),
            "0a67434e6a7374443eef677461dd94aa0849762b2c04de29c9facd636eedca8b");
}

TEST(Redactor, LongKeysAreHashedFirstAsHmacRequires) {
  // RFC 4231 test case 6: 131-byte key.
  auto r = Redactor::Create(std::string(131, '\xaa'));
  ASSERT_TRUE(r.ok());
  HmacScratch scratch;
  // HMAC over "ssn:" + value cannot use the RFC vector directly; check against a
  // second redactor built from the SHA-256 of the key, which HMAC defines as equal.
  unsigned char digest[32];
  std::string key(131, '\xaa');
  // Equality of the two keyings is the property under test.
  unsigned int n = 0;
  ASSERT_EQ(EVP_Digest(key.data(), key.size(), digest, &n, EVP_sha256(), nullptr), 1);
  auto r2 = Redactor::Create(std::string(reinterpret_cast<char*>(digest), 32));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r)->Hash(PiiType::kSsn, Sensitive("412637781"), scratch),
            (*r2)->Hash(PiiType::kSsn, Sensitive("412637781"), scratch));
}

TEST(Redactor, MasksShowAtMostFourAndAtMostHalf) {
  struct Case {
    PiiType type;
    const char* value;
    const char* mask;
  } cases[] = {
      {PiiType::kSsn, "412637781", "***-**-7781"},
      {PiiType::kCreditCard, "4111111111111111", "************1111"},
      {PiiType::kBankAccount, "123456", "***456"},
      {PiiType::kHealthId, "40981726", "****1726"},
      {PiiType::kPassport, "A90583942", "*****3942"},
      {PiiType::kPhone, "5738824410", "***-***-4410"},
      {PiiType::kEmail, "dana@example.org", "d***@example.org"},
      {PiiType::kName, "dana whitfield", "d*** w***"},
      {PiiType::kStudentId, "12", "*2"},
  };
  for (const auto& c : cases) {
    std::string m = Redactor::Mask(c.type, Sensitive(c.value));
    EXPECT_EQ(m, c.mask) << TypeName(c.type);
    if (IsProtected(c.type)) {
      size_t shown = 0;
      for (char ch : m) shown += ch != '*' && ch != '-';
      EXPECT_LE(shown, 4u);
      EXPECT_LE(shown * 2, std::string(c.value).size());
    }
  }
}

TEST(Redactor, MasksKeepWholeUtf8Characters) {
  // The first letter of a word is a whole character, never a lone byte of one (which
  // would make the output invalid UTF-8).
  EXPECT_EQ(Redactor::Mask(PiiType::kName, Sensitive("raúl ødegaard")), "r*** ø***");
  EXPECT_EQ(Redactor::Mask(PiiType::kName, Sensitive("élodie ngọc")), "é*** n***");
  EXPECT_EQ(Redactor::Mask(PiiType::kName, Sensitive("зоя 李")), "з*** 李***");
  EXPECT_EQ(Redactor::Mask(PiiType::kEmail, Sensitive("øyvind@example.no")), "ø***@example.no");
  // A stray byte (not UTF-8) is kept as one byte rather than swallowing the next ones.
  EXPECT_EQ(Redactor::Mask(PiiType::kName, Sensitive("\xC3x y")), "\xC3*** y***");
}

TEST(Redactor, ContactValuesOnlyForContactTypes) {
  auto r = Redactor::Create("k");
  ASSERT_TRUE(r.ok());
  HmacScratch scratch;
  Candidate ssn;
  ssn.type = PiiType::kSsn;
  ssn.canonical = Sensitive("412637781");
  EXPECT_FALSE((*r)->Redact(ssn, scratch).contact_value.has_value());
  Candidate email;
  email.type = PiiType::kEmail;
  email.canonical = Sensitive("dana@example.org");
  EXPECT_EQ((*r)->Redact(email, scratch).contact_value, "dana@example.org");
}

TEST(Keys, CreatesA32ByteKeyWithMode0600AndReusesIt) {
  auto dir = std::filesystem::temp_directory_path() / ("bs-key-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto k1 = LoadOrCreateKey({}, dir);
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->size(), 32u);
  struct stat st;
  ASSERT_EQ(::stat((dir / "case.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto k2 = LoadOrCreateKey({}, dir);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(*k1, *k2);
  EXPECT_FALSE(LoadOrCreateKey(dir / "missing", dir).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace breachscope::redact
