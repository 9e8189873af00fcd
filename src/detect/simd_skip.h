// detect/simd_skip.h — the byte-level prefilter of the single scan pass.
//
// NextInteresting() returns the first byte at or after `p` that can start a
// candidate: an ASCII digit or '@'. Everything else (words, markup, spaces) is
// skipped 32 bytes at a time with AVX2 when the CPU has it (checked once), 16 at a
// time with SSE2 otherwise. Validators and context run only where it stops.
//
// Thread-safety: pure function.
#pragma once

namespace breachscope::detect {

const char* NextInteresting(const char* p, const char* end);

}  // namespace breachscope::detect
