// store/chunk_segments.h — where the case keeps large chunk blobs: append-only segment
// files beside case.db (DIR/case.chunks/NNNNNN.seg), written and read with O_DIRECT.
//
// Why not SQLite blobs: a dense scan stores about 1.5 GB of chunk blobs per GB of
// input, and SQLite writes each blob twice through the page cache (WAL, then the
// checkpoint); that was 15 of the 70 CPU seconds of the 1 GB benchmark. A segment is
// written once, directly, and case.db keeps only where each chunk is. Small chunks
// (below kSegmentMinBytes) stay in SQLite, where they cost no block padding.
//
// A chunk's place: a header (magic, file id, seq, lengths) then its parts, starting on
// a 4 KiB block and padded to whole blocks, at an offset no other writer can take
// (reserved under a lock; the writes themselves run in parallel). The bytes are in
// the file before case.db records where they are, so a scan killed at any moment
// leaves no row pointing at unwritten data; a dead chunk (its file rescanned or
// forgotten) stays as garbage until `compact`. Reads check the header, so bytes lost
// in a power cut are reported, never decoded as another chunk.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace breachscope::store {

inline constexpr size_t kSegmentBlock = 4096;
inline constexpr size_t kSegmentMinBytes = 64 * 1024;  // padding ≤ 6% above this
inline constexpr size_t kSegmentHeaderBytes = 32;

struct SegmentPlace {
  int64_t segment = 0;
  uint64_t offset = 0;  // of the header, block-aligned
};

class ChunkSegments {
 public:
  // `dir` is created (mode 0700) at the first append.
  explicit ChunkSegments(std::filesystem::path dir, uint64_t segment_limit = uint64_t{4} << 30);
  ~ChunkSegments();
  ChunkSegments(const ChunkSegments&) = delete;
  ChunkSegments& operator=(const ChunkSegments&) = delete;

  // Writes the header and `parts` back to back at a fresh place; a new segment is
  // started when the current one would pass the limit.
  Result<SegmentPlace> Append(int64_t file, uint32_t seq, std::span<const std::string_view> parts);
  // Reads `len` bytes starting `from` bytes into the chunk at `at` (its header is at 0,
  // its parts from kSegmentHeaderBytes on), into `out`.
  Status Read(const SegmentPlace& at, uint64_t from, uint64_t len, std::string& out);
  // Whether `header` (the first kSegmentHeaderBytes read at `at`) is that of chunk
  // (file, seq) with a body of `body_bytes`: a power cut can leave case.db pointing
  // at bytes that never reached the disk.
  Status CheckHeader(std::string_view header, const SegmentPlace& at, int64_t file, uint32_t seq,
                     uint64_t body_bytes) const;

  // The bytes a chunk of `body_bytes` takes in its segment (header and padding included).
  static uint64_t PlacedBytes(uint64_t body_bytes);

  // Segment numbers present on disk, and their sizes.
  std::map<int64_t, uint64_t> OnDisk();
  // Deletes a segment file (compact, once no row points into it).
  Status Remove(int64_t segment);

 private:
  struct Segment {
    int write_fd = -1, read_fd = -1;  // O_DIRECT until the file system refuses it (then cleared)
  };
  std::filesystem::path PathOf(int64_t segment) const;
  Status OpenNextSegment();                           // under mu_
  Result<Segment*> ForRead(int64_t segment);          // opens lazily

  std::filesystem::path dir_;
  uint64_t segment_limit_;
  std::mutex mu_;
  std::map<int64_t, Segment> segments_;  // node-based: pointers stay valid
  int64_t current_ = -1;                 // segment appends go to; -1 before the first
  uint64_t append_at_ = 0;
};

}  // namespace breachscope::store
