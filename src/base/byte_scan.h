// base/byte_scan.h — counting and listing one byte value (a line break, a delimiter)
// across a buffer with vector compares, for the passes that only need where lines
// end. memchr per line costs a call and a set-up per line: on machine text (logs,
// metrics, source; lines of 40–80 bytes) that is most of the work of a line pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace breachscope {

// How many bytes of `s` equal `c`.
uint64_t CountByte(std::string_view s, char c);

// Appends to `out` the offset (from s.data()) + `base` of every byte of `s` equal to
// `c`, in order. `out` keeps its capacity between calls: callers reuse one.
void ListByte(std::string_view s, char c, uint64_t base, std::vector<uint64_t>& out);

// ListByte for bytes equal to any of `a`, `b`, `c` (a CSV's delimiter, line break and
// quote).
void ListAnyOf(std::string_view s, char a, char b, char c, uint64_t base, std::vector<uint64_t>& out);

}  // namespace breachscope
