// The case store keeps small chunks in case.db and large ones in append-only segment
// files (store/chunk_segments.h). Whatever the place, GetChunk must give back exactly
// what PutChunk stored, across reopenings, on disk and on tmpfs, from several threads;
// a writer killed mid-scan must leave its completed files whole (chunk rows are
// committed with their file);
// bytes a power cut lost must be reported, never decoded as another chunk; compact must
// give back the space of forgotten chunks; cases made before segments must still read.
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/case_store.h"
#include "store/chunk_segments.h"
#include "test_files.h"

namespace breachscope::store {
namespace {

namespace fs = std::filesystem;

// Deterministic bytes of any length, different per (tag, n): NULs and high bytes included.
std::string Bytes(char tag, size_t n) {
  std::string s(n, '\0');
  uint32_t x = static_cast<uint32_t>(tag) * 2654435761u + static_cast<uint32_t>(n);
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

struct Parts {
  std::string meta, findings, records;
};

Parts MakeParts(char tag, size_t meta, size_t findings, size_t records) {
  return {Bytes(tag, meta), Bytes(static_cast<char>(tag + 1), findings), Bytes(static_cast<char>(tag + 2), records)};
}

std::unique_ptr<CaseStore> OpenStore(const fs::path& dir) {
  auto s = CaseStore::Open(dir / "case.db");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

int64_t NewFile(CaseStore& store, const std::string& path) {
  auto id = store.BeginFile({path, 100, 1, 7}, "hash-" + path);
  EXPECT_TRUE(id.ok());
  return id.ok() ? *id : -1;
}

// Every combination of what GetChunk is asked for gives the stored parts (and empty
// strings for what was not asked), even into a Chunk that held other bytes before.
void ExpectChunk(CaseStore& store, int64_t file, uint32_t seq, const Parts& p) {
  for (bool with_findings : {false, true}) {
    for (bool with_records : {false, true}) {
      if (with_findings && with_records) continue;  // never asked together
      Chunk c{"stale meta", "stale findings", "stale records"};
      Status s = store.GetChunk(file, seq, c, with_findings, with_records);
      ASSERT_TRUE(s.ok()) << s.message();
      EXPECT_TRUE(c.meta == p.meta) << "meta of chunk " << seq;
      EXPECT_TRUE(c.findings == (with_findings ? p.findings : std::string())) << "findings of chunk " << seq;
      EXPECT_TRUE(c.records == (with_records ? p.records : std::string())) << "records of chunk " << seq;
    }
  }
}

std::vector<fs::path> SegmentFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "case.chunks", ec)) out.push_back(e.path());
  return out;
}

// Sizes around the inline threshold and the block size, and a multi-megabyte chunk.
const std::vector<Parts>& Shapes() {
  static const std::vector<Parts> shapes = {
      MakeParts('a', 40, 0, 0),                              // an empty chunk: inline
      MakeParts('b', 100, 3000, 900),                        // small: inline
      MakeParts('c', 57, kSegmentMinBytes, 3),               // just past the threshold
      MakeParts('d', 1, kSegmentBlock - kSegmentHeaderBytes - 2, kSegmentMinBytes),  // block edges
      MakeParts('e', 333, (5u << 20) + 17, (1u << 20) + 1),  // large
      MakeParts('f', 80, 70000, 0),                          // no records
  };
  return shapes;
}

void StoreAndCheckShapes(const fs::path& dir) {
  {
    auto store = OpenStore(dir);
    int64_t f = NewFile(*store, "a.csv");
    for (size_t i = 0; i < Shapes().size(); ++i) {
      const Parts& p = Shapes()[i];
      ASSERT_TRUE(store->PutChunk(f, static_cast<uint32_t>(i), p.meta, p.findings, p.records).ok());
    }
    ASSERT_TRUE(store->CompleteFile(f, static_cast<uint32_t>(Shapes().size()), {}, {}, "").ok());
    for (size_t i = 0; i < Shapes().size(); ++i) ExpectChunk(*store, f, static_cast<uint32_t>(i), Shapes()[i]);
  }
  // And after reopening the case.
  auto store = OpenStore(dir);
  auto stored = store->FindScanned({"a.csv", 100, 1, 7});
  ASSERT_TRUE(stored.ok() && stored->has_value());
  for (size_t i = 0; i < Shapes().size(); ++i)
    ExpectChunk(*store, (*stored)->rows_of, static_cast<uint32_t>(i), Shapes()[i]);
  auto segments = SegmentFiles(dir);
  ASSERT_EQ(segments.size(), 1u) << "large chunks go to one segment";
  struct stat st {};
  ASSERT_EQ(::stat(segments[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "case.chunks").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(fs::file_size(segments[0]) % kSegmentBlock, 0u) << "chunks are padded to whole blocks";
  EXPECT_GT(fs::file_size(segments[0]), 6u << 20) << "the large chunks are in the segment";
  EXPECT_LT(fs::file_size(dir / "case.db"), 1u << 20) << "and not in case.db";
}

TEST(CaseStoreChunks, EveryShapeReadsBackOnDisk) {
  testing_files::TempDir dir;
  StoreAndCheckShapes(dir.path());
}

TEST(CaseStoreChunks, EveryShapeReadsBackOnTmpfs) {
  ASSERT_TRUE(fs::is_directory("/dev/shm")) << "Linux machines have a tmpfs at /dev/shm";
  char tmpl[] = "/dev/shm/bs-store-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  StoreAndCheckShapes(tmpl);
  fs::remove_all(tmpl);
}

TEST(CaseStoreChunks, WorkersStoringAtOnceEachReadTheirOwn) {
  testing_files::TempDir dir;
  auto store = OpenStore(dir.path());
  std::vector<int64_t> files;
  for (int t = 0; t < 4; ++t) files.push_back(NewFile(*store, "f" + std::to_string(t)));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t seq = 0; seq < 12; ++seq) {
        Parts p = MakeParts(static_cast<char>('A' + t * 3), 10 + seq, 70000 + seq * 4099 + t, 9000 + seq);
        EXPECT_TRUE(store->PutChunk(files[t], seq, p.meta, p.findings, p.records).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t)
    for (uint32_t seq = 0; seq < 12; ++seq)
      ExpectChunk(*store, files[t], seq,
                  MakeParts(static_cast<char>('A' + t * 3), 10 + seq, 70000 + seq * 4099 + t, 9000 + seq));
}

// A power cut can leave case.db pointing at bytes that never reached the disk.
TEST(CaseStoreChunks, LostSegmentBytesAreReportedNotDecoded) {
  testing_files::TempDir dir;
  Parts big = MakeParts('x', 50, 200000, 1000);
  int64_t f;
  {
    auto store = OpenStore(dir.path());
    f = NewFile(*store, "x.log");
    ASSERT_TRUE(store->PutChunk(f, 0, big.meta, big.findings, big.records).ok());
    ASSERT_TRUE(store->PutChunk(f, 1, big.meta, big.findings, big.records).ok());
  }
  auto segments = SegmentFiles(dir.path());
  ASSERT_EQ(segments.size(), 1u);
  const uint64_t placed = ChunkSegments::PlacedBytes(big.meta.size() + big.findings.size() + big.records.size());
  {  // the first chunk zeroed, as a file system may leave unwritten blocks
    std::fstream seg(segments[0], std::ios::in | std::ios::out | std::ios::binary);
    std::string zeros(kSegmentBlock, '\0');
    seg.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  fs::resize_file(segments[0], placed + 1000);  // the second chunk cut short
  auto store = OpenStore(dir.path());
  for (uint32_t seq : {0u, 1u}) {
    for (bool with_findings : {false, true}) {
      Chunk c;
      Status s = store->GetChunk(f, seq, c, with_findings, !with_findings);
      EXPECT_EQ(s.code(), StatusCode::kCorrupt) << "chunk " << seq << ": " << s.message();
    }
  }
}

TEST(CaseStoreChunks, CompactGivesBackTheSpaceOfForgottenChunks) {
  testing_files::TempDir dir;
  Parts old_rows = MakeParts('o', 20, 300000, 50000), new_rows = MakeParts('n', 30, 250000, 40000);
  Parts kept = MakeParts('k', 40, 120000, 7000);
  {
    auto store = OpenStore(dir.path());
    int64_t a = NewFile(*store, "a.csv");
    for (uint32_t seq = 0; seq < 4; ++seq) ASSERT_TRUE(store->PutChunk(a, seq, old_rows.meta, old_rows.findings, old_rows.records).ok());
    ASSERT_TRUE(store->CompleteFile(a, 4, {}, {}, "").ok());
    int64_t b = NewFile(*store, "b.csv");
    ASSERT_TRUE(store->PutChunk(b, 0, kept.meta, kept.findings, kept.records).ok());
    ASSERT_TRUE(store->CompleteFile(b, 1, {}, {}, "").ok());
    ASSERT_TRUE(store->SaveScan({a, b}, {}, {}, "{}").ok());
  }
  {
    // The next run: a.csv changed and is scanned again; its old chunks are dead bytes.
    auto store = OpenStore(dir.path());
    int64_t a = NewFile(*store, "a.csv");
    ASSERT_TRUE(store->PutChunk(a, 0, new_rows.meta, new_rows.findings, new_rows.records).ok());
    ASSERT_TRUE(store->CompleteFile(a, 1, {}, {}, "").ok());
    auto b = store->FindScanned({"b.csv", 100, 1, 7});
    ASSERT_TRUE(b.ok() && b->has_value());
    ASSERT_TRUE(store->SaveScan({a, (*b)->id}, {}, {}, "{}").ok());
  }
  ASSERT_EQ(SegmentFiles(dir.path()).size(), 2u);
  auto store = OpenStore(dir.path());
  auto report = store->Compact();
  ASSERT_TRUE(report.ok()) << report.status().message();
  const uint64_t dead = 4 * ChunkSegments::PlacedBytes(old_rows.meta.size() + old_rows.findings.size() + old_rows.records.size());
  EXPECT_GE(report->bytes_before - report->bytes_after, dead) << "the forgotten chunks' bytes are given back";
  EXPECT_EQ(SegmentFiles(dir.path()).size(), 2u) << "the first segment rewritten, the second (all live) kept";
  auto last = store->LastScan();
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 2u);
  ExpectChunk(*store, (*last)[0].first.rows_of, 0, new_rows);
  ExpectChunk(*store, (*last)[1].first.rows_of, 0, kept);
  // Compacting again finds nothing to rewrite and keeps every chunk.
  auto again = store->Compact();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->bytes_before, again->bytes_after);
  ExpectChunk(*store, (*last)[1].first.rows_of, 0, kept);
}

// Chunk rows are committed with their file's completion, not one by one: a process that
// dies (no destructors run) keeps every completed file whole and none of the others.
TEST(CaseStoreChunks, AKilledWriterKeepsCompletedFilesWhole) {
  testing_files::TempDir dir;
  Parts small = MakeParts('s', 30, 2000, 300), big = MakeParts('g', 40, 150000, 9000);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = CaseStore::Open(dir.path() / "case.db");
    if (!store.ok()) ::_exit(2);
    auto a = (*store)->BeginFile({"a.csv", 100, 1, 7}, "hash-a");
    auto b = (*store)->BeginFile({"b.csv", 100, 1, 7}, "hash-b");
    if (!a.ok() || !b.ok()) ::_exit(3);
    bool ok = (*store)->PutChunk(*a, 0, small.meta, small.findings, small.records).ok() &&
              (*store)->PutChunk(*b, 0, big.meta, big.findings, big.records).ok() &&
              (*store)->PutChunk(*a, 1, big.meta, big.findings, big.records).ok() &&
              (*store)->CompleteFile(*a, 2, {}, {}, "").ok() &&
              (*store)->PutChunk(*b, 1, small.meta, small.findings, small.records).ok();
    ::_exit(ok ? 0 : 4);  // killed here: b.csv was never completed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  auto store = OpenStore(dir.path());
  auto a = store->FindScanned({"a.csv", 100, 1, 7});
  ASSERT_TRUE(a.ok() && a->has_value()) << "the completed file survives";
  EXPECT_EQ((*a)->chunks, 2u);
  ExpectChunk(*store, (*a)->rows_of, 0, small);
  ExpectChunk(*store, (*a)->rows_of, 1, big);
  auto b = store->FindScanned({"b.csv", 100, 1, 7});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value()) << "the file in flight is not complete: the next scan reads it again";
}

// A case made before chunk segments existed: its chunks table has no segment columns.
// A file hashed as it was read: BeginFile stores no hash, CompleteFile gives it; the
// file is then found by its content like one hashed up front. HasFileOfSize sees
// files of any state.
TEST(CaseStoreFiles, AHashGivenAtCompletionFindsTheFileByContent) {
  testing_files::TempDir dir;
  auto store = OpenStore(dir.path());
  auto none = store->HasFileOfSize(4242);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  auto id = store->BeginFile({"big.log", 4242, 1, 9}, "");
  ASSERT_TRUE(id.ok());
  auto some = store->HasFileOfSize(4242);
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(*some);  // incomplete files count: a copy of one may still follow
  auto early = store->FindByContent(4242, "");
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());  // no hash, no match
  ASSERT_TRUE(store->CompleteFile(*id, 0, {}, {}, "feedbeef").ok());
  auto found = store->FindByContent(4242, "feedbeef");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *id);
  EXPECT_EQ((*found)->content_hash, "feedbeef");
  // A file completed without a hash keeps the one BeginFile stored.
  auto other = store->BeginFile({"other.log", 77, 1, 10}, "cafe");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(store->CompleteFile(*other, 0, {}, {}, "").ok());
  auto kept = store->FindByContent(77, "cafe");
  ASSERT_TRUE(kept.ok() && kept->has_value());
}

