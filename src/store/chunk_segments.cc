// store/chunk_segments.cc — append-only chunk segments with direct I/O (see the header
// for why). Direct I/O needs block-aligned buffers, offsets and sizes: each chunk is
// staged in a per-thread aligned buffer and padded to whole blocks; reads take the
// aligned span around what is asked and copy it out. Where a file system refuses
// O_DIRECT (tmpfs, some network file systems) the same calls run buffered.
#include "store/chunk_segments.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/direct_io.h"

namespace breachscope::store {

namespace {

constexpr char kMagic[8] = {'B', 'S', 'C', 'H', 'U', 'N', 'K', '1'};

uint64_t RoundUp(uint64_t n) { return (n + kSegmentBlock - 1) / kSegmentBlock * kSegmentBlock; }

// One block-aligned staging buffer per thread, grown as needed and kept: chunk blobs are
// megabytes and every worker stores one per chunk.
class AlignedBuffer {
 public:
  ~AlignedBuffer() { std::free(data_); }
  char* Ensure(size_t n) {
    if (n > capacity_) {
      size_t cap = std::max(RoundUp(n), static_cast<uint64_t>(capacity_) * 2);
      void* p = std::aligned_alloc(kSegmentBlock, cap);
      if (!p) return nullptr;
      std::free(data_);
      data_ = static_cast<char*>(p);
      capacity_ = cap;
    }
    return data_;
  }

 private:
  char* data_ = nullptr;
  size_t capacity_ = 0;
};

AlignedBuffer& ThreadBuffer() {
  thread_local AlignedBuffer buffer;
  return buffer;
}

std::string Errno() { return std::strerror(errno); }

}  // namespace

ChunkSegments::ChunkSegments(std::filesystem::path dir, uint64_t segment_limit)
    : dir_(std::move(dir)), segment_limit_(segment_limit) {}

ChunkSegments::~ChunkSegments() {
  for (auto& [n, s] : segments_) {
    if (s.write_fd >= 0) ::close(s.write_fd);
    if (s.read_fd >= 0) ::close(s.read_fd);
  }
}

uint64_t ChunkSegments::PlacedBytes(uint64_t body_bytes) { return RoundUp(kSegmentHeaderBytes + body_bytes); }

std::filesystem::path ChunkSegments::PathOf(int64_t segment) const {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld.seg", static_cast<long long>(segment));
  return dir_ / name;
}

std::map<int64_t, uint64_t> ChunkSegments::OnDisk() {
  std::map<int64_t, uint64_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() != 10 || name.compare(6, 4, ".seg") != 0 ||
        !std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::error_code size_ec;
    uint64_t size = e.file_size(size_ec);
    out[std::stoll(name.substr(0, 6))] = size_ec ? 0 : size;
  }
  return out;
}

Status ChunkSegments::OpenNextSegment() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return IoError("cannot create " + dir_.string() + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  int64_t next = current_ + 1;
  auto disk = OnDisk();
  if (!disk.empty()) next = std::max(next, disk.rbegin()->first + 1);
  for (;; ++next) {
    int fd = OpenMaybeDirect(PathOf(next), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 && errno == EEXIST) continue;  // another process of this case took it
    if (fd < 0) return IoError("cannot create chunk segment " + PathOf(next).string() + ": " + Errno());
    ::fchmod(fd, 0600);
    segments_[next].write_fd = fd;
    current_ = next;
    append_at_ = 0;
    return Status::Ok();
  }
}

