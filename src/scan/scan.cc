#include "scan/scan.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <openssl/evp.h>

#include "base/json_text.h"
#include "decode/text_encoding.h"
#include "detect/addresses.h"
#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "extract/child_process.h"
#include "extract/extractor.h"
#include "input/walker.h"
#include "records/column_typing.h"
#include "records/fixed_width.h"
#include "records/unit_processor.h"
#include "redact/redactor.h"
#include "report/writers.h"
#include "resolve/entity_resolver.h"
#include "resolve/people.h"
#include "scan/progress.h"
#include "scan/chunk_codec.h"
#include "scan/people_lines.h"
#include "store/case_store.h"

namespace breachscope::scan {

namespace fs = std::filesystem;
using decode::TextEncoding;
using records::Format;

namespace {

constexpr uint64_t kHeadBytes = 64 * 1024;
constexpr uint64_t kOverlap = 64 * 1024;   // read around a chunk: lookback context and tokens that cross its end
constexpr uint64_t kMaxJsonDocument = 64u << 20;
// An X12 chunk ends where a person's loop starts (records::X12ChunkEnd); a loop longer
// than this (no such start in it) is cut at a segment boundary instead.
constexpr uint64_t kMaxX12Loop = 16u << 20;

// What a file is, decided once from its name and first bytes.
struct FilePlan {
  TextEncoding encoding = TextEncoding::kUtf8;
  Format format = Format::kText;
  size_t bom = 0;
  std::optional<records::Table> table;
  std::shared_ptr<const records::FixedLayout> layout;  // kFixed: --layout or inferred
  bool parallel = false;
  uint64_t chunks = 1;
  std::vector<std::string> chain;  // decoders of the file's own text
};

// A chunk's bookkeeping; its rows and record summaries are in the case store.
using ChunkResult = ChunkMeta;

// A worker's reusable buffers for the blobs of the chunks it stores.
struct SpillBuffers {
  std::string rows, records, meta;
};

// A UnitOutput borrowed from this thread's pool and given back cleared, with its
// findings' capacity (up to 32 MB): a dense 2 MiB chunk has ~30,000 findings of ~240
// bytes, and allocating them afresh per chunk was a large share of the scan's page
// faults (see records' Scratch). A member scanned inside another's extraction borrows
// a second one.
class UnitOutputLease {
 public:
  UnitOutputLease() {
    auto& pool = Pool();
    if (pool.empty()) {
      out_ = std::make_unique<records::UnitOutput>();
    } else {
      out_ = std::move(pool.back());
      pool.pop_back();
    }
  }
  ~UnitOutputLease() {
    auto& pool = Pool();
    if (pool.size() >= 2 || out_->findings.capacity() * sizeof(records::UnitFinding) > (32u << 20)) return;
    auto findings = std::move(out_->findings);
    findings.clear();
    *out_ = records::UnitOutput{};
    out_->findings = std::move(findings);
    pool.push_back(std::move(out_));
  }
  UnitOutputLease(const UnitOutputLease&) = delete;
  UnitOutputLease& operator=(const UnitOutputLease&) = delete;
  records::UnitOutput& operator*() const { return *out_; }

 private:
  static std::vector<std::unique_ptr<records::UnitOutput>>& Pool() {
    thread_local std::vector<std::unique_ptr<records::UnitOutput>> pool;
    return pool;
  }
  std::unique_ptr<records::UnitOutput> out_;
};

class PieceHasher;
using PieceDigest = std::array<unsigned char, 32>;  // SHA-256 of one piece of a file

struct FileState {
  input::FileEntry entry;
  std::string safe_path;
  // Paths findings can carry: [0] is the file itself, then each container member
  // (safe, '!'-joined), with their JSON renderings.
  std::vector<std::string> members;
  std::vector<std::string> member_json;
  uint64_t expanded = 0;   // bytes of all members handed over (budget: max_expanded_bytes)
  uint64_t member_count = 0;
  FilePlan plan;
  int64_t store_id = 0;  // the file's row in the case store (0: nothing stored)
  int64_t rows_of = 0;   // the row whose chunks hold its findings (itself, or an identical file)
  bool reused = false;   // scanned by an earlier run: read from the case store, not from disk
  std::vector<ChunkResult> chunks;
  std::vector<ItemError> errors;
  std::mutex errors_mu;
  std::atomic<uint64_t> pending{0};  // parallel chunks not yet done
  bool done = false;                 // FileDone ran: chunks and members are final (under Scan::done_mu_)
  // The content key when it is taken after BeginFile (see Scan::Resume): the file's
  // size is shared with no other file, so no copy lookup needed it up front. Parallel
  // chunks each hash their own piece (chunk_digests, combined by FileDone); any other
  // file is hashed just before it is read (SettleHash).
  bool hash_deferred = false;
  uint64_t hash_size = 0;  // the size Resume saw (fstat)
  std::vector<PieceDigest> chunk_digests;
  std::atomic<bool> digest_failed{false};  // a chunk read short: no key, no reuse by content
  std::unique_ptr<PieceHasher> stream_hash;  // a file read whole: its reads, hashed as they come
  std::string content_hash;                // for CompleteFile ("": the one BeginFile stored)
};

struct Task {
  size_t file;
  int64_t chunk;  // -1: plan the file (and process it when not split)
};

// Where the workers' time goes, for scan_stats.json and the benchmarks: extraction
// (exclusive of the members' own scanning), detection and grouping (the unit
// processor, decoded runs included), redaction and spilling; reading and
// transcoding is the rest of a worker's busy time.
enum Stage { kStageExtract, kStageDetect, kStageRedact, kStageBusy, kStageCount };
constexpr const char* kStageNames[kStageCount] = {"extract", "detect", "redact", "busy"};

std::string HexOf(const unsigned char* bytes, unsigned int n) {
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 15];
  }
  return hex;
}

bool Sha256(std::string_view bytes, PieceDigest& out) {
  unsigned int n = 0;
  return EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha256(), nullptr) == 1 && n == out.size();
}

// The content key of a file (its identity by content, for reusing a copy's rows):
// SHA-256 over the file's size, the chunk size and the SHA-256 of each chunk-sized
// piece, in order. Pieces rather than one stream so that workers reading a large file
// in parallel chunks hash their own piece as they read it; ContentKey's pass over a
// whole file gives the same key.
std::string CombinePieceDigests(uint64_t size, uint64_t chunk_bytes, const std::vector<PieceDigest>& pieces) {
  std::string message = "breachscope-content-2|" + std::to_string(size) + "|" + std::to_string(chunk_bytes) + "|";
  message.reserve(message.size() + pieces.size() * 32);
  for (const PieceDigest& d : pieces) message.append(reinterpret_cast<const char*>(d.data()), d.size());
  PieceDigest key{};
  if (!Sha256(message, key)) return {};
  return HexOf(key.data(), static_cast<unsigned int>(key.size()));
}

// The content key of a file read front to back in pieces of any length (Sequential's
// reads): bytes go into the current piece's SHA-256 as they come. A gap or a re-read
// makes it give up: the file then has no key and is never matched by content, which
// costs at most a second scan of a copy.
class PieceHasher {
 public:
  explicit PieceHasher(uint64_t piece) : piece_(piece), ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    ok_ = ctx_ && piece_ > 0 && Start();
  }
  void Feed(uint64_t offset, std::string_view bytes) {
    if (!ok_ || offset != next_) {
      ok_ = false;
      return;
    }
    while (ok_ && !bytes.empty()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(piece_ - next_ % piece_, bytes.size()));
      ok_ = EVP_DigestUpdate(ctx_.get(), bytes.data(), n) == 1;
      next_ += n;
      bytes.remove_prefix(n);
      if (next_ % piece_ == 0) EndPiece();
    }
  }
  // The key of a file of `size` bytes, or "" when its bytes did not all come in order.
  std::string Finish(uint64_t size) {
    if (!ok_ || next_ != size) return {};
    if (next_ % piece_ != 0) EndPiece();  // the last, shorter piece
    return ok_ ? CombinePieceDigests(size, piece_, pieces_) : std::string();
  }

 private:
  bool Start() { return EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1; }
  void EndPiece() {
    unsigned int n = 0;
    ok_ = ok_ && EVP_DigestFinal_ex(ctx_.get(), pieces_.emplace_back().data(), &n) == 1 && Start();
  }
  uint64_t piece_, next_ = 0;
  bool ok_ = false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  std::vector<PieceDigest> pieces_;
};

// Peak resident memory so far (VmHWM), in MiB; 0 where /proc is not there. The scan
// reports it after the work phase and at the end: the scan's budget and the
// resolution's budget are separate (issue figures in docs/architecture.md).
double PeakRssMiB() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::strtod(line + 6, nullptr);
  std::fclose(f);
  return kb / 1024.0;
}

uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// A bounded queue between two threads of the write phase (chunks read ahead, people
// folded ahead of their rendering): the producer waits when `capacity` items wait.
// Close() (producer: no more) lets the consumer drain; Stop() (consumer: no more
// wanted) makes Push and Pop give up at once.
template <class T>
class Handoff {
 public:
  explicit Handoff(size_t capacity) : capacity_(capacity) {}
  bool Push(T&& item) {  // false once stopped: the item is dropped
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return items_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    items_.push_back(std::move(item));
    cv_.notify_all();
    return true;
  }
  void TryPush(T&& item) {  // dropped when full or stopped, without waiting
    std::lock_guard lock(mu_);
    if (stopped_ || items_.size() >= capacity_) return;
    items_.push_back(std::move(item));
    cv_.notify_all();
  }
  bool TryPop(T& item) {  // an item when one waits, without waiting
    std::lock_guard lock(mu_);
    if (stopped_ || items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return true;
  }
  bool Pop(T& item) {  // false when closed and drained, or stopped
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_ || stopped_; });
    if (stopped_ || items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false, stopped_ = false;
};

// Joins a thread on every way out of a scope (a failed step returns early).
struct JoinOnExit {
  std::thread& t;
  ~JoinOnExit() {
    if (t.joinable()) t.join();
  }
};

std::optional<std::string> KnownBinary(std::string_view head) {
  auto starts = [&](std::string_view m) { return head.substr(0, m.size()) == m; };
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return "a zip archive or Office document";
  if (starts("\x1f\x8b")) return "a gzip stream";
  if (starts("BZh")) return "a bzip2 stream";
  if (starts("\xfd" "7zXZ")) return "an xz stream";
  if (starts("\x28\xb5\x2f\xfd")) return "a zstd stream";
  if (starts("7z\xbc\xaf\x27\x1c")) return "a 7z archive";
  if (starts("Rar!")) return "a rar archive";
  if (starts("%PDF")) return "a PDF document";
  if (starts("\xd0\xcf\x11\xe0")) return "an OLE2 document (legacy Office or Outlook)";
  if (starts("\x89PNG")) return "a PNG image";
  if (starts("\xff\xd8\xff")) return "a JPEG image";
  if (starts("GIF8")) return "a GIF image";
  if (starts("II*") || starts("MM\x00*")) return "a TIFF image";
  if (starts("SQLite format 3")) return "an SQLite database";
  if (starts("!BDN")) return "an Outlook PST/OST file";
  return std::nullopt;
}

class Scan {
 public:
  explicit Scan(const ScanConfig& c) : cfg_(c) {}
  ~Scan() {
    if (keys_thread_.joinable()) {
      {
        std::lock_guard lock(done_mu_);
        work_finished_ = true;
      }
      done_cv_.notify_all();
      keys_thread_.join();
    }
  }

  Result<ScanResult> Run() {
    auto t0 = std::chrono::steady_clock::now();
    BS_RETURN_IF_ERROR(Setup());
    Walk();
    BS_RETURN_IF_ERROR(Work());
    work_peak_rss_mib_ = PeakRssMiB();
    auto t1 = std::chrono::steady_clock::now();
    auto result = Write();
    if (!result.ok()) return result;
    auto t2 = std::chrono::steady_clock::now();
    result->seconds = std::chrono::duration<double>(t2 - t0).count();
    WriteStats(std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
               result->seconds);
    return result;
  }

  // The outputs of the case's last scan, from the case store alone.
  Result<ScanResult> Export(const fs::path& case_dir) {
    exporting_ = true;
    std::error_code ec;
    if (!fs::exists(case_dir / "case.db", ec)) return InvalidArgument("no case in " + case_dir.string());
    auto store = store::CaseStore::Open(case_dir / "case.db");
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    fs::create_directories(cfg_.out_dir, ec);
    if (ec) return IoError("cannot create output folder " + cfg_.out_dir.string() + ": " + ec.message());
    work_dir_ = cfg_.out_dir / ".work";
    jobs_ = cfg_.jobs > 0 ? cfg_.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto last = store_->LastScan();
    if (!last.ok()) return last.status();
    auto walk_errors = store_->LastScanWalkErrors();
    if (!walk_errors.ok()) return walk_errors.status();
    walk_errors_ = std::move(*walk_errors);
    try {
      for (auto& [stored, ident] : *last) {
        auto st = std::make_unique<FileState>();
        st->safe_path = ident.path;
        st->members.push_back(st->safe_path);
        AppendJsonString(st->member_json.emplace_back(), st->safe_path);
        st->entry.size = ident.size;
        st->store_id = stored.id;
        LoadStored(*st, stored);
        files_.push_back(std::move(st));
      }
    } catch (const std::exception& e) {
      return InternalError(std::string("case database: ") + e.what());
    }
    return Write();
  }

 private:
  // ---------------------------------------------------------------- set-up
  Status Setup() {
    // The detector first: messages about PATHs mask identifiers in them like outputs do.
    auto labels = detect::LabelTable::LoadEmbedded();
    if (!labels.ok()) return labels.status();
    auto lexicon = detect::NameLexicon::LoadEmbedded();
    if (!lexicon.ok()) return lexicon.status();
    BS_RETURN_IF_ERROR(detect::CheckAddressData());
    lexicon_ = *lexicon;
    scanner_ = std::make_unique<detect::Scanner>(*labels, detect::Today());
    records::ProcessorOptions opts;
    opts.max_depth = cfg_.max_depth;
    opts.min_confidence = cfg_.min_confidence;
    opts.max_json_document = kMaxJsonDocument;
    if (!cfg_.layout_file.empty()) {
      auto layout = records::LoadLayoutFile(cfg_.layout_file);
      if (!layout.ok()) return layout.status();
      layout_ = std::make_shared<const records::FixedLayout>(std::move(*layout));
      opts.layout = layout_;
    }
    processor_ = std::make_unique<records::UnitProcessor>(*scanner_, *lexicon_, opts);
    for (const auto& p : cfg_.paths) {
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(p, ec))) return InvalidArgument("no such file or folder: " + SafePath(p.string()));
    }
    if (!cfg_.key_file.empty()) {
      std::error_code ec;
      if (!fs::is_regular_file(cfg_.key_file, ec)) return InvalidArgument("key file not found: " + SafePath(cfg_.key_file.string()));
    }
    std::error_code ec;
    fs::create_directories(cfg_.out_dir, ec);
    if (ec) return IoError("cannot create output folder " + cfg_.out_dir.string() + ": " + ec.message());
    auto key = redact::LoadOrCreateKey(cfg_.key_file, cfg_.out_dir);
    if (!key.ok()) return key.status();
    auto redactor = redact::Redactor::Create(std::move(*key));
    if (!redactor.ok()) return redactor.status();
    redactor_ = *redactor;
    auto store = store::CaseStore::Open(cfg_.out_dir / "case.db");
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    auto check = store_->KeyCheck();
    if (!check.ok()) return check.status();
    if (check->has_value() && **check != redactor_->KeyCheck())
      return InvalidArgument("the key differs from the key of the existing case in " + cfg_.out_dir.string());
    if (!check->has_value()) BS_RETURN_IF_ERROR(store_->SetKeyCheck(redactor_->KeyCheck()));
    // Rows made under other settings (confidence threshold, budgets, layout, OCR) are
    // not what this scan would make: then nothing is reused, every file is rescanned.
    const std::string settings = SettingsFingerprint();
    auto stored_settings = store_->Meta("scan_settings");
    if (!stored_settings.ok()) return stored_settings.status();
    reuse_allowed_ = stored_settings->has_value() && **stored_settings == settings;
    BS_RETURN_IF_ERROR(store_->SetMeta("scan_settings", settings));

    // Extracted members too large for memory go here; removed when the scan ends.
    work_dir_ = cfg_.out_dir / ".work";
    fs::create_directories(work_dir_, ec);
    if (ec) return IoError("cannot create " + work_dir_.string() + ": " + ec.message());
    fs::permissions(work_dir_, fs::perms::owner_all, ec);
    budget_ = cfg_.budget;
    budget_.max_depth = cfg_.max_depth;
    budget_.temp_dir = work_dir_;
    budget_.ocr = cfg_.ocr;

