#include "base/status.h"

namespace breachscope {

std::string_view ReasonName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kIo: return "io";
    case StatusCode::kCorrupt: return "corrupt";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kEncrypted: return "encrypted";
    case StatusCode::kLimit: return "limit";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kInvalidArgument: return "invalid_argument";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ReasonName(code_)) + ": " + message_;
}

}  // namespace breachscope