Result<SegmentPlace> ChunkSegments::Append(int64_t file, uint32_t seq, std::span<const std::string_view> parts) {
  uint64_t body = 0;
  for (auto p : parts) body += p.size();
  const uint64_t placed = PlacedBytes(body);
  SegmentPlace at;
  int fd;
  {
    std::lock_guard lock(mu_);
    if (current_ < 0 || (append_at_ > 0 && append_at_ + placed > segment_limit_))
      BS_RETURN_IF_ERROR(OpenNextSegment());
    at = {current_, append_at_};
    fd = segments_[current_].write_fd;
    append_at_ += placed;
  }
  char* buf = ThreadBuffer().Ensure(placed);
  if (!buf) return IoError("cannot store a chunk: out of memory");
  std::memcpy(buf, kMagic, 8);
  std::memcpy(buf + 8, &file, 8);
  std::memcpy(buf + 16, &seq, 4);
  std::memset(buf + 20, 0, 4);
  std::memcpy(buf + 24, &body, 8);
  char* w = buf + kSegmentHeaderBytes;
  for (auto p : parts) {
    if (!p.empty()) std::memcpy(w, p.data(), p.size());
    w += p.size();
  }
  std::memset(w, 0, static_cast<size_t>(buf + placed - w));
  uint64_t done = 0;
  while (done < placed) {
    ssize_t n = ::pwrite(fd, buf + done, placed - done, static_cast<off_t>(at.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && ClearDirect(fd)) continue;
    if (n <= 0) return IoError("cannot write chunk segment " + PathOf(at.segment).string() + ": " + (n < 0 ? Errno() : "no space"));
    done += static_cast<uint64_t>(n);
  }
  return at;
}

Result<ChunkSegments::Segment*> ChunkSegments::ForRead(int64_t segment) {
  std::lock_guard lock(mu_);
  Segment& s = segments_[segment];
  if (s.read_fd < 0) {
    s.read_fd = OpenMaybeDirect(PathOf(segment), O_RDONLY);
    if (s.read_fd < 0) return IoError("cannot open chunk segment " + PathOf(segment).string() + ": " + Errno());
  }
  return &s;
}

Status ChunkSegments::Read(const SegmentPlace& at, uint64_t from, uint64_t len, std::string& out) {
  auto seg = ForRead(at.segment);
  if (!seg.ok()) return seg.status();
  const uint64_t begin = at.offset + from, end = begin + len;
  const uint64_t aligned_begin = begin / kSegmentBlock * kSegmentBlock, aligned_end = RoundUp(end);
  char* buf = ThreadBuffer().Ensure(aligned_end - aligned_begin);
  if (!buf) return IoError("cannot read a chunk: out of memory");
  const int fd = (*seg)->read_fd;
  uint64_t got = 0;
  while (aligned_begin + got < end) {
    ssize_t n = ::pread(fd, buf + got, aligned_end - aligned_begin - got, static_cast<off_t>(aligned_begin + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && ClearDirect(fd)) continue;
    if (n < 0) return IoError("cannot read chunk segment " + PathOf(at.segment).string() + ": " + Errno());
    if (n == 0)
      return CorruptError("chunk segment " + PathOf(at.segment).string() +
                          " is shorter than case.db says (cut by a power failure or by hand): rescan into a new case");
    got += static_cast<uint64_t>(n);
  }
  out.assign(buf + (begin - aligned_begin), len);
  return Status::Ok();
}

Status ChunkSegments::CheckHeader(std::string_view header, const SegmentPlace& at, int64_t file, uint32_t seq,
                                  uint64_t body_bytes) const {
  int64_t f = 0;
  uint32_t s = 0;
  uint64_t b = 0;
  if (header.size() >= kSegmentHeaderBytes) {
    std::memcpy(&f, header.data() + 8, 8);
    std::memcpy(&s, header.data() + 16, 4);
    std::memcpy(&b, header.data() + 24, 8);
  }
  if (header.size() < kSegmentHeaderBytes || std::memcmp(header.data(), kMagic, 8) != 0 || f != file || s != seq ||
      b != body_bytes)
    return CorruptError("chunk segment " + PathOf(at.segment).string() + " does not hold the chunk case.db places at " +
                        std::to_string(at.offset) + " (lost in a power failure, or changed by hand): rescan into a new case");
  return Status::Ok();
}

Status ChunkSegments::Remove(int64_t segment) {
  {
    std::lock_guard lock(mu_);
    auto it = segments_.find(segment);
    if (it != segments_.end()) {
      if (it->second.write_fd >= 0) ::close(it->second.write_fd);
      if (it->second.read_fd >= 0) ::close(it->second.read_fd);
      if (segment == current_) current_ = -1;
      segments_.erase(it);
    }
  }
  std::error_code ec;
  std::filesystem::remove(PathOf(segment), ec);
  if (ec) return IoError("cannot remove chunk segment " + PathOf(segment).string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace breachscope::store
