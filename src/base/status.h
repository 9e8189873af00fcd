// base/status.h — errors as values.
//
// Status carries a code and a human-readable message; Result<T> carries either a
// value or a non-OK Status. Codes map one-to-one onto the errors.jsonl reasons of
// the output contract (io, corrupt, unsupported, encrypted, limit, internal), plus
// kInvalidArgument for bad usage (exit status 2) which never reaches errors.jsonl.
//
// Messages must never contain a plaintext identifier: build them from paths that
// went through redaction and from fixed text only.
//
// Thread-safety: plain values; copy freely.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace breachscope {

enum class StatusCode {
  kOk = 0,
  kIo,            // the bytes could not be read (permission, vanished, I/O error)
  kCorrupt,       // the bytes were read but do not form what they claim to be
  kUnsupported,   // a format or kind of file we do not read
  kEncrypted,     // protected by a password or key we do not have
  kLimit,         // a budget (depth, size, ratio, count, time) was exceeded
  kInternal,      // a bug or an unexpected library failure
  kInvalidArgument,  // bad usage: reported on stderr, exit status 2
};

// The errors.jsonl `reason` for a code ("io", "corrupt", ...).
std::string_view ReasonName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status IoError(std::string m) { return {StatusCode::kIo, std::move(m)}; }
inline Status CorruptError(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
inline Status UnsupportedError(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status EncryptedError(std::string m) { return {StatusCode::kEncrypted, std::move(m)}; }
inline Status LimitError(std::string m) { return {StatusCode::kLimit, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace breachscope

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define BS_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::breachscope::Status bs_status_ = (expr);   \
    if (!bs_status_.ok()) return bs_status_;     \
  } while (0)
