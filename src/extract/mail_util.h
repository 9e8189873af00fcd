// extract/mail_util.h — small helpers shared by the mail and PST extractors.
//
// Members larger than Budget::max_member_in_memory are handed over in a temporary
// file (mode 0600, under Budget::temp_dir) that the sink removes; these helpers
// make such files and decide between memory and file.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"
#include "extract/extractor.h"

namespace breachscope::extract::mail {

// A new empty temporary file under `dir` (mkstemp, mode 0600): its open descriptor
// and path. kIo when it cannot be made.
struct TempFile {
  int fd = -1;
  std::filesystem::path path;
};
Result<TempFile> MakeTempFile(const std::filesystem::path& dir);

// Writes all of `data` to `fd`; kIo on a short write.
Status WriteAll(int fd, std::string_view data);

// Moves `m.data` into a temporary file (setting `m.file`) when it is larger than the
// budget's in-memory limit. kIo when the file cannot be written (the data stays).
Status SpillIfLarge(Member& m, const Budget& budget);

// The lowercase extension of the last level of `file_name` ("eml"), or empty.
std::string Extension(std::string_view file_name);

// True when `s` is valid UTF-8.
bool IsUtf8(std::string_view s);

}  // namespace breachscope::extract::mail
