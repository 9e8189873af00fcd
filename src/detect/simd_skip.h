// detect/simd_skip.h — the byte-level prefilter of the single scan pass.
//
// NextInteresting() returns the first byte at or after `p` that can start a
// candidate: an ASCII digit or '@'. Everything else (words, markup, spaces) is
// skipped 32 bytes at a time with AVX2 when the CPU has it (checked once), 16 at a
// time with SSE2 otherwise. Validators and context run only where it stops.
// PrevLetterOrNewline() is the same kind of skip, backwards, for the label look-back.
//
// Thread-safety: pure function.
#pragma once

namespace breachscope::detect {

const char* NextInteresting(const char* p, const char* end);

// The backward skip of the context look-back (labels.h NearestLabel): the smallest
// q in [lo, p] such that [q, p) holds no ASCII letter and no '\n' (so q == lo or
// q[-1] is a letter or a line break). Reads only [lo, p).
const char* PrevLetterOrNewline(const char* lo, const char* p);

}  // namespace breachscope::detect
