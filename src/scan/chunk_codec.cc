#include "scan/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace breachscope::scan {

namespace {

void PutU64(std::string& b, uint64_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutU32(std::string& b, uint32_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutStr(std::string& b, std::string_view s) {
  PutU32(b, static_cast<uint32_t>(s.size()));
  b.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool U64(uint64_t& v) { return Raw(&v, sizeof v); }
  bool U32(uint32_t& v) { return Raw(&v, sizeof v); }
  bool Str(std::string& s) {
    uint32_t n;
    if (!U32(n) || pos_ + n > b_.size()) return false;
    s.assign(b_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool Raw(void* p, size_t n) {
    if (pos_ + n > b_.size()) return false;
    std::memcpy(p, b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ >= b_.size(); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

}  // namespace

SpillWriter::SpillWriter(const std::filesystem::path& path, int index) : path_(path), index_(index) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) f_ = ::fdopen(fd, "w+b");
  if (!f_) status_ = IoError("cannot create spill file " + path.string() + ": " + std::strerror(errno));
}

SpillWriter::~SpillWriter() {
  if (f_) std::fclose(f_);
}

Result<SpillSegment> SpillWriter::AppendBuffer() {
  SpillSegment seg{index_, size_, buf_.size()};
  if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
    status_ = IoError("cannot write spill file " + path_.string() + ": " + std::strerror(errno));
    return status_;
  }
  size_ += buf_.size();
  return seg;
}

Result<SpillSegment> SpillWriter::Write(const std::vector<report::FindingRow>& rows) {
  if (!status_.ok()) return status_;
  buf_.clear();
  for (const auto& r : rows) {
    buf_.push_back(static_cast<char>(r.type));
    PutStr(buf_, r.head);
    PutU64(buf_, r.location.line);
    PutStr(buf_, r.location.column);
    PutU64(buf_, static_cast<uint64_t>(r.location.offset));
    PutU32(buf_, r.record);
  }
  return AppendBuffer();
}

Result<SpillSegment> SpillWriter::WriteRecords(const std::vector<resolve::RecordSummary>& records) {
  if (!status_.ok()) return status_;
  buf_.clear();
  for (const auto& r : records) {
    PutU32(buf_, r.source);
    PutU32(buf_, r.types);
    for (const std::string* f : {&r.first, &r.last, &r.dob, &r.email, &r.phone, &r.street, &r.city, &r.state, &r.zip})
      PutStr(buf_, *f);
    PutU32(buf_, static_cast<uint32_t>(r.identifiers.size()));
    for (const auto& [type, fp] : r.identifiers) {
      buf_.push_back(static_cast<char>(type));
      buf_.append(reinterpret_cast<const char*>(fp.data()), fp.size());
    }
  }
  return AppendBuffer();
}

Status SpillWriter::Close() {
  if (!f_) return status_;
  int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0 && status_.ok()) status_ = IoError("cannot flush spill file " + path_.string());
  return status_;
}

namespace {
Status ReadBytes(const std::filesystem::path& path, const SpillSegment& seg, std::string& buf) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot reopen spill file " + path.string());
  buf.resize(seg.length);
  ssize_t got = ::pread(fd, buf.data(), seg.length, static_cast<off_t>(seg.offset));
  ::close(fd);
  if (got != static_cast<ssize_t>(seg.length)) return IoError("short read of spill file " + path.string());
  return Status::Ok();
}
}  // namespace

Status ReadRecords(const std::filesystem::path& path, const SpillSegment& seg,
                   std::vector<resolve::RecordSummary>& records) {
  records.clear();
  if (seg.length == 0) return Status::Ok();
  std::string buf;
  BS_RETURN_IF_ERROR(ReadBytes(path, seg, buf));
  Reader r(buf);
  while (!r.done()) {
    resolve::RecordSummary rec;
    uint32_t types, n;
    bool ok = r.U32(rec.source) && r.U32(types);
    for (std::string* f : {&rec.first, &rec.last, &rec.dob, &rec.email, &rec.phone, &rec.street, &rec.city, &rec.state,
                           &rec.zip})
      ok = ok && r.Str(*f);
    ok = ok && r.U32(n);
    for (uint32_t i = 0; ok && i < n; ++i) {
      uint8_t type;
      redact::Fingerprint fp;
      ok = r.Raw(&type, 1) && r.Raw(fp.data(), fp.size());
      rec.identifiers.emplace_back(static_cast<PiiType>(type), fp);
    }
    if (!ok) return InternalError("spill file record segment is truncated");
    rec.types = static_cast<PiiTypeSet>(types);
    records.push_back(std::move(rec));
  }
  return Status::Ok();
}

Status ReadSegment(const std::filesystem::path& path, const SpillSegment& seg, std::vector<report::FindingRow>& rows) {
  rows.clear();
  if (seg.length == 0) return Status::Ok();
  std::string buf;
  BS_RETURN_IF_ERROR(ReadBytes(path, seg, buf));
  Reader r(buf);
  while (!r.done()) {
    report::FindingRow row;
    uint8_t type;
    uint64_t off;
    if (!r.Raw(&type, 1) || !r.Str(row.head) || !r.U64(row.location.line) || !r.Str(row.location.column) ||
        !r.U64(off) || !r.U32(row.record))
      return InternalError("spill file segment is truncated");
    row.type = static_cast<PiiType>(type);
    row.location.offset = static_cast<int64_t>(off);
    rows.push_back(std::move(row));
  }
  return Status::Ok();
}

}  // namespace breachscope::scan