TEST(CaseStoreChunks, CaseFromBeforeSegmentsStillReads) {
  testing_files::TempDir dir;
  Parts inline_old = MakeParts('m', 12, 90000, 3000);  // large, yet inline: the old way
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "case.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE chunks (file_id INTEGER NOT NULL, seq INTEGER NOT NULL, meta BLOB NOT NULL,"
                           "  findings BLOB NOT NULL, records BLOB NOT NULL, PRIMARY KEY (file_id, seq));",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO chunks VALUES (1, 0, ?, ?, ?)", -1, &s, nullptr);
    sqlite3_bind_blob(s, 1, inline_old.meta.data(), static_cast<int>(inline_old.meta.size()), SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, inline_old.findings.data(), static_cast<int>(inline_old.findings.size()), SQLITE_STATIC);
    sqlite3_bind_blob(s, 3, inline_old.records.data(), static_cast<int>(inline_old.records.size()), SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(db);
  }
  auto store = OpenStore(dir.path());
  ExpectChunk(*store, 1, 0, inline_old);
  ASSERT_TRUE(store->PutChunk(1, 1, inline_old.meta, inline_old.findings, inline_old.records).ok());
  ExpectChunk(*store, 1, 1, inline_old);
  EXPECT_EQ(SegmentFiles(dir.path()).size(), 1u) << "new large chunks go to a segment";
}

