#include "detect/simd_skip.h"

#include <immintrin.h>

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

using NextFn = const char* (*)(const char*, const char*);

NextFn Pick() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? &NextAvx2 : &NextSse2;
}

const NextFn kNext = Pick();

}  // namespace

const char* NextInteresting(const char* p, const char* end) { return kNext(p, end); }

}  // namespace breachscope::detect
