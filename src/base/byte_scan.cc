// base/byte_scan.cc — see byte_scan.h. AVX2 when the CPU has it (checked once), SSE2
// otherwise (every x86-64 has it); the tails are byte loops.
#include "base/byte_scan.h"

#include <immintrin.h>

#include "base/cpu.h"

namespace breachscope {

namespace {

__attribute__((target("avx2,popcnt"))) uint64_t CountAvx2(const char* p, size_t n, char c) {
  const __m256i needle = _mm256_set1_epi8(c);
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    uint64_t lo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, needle)));
    uint64_t hi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, needle)));
    count += static_cast<uint64_t>(__builtin_popcountll(lo | (hi << 32)));
  }
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

uint64_t CountSse2(const char* p, size_t n, char c) {
  const __m128i needle = _mm_set1_epi8(c);
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    count += static_cast<uint64_t>(__builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)))));
  }
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

// One 64-bit mask per 64 bytes, then one step per match: a line costs a compare over
// its bytes and a count-trailing-zeros, with no call per line.
__attribute__((target("avx2,bmi"))) void ListAvx2(const char* p, size_t n, char c, uint64_t base,
                                                  std::vector<uint64_t>& out) {
  const __m256i needle = _mm256_set1_epi8(c);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    uint64_t lo = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, needle)));
    uint64_t hi = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, needle)));
    for (uint64_t m = lo | (hi << 32); m; m &= m - 1) out.push_back(base + i + static_cast<uint64_t>(__builtin_ctzll(m)));
  }
  for (; i < n; ++i)
    if (p[i] == c) out.push_back(base + i);
}

void ListSse2(const char* p, size_t n, char c, uint64_t base, std::vector<uint64_t>& out) {
  const __m128i needle = _mm_set1_epi8(c);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle))); m; m &= m - 1)
      out.push_back(base + i + static_cast<uint64_t>(__builtin_ctz(m)));
  }
  for (; i < n; ++i)
    if (p[i] == c) out.push_back(base + i);
}

__attribute__((target("avx2"))) inline uint64_t AnyOfMask(__m256i v, __m256i va, __m256i vb, __m256i vc) {
  __m256i m = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, va), _mm256_cmpeq_epi8(v, vb)),
                              _mm256_cmpeq_epi8(v, vc));
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(m)));
}

__attribute__((target("avx2,bmi"))) void ListAnyOfAvx2(const char* p, size_t n, char a, char b, char c,
                                                       uint64_t base, std::vector<uint64_t>& out) {
  const __m256i va = _mm256_set1_epi8(a), vb = _mm256_set1_epi8(b), vc = _mm256_set1_epi8(c);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    uint64_t lo = AnyOfMask(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), va, vb, vc);
    uint64_t hi = AnyOfMask(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)), va, vb, vc);
    for (uint64_t m = lo | (hi << 32); m; m &= m - 1) out.push_back(base + i + static_cast<uint64_t>(__builtin_ctzll(m)));
  }
  for (; i < n; ++i)
    if (p[i] == a || p[i] == b || p[i] == c) out.push_back(base + i);
}

void ListAnyOfSse2(const char* p, size_t n, char a, char b, char c, uint64_t base, std::vector<uint64_t>& out) {
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)), _mm_cmpeq_epi8(v, vc));
    for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m)); bits; bits &= bits - 1)
      out.push_back(base + i + static_cast<uint64_t>(__builtin_ctz(bits)));
  }
  for (; i < n; ++i)
    if (p[i] == a || p[i] == b || p[i] == c) out.push_back(base + i);
}

}  // namespace

uint64_t CountByte(std::string_view s, char c) {
  return CpuHasAvx2() ? CountAvx2(s.data(), s.size(), c) : CountSse2(s.data(), s.size(), c);
}

void ListByte(std::string_view s, char c, uint64_t base, std::vector<uint64_t>& out) {
  if (CpuHasAvx2()) ListAvx2(s.data(), s.size(), c, base, out);
  else ListSse2(s.data(), s.size(), c, base, out);
}

void ListAnyOf(std::string_view s, char a, char b, char c, uint64_t base, std::vector<uint64_t>& out) {
  if (CpuHasAvx2()) ListAnyOfAvx2(s.data(), s.size(), a, b, c, base, out);
  else ListAnyOfSse2(s.data(), s.size(), a, b, c, base, out);
}

}  // namespace breachscope