TEST(ChunkSegments, ALimitStartsNewSegmentsAndEveryChunkStaysReadable) {
  testing_files::TempDir dir;
  ChunkSegments segments(dir.path() / "segs", 3 * 65536);
  std::vector<std::pair<SegmentPlace, std::string>> placed;
  for (uint32_t i = 0; i < 10; ++i) {
    std::string body = Bytes(static_cast<char>(i), 30000 + i * 7001);
    const std::string_view parts[] = {std::string_view(body).substr(0, 5), std::string_view(body).substr(5)};
    auto at = segments.Append(9, i, parts);
    ASSERT_TRUE(at.ok());
    EXPECT_EQ(at->offset % kSegmentBlock, 0u);
    placed.emplace_back(*at, body);
  }
  EXPECT_GT(segments.OnDisk().size(), 2u);
  for (uint32_t i = 0; i < placed.size(); ++i) {
    const auto& [at, body] = placed[i];
    std::string got;
    ASSERT_TRUE(segments.Read(at, 0, kSegmentHeaderBytes + body.size(), got).ok());
    EXPECT_TRUE(segments.CheckHeader(got, at, 9, i, body.size()).ok());
    EXPECT_FALSE(segments.CheckHeader(got, at, 9, i + 1, body.size()).ok()) << "another chunk's header is refused";
    EXPECT_TRUE(got.substr(kSegmentHeaderBytes) == body);
    std::string middle;
    ASSERT_TRUE(segments.Read(at, kSegmentHeaderBytes + 4097, 5000, middle).ok()) << "an unaligned slice";
    EXPECT_TRUE(middle == body.substr(4097, 5000));
  }
}

}  // namespace
}  // namespace breachscope::store
