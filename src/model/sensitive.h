// model/sensitive.h — a detected value that must never be printed.
//
// Sensitive holds a canonical plaintext value (an SSN's nine digits, a card's
// digits, ...). It has no operator<<, no JSON conversion and no implicit string
// conversion: the only way to read it is Reveal(), which takes a RevealPass that
// only redact/ can construct. Everything else handles it as an opaque token.
//
// Thread-safety: a plain value.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace breachscope {

namespace redact {
class Redactor;
}  // namespace redact

class Sensitive;

// Proof of being redact/ (or a test that declares itself a friend of redaction).
class RevealPass {
 private:
  RevealPass() = default;
  friend class redact::Redactor;
  friend class RevealPassForTests;
};

class Sensitive {
 public:
  Sensitive() = default;
  explicit Sensitive(std::string canonical) : value_(std::move(canonical)) {}

  const std::string& Reveal(RevealPass) const { return value_; }
  bool empty() const { return value_.empty(); }
  size_t size() const { return value_.size(); }
  bool operator==(const Sensitive& o) const { return value_ == o.value_; }

 private:
  std::string value_;
};

}  // namespace breachscope