    jobs_ = cfg_.jobs > 0 ? cfg_.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return Status::Ok();
  }

  void Walk() {
    auto walked = input::Walk(cfg_.paths);
    walk_errors_ = std::move(walked.errors);
    for (auto& e : walk_errors_) e.path = SafePath(e.path);
    files_.reserve(walked.files.size());
    for (auto& f : walked.files) {
      auto st = std::make_unique<FileState>();
      st->safe_path = SafePath(f.display);
      st->members.push_back(st->safe_path);
      st->member_json.emplace_back();
      AppendJsonString(st->member_json.back(), st->safe_path);
      st->entry = std::move(f);
      total_bytes_ += st->entry.size;
      files_.push_back(std::move(st));
    }
    std::unordered_map<uint64_t, uint32_t> by_size;
    for (const auto& f : files_) ++by_size[f->entry.size];
    for (const auto& [size, n] : by_size)
      if (n > 1) shared_sizes_.insert(size);
  }

  // A file name may hold an identifier ("412-63-7781.pdf"): mask it, and escape '!'.
  std::string SafePath(const std::string& display) const {
    std::vector<Candidate> found;
    detect::ScanRequest req;
    req.text = display;
    scanner_->Scan(req, found);
    std::string out;
    uint64_t at = 0;
    for (const auto& c : found) {
      if (!IsProtected(c.type) || c.begin < at) continue;
      out += display.substr(at, c.begin - at);
      out += redact::Redactor::Mask(c.type, c.canonical);
      at = c.end;
    }
    out += display.substr(at);
    return EscapePathLevel(out);
  }

  // ---------------------------------------------------------------- workers
  Status Work() {
    for (size_t i = 0; i < files_.size(); ++i) queue_.push_back({i, -1});
    std::vector<SpillBuffers> spills(jobs_);
    std::unique_ptr<Progress> progress;
    if (cfg_.progress && !cfg_.quiet)
      progress = std::make_unique<Progress>(files_.size(), total_bytes_, &files_done_, &bytes_done_, &findings_so_far_);
    // Record keys are read while files are still being scanned: file by file, in output
    // order, as each is done (a core is often idle at the end of the work phase).
    keys_thread_ = std::thread([this] { keys_status_ = RecordKeys(true); });
    std::vector<std::thread> threads;
    for (int t = 0; t < jobs_; ++t) threads.emplace_back([this, t, &spills] { Worker(spills[t]); });
    for (auto& th : threads) th.join();
    {
      std::lock_guard lock(done_mu_);
      work_finished_ = true;
    }
    done_cv_.notify_all();
    progress.reset();
    return Status::Ok();
  }

  // Pass 1 of the outputs: record ids (in file and chunk order) and the resolver's
  // compact keys of every record, read back from the case store. With `as_files_finish`,
  // it waits for each file to be done (or the work phase to end: a file whose worker
  // failed never calls FileDone).
  Status RecordKeys(bool as_files_finish) {
    const uint64_t from = NowNs();
    store::Chunk chunk;
    std::vector<resolve::RecordSummary> summaries;
    record_base_.assign(files_.size(), {});
    source_base_.assign(files_.size(), 0);
    for (size_t i = 0; i < files_.size(); ++i) {
      FileState& f = *files_[i];
      if (as_files_finish) {
        std::unique_lock lock(done_mu_);
        done_cv_.wait(lock, [&] { return f.done || work_finished_; });
      }
      source_base_[i] = static_cast<uint32_t>(source_paths_.size());
      for (const auto& m : f.members) source_paths_.push_back(m);
      for (size_t k = 0; k < f.chunks.size(); ++k) {
        const ChunkResult& ch = f.chunks[k];
        uint32_t base = builder_.AddRecords(ch.record_count);
        record_base_[i].push_back(base);
        decoded_runs_ += ch.decoded_runs;
        if (!ch.record_count) continue;
        BS_RETURN_IF_ERROR(store_->GetChunk(f.rows_of, static_cast<uint32_t>(k), chunk, false, true));
        BS_RETURN_IF_ERROR(DecodeRecords(chunk.records, summaries));
        for (size_t r = 0; r < summaries.size(); ++r) builder_.AddRecord(base + static_cast<uint32_t>(r), summaries[r]);
      }
    }
    keys_ns_ = NowNs() - from;
    return Status::Ok();
  }

  void Worker(SpillBuffers& spill) {
    redact::HmacScratch scratch;
    std::string buffer;
    while (true) {
      Task task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || active_ == 0; });
        if (queue_.empty()) return;
        task = queue_.front();
        queue_.pop_front();
        ++active_;
      }
      FileState& f = *files_[task.file];
      const uint64_t busy_from = NowNs();
      // The one catch point per item: whatever goes wrong with this file or chunk is
      // an errors.jsonl line, and the scan goes on.
      try {
        if (task.chunk < 0) PlanAndStart(task.file, spill, scratch, buffer);
        else ParallelChunk(f, static_cast<uint64_t>(task.chunk), spill, scratch, buffer);
      } catch (const std::bad_alloc&) {
        AddError(f, {f.safe_path, StatusCode::kLimit, "out of memory while reading this file"});
      } catch (const std::exception& e) {
        AddError(f, {f.safe_path, StatusCode::kInternal, std::string("internal error: ") + e.what()});
      }
      stage_ns_[kStageBusy] += NowNs() - busy_from;
      {
        std::lock_guard lock(mu_);
        --active_;
      }
      cv_.notify_all();
    }
  }

  void AddError(FileState& f, ItemError e) {
    std::lock_guard lock(f.errors_mu);
    f.errors.push_back(std::move(e));
  }

  // A file is complete: the case store marks it so (with its member paths and errors,
  // relative to the file's own path) and a resumed scan will not read it again. A file
  // with an I/O error (a failed read, a helper program that could not be started, a full
  // temp disk) is not marked: the next scan reads it again instead of keeping its partial
  // rows. (A helper that is not installed is `unsupported`; the settings fingerprint
  // covers that case.)
  void FileDone(FileState& f) {
    bool io_error = false;
    {
      std::lock_guard lock(f.errors_mu);
      for (const auto& e : f.errors) io_error |= e.reason == StatusCode::kIo;
    }
    if (f.store_id && !f.reused && !io_error) {
      auto relative = [&](const std::string& p) { return p.substr(std::min(p.size(), f.safe_path.size())); };
      std::vector<std::string> suffixes;
      for (size_t i = 1; i < f.members.size(); ++i) suffixes.push_back(relative(f.members[i]));
      std::vector<ItemError> errors;
      {
        std::lock_guard lock(f.errors_mu);
        for (const auto& e : f.errors) errors.push_back({relative(e.path), e.reason, e.detail});
      }
      if (!f.chunk_digests.empty() && !f.digest_failed)
        f.content_hash = CombinePieceDigests(f.entry.size, cfg_.chunk_bytes, f.chunk_digests);
      Status s = store_->CompleteFile(f.store_id, static_cast<uint32_t>(f.chunks.size()), suffixes, errors,
                                      f.content_hash);
      if (!s.ok()) AddError(f, {f.safe_path, s.code(), s.message()});
    }
    files_done_.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(done_mu_);
      f.done = true;
    }
    done_cv_.notify_all();
  }

  // Everything besides the input that decides what rows a file gives.
  std::string SettingsFingerprint() const {
    std::string layout;
    if (!cfg_.layout_file.empty()) {
      std::ifstream in(cfg_.layout_file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      layout = ss.str();
    }
    std::string s = "breachscope-rows-1|" + std::to_string(cfg_.min_confidence) + "|" + std::to_string(cfg_.max_depth) +
                    "|" + std::to_string(static_cast<int>(cfg_.ocr)) + "|" +
                    std::to_string(cfg_.budget.max_expanded_bytes) + "|" + std::to_string(cfg_.budget.max_ratio) + "|" +
                    std::to_string(cfg_.budget.max_members) + "|" + std::to_string(cfg_.budget.member_seconds) + "|" +
                    std::to_string(cfg_.chunk_bytes) + "|" + std::to_string(layout.size()) + "|" + layout + "|tools:";
    for (std::string_view tool : extract::kHelperPrograms) s += extract::HaveProgram(tool) ? '1' : '0';
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr);
    return HexOf(md, n);
  }

  // Looks the file up in the case store. True when an earlier run scanned it (same
  // path, size, mtime and inode; or the same content): its chunks are reused and it
  // is not read. Otherwise the store starts a new row for it.
  bool Resume(FileState& f, int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    store::FileIdentity ident{f.safe_path, static_cast<uint64_t>(st.st_size),
                              static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                              static_cast<uint64_t>(st.st_ino)};
    auto stored = reuse_allowed_ ? store_->FindScanned(ident) : Result<std::optional<store::StoredFile>>(std::nullopt);
    if (stored.ok() && stored->has_value()) {
      f.store_id = (*stored)->id;
      return LoadStored(f, **stored);
    }
    // A file whose size no other file of this scan or of the case has cannot be a copy
    // of one: it is not read a second time just to be hashed. Its key is taken as it is
    // read (see FileState::hash_deferred) and stored when it completes.
    bool may_be_copy = false;
    if (reuse_allowed_) {
      may_be_copy = shared_sizes_.count(ident.size) != 0;
      if (!may_be_copy) {
        auto stored_size = store_->HasFileOfSize(ident.size);
        may_be_copy = !stored_size.ok() || *stored_size;
      }
    }
    Result<std::string> hash = std::string();
    if (may_be_copy) {
      hash = ContentKey(fd, ident.size);
      if (!hash.ok()) {
        AddError(f, {f.safe_path, hash.status().code(), hash.status().message()});
        return false;
      }
    } else {
      f.hash_deferred = true;
      f.hash_size = ident.size;
    }
    if (may_be_copy) {
      auto copy = store_->FindByContent(ident.size, *hash);
      if (copy.ok() && copy->has_value()) {
        auto id = store_->AddCopy(ident, **copy);
        if (id.ok()) {
          f.store_id = *id;
          return LoadStored(f, **copy);
        }
      }
    }
    auto id = store_->BeginFile(ident, *hash);
    if (!id.ok()) {
      AddError(f, {f.safe_path, id.status().code(), id.status().message()});
      return false;
    }
    f.store_id = f.rows_of = *id;
    return false;
  }

  bool LoadStored(FileState& f, const store::StoredFile& sf) {
    f.reused = true;
    f.rows_of = sf.rows_of;
    for (const auto& suffix : sf.member_suffixes) {
      f.members.push_back(f.safe_path + suffix);
      AppendJsonString(f.member_json.emplace_back(), f.members.back());
    }
    for (const auto& e : sf.errors) f.errors.push_back({f.safe_path + e.path, e.reason, e.detail});
    f.chunks.resize(sf.chunks);
    store::Chunk c;
    for (uint32_t k = 0; k < sf.chunks; ++k) {
      Status s = store_->GetChunk(sf.rows_of, k, c, false, false);
      if (s.ok()) s = DecodeMeta(c.meta, f.chunks[k]);
      if (!s.ok()) throw std::runtime_error(s.message());  // the case store is damaged: the scan cannot go on
    }
    files_reused_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // The content key (CombinePieceDigests) of the file's first `size` bytes, read in
  // 1 MiB pieces through the same PieceHasher a streamed read uses.
  Result<std::string> ContentKey(int fd, uint64_t size) const {
    PieceHasher hasher(cfg_.chunk_bytes);
    std::string buf;
    for (uint64_t at = 0; at < size; at += buf.size()) {
      BS_RETURN_IF_ERROR(ReadAt(fd, at, std::min<uint64_t>(1u << 20, size - at), buf));
      if (buf.empty()) return IoError("the file became shorter while it was read");
      hasher.Feed(at, buf);
    }
    std::string key = hasher.Finish(size);
    if (key.empty()) return InternalError("SHA-256 unavailable");
    return key;
  }

  // The deferred content key of a file read whole (not in parallel chunks): taken now,
  // just before its bytes are read again (from the page cache) to be scanned.
  void SettleHash(FileState& f, int fd) {
    if (!f.hash_deferred) return;
    f.hash_deferred = false;
    auto key = ContentKey(fd, f.hash_size);
    if (key.ok()) f.content_hash = std::move(*key);  // else: stored without a key, never matched by content
  }

  static Status ReadAt(int fd, uint64_t offset, uint64_t length, std::string& buf) {
    buf.resize(length);
    uint64_t got = 0;
    while (got < length) {
      ssize_t n = ::pread(fd, buf.data() + got, length - got, static_cast<off_t>(offset + got));
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError(std::string("read failed: ") + std::strerror(errno));
      }
      if (n == 0) break;
      got += static_cast<uint64_t>(n);
    }
    buf.resize(got);
    return Status::Ok();
  }

  struct Fd {
    int fd = -1;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  };

  void PlanAndStart(size_t index, SpillBuffers& spill, redact::HmacScratch& scratch, std::string& buf) {
    FileState& f = *files_[index];
    Fd fd{::open(f.entry.path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0) {
      AddError(f, {f.safe_path, StatusCode::kIo, std::string("cannot open: ") + std::strerror(errno)});
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    if (Resume(f, fd.fd)) {
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    if (!f.store_id) {  // the case store could not take it: reported, not scanned
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    Status s = ReadAt(fd.fd, 0, std::min(kHeadBytes, f.entry.size), buf);
    if (!s.ok()) {
      AddError(f, {f.safe_path, s.code(), s.message()});
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    if (const extract::Extractor* ex = extract::FindExtractor(f.entry.path.filename().string(), buf)) {
      SettleHash(f, fd.fd);
      ExtractFile(f, *ex, fd.fd, spill, scratch);
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    if (auto kind = KnownBinary(buf)) {
      SettleHash(f, fd.fd);
      AddError(f, {f.safe_path, StatusCode::kUnsupported, "this is " + *kind + "; reading its contents is not supported yet"});
      bytes_done_ += f.entry.size;
      return FileDone(f);
    }
    f.plan = MakePlan(f.entry.display, buf, "");
    FilePlan& plan = f.plan;
    bool splittable = plan.encoding == TextEncoding::kUtf8 &&
                      (plan.format == Format::kText || plan.format == Format::kLog || plan.format == Format::kCsv ||
                       plan.format == Format::kTsv || plan.format == Format::kJsonLines || plan.format == Format::kFixed);
    if (splittable && f.entry.size > 2 * cfg_.chunk_bytes) {
      plan.parallel = true;
      plan.chunks = (f.entry.size + cfg_.chunk_bytes - 1) / cfg_.chunk_bytes;
      f.chunks.resize(plan.chunks);
      f.pending = plan.chunks;
      // Each chunk hashes its own piece of the content key as it is read.
      if (f.hash_deferred && f.hash_size == f.entry.size) f.chunk_digests.resize(plan.chunks);
      else SettleHash(f, fd.fd);
      {
        std::lock_guard lock(mu_);
        for (uint64_t k = 1; k < plan.chunks; ++k) queue_.push_back({index, static_cast<int64_t>(k)});
      }
      cv_.notify_all();
      ParallelChunkWithFd(f, 0, fd.fd, spill, scratch, buf);
      return;
    }
    // Read whole, front to back: hashed as it is read, unless holes are skipped (binary).
    const bool stream = f.hash_deferred && f.hash_size == f.entry.size && plan.encoding != TextEncoding::kBinary;
    if (stream) {
      f.hash_deferred = false;
      f.stream_hash = std::make_unique<PieceHasher>(cfg_.chunk_bytes);
      f.stream_hash->Feed(0, std::string_view(buf).substr(0, std::min<size_t>(plan.bom, buf.size())));  // Sequential starts after the BOM
    } else {
      SettleHash(f, fd.fd);
    }
    ItemContext item;
    ByteSource src{fd.fd, {}, f.entry.size, true};
    Sequential(f, item, plan, src, spill, scratch, buf);
    if (f.stream_hash) {
      f.content_hash = f.stream_hash->Finish(f.entry.size);
      f.stream_hash.reset();
    }
    FileDone(f);
  }

  // What a text item is: encoding, format (from the name and first bytes, or the
  // extractor's hint), table header, and its own decoders.
  FilePlan MakePlan(std::string_view name, std::string_view head, std::string_view format_hint) const {
    FilePlan plan;
    plan.encoding = decode::DetectEncoding(head);
    plan.bom = decode::BomLength(head, plan.encoding);
    std::string head_utf8;
    if (plan.encoding == TextEncoding::kUtf8 || plan.encoding == TextEncoding::kBinary) {
      head_utf8 = std::string(head.substr(plan.bom));
    } else {
      size_t used = 0;
      (void)decode::ToUtf8(head.substr(plan.bom), plan.encoding, head_utf8, &used);
    }
    if (plan.encoding == TextEncoding::kBinary) {
      plan.format = Format::kText;
      plan.chain = {"strings"};
      return plan;
    }
    if (plan.encoding == TextEncoding::kUtf16Le || plan.encoding == TextEncoding::kUtf16Be) plan.chain.push_back("utf16");
    if (format_hint.empty()) {
      plan.format = records::SniffFormat(name, head_utf8);
      if (auto n = records::FormatDecoderName(plan.format); !n.empty()) plan.chain.emplace_back(n);
    } else {
      // The extractor's decoder already names what the text is ("xlsx", "pdf"), so
      // a hinted format adds no decoder of its own, except formats read as such.
      plan.format = format_hint == "tsv"    ? Format::kTsv
                    : format_hint == "csv"  ? Format::kCsv
                    : format_hint == "html" ? Format::kHtml
                    : format_hint == "xml"  ? Format::kXml
                    : format_hint == "json" ? Format::kJson
                                            : Format::kText;
      if (plan.format == Format::kHtml || plan.format == Format::kXml || plan.format == Format::kJson)
        plan.chain.emplace_back(records::FormatDecoderName(plan.format));
    }
    if (plan.format == Format::kCsv || plan.format == Format::kTsv)
      plan.table = records::ReadTypedTable(head_utf8, plan.format == Format::kTsv ? '\t' : ',', scanner_->labels(),
                                           records::TypingContext{*lexicon_, scanner_->today()});
    // Fixed-width records: the --layout file where it applies, or an inferred layout.
    if (format_hint.empty())
      if (auto layout = records::ChooseFixedLayout(name, head_utf8, plan.format, layout_, *lexicon_, scanner_->today())) {
        if (!records::FormatDecoderName(plan.format).empty()) plan.chain.pop_back();
        plan.format = Format::kFixed;
        plan.table.reset();
        plan.layout = std::move(layout);
        plan.chain.emplace_back("fixed");
      }
    return plan;
  }

  // ---------------------------------------------------------------- containers
  // Where a member's findings sit: its path (an index into FileState::members), the
  // decoders that led to it, its base location, and its nesting depth.
  struct ItemContext {
    std::string name;  // file name of the innermost level, for sniffing by extension
    uint32_t member = 0;
    std::vector<std::string> chain;
    Location base;
    bool rows_are_lines = false;
    int depth = 0;
  };

  // A file on disk or a member in memory, read in pieces.
  struct ByteSource {
    int fd = -1;
    std::string_view mem;
    uint64_t size = 0;
    bool count_progress = false;  // a top-level file: its bytes move the progress bar
    Status Read(uint64_t offset, uint64_t length, std::string& buf) const {
      if (fd >= 0) return ReadAt(fd, offset, length, buf);
      offset = std::min<uint64_t>(offset, mem.size());
      buf.assign(mem.substr(offset, length));
      return Status::Ok();
    }
  };

  // A read-only mapping of a whole file (containers are read in place).
  struct Mapping {
    void* addr = MAP_FAILED;
    size_t size = 0;
    ~Mapping() {
      if (addr != MAP_FAILED) ::munmap(addr, size);
    }
    std::string_view view() const {
      return addr == MAP_FAILED ? std::string_view() : std::string_view(static_cast<const char*>(addr), size);
    }
  };

  static Status Map(int fd, uint64_t size, Mapping& m) {
    if (size == 0) return Status::Ok();
    m.size = size;
    m.addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m.addr == MAP_FAILED) return IoError(std::string("cannot map the file: ") + std::strerror(errno));
    return Status::Ok();
  }

  class Sink;

  void ExtractFile(FileState& f, const extract::Extractor& ex, int fd, SpillBuffers& spill, redact::HmacScratch& scratch) {
    Mapping map;
    if (Status s = Map(fd, f.entry.size, map); !s.ok()) return AddError(f, {f.safe_path, s.code(), s.message()});
    ItemContext item;
    item.name = f.entry.path.filename().string();
    RunExtractor(f, ex, item, map.view(), item.name, &f.entry.path, spill, scratch);
  }

  void RunExtractor(FileState& f, const extract::Extractor& ex, const ItemContext& item, std::string_view bytes,
                    const std::string& name, const fs::path* disk_path, SpillBuffers& spill,
                    redact::HmacScratch& scratch) {
    Sink sink(*this, f, item, spill, scratch);
    extract::Source source{bytes, name, disk_path};
    const uint64_t from = NowNs();
    Status s = ex.Extract(source, sink);
    stage_ns_[kStageExtract] += NowNs() - from - sink.members_ns();
    if (!s.ok()) AddError(f, {f.members[item.member], s.code(), s.message()});
  }

  // Scans one member: a container again (recursively), a known binary nobody reads,
  // or text.
  void ScanMember(FileState& f, const ItemContext& item, extract::Member& m, SpillBuffers& spill,
                  redact::HmacScratch& scratch) {
    Fd fd;
    ByteSource src;
    src.mem = m.data;
    src.size = m.data.size();
    if (!m.file.empty()) {
      fd.fd = ::open(m.file.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      if (fd.fd < 0 || ::fstat(fd.fd, &st) != 0)
        return AddError(f, {f.members[item.member], StatusCode::kIo, std::string("cannot read an extracted member: ") +
                                                                         std::strerror(errno)});
      src.fd = fd.fd;
      src.size = static_cast<uint64_t>(st.st_size);
    }
    std::string head;
    if (Status s = src.Read(0, std::min(kHeadBytes, src.size), head); !s.ok())
      return AddError(f, {f.members[item.member], s.code(), s.message()});
    const std::string& level_name = item.name;
    if (m.format.empty()) {
      if (const extract::Extractor* ex = extract::FindExtractor(level_name, head)) {
        Mapping map;
        std::string_view bytes = m.data;
        if (src.fd >= 0) {
          if (Status s = Map(src.fd, src.size, map); !s.ok())
            return AddError(f, {f.members[item.member], s.code(), s.message()});
          bytes = map.view();
        }
        return RunExtractor(f, *ex, item, bytes, level_name, src.fd >= 0 ? &m.file : nullptr, spill, scratch);
      }
      if (auto kind = KnownBinary(head))
        return AddError(f, {f.members[item.member], StatusCode::kUnsupported,
                            "this is " + *kind + "; reading its contents is not supported yet"});
    }
    FilePlan plan = MakePlan(level_name, head, m.format);
    std::string buf;
    Sequential(f, item, plan, src, spill, scratch, buf);
  }

  // The MemberSink of one container: each member becomes a path level (or not), is
  // checked against the budgets, and is scanned before Add() returns.
  class Sink : public extract::MemberSink {
   public:
    Sink(Scan& scan, FileState& f, const ItemContext& parent, SpillBuffers& spill, redact::HmacScratch& scratch)
        : scan_(scan), f_(f), parent_(parent), spill_(spill), scratch_(scratch) {}

    Status Add(extract::Member&& m) override {
      const uint64_t from = NowNs();
      Status s = AddTimed(std::move(m));
      members_ns_ += NowNs() - from;
      return s;
    }
    uint64_t members_ns() const { return members_ns_; }

    Status AddTimed(extract::Member&& m) {
      ++scan_.members_scanned_;
      struct TempFile {
        fs::path p;
        ~TempFile() {
          std::error_code ec;
          if (!p.empty()) fs::remove(p, ec);
        }
      } temp{m.file};
      uint64_t size = m.data.size();
      if (!m.file.empty()) {
        std::error_code ec;
        size = fs::file_size(m.file, ec);
      }
      ItemContext child;
      child.member = m.name.empty() ? parent_.member : scan_.AddMember(f_, parent_.member, m);
      const std::string& where = f_.members[child.member];
      if (++f_.member_count > scan_.budget_.max_members) {
        scan_.AddError(f_, {where, StatusCode::kLimit, "more members than the member limit; the rest were not read"});
        return LimitError("member limit");
      }
      f_.expanded += size;
      if (f_.expanded > scan_.ExpandedLimit(f_)) {
        scan_.AddError(f_, {where, StatusCode::kLimit,
                            "the file expands to more than the expanded-bytes limit; the rest was not read"});
        return LimitError("expanded-bytes limit");
      }
      if (parent_.depth + 1 > scan_.budget_.max_depth) {
        scan_.AddError(f_, {where, StatusCode::kLimit, "nested deeper than the depth limit; not read"});
        return Status::Ok();
      }
      child.name = m.name.empty() ? WithoutCompressionSuffix(parent_.name) : LastLevelName(m.name);
      child.chain = parent_.chain;
      for (auto& d : m.decoders) child.chain.push_back(d);
      child.base = parent_.base;
      if (m.location.page) child.base.page = m.location.page;
      if (!m.location.sheet.empty()) child.base.sheet = m.location.sheet;
      if (m.location.message) child.base.message = m.location.message;
      child.rows_are_lines = m.rows_are_lines;
      child.depth = parent_.depth + 1;
      scan_.ScanMember(f_, child, m, spill_, scratch_);
      return Status::Ok();
    }

    void Error(std::string_view member_name, StatusCode reason, std::string detail) override {
      Report(member_name, false, reason, std::move(detail));
    }
    void ErrorInLevels(std::string_view member_name, StatusCode reason, std::string detail) override {
      Report(member_name, true, reason, std::move(detail));
    }
    void Report(std::string_view member_name, bool has_levels, StatusCode reason, std::string detail) {
      std::string where = f_.members[parent_.member];
      if (!member_name.empty()) where += scan_.LevelsPath(std::string(member_name), has_levels);
      scan_.AddError(f_, {where, reason, std::move(detail)});
    }

    // The scan's budget, with what is left of the file's expanded-bytes allowance, so
    // an extractor deep in a nest stops a member as it passes the file's limit.
    const extract::Budget& budget() const override {
      budget_ = scan_.budget_;
      uint64_t limit = scan_.ExpandedLimit(f_);
      budget_.max_expanded_bytes = f_.expanded < limit ? limit - f_.expanded : 0;
      return budget_;
    }


   private:
    Scan& scan_;
    FileState& f_;
    uint64_t members_ns_ = 0;  // time spent in Add(): the members' own scanning
    mutable extract::Budget budget_;
    const ItemContext& parent_;
    SpillBuffers& spill_;
    redact::HmacScratch& scratch_;
  };

  // Bytes all members of one file may expand to: --max-expanded, and no more than
  // --max-ratio times the file's own size (at least 1 GiB), so a 42 KB zip bomb
  // stops after 1 GiB however its layers are nested.
  uint64_t ExpandedLimit(const FileState& f) const {
    double by_ratio = std::max(double(1ull << 30), budget_.max_ratio * static_cast<double>(f.entry.size));
    return std::min<uint64_t>(budget_.max_expanded_bytes, static_cast<uint64_t>(std::min(by_ratio, 1.8e19)));
  }

  // "2022/staff.xlsx" -> "staff.xlsx"; "17!report.pdf" -> "report.pdf".
  static std::string LastLevelName(const std::string& name) {
    size_t cut = name.find_last_of("/\\!");
    return cut == std::string::npos ? name : name.substr(cut + 1);
  }

  // The name of the text inside a lone compressed file: "a.csv.gz" -> "a.csv".
  static std::string WithoutCompressionSuffix(const std::string& name) {
    for (std::string_view ext : {".gz", ".tgz", ".bz2", ".xz", ".zst", ".z", ".Z", ".lz", ".lzma"}) {
      if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
        return name.substr(0, name.size() - ext.size()) + (ext == ".tgz" ? ".tar" : "");
    }
    return name;
  }

  // "!<level>" for a member name, made safe. A name with levels ("17!claims.csv": an
  // mbox message and its attachment) is split at its first '!' only, so an
  // attachment's own '!' stays inside its level.
  std::string LevelsPath(const std::string& name, bool has_levels) const {
    size_t bang = has_levels ? name.find('!') : std::string::npos;
    if (bang == std::string::npos) return "!" + SafePath(name);
    return "!" + SafePath(name.substr(0, bang)) + "!" + SafePath(name.substr(bang + 1));
  }

  // A new path level under `parent`; returns its index in FileState::members.
  uint32_t AddMember(FileState& f, uint32_t parent, const extract::Member& m) {
    std::string path = f.members[parent];
    path += LevelsPath(m.name, m.name_has_levels);
    f.members.push_back(std::move(path));
    f.member_json.emplace_back();
    AppendJsonString(f.member_json.back(), f.members.back());
    return static_cast<uint32_t>(f.members.size() - 1);
  }

  // First line start at or after `x` (searching from x-1), or x when none within the overlap.
  static uint64_t LineStartAtOrAfter(std::string_view buf, uint64_t buf_offset, uint64_t x, uint64_t file_size) {
    if (x == 0 || x >= file_size) return std::min(x, file_size);
    uint64_t from = x - 1 - buf_offset;
    uint64_t limit = std::min<uint64_t>(buf.size(), from + kOverlap / 2);
    const void* nl = std::memchr(buf.data() + from, '\n', limit - from);
    if (!nl) return x;
    return buf_offset + (static_cast<const char*>(nl) - buf.data()) + 1;
  }

  void ParallelChunk(FileState& f, uint64_t k, SpillBuffers& spill, redact::HmacScratch& scratch, std::string& buf) {
    Fd fd{::open(f.entry.path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0) {
      AddError(f, {f.safe_path, StatusCode::kIo, std::string("cannot open: ") + std::strerror(errno)});
      ChunkDone(f, cfg_.chunk_bytes);
      return;
    }
    ParallelChunkWithFd(f, k, fd.fd, spill, scratch, buf);
  }

  void ParallelChunkWithFd(FileState& f, uint64_t k, int fd, SpillBuffers& spill, redact::HmacScratch& scratch,
                           std::string& buf) {
    const uint64_t size = f.entry.size, c = cfg_.chunk_bytes;
    uint64_t nominal_begin = k * c, nominal_end = std::min(size, (k + 1) * c);
    uint64_t read_begin = nominal_begin > kOverlap ? nominal_begin - kOverlap : 0;
    uint64_t read_end = std::min(size, nominal_end + kOverlap);
    Status s = ReadAt(fd, read_begin, read_end - read_begin, buf);
    if (!s.ok()) {
      AddError(f, {f.safe_path, s.code(), s.message() + " (chunk " + std::to_string(k + 1) + ")"});
      ChunkDone(f, nominal_end - nominal_begin);
      return;
    }
    if (!f.chunk_digests.empty()) {  // this chunk's piece of the content key
      const uint64_t at = nominal_begin - read_begin, len = nominal_end - nominal_begin;
      if (buf.size() < at + len || !Sha256(std::string_view(buf).substr(at, len), f.chunk_digests[k]))
        f.digest_failed = true;
    }
    uint64_t own_begin = k == 0 ? f.plan.bom : LineStartAtOrAfter(buf, read_begin, nominal_begin, size);
    uint64_t own_end = LineStartAtOrAfter(buf, read_begin, nominal_end, size);
    records::UnitInput in;
    in.text = buf;
    in.own_begin = own_begin - read_begin;
    in.own_end = own_end - read_begin;
    in.format = f.plan.format;
    in.table = f.plan.table ? &*f.plan.table : nullptr;
    in.layout = f.plan.layout.get();
    in.first_line = 1;
    in.decoders = f.plan.chain;
    UnitOutputLease out_lease;
    records::UnitOutput& out = *out_lease;
    uint64_t t = NowNs();
    processor_->Process(in, out);
    stage_ns_[kStageDetect] += NowNs() - t;
    ChunkResult& r = f.chunks[k];
    r.parallel = true;
    // Lines before our own region inside the buffer: local line numbers count them.
    uint64_t pre = 0;
    for (uint64_t p = 0; p < in.own_begin;) {
      const void* nl = std::memchr(buf.data() + p, '\n', in.own_begin - p);
      if (!nl) break;
      ++pre;
      p = static_cast<const char*>(nl) - buf.data() + 1;
    }
    r.line_shift = -static_cast<int64_t>(pre);
    Emit(f, r, out, spill, scratch);
    ChunkDone(f, nominal_end - nominal_begin);
  }

  void ChunkDone(FileState& f, uint64_t bytes) {
    bytes_done_.fetch_add(bytes, std::memory_order_relaxed);
    if (f.pending.fetch_sub(1) == 1) FileDone(f);
  }

  // Reads the file front to back in chunks (transcoding when needed), carrying the
  // unprocessed tail and some lookback context into the next chunk.
  void Sequential(FileState& f, const ItemContext& item, const FilePlan& plan, const ByteSource& src, SpillBuffers& spill,
                  redact::HmacScratch& scratch, std::string& raw) {
    const uint64_t size = src.size;
    uint64_t chunk = cfg_.chunk_bytes;
    if (plan.format == Format::kJson && size <= kMaxJsonDocument) chunk = std::max<uint64_t>(chunk, size + 1);
    records::SqlState sql;
    // X12 of any size: chunks cut before a person's loop, the reader's state (delimiters,
    // segment count, loop) carried, so the result is the whole file's (records/x12.h).
    records::X12State x12;
    std::string text, carry, pending_raw, converted;
    uint64_t context = 0;            // bytes of `carry` that are lookback context only
    uint64_t line_of_carry = 1;      // line number of carry[0]
    uint64_t pos = plan.bom;
    bool eof = pos >= size;
    while (!eof || !carry.empty()) {
      if (!eof && plan.encoding == TextEncoding::kBinary && src.fd >= 0) {
        // Holes of a sparse file read as zeros and hold no text: skip them.
        off_t data = ::lseek(src.fd, static_cast<off_t>(pos), SEEK_DATA);
        uint64_t next = data < 0 ? (errno == ENXIO ? size : pos) : static_cast<uint64_t>(data);
        if (next > pos) {
          if (src.count_progress) bytes_done_.fetch_add(std::min(next, size) - pos, std::memory_order_relaxed);
          pos = std::min(next, size);
          if (pos >= size) eof = true;
        }
      }
      if (!eof) {
        Status s = src.Read(pos, std::min(chunk, size - pos), raw);
        if (!s.ok()) {
          AddError(f, {f.members[item.member], s.code(), s.message()});
          break;
        }
        if (f.stream_hash && src.fd >= 0 && src.count_progress) f.stream_hash->Feed(pos, raw);  // the file's own bytes
        if (raw.empty()) eof = true;  // the file shrank while we read it
        pos += raw.size();
        if (src.count_progress) bytes_done_.fetch_add(raw.size(), std::memory_order_relaxed);
        if (pos >= size) eof = true;
        if (plan.encoding == TextEncoding::kUtf8) {
          converted.swap(raw);
        } else if (plan.encoding == TextEncoding::kBinary) {
          Strings(raw, converted);
        } else {
          pending_raw += raw;
          size_t used = 0;
          (void)decode::ToUtf8(pending_raw, plan.encoding, converted, &used);
          pending_raw.erase(0, used);
        }
      } else {
        converted.clear();
      }
      text = carry;
      text += converted;
      uint64_t own_begin = context;
      uint64_t own_end = text.size();
      if (!eof && plan.format == Format::kX12) {
        const bool force = text.size() - own_begin >= std::max<uint64_t>(4 * chunk, kMaxX12Loop);
        uint64_t cut = records::X12ChunkEnd(text, own_begin, x12, force);
        if (cut > own_begin) {
          own_end = cut;
        } else {  // no loop starts in it yet: read more before processing
          carry = std::move(text);
          continue;
        }
      } else if (!eof) {
        // Stop at the last line break; the rest waits for the next chunk.
        size_t nl = text.rfind('\n');
        if (nl != std::string::npos && nl + 1 > own_begin) own_end = nl + 1;
        else if (text.size() > own_begin + kOverlap) own_end = text.size() - kOverlap / 2;  // a giant line
        else {  // not enough text yet: read more before processing
          carry = std::move(text);
          continue;
        }
      }
      records::UnitInput in;
      in.text = text;
      in.own_begin = own_begin;
      in.own_end = own_end;
      in.format = plan.format;
      in.table = plan.table ? &*plan.table : nullptr;
      in.layout = plan.layout.get();
      in.first_line = line_of_carry;
      in.decoders = item.chain;
      in.decoders.insert(in.decoders.end(), plan.chain.begin(), plan.chain.end());
      in.depth = item.depth;
      in.sql = &sql;
      in.x12 = &x12;
      UnitOutputLease out_lease;
      records::UnitOutput& out = *out_lease;
      uint64_t t = NowNs();
      processor_->Process(in, out);
      stage_ns_[kStageDetect] += NowNs() - t;
      ChunkResult& r = f.chunks.emplace_back();
      r.member = item.member;
      r.base = item.base;
      r.rows_are_lines = item.rows_are_lines;
      Emit(f, r, out, spill, scratch);
      if (eof && own_end >= text.size()) break;
      // Keep up to 4 KB before own_end as context for the next chunk.
      uint64_t ctx_from = own_end > 4096 ? own_end - 4096 : 0;
      ctx_from = std::max(ctx_from, own_begin);
      // Line of text[ctx_from] = line_of_carry + newlines in [0, ctx_from).
      uint64_t lines = 0;
      for (uint64_t p = 0; p < ctx_from;) {
        const void* nl = std::memchr(text.data() + p, '\n', ctx_from - p);
        if (!nl) break;
        ++lines;
        p = static_cast<const char*>(nl) - text.data() + 1;
      }
      line_of_carry += lines;
      carry = text.substr(ctx_from);
      context = own_end - ctx_from;
      if (eof && carry.size() == context) break;
    }
  }

  // The text inside an unknown binary, one run per line: printable ASCII runs of 6 or
  // more bytes, then UTF-16LE runs of 6 or more characters (Windows programs store
  // their strings that way).
  static void Strings(std::string_view raw, std::string& out) {
    constexpr size_t kMinRun = 6;
    auto printable = [](char ch) {
      auto c = static_cast<unsigned char>(ch);
      return (c >= 0x20 && c < 0x7f) || c == '\t';
    };
    out.clear();
    size_t run = 0;
    for (size_t i = 0; i <= raw.size(); ++i) {
      if (i < raw.size() && printable(raw[i])) {
        ++run;
        continue;
      }
      if (run >= kMinRun) {
        out.append(raw.substr(i - run, run));
        out += '\n';
      }
      run = 0;
    }
    for (size_t parity = 0; parity < 2; ++parity) {
      size_t chars = 0;
      for (size_t i = parity; i < raw.size() + 2; i += 2) {
        if (i + 1 < raw.size() && printable(raw[i]) && raw[i + 1] == 0) {
          ++chars;
          continue;
        }
        if (chars >= kMinRun) {
          for (size_t k = i - 2 * chars; k < i; k += 2) out += raw[k];
          out += '\n';
        }
        chars = 0;
      }
    }
  }

  // Redacts the unit's findings into spill rows and record summaries.
  void Emit(FileState& f, ChunkResult& r, records::UnitOutput& out, SpillBuffers& spill, redact::HmacScratch& scratch) {
    const uint64_t from = NowNs();
    EmitUntimed(f, r, out, spill, scratch);
    stage_ns_[kStageRedact] += NowNs() - from;
  }

  void EmitUntimed(FileState& f, ChunkResult& r, records::UnitOutput& out, SpillBuffers& spill,
                   redact::HmacScratch& scratch) {
    for (const auto& p : out.problems) AddError(f, {f.members[r.member], p.code(), p.message()});
    r.decoded_runs = static_cast<uint32_t>(out.decoded_runs);
    r.own_newlines = out.newlines;
    std::vector<resolve::RecordSummary> records(out.records);  // one summary per record of the unit
    r.chains.clear();
    for (const auto& ch : out.chains) r.chains.push_back(report::DecodersJson(ch));
    // Each finding is redacted and appended to the chunk's rows blob at once.
    spill.rows.clear();
    report::FindingRow row;
    for (auto& uf : out.findings) {
      Candidate& c = uf.candidate;
      redact::Redacted red = redactor_->Redact(c, scratch);
      row.type = c.type;
      row.hash = red.hash;
      row.masked = std::move(red.masked);
      row.chain = uf.chain;
      row.confidence = c.confidence;
      row.code_system = c.code_system;
      row.location = std::move(c.location);
      row.record = c.record;
      resolve::RecordSummary& rec = records[c.record];
      rec.types |= Bit(c.type);
      switch (c.type) {
        case PiiType::kName:
          if (rec.first.empty() && rec.last.empty() && c.contact) {
            rec.first = c.contact->first;
            rec.last = c.contact->last;
          }
          break;
        case PiiType::kAddress:
          if (rec.street.empty() && c.contact) {
            rec.street = c.contact->street;
            rec.city = c.contact->city;
            rec.state = c.contact->state;
            rec.zip = c.contact->zip;
          }
          break;
        case PiiType::kDob:
          if (rec.dob.empty() && red.contact_value) rec.dob = *red.contact_value;
          break;
        case PiiType::kEmail:
          if (rec.email.empty() && red.contact_value) rec.email = *red.contact_value;
          break;
        case PiiType::kPhone:
          if (rec.phone.empty() && red.contact_value) rec.phone = *red.contact_value;
          break;
        default:
          if (IsProtected(c.type)) rec.identifiers.emplace_back(c.type, red.hash);
          break;
      }
      AppendRow(row, spill.rows);
    }
    findings_so_far_.fetch_add(out.findings.size(), std::memory_order_relaxed);
    r.record_count = static_cast<uint32_t>(records.size());
    // Stored now, committed with the file's completion (a killed scan redoes the file).
    const auto seq = static_cast<uint32_t>(&r - f.chunks.data());
    EncodeRecords(records, spill.records);
    EncodeMeta(r, spill.meta);
    const uint64_t put_from = NowNs();
    Status s = store_->PutChunk(f.rows_of, seq, spill.meta, spill.rows, spill.records);
    store_put_ns_ += NowNs() - put_from;
    if (!s.ok()) {
      AddError(f, {f.members[r.member], s.code(), s.message()});
      r.record_count = 0;
      EncodeMeta(r, spill.meta);
      (void)store_->PutChunk(f.rows_of, seq, spill.meta, {}, {});
    }
  }

  // ---------------------------------------------------------------- outputs
  // scan_stats.json: timings and container counts (not part of the contract, and not
  // deterministic: the benchmarks read it).
  void WriteStats(double work_seconds, double write_seconds, double total_seconds) {
    uint64_t busy = stage_ns_[kStageBusy];
    uint64_t named = stage_ns_[kStageExtract] + stage_ns_[kStageDetect] + stage_ns_[kStageRedact];
    std::string o = "{\n \"jobs\": " + std::to_string(jobs_) + ",\n \"seconds\": " + std::to_string(total_seconds) +
                    ",\n \"work_seconds\": " + std::to_string(work_seconds) +
                    ",\n \"write_seconds\": " + std::to_string(write_seconds) + ",\n \"worker_cpu_seconds\": {";
    for (int st = 0; st < kStageBusy; ++st)
      o += std::string("\"") + kStageNames[st] + "\": " + std::to_string(stage_ns_[st] / 1e9) + ", ";
    o += "\"read_and_other\": " + std::to_string((busy > named ? busy - named : 0) / 1e9) + "}";
    // The write phase: reading record keys (pass 1), resolving people, then rendering
    // findings.jsonl and (at the same time, on another thread) people.jsonl.
    o += ",\n \"store_put_seconds\": " + std::to_string(store_put_ns_.load() / 1e9);  // part of redact: PutChunk, with its lock wait
    o += ",\n \"record_keys_thread_seconds\": " + std::to_string(keys_ns_ / 1e9);
    o += ",\n \"write_phase_seconds\": {\"record_keys\": " + std::to_string(write_ns_[0] / 1e9) +
         ", \"resolve\": " + std::to_string(write_ns_[1] / 1e9) + ", \"findings\": " +
         std::to_string(write_ns_[2] / 1e9) + ", \"people\": " + std::to_string(write_ns_[3] / 1e9) + "}";
    o += ",\n \"peak_rss_mib\": {\"work\": " + std::to_string(work_peak_rss_mib_) +
         ", \"whole_scan\": " + std::to_string(PeakRssMiB()) + "}";
    o += ",\n \"members_scanned\": " + std::to_string(members_scanned_.load()) +
         ",\n \"files_reused\": " + std::to_string(files_reused_.load()) + "\n}\n";
    auto file = report::OutputFile::Create(cfg_.out_dir / "scan_stats.json");
    if (file.ok() && (*file)->Append(o).ok()) (void)(*file)->Close();
  }

  Result<ScanResult> Write() {
    uint64_t phase_from = NowNs();
    auto phase = [&](int i) {
      uint64_t now = NowNs();
      write_ns_[i] = now - phase_from;
      phase_from = now;
    };
    // Pass 1 (record keys) ran during the work phase; an export runs it now.
    if (keys_thread_.joinable()) keys_thread_.join();
    else keys_status_ = RecordKeys(false);
    BS_RETURN_IF_ERROR(keys_status_);
    resolve::EntityResolver& builder = builder_;
    const std::vector<std::string>& source_paths = source_paths_;
    const std::vector<std::vector<uint32_t>>& record_base = record_base_;
    const std::vector<uint32_t>& source_base = source_base_;
    const uint64_t decoded_runs = decoded_runs_;
    uint64_t total_records = builder.records();
    phase(0);
    builder.set_threads(static_cast<uint32_t>(jobs_));  // --jobs bounds resolution's threads too
    builder.Finalize();
    phase(1);
    // People are folded and written on a thread of their own while findings.jsonl is
    // rendered: the two read different blobs, and the resolver's Feed() only reads
    // what PersonOf() reads.
    uint64_t individuals = 0, individuals_state_unknown = 0;
    std::map<std::string, uint64_t> by_state;
    Status people_result;
    std::thread people_thread([&] {
      const uint64_t from = NowNs();
      people_result = [&]() -> Status {
        // Chunks' records are read a few chunks ahead on a thread of their own, which
        // also renders the lines of people of one record (nearly all of a dense case's:
        // people_lines.h); this thread folds the other records in record order and
        // writes the chunks' lines, the folded people at their last records.
        std::vector<std::string> source_json(source_paths.size());  // each path's JSON, once
        for (size_t i = 0; i < source_paths.size(); ++i) AppendJsonString(source_json[i], source_paths[i]);
        struct Split {
          PeopleChunk people;
          Status status;
        };
        const uint32_t parts = jobs_ > 1 ? 2 : 1;  // folding threads
        Handoff<Split> split(4);
        Handoff<PeopleChunk> spare(4);  // chunks done with: the reader reuses their buffers
        auto people_file = report::OutputFile::Create(cfg_.out_dir / "people.jsonl");
        if (!people_file.ok()) return people_file.status();
        std::thread reader;
        JoinOnExit join_reader{reader};
        struct StopOnExit {  // a failed step must not leave the reader waiting
          Handoff<Split>& h;
          ~StopOnExit() { h.Stop(); }
        } stop_on_exit{split};  // destroyed before the join
        reader = std::thread([&] {
          store::Chunk pchunk;  // the reader thread's
          for (size_t i = 0; i < files_.size(); ++i) {
            FileState& f = *files_[i];
            for (size_t k = 0; k < f.chunks.size(); ++k) {
              if (!f.chunks[k].record_count) continue;
              Split d;
              spare.TryPop(d.people);
              d.status = store_->GetChunk(f.rows_of, static_cast<uint32_t>(k), pchunk, false, true);
              if (d.status.ok())
                d.status = SplitPeople(pchunk.records, record_base[i][k], source_base[i] + f.chunks[k].member, builder,
                                       source_json, parts, d.people);
              const bool failed = !d.status.ok();
              if (!split.Push(std::move(d)) || failed) {
                split.Close();
                return;
              }
            }
          }
          split.Close();
        });
        // Part 1 of each chunk's people of several records is folded on a helper thread
        // while this one folds part 0 (people_lines.h: a person's records all in one part).
        std::vector<std::unique_ptr<resolve::EntityResolver::Folder>> folders;
        for (uint32_t k = 0; k < parts; ++k) folders.push_back(std::make_unique<resolve::EntityResolver::Folder>(builder));
        Handoff<PeopleChunk*> to_helper(1);
        Handoff<Status> from_helper(1);
        std::thread helper;
        JoinOnExit join_helper{helper};
        struct StopHelper {
          Handoff<PeopleChunk*>& to;
          Handoff<Status>& from;
          ~StopHelper() {
            to.Stop();
            from.Stop();
          }
        } stop_helper{to_helper, from_helper};  // destroyed before the join
        if (parts > 1) {
          helper = std::thread([&] {
            PeopleChunk* chunk;
            while (to_helper.Pop(chunk))
              if (!from_helper.Push(FoldPeople(*folders[1], source_json, *chunk, 1, parts))) return;
          });
        }
        Split d;
        auto write = [&](std::string_view bytes) { return (*people_file)->Append(bytes); };
        while (split.Pop(d)) {
          BS_RETURN_IF_ERROR(d.status);
          if (parts > 1 && !to_helper.Push(&d.people)) return InternalError("people: the folding helper stopped");
          Status folded = FoldPeople(*folders[0], source_json, d.people, 0, parts);
          Status helped;
          if (parts > 1 && !from_helper.Pop(helped)) return InternalError("people: the folding helper stopped");
          BS_RETURN_IF_ERROR(folded);
          BS_RETURN_IF_ERROR(helped);
          BS_RETURN_IF_ERROR(MergePeople(d.people, write));
          individuals += d.people.individuals;
          individuals_state_unknown += d.people.state_unknown;
          for (const auto& [state, n] : d.people.by_state) by_state[state] += n;
          spare.TryPush(std::move(d.people));  // its buffers back to the reader
        }
        return (*people_file)->Close();
      }();
      write_ns_[3] = NowNs() - from;
    });
    JoinOnExit join_people{people_thread};

    report::SummaryCounts sum;
    sum.records = total_records;
    sum.decoded_runs = decoded_runs;
    auto findings = report::OutputFile::Create(cfg_.out_dir / "findings.jsonl");
    if (!findings.ok()) return findings.status();
    // Chunks are rendered to JSON on `jobs_` threads into a ring of slots and written in
    // path and chunk order by this thread as each next one is ready: rendering goes on
    // while a finished chunk is written (a dense GB writes 4.4 GB of findings, seconds
    // of direct I/O), and a slow chunk holds back only the slots behind it.
    struct RenderTask {
      size_t file, chunk;
      uint64_t line_base;  // newlines before the chunk's own region (parallel chunks)
    };
    std::vector<RenderTask> tasks;
    for (size_t i = 0; i < files_.size(); ++i) {
      uint64_t line_base = 0;
      for (size_t k = 0; k < files_[i]->chunks.size(); ++k) {
        tasks.push_back({i, k, line_base});
        line_base += files_[i]->chunks[k].own_newlines;
      }
    }
    const size_t batch = static_cast<size_t>(std::max(1, jobs_)) * 2;  // bounds memory: a rendered chunk is ~5x its size
    std::vector<report::LineBuffer> rendered(batch);
    std::vector<Status> render_status(batch);
    std::vector<std::array<uint64_t, kPiiTypeCount>> counts(batch);
    // Per-slot buffers, reused round the ring: a chunk's blobs are megabytes.
    std::vector<store::Chunk> slot_blobs(batch);
    auto render = [&](const RenderTask& t, size_t slot) -> Status {
      const FileState& f = *files_[t.file];
      const ChunkResult& ch = f.chunks[t.chunk];
      report::LineBuffer& out = rendered[slot];
      std::array<uint64_t, kPiiTypeCount>& by_type = counts[slot];
      store::Chunk& blobs = slot_blobs[slot];
      out.clear();
      by_type.fill(0);
      BS_RETURN_IF_ERROR(store_->GetChunk(f.rows_of, static_cast<uint32_t>(t.chunk), blobs, true, false));
      const std::string& path_json = f.member_json[ch.member];
      const uint64_t record_base_of_chunk = record_base[t.file][t.chunk];
      // Rows are rendered straight from the blob (views, no per-row copies).
      RowReader reader(blobs.findings);
      RowView row;
      report::FindingView v;
      // A member's page, sheet or message; in a sheet, lines are its rows.
      v.page = ch.base.page;
      v.sheet = ch.base.sheet;
      v.message = ch.base.message;
      while (reader.Next(row)) {
        uint64_t line = row.line;
        if (ch.parallel && line)
          line = static_cast<uint64_t>(static_cast<int64_t>(line) + ch.line_shift + static_cast<int64_t>(t.line_base));
        v.row = ch.rows_are_lines ? line : 0;
        v.line = ch.rows_are_lines ? 0 : line;
        v.type = row.type;
        v.hash = row.hash;
        v.masked = row.masked;
        if (row.chain >= ch.chains.size()) return InternalError("case database: a finding row names a decoder chain the chunk does not have");
        v.decoders_json = ch.chains[row.chain];
        v.confidence = row.confidence;
        v.code_system = row.code_system;
        v.column = row.column;
        v.segment = row.segment;
        v.loop = row.loop;
        v.offset = row.offset;
        const uint64_t rec = record_base_of_chunk + row.record;
        v.record_id = rec + 1;
        v.person_id = builder.PersonOf(static_cast<uint32_t>(rec)) + 1;
        report::RenderFinding(out, path_json, v);
        ++by_type[static_cast<int>(row.type)];
      }
      if (!reader.ok()) return InternalError("case database: a chunk's finding rows are truncated");
      return Status::Ok();
    };
    {
      // Task j renders into slot j % batch once task j - batch is written.
      std::mutex ring_mu;
      std::condition_variable slot_free, slot_ready;
      size_t next_task = 0, written = 0;
      bool abandon = false;  // the writer failed: renderers stop
      std::vector<char> ready(batch, 0);
      auto renderer = [&] {
        for (;;) {
          size_t j;
          {
            std::unique_lock lock(ring_mu);
            slot_free.wait(lock, [&] { return abandon || next_task >= tasks.size() || next_task < written + batch; });
            if (abandon || next_task >= tasks.size()) return;
            j = next_task++;
          }
          Status s = render(tasks[j], j % batch);
          std::lock_guard lock(ring_mu);
          render_status[j % batch] = std::move(s);
          ready[j % batch] = 1;
          slot_ready.notify_all();
        }
      };
      std::vector<std::thread> pool;
      struct StopRenderers {
        std::mutex& mu;
        std::condition_variable& cv;
        bool& abandon;
        std::vector<std::thread>& pool;
        ~StopRenderers() {
          {
            std::lock_guard lock(mu);
            abandon = true;
          }
          cv.notify_all();
          for (auto& th : pool) th.join();
        }
      } stop_renderers{ring_mu, slot_free, abandon, pool};  // before the threads: joined on every exit
      for (int t = 0; t < jobs_ && static_cast<size_t>(t) < tasks.size(); ++t) pool.emplace_back(renderer);
      for (size_t j = 0; j < tasks.size(); ++j) {
        const size_t slot = j % batch;
        {
          std::unique_lock lock(ring_mu);
          slot_ready.wait(lock, [&] { return ready[slot] != 0; });
        }
        BS_RETURN_IF_ERROR(render_status[slot]);
        BS_RETURN_IF_ERROR((*findings)->Append(rendered[slot].view()));
        for (int t = 0; t < kPiiTypeCount; ++t) sum.by_type[t] += counts[slot][t];
        {
          std::lock_guard lock(ring_mu);
          ready[slot] = 0;
          written = j + 1;
        }
        slot_free.notify_all();
      }
    }
    std::string out;
    BS_RETURN_IF_ERROR((*findings)->Close());
    phase(2);
    people_thread.join();
    BS_RETURN_IF_ERROR(people_result);
    sum.individuals = individuals;
    sum.individuals_state_unknown = individuals_state_unknown;
    sum.by_state = std::move(by_state);

    {
      std::error_code ec;
      fs::remove_all(work_dir_, ec);
    }
    sum.people_listed = builder.people();

    std::vector<ItemError> errors = walk_errors_;
    std::vector<int64_t> file_ids;
    for (auto& f : files_) {
      for (auto& e : f->errors) errors.push_back(e);
      if (f->store_id) file_ids.push_back(f->store_id);
      ++sum.files_scanned;
      sum.bytes_scanned += f->entry.size;
    }
    auto errors_file = report::OutputFile::Create(cfg_.out_dir / "errors.jsonl");
    if (!errors_file.ok()) return errors_file.status();
    out.clear();
    for (const auto& e : errors) report::AppendError(out, e);
    BS_RETURN_IF_ERROR((*errors_file)->Append(out));
    BS_RETURN_IF_ERROR((*errors_file)->Close());
    sum.errors = errors.size();

    ScanResult result;
    result.summary_json = report::SummaryJson(sum);
    auto summary_file = report::OutputFile::Create(cfg_.out_dir / "summary.json");
    if (!summary_file.ok()) return summary_file.status();
    BS_RETURN_IF_ERROR((*summary_file)->Append(result.summary_json));
    BS_RETURN_IF_ERROR((*summary_file)->Close());
    if (!exporting_) BS_RETURN_IF_ERROR(store_->SaveScan(file_ids, walk_errors_, errors, result.summary_json));

    result.files = sum.files_scanned;
    result.bytes = sum.bytes_scanned;
    for (auto n : sum.by_type) result.findings += n;
    result.individuals = sum.individuals;
    result.errors = sum.errors;
    return result;
  }

  const ScanConfig& cfg_;
  int jobs_ = 1;
  std::shared_ptr<const redact::Redactor> redactor_;
  std::shared_ptr<const detect::NameLexicon> lexicon_;
  std::shared_ptr<const records::FixedLayout> layout_;  // --layout
  std::unique_ptr<detect::Scanner> scanner_;
  std::unique_ptr<records::UnitProcessor> processor_;
  std::unique_ptr<store::CaseStore> store_;
  std::vector<std::unique_ptr<FileState>> files_;
  std::unordered_set<uint64_t> shared_sizes_;  // sizes two or more walked files have (Resume)
  std::vector<ItemError> walk_errors_;
  bool exporting_ = false;
  bool reuse_allowed_ = false;  // the case's rows were made with this scan's settings  // Export(): outputs from the case store, nothing scanned or saved
  fs::path work_dir_;
  extract::Budget budget_;
  uint64_t total_bytes_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  int active_ = 0;
  std::atomic<uint64_t> files_done_{0}, bytes_done_{0}, findings_so_far_{0};
  std::atomic<uint64_t> members_scanned_{0}, files_reused_{0};
  std::array<std::atomic<uint64_t>, kStageCount> stage_ns_{};
  std::array<uint64_t, 4> write_ns_{};
  double work_peak_rss_mib_ = 0;  // VmHWM when the work phase ended
  std::atomic<uint64_t> store_put_ns_{0};
  // Pass 1 of the outputs (RecordKeys), on its own thread during the work phase.
  std::thread keys_thread_;
  Status keys_status_;
  uint64_t keys_ns_ = 0;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool work_finished_ = false;  // under done_mu_
  resolve::EntityResolver builder_;
  std::vector<std::string> source_paths_;             // every file's member paths, in file order
  std::vector<std::vector<uint32_t>> record_base_;    // per file and chunk: id of its first record
  std::vector<uint32_t> source_base_;                 // per file: index of its first path in source_paths_
  uint64_t decoded_runs_ = 0;
};

}  // namespace

Result<ScanResult> RunScan(const ScanConfig& config) { return Scan(config).Run(); }

Result<ScanResult> ExportCase(const fs::path& case_dir, const fs::path& out_dir) {
  ScanConfig config;
  config.out_dir = out_dir;
  return Scan(config).Export(case_dir);
}

}  // namespace breachscope::scan
