// detect/packed_word.h — short words as integer keys for the detect module's flat tables.
//
// The label look-back (labels.cc) and the name lexicon (name_lexicon.cc) look up every
// word they pass in small read-only tables. A word of 1 to 16 bytes packed into two
// 64-bit integers (with its length) names it exactly, so a table slot compares two
// integers instead of calling memcmp, and the hash is a few multiplies instead of a
// byte-wise murmur.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace breachscope::detect {

constexpr size_t kMaxPackedWord = 16;

struct PackedWord {
  uint64_t a = 0, b = 0;
};

inline uint64_t LoadU64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The bytes p[0, n), 1 <= n <= kMaxPackedWord, reading only inside them (overlapping
// loads when n is not a power of two). With n, the result names the bytes exactly.
inline PackedWord PackWord(const char* p, size_t n) {
  if (n >= 8) return {LoadU64(p), LoadU64(p + n - 8)};
  if (n >= 4) return {LoadU32(p) | LoadU32(p + n - 4) << 32, 0};
  return {static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
              static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
              static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16,
          0};
}

// PackWord() of a run of ASCII letters, lower-cased on the way (no copy of the word).
inline PackedWord PackLetters(const char* p, size_t n) {
  PackedWord k = PackWord(p, n);
  k.a |= n >= 4 ? 0x2020202020202020ull : 0x202020ull;
  if (n >= 8) k.b |= 0x2020202020202020ull;
  return k;
}

// A 64-bit hash of a packed word whose high and low bits are both well mixed.
inline uint64_t HashPacked(const PackedWord& k, size_t n) {
  uint64_t h = (k.a ^ (k.b * 0x9E3779B97F4A7C15ull) ^ n) * 0xBF58476D1CE4E5B9ull;
  h ^= h >> 31;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

}  // namespace breachscope::detect
