#include "detect/simd_skip.h"

#include <immintrin.h>

#include "base/cpu.h"

namespace breachscope::detect {

namespace {

inline bool Interesting(unsigned char c) { return static_cast<unsigned>(c - '0') < 10u || c == '@'; }

const char* ScalarTail(const char* p, const char* end) {
  while (p < end && !Interesting(static_cast<unsigned char>(*p))) ++p;
  return p;
}

__attribute__((target("avx2"))) const char* NextAvx2(const char* p, const char* end) {
  const __m256i zero = _mm256_set1_epi8('0');
  const __m256i nine = _mm256_set1_epi8(9);
  const __m256i at = _mm256_set1_epi8('@');
  while (end - p >= 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i d = _mm256_sub_epi8(v, zero);
    __m256i is_digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, nine), d);
    __m256i is_at = _mm256_cmpeq_epi8(v, at);
    unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_or_si256(is_digit, is_at)));
    if (mask) return p + __builtin_ctz(mask);
    p += 32;
  }
  return ScalarTail(p, end);
}

const char* NextSse2(const char* p, const char* end) {
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i at = _mm_set1_epi8('@');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i d = _mm_sub_epi8(v, zero);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    __m128i is_at = _mm_cmpeq_epi8(v, at);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(is_digit, is_at)));
    if (mask) return p + __builtin_ctz(mask);
    p += 16;
  }
  return ScalarTail(p, end);
}

inline bool LetterOrNewline(unsigned char c) { return static_cast<unsigned>((c | 0x20) - 'a') < 26u || c == '\n'; }

const char* PrevScalar(const char* lo, const char* p) {
  while (p > lo && !LetterOrNewline(static_cast<unsigned char>(p[-1]))) --p;
  return p;
}

// Backwards 32 bytes at a time: the highest set bit of the letter-or-newline mask of
// [p - 32, p) is the byte just before the answer.
__attribute__((target("avx2"))) const char* PrevAvx2(const char* lo, const char* p) {
  const __m256i lower = _mm256_set1_epi8(0x20);
  const __m256i a = _mm256_set1_epi8('a');
  const __m256i z = _mm256_set1_epi8(25);
  const __m256i nl = _mm256_set1_epi8('\n');
  while (p - lo >= 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - 32));
    __m256i d = _mm256_sub_epi8(_mm256_or_si256(v, lower), a);
    __m256i is_letter = _mm256_cmpeq_epi8(_mm256_min_epu8(d, z), d);
    __m256i is_nl = _mm256_cmpeq_epi8(v, nl);
    unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_or_si256(is_letter, is_nl)));
    if (mask) return p - __builtin_clz(mask);
    p -= 32;
  }
  return PrevScalar(lo, p);
}

const char* PrevSse2(const char* lo, const char* p) {
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i a = _mm_set1_epi8('a');
  const __m128i z = _mm_set1_epi8(25);
  const __m128i nl = _mm_set1_epi8('\n');
  while (p - lo >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 16));
    __m128i d = _mm_sub_epi8(_mm_or_si128(v, lower), a);
    __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(d, z), d);
    __m128i is_nl = _mm_cmpeq_epi8(v, nl);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(is_letter, is_nl)));
    if (mask) return p - (__builtin_clz(mask) - 16);
    p -= 16;
  }
  return PrevScalar(lo, p);
}

using NextFn = const char* (*)(const char*, const char*);

const bool kAvx2 = CpuHasAvx2();
const NextFn kNext = kAvx2 ? &NextAvx2 : &NextSse2;
const NextFn kPrev = kAvx2 ? &PrevAvx2 : &PrevSse2;

}  // namespace

const char* NextInteresting(const char* p, const char* end) { return kNext(p, end); }

const char* PrevLetterOrNewline(const char* lo, const char* p) { return kPrev(lo, p); }

}  // namespace breachscope::detect
