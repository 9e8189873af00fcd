// base/hex.h — the two lowercase hex digits of every byte value, for the writers that
// put a 64-digit fingerprint out once per finding (redact/, report/): 32 look-ups
// instead of 64 shifts and masks.
#pragma once

namespace breachscope {

struct HexPairs {
  char pair[256][2];
  constexpr HexPairs() : pair{} {
    const char* digits = "0123456789abcdef";
    for (int b = 0; b < 256; ++b) {
      pair[b][0] = digits[b >> 4];
      pair[b][1] = digits[b & 15];
    }
  }
};
inline constexpr HexPairs kHexPairs;

}  // namespace breachscope
