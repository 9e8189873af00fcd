// base/direct_io.h — opening files for O_DIRECT where the file system allows it, and
// falling back where it does not (tmpfs before Linux 6.6, some network file systems
// refuse O_DIRECT at open; others take the open and refuse the first aligned I/O).
// Used by the output files (report/) and the case's chunk segments (store/).
#pragma once

#include <sys/types.h>

#include <filesystem>

namespace breachscope {

// open(2) with O_DIRECT | O_CLOEXEC added, or with O_CLOEXEC only when the file system
// refuses O_DIRECT at open (EINVAL). Returns the descriptor (or -1, errno set); *direct
// says whether O_DIRECT is on.
int OpenMaybeDirect(const std::filesystem::path& path, int flags, mode_t mode = 0, bool* direct = nullptr);

// Clears O_DIRECT on a descriptor whose file system took the open but refused the I/O
// (EINVAL): the caller retries the same I/O buffered. False when O_DIRECT was already
// off (the EINVAL is real) or fcntl failed.
bool ClearDirect(int fd);

}  // namespace breachscope
