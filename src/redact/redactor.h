// redact/redactor.h — the only place plaintext identifiers are turned into output.
//
// A Redactor holds the case key and turns a Candidate into what may be written:
// the contract fingerprint (HMAC-SHA256(key, TYPE ":" CANONICAL), lowercase hex), a
// mask that shows at most the last 4 characters and never more than half of the
// value, and — for contact types only (name, address, email, phone, dob) — the
// plaintext contact value people.jsonl needs to notify the person. Protected
// identifiers (ssn, card, account, licence, passport, MBI, health and student ids)
// never leave this module in plaintext.
//
// Thread-safety: a Redactor is immutable after Create() and may be shared; each
// thread passes its own HmacScratch.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/candidate.h"

namespace breachscope::redact {

using Fingerprint = std::array<uint8_t, 32>;

std::string ToHex(const Fingerprint& fp);
// Appends the 64 hex digits to `out` (the findings writer calls it once per finding).
void AppendHex(std::string& out, const Fingerprint& fp);

// Per-thread HMAC working state (a SHA-256 context).
class HmacScratch {
 public:
  HmacScratch();
  ~HmacScratch();
  HmacScratch(const HmacScratch&) = delete;
  HmacScratch& operator=(const HmacScratch&) = delete;

 private:
  friend class Redactor;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct Redacted {
  Fingerprint hash{};
  std::string masked;
  // Contact data for people.jsonl: set for name/address/email/phone/dob only.
  std::optional<std::string> contact_value;
};

class Redactor {
 public:
  // key: the exact bytes of the key file (any length > 0).
  static Result<std::shared_ptr<const Redactor>> Create(std::string key);
  ~Redactor();

  Fingerprint Hash(PiiType type, const Sensitive& canonical, HmacScratch& scratch) const;
  Redacted Redact(const Candidate& candidate, HmacScratch& scratch) const;
  static std::string Mask(PiiType type, const Sensitive& canonical);

  // A value that identifies the key without revealing it (stored in the case to
  // refuse a different --key-file on resume).
  std::string KeyCheck() const;

 private:
  struct Keyed;
  explicit Redactor(std::unique_ptr<Keyed> keyed);
  // HMAC of the concatenation of `message`'s parts.
  Fingerprint HashRaw(std::initializer_list<std::string_view> message, HmacScratch& scratch) const;
  std::unique_ptr<Keyed> keyed_;
};

// Reads --key-file exactly; or, when `key_file` is empty, reads DIR/case.key,
// creating it (32 random bytes, mode 0600) when absent.
Result<std::string> LoadOrCreateKey(const std::filesystem::path& key_file,
                                    const std::filesystem::path& out_dir);

}  // namespace breachscope::redact
