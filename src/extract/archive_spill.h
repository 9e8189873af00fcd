// extract/archive_spill.h — a member's bytes, in memory or in a temporary file.
//
// Extractors that produce members piece by piece (archive entries, database
// tables) do not know the final size up front. MemberBuffer keeps the bytes in
// memory until they pass Budget::max_member_in_memory, then moves them to a
// temporary file (mkstemp under Budget::temp_dir, mode 0600) and appends there,
// so one huge member never sits in memory. MoveInto() hands the bytes to a Member
// (data or file); the sink then owns and removes the file. A buffer that is never
// handed over removes its file itself.
//
// Errors: kIo when the temporary file cannot be created or written.
//
// Thread-safety: one instance per Extract() call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"
#include "extract/extractor.h"

namespace breachscope::extract {

class MemberBuffer {
 public:
  MemberBuffer(uint64_t max_in_memory, std::filesystem::path temp_dir);
  ~MemberBuffer();
  MemberBuffer(const MemberBuffer&) = delete;
  MemberBuffer& operator=(const MemberBuffer&) = delete;

  Status Append(std::string_view bytes);
  Status AppendZeros(uint64_t count);
  uint64_t size() const { return size_; }
  bool spilled() const { return fd_ >= 0; }

  // Gives the bytes to `m` (m.data, or m.file for a spilled buffer) and resets
  // this buffer to empty.
  Status MoveInto(Member& m);

 private:
  Status Spill();
  Status Flush();

  uint64_t max_in_memory_;
  std::filesystem::path temp_dir_;
  std::string data_;  // the bytes, or (when spilled) the bytes not yet written
  uint64_t size_ = 0;
  int fd_ = -1;
  std::filesystem::path file_;
};

// Writes `bytes` to a new temporary file (mkstemp, mode 0600) under `dir`; the
// file is removed when the returned object goes away. For tools that need a path.
class TempFile {
 public:
  TempFile() = default;
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  Status Create(const std::filesystem::path& dir, std::string_view bytes, std::string_view suffix = "");
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace breachscope::extract
