// extract/archive_spill.cc — member bytes in memory or in a temporary file.
//
// Why a helper: the archive, SQLite and Access readers all build members whose
// size is unknown until the end, and all must honour max_member_in_memory the same
// way. Temporary files are created with mkstemp (mode 0600, unguessable name) and
// written with plain write(2), so a full disk or a removed temp_dir is a kIo error
// for that member rather than a silent truncation.
#include "extract/archive_spill.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace breachscope::extract {

namespace {

constexpr size_t kWriteChunk = 1 << 20;  // spilled bytes are written in pieces of this size

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// mkstemp under `dir`; returns the descriptor and sets `path`.
Result<int> MakeTemp(const std::filesystem::path& dir, std::string_view suffix, std::filesystem::path& path) {
  std::string templ = (dir / "bs-extract-XXXXXX").string();
  templ += suffix;
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = suffix.empty() ? ::mkstemp(buf.data()) : ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return IoError(std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::fchmod(fd, 0600);
  path = std::filesystem::path(buf.data());
  return fd;
}

}  // namespace

MemberBuffer::MemberBuffer(uint64_t max_in_memory, std::filesystem::path temp_dir)
    : max_in_memory_(max_in_memory), temp_dir_(std::move(temp_dir)) {}

MemberBuffer::~MemberBuffer() {
  if (fd_ >= 0) ::close(fd_);
  if (!file_.empty()) {
    std::error_code ec;
    std::filesystem::remove(file_, ec);
  }
}

Status MemberBuffer::Spill() {
  auto fd = MakeTemp(temp_dir_, "", file_);
  if (!fd.ok()) return fd.status();
  fd_ = *fd;
  return Flush();
}

Status MemberBuffer::Flush() {
  Status s = WriteAll(fd_, data_);
  data_.clear();
  return s;
}

Status MemberBuffer::Append(std::string_view bytes) {
  if (bytes.empty()) return Status::Ok();
  size_ += bytes.size();
  data_.append(bytes);
  if (fd_ < 0) {
    if (size_ > max_in_memory_) return Spill();
    return Status::Ok();
  }
  if (data_.size() >= kWriteChunk) return Flush();
  return Status::Ok();
}

Status MemberBuffer::AppendZeros(uint64_t count) {
  static const std::string kZeros(64 << 10, '\0');
  while (count > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(count, kZeros.size()));
    BS_RETURN_IF_ERROR(Append(std::string_view(kZeros.data(), n)));
    count -= n;
  }
  return Status::Ok();
}

Status MemberBuffer::MoveInto(Member& m) {
  if (fd_ >= 0) {
    BS_RETURN_IF_ERROR(Flush());
    ::close(fd_);
    fd_ = -1;
    m.data.clear();
    m.file = std::move(file_);
    file_.clear();
  } else {
    m.data = std::move(data_);
    data_.clear();
  }
  size_ = 0;
  return Status::Ok();
}

TempFile::~TempFile() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

Status TempFile::Create(const std::filesystem::path& dir, std::string_view bytes, std::string_view suffix) {
  auto fd = MakeTemp(dir, suffix, path_);
  if (!fd.ok()) return fd.status();
  Status s = WriteAll(*fd, bytes);
  ::close(*fd);
  return s;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace breachscope::extract
