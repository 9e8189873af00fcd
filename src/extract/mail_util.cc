// extract/mail_util.cc — temporary files and small string checks for mail.cc and
// pst.cc. Kept apart so the two extractors share one way of spilling big members.
#include "extract/mail_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace breachscope::extract::mail {

Result<TempFile> MakeTempFile(const std::filesystem::path& dir) {
  std::string pattern = (dir / "bs-mail-XXXXXX").string();
  int fd = mkostemp(pattern.data(), O_CLOEXEC);  // mkstemp files are 0600
  if (fd < 0) return IoError(std::string("cannot create a temporary file: ") + std::strerror(errno));
  return TempFile{fd, std::filesystem::path(pattern)};
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SpillIfLarge(Member& m, const Budget& budget) {
  if (m.data.size() <= budget.max_member_in_memory) return Status::Ok();
  auto tmp = MakeTempFile(budget.temp_dir);
  if (!tmp.ok()) return tmp.status();
  Status st = WriteAll(tmp->fd, m.data);
  ::close(tmp->fd);
  std::error_code ec;
  if (!st.ok()) {
    std::filesystem::remove(tmp->path, ec);
    return st;
  }
  m.file = tmp->path;
  std::string().swap(m.data);
  return Status::Ok();
}

std::string Extension(std::string_view file_name) {
  size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  size_t dot = file_name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string ext(file_name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}

bool IsUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace breachscope::extract::mail
