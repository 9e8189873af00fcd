#include "redact/redactor.h"

#include <fcntl.h>
// The SHA256_CTX functions are deprecated in OpenSSL 3 in favour of EVP, kept in 3.x,
// and the fast path here (see Keyed).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/hex.h"

namespace breachscope::redact {

namespace {
constexpr size_t kBlock = 64;  // SHA-256 block size

}  // namespace

// HMAC precomputed as two digest states (key^ipad and key^opad absorbed), copied
// per message: RFC 2104 without re-hashing the key for every finding. The states are
// plain SHA256_CTX structs, copied by assignment: OpenSSL 3's EVP_MD_CTX_copy_ex
// allocates a provider context per copy, and a dense scan hashes 15 M values per GB
// (a stand-alone loop of both ways, 2 M short messages made with snprintf, on this
// project's loaded VMs: 443-685 ns per value with EVP, 307-312 with SHA256_CTX; same
// digests).
struct Redactor::Keyed {
  SHA256_CTX inner, outer;
  std::string key_check;
};

struct HmacScratch::Impl {
  SHA256_CTX ctx;
};

HmacScratch::HmacScratch() : impl_(std::make_unique<Impl>()) {}
HmacScratch::~HmacScratch() = default;

void AppendHex(std::string& out, const Fingerprint& fp) {
  const size_t at = out.size();
  out.resize(at + 2 * fp.size());
  char* p = out.data() + at;
  for (uint8_t b : fp) {
    std::memcpy(p, kHexPairs.pair[b], 2);
    p += 2;
  }
}

std::string ToHex(const Fingerprint& fp) {
  std::string s;
  AppendHex(s, fp);
  return s;
}

Redactor::Redactor(std::unique_ptr<Keyed> keyed) : keyed_(std::move(keyed)) {}
Redactor::~Redactor() = default;

Result<std::shared_ptr<const Redactor>> Redactor::Create(std::string key) {
  if (key.empty()) return InvalidArgument("the key is empty");
  auto keyed = std::make_unique<Keyed>();
  unsigned char block[kBlock] = {0};
  if (key.size() > kBlock) {
    unsigned int n = 0;
    if (!EVP_Digest(key.data(), key.size(), block, &n, EVP_sha256(), nullptr))
      return InternalError("SHA-256 of the key failed");
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  if (!SHA256_Init(&keyed->inner) || !SHA256_Update(&keyed->inner, ipad, kBlock) || !SHA256_Init(&keyed->outer) ||
      !SHA256_Update(&keyed->outer, opad, kBlock))
    return InternalError("HMAC key set-up failed");
  std::shared_ptr<Redactor> r(new Redactor(std::move(keyed)));
  HmacScratch scratch;
  r->keyed_->key_check = ToHex(r->HashRaw({"breachscope-key-check"}, scratch));
  return std::shared_ptr<const Redactor>(std::move(r));
}

Fingerprint Redactor::HashRaw(std::initializer_list<std::string_view> message, HmacScratch& scratch) const {
  Fingerprint out{};
  unsigned char inner_digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX& c = scratch.impl_->ctx;
  c = keyed_->inner;
  for (std::string_view part : message) SHA256_Update(&c, part.data(), part.size());
  SHA256_Final(inner_digest, &c);
  c = keyed_->outer;
  SHA256_Update(&c, inner_digest, sizeof inner_digest);
  SHA256_Final(out.data(), &c);
  return out;
}

Fingerprint Redactor::Hash(PiiType type, const Sensitive& canonical, HmacScratch& scratch) const {
  // The message TYPE ":" CANONICAL, fed in parts (no copy of the plaintext).
  return HashRaw({TypeName(type), ":", canonical.Reveal(RevealPass())}, scratch);
}

std::string Redactor::KeyCheck() const { return keyed_->key_check; }

namespace {

// Last min(4, n/2) characters visible, the rest starred.
std::string MaskTail(std::string_view v) {
  size_t show = std::min<size_t>(4, v.size() / 2);
  return std::string(v.size() - show, '*') + std::string(v.substr(v.size() - show));
}

// Bytes of the UTF-8 character starting at v[i] (1 for a stray byte): a mask keeps
// whole characters, so "ødegaard" shows "ø***", not half of it.
size_t CharBytes(std::string_view v, size_t i) {
  auto lead = static_cast<unsigned char>(v[i]);
  size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  if (i + n > v.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(v[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

std::string MaskWords(std::string_view v) {
  std::string out;
  bool start = true;
  for (size_t i = 0; i < v.size();) {
    const char c = v[i];
    if (c == ' ' || c == ',') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      start = true;
      ++i;
    } else if (start) {
      const size_t n = CharBytes(v, i);
      out.append(v.substr(i, n));
      out += "***";
      start = false;
      i += n;
    } else {
      ++i;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string Redactor::Mask(PiiType type, const Sensitive& canonical) {
  const std::string& v = canonical.Reveal(RevealPass());
  switch (type) {
    case PiiType::kSsn:
      if (v.size() == 9) return "***-**-" + v.substr(5);
      return MaskTail(v);
    case PiiType::kPhone:
      if (v.size() == 10) return "***-***-" + v.substr(6);
      return MaskTail(v);
    case PiiType::kCreditCard:
      return std::string(v.size() - std::min<size_t>(4, v.size() / 2), '*') +
             v.substr(v.size() - std::min<size_t>(4, v.size() / 2));
    case PiiType::kDob:
      if (v.size() == 10) return "****-**-" + v.substr(8);
      return MaskTail(v);
    case PiiType::kEmail: {
      size_t at = v.find('@');
      if (at == std::string::npos || at == 0) return MaskTail(v);
      return v.substr(0, CharBytes(v, 0)) + "***" + v.substr(at);
    }
    case PiiType::kName:
      return MaskWords(v);
    case PiiType::kAddress: {
      size_t comma = v.rfind(", ");
      if (comma != std::string::npos) return "*** " + v.substr(comma + 2);
      return "***";
    }
    case PiiType::kDiagnosis: {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i == 0 || v[i] == '.') ? v[i] : '*';
      return out;
    }
    default:
      return MaskTail(v);
  }
}

Redacted Redactor::Redact(const Candidate& c, HmacScratch& scratch) const {
  Redacted r;
  r.hash = Hash(c.type, c.canonical, scratch);
  r.masked = Mask(c.type, c.canonical);
  if (!IsProtected(c.type)) r.contact_value = c.canonical.Reveal(RevealPass());
  return r;
}

namespace {

Result<std::string> ReadWholeFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return IoError("cannot read key file " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<std::string> LoadOrCreateKey(const std::filesystem::path& key_file,
                                    const std::filesystem::path& out_dir) {
  if (!key_file.empty()) {
    auto key = ReadWholeFile(key_file);
    if (!key.ok()) return InvalidArgument(key.status().message());
    if (key->empty()) return InvalidArgument("key file " + key_file.string() + " is empty");
    return key;
  }
  std::filesystem::path stored = out_dir / "case.key";
  std::error_code ec;
  if (std::filesystem::exists(stored, ec)) return ReadWholeFile(stored);
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) return InternalError("no random bytes for a new case key");
  int fd = ::open(stored.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + stored.string());
  bool ok = ::write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key);
  ::close(fd);
  if (!ok) return IoError("cannot write " + stored.string());
  return std::string(reinterpret_cast<char*>(key), sizeof key);
}

}  // namespace breachscope::redact
