// base/cpu.h — what the CPU can do, asked once, for the SIMD paths that choose between
// AVX2 and SSE2 (base/byte_scan, detect/simd_skip, decode's run finders).
#pragma once

namespace breachscope {

// True when the CPU runs AVX2 code. Safe during static initialisation.
bool CpuHasAvx2();

}  // namespace breachscope
