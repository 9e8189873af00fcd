// model/item_error.h — one file or member that could not be read (errors.jsonl).
//
// `detail` is fixed text plus library/errno messages: never file content, never an
// identifier. `path` is already safe for output (see SourcePath).
//
// Thread-safety: plain value.
#pragma once

#include <string>

#include "base/status.h"

namespace breachscope {

struct ItemError {
  std::string path;
  StatusCode reason = StatusCode::kInternal;
  std::string detail;
};

}  // namespace breachscope
