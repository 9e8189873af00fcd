#include "base/direct_io.h"

#include <fcntl.h>

#include <cerrno>

namespace breachscope {

int OpenMaybeDirect(const std::filesystem::path& path, int flags, mode_t mode, bool* direct) {
  int fd = ::open(path.c_str(), flags | O_DIRECT | O_CLOEXEC, mode);
  const bool refused = fd < 0 && errno == EINVAL;
  if (refused) fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (direct) *direct = fd >= 0 && !refused;
  return fd;
}

bool ClearDirect(int fd) {
  const int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || !(fl & O_DIRECT)) return false;
  return ::fcntl(fd, F_SETFL, fl & ~O_DIRECT) == 0;
}

}  // namespace breachscope
