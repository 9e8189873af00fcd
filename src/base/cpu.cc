// base/cpu.cc — see cpu.h.
#include "base/cpu.h"

namespace breachscope {

bool CpuHasAvx2() {
#if defined(__x86_64__)
  static const bool has = [] {
    __builtin_cpu_init();  // callers may run before the compiler's own CPU probe
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
#else
  return false;
#endif
}

}  // namespace breachscope
