// extract/office_util.cc — spill-to-file text, temporary files, and spreadsheet
// number and date rendering for the Office extractors (see office_util.h).
//
// Dates follow Excel: serial 1 is 1900-01-01, serial 60 the non-existent
// 1900-02-29 (Lotus compatibility), serial 61 is 1900-03-01; in the 1904 system
// serial 0 is 1904-01-01. Days are converted with the proleptic Gregorian
// civil-from-days formula.
#include "extract/office_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace breachscope::extract::office {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Days since 1970-01-01 to a civil date.
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

std::optional<double> ParseDouble(std::string_view raw) {
  while (!raw.empty() && IsSpace(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && IsSpace(raw.back())) raw.remove_suffix(1);
  if (raw.empty() || raw.size() > 64) return std::nullopt;
  char buf[72];
  std::memcpy(buf, raw.data(), raw.size());
  buf[raw.size()] = '\0';
  char* end = nullptr;
  double v = std::strtod(buf, &end);
  if (end != buf + raw.size() || !std::isfinite(v)) return std::nullopt;
  // strtod also takes hex floats, "inf" and "nan": a spreadsheet number has digits only.
  for (char c : raw)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return std::nullopt;
  return v;
}

}  // namespace

Result<int> MakeTempFile(const std::filesystem::path& dir, std::string_view suffix, std::filesystem::path* path) {
  std::string tmpl = (dir / "bs-office-XXXXXX").string();
  tmpl.append(suffix);
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return IoError(std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::fchmod(fd, 0600);
  *path = std::filesystem::path(name.data());
  return fd;
}

TextSpool::~TextSpool() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(file_, ec);
  }
}

void TextSpool::Append(std::string_view s) {
  if (s.empty()) return;
  size_ += s.size();
  if (!has_content_)
    for (char c : s)
      if (!IsSpace(c)) {
        has_content_ = true;
        break;
      }
  buf_.append(s);
  if (fd_ < 0 && buf_.size() > limit_ && status_.ok()) {
    auto fd = MakeTempFile(temp_dir_, ".txt", &file_);
    if (!fd.ok()) {
      status_ = fd.status();
      return;
    }
    fd_ = *fd;
  }
  if (fd_ >= 0 && buf_.size() >= kFlushBytes) Flush();
}

void TextSpool::Flush() {
  if (fd_ < 0 || buf_.empty()) return;
  if (!WriteAll(fd_, buf_) && status_.ok())
    status_ = IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
  buf_.clear();
}

Status TextSpool::Finish(Member& m) {
  Flush();
  if (!status_.ok()) return status_;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    m.file = std::move(file_);
    m.data.clear();
    file_.clear();
  } else {
    m.data = std::move(buf_);
  }
  buf_.clear();
  size_ = 0;
  has_content_ = false;
  return Status::Ok();
}

TempFile::~TempFile() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

Result<TempFile> TempFile::Write(const std::filesystem::path& dir, std::string_view bytes, std::string_view suffix) {
  TempFile t;
  auto fd = MakeTempFile(dir, suffix, &t.path_);
  if (!fd.ok()) return fd.status();
  bool ok = WriteAll(*fd, bytes);
  int err = errno;
  ::close(*fd);
  if (!ok) return IoError(std::string("cannot write a temporary file: ") + std::strerror(err));
  return t;
}

std::string RenderNumber(std::string_view raw) {
  auto v = ParseDouble(raw);
  if (!v) return std::string(raw);
  double x = *v;
  char buf[64];
  if (std::fabs(x) < 1e15 && x == std::floor(x)) {
    std::snprintf(buf, sizeof buf, "%.0f", x == 0 ? 0.0 : x);
    return buf;
  }
  bool has_exp = raw.find_first_of("eE") != std::string_view::npos;
  if (!has_exp) return std::string(raw);
  if (std::fabs(x) >= 1e15 || std::fabs(x) < 1e-6) return std::string(raw);
  std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

std::optional<std::string> SerialToDate(std::string_view raw, bool date1904) {
  auto v = ParseDouble(raw);
  if (!v) return std::nullopt;
  double serial = std::floor(*v);
  if (serial < (date1904 ? 0 : 1) || serial > 2958465) return std::nullopt;
  int64_t s = static_cast<int64_t>(serial);
  if (!date1904 && s == 60) return std::string("1900-02-29");
  // Days since 1970-01-01: 1899-12-30 is -25569; 1904-01-01 is -24107.
  int64_t days;
  if (date1904) {
    days = -24107 + s;
  } else {
    days = (s < 60 ? -25568 : -25569) + s;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (y > 9999) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return std::string(buf);
}

bool IsBuiltinDateFormat(int id) { return (id >= 14 && id <= 22) || (id >= 45 && id <= 47); }

bool IsDateFormatCode(std::string_view code) {
  // Only the first section (positive numbers) decides.
  bool d = false, y = false, m = false, h = false, s = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // escaped / padding / fill character
    } else if (c == '[') {
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == ';') {
      break;
    } else {
      switch (c | 0x20) {
        case 'd': d = true; break;
        case 'y': y = true; break;
        case 'm': m = true; break;
        case 'h': h = true; break;
        case 's': s = true; break;
        default: break;
      }
    }
  }
  if (d || y) return true;
  return m && !h && !s;
}

void FlattenWhitespace(std::string& s) {
  for (char& c : s)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
}

std::string LowerExtension(std::string_view name) {
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return {};
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace breachscope::extract::office
