// Tests read detected values: RevealPass is only constructible by redact/ and by this
// class, which model/sensitive.h names as the tests' friend.
#pragma once

#include "model/sensitive.h"

namespace breachscope {
class RevealPassForTests {
 public:
  static RevealPass Pass() { return RevealPass(); }
};
}  // namespace breachscope
