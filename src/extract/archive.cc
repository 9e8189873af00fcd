// extract/archive.cc — archives and compressed files, read with libarchive.
//
// Formats: zip (zip64 too; deflate64 is not in libarchive 3.6, such entries are
// kUnsupported), tar, 7z, rar (v4 and v5), cpio, iso; filters gzip, bzip2, xz,
// zstd in any combination (a .tar.gz is read in one pass). A lone compressed file
// (a.csv.gz) is read with libarchive's "raw" format. Everything is read from
// Source::bytes in memory (archive_read_open_memory, which can seek, so zip is
// read through its central directory and 7z works).
//
// Members and paths (contract "Paths"): every regular entry is one Member named by
// its pathname (a leading "./" dropped); directories, symlinks and devices are
// skipped. Decoders are the filters then the format in the order applied to the
// bytes: {"gzip", "tar"} for a .tar.gz. A lone compressed file adds no path level:
// one Member named "" with decoders {"gzip"}; the scan sniffs its bytes, which may
// be a container again. Other formats and filters libarchive knows (ar, cab, lha,
// xar, warc, mtree, compress, lzip, lz4, ...) are not enabled: they have no
// contract decoder name, and fewer bidders means fewer false detections inside
// decompressed text.
//
// Budgets (Budget in extractor.h; docs/containers.md):
// - max_members: headers read from one archive (directories included). Past it the
//   archive stops with kLimit; the members before it stay scanned.
// - max_ratio: the members of one archive together may expand to at most
//   max_ratio x the archive's own (compressed) size + 1 MiB — so one member can
//   never pass it either. This stops a single-member bomb (zeros under bzip2, xz,
//   zstd) and an overlapping-entry zip (Fifield), whose entries each look modest
//   but share one compressed kernel. The member being read when the cap is passed
//   is reported with sink.Error(name, kLimit) and is NOT handed over (its bytes so
//   far are the bomb), and the archive stops with kLimit: skipping on inside a
//   compressed stream would mean decompressing the rest of the bomb. A size the
//   headers declare (zip central directory, tar, 7z) is checked before inflating;
//   the bytes actually produced are checked as they come (lying headers, lone
//   compressed files, which declare nothing). Note plain
//   deflate cannot exceed ~1032:1, so a 42.zip-style nest of deflate layers stays
//   under the ratio at every level; it is bounded by max_depth (the scan) and
//   max_expanded_bytes.
// - max_expanded_bytes: the bytes this Extract() hands over in total. Checked like
//   the ratio cap (member error + archive kLimit). It counts this archive only:
//   the scan bounds nested levels by the budget it gives nested sinks.
// - max_member_in_memory: a member past it is written to a temporary file under
//   temp_dir (mkstemp, mode 0600) while it is read, and given as Member::file.
//
// Bad input: an encrypted entry is sink.Error(name, kEncrypted) and skipped
// (libarchive is given no passphrase); an entry whose data fails mid-way (bad CRC,
// wrong size, unsupported method) is handed over as far as it was read and
// reported with sink.Error(name, kCorrupt or kUnsupported); a truncated or corrupt
// archive hands over everything read so far, then Extract() returns kCorrupt with
// libarchive's message (kEncrypted when the headers themselves are encrypted).
//
// Thread-safety: the extractor is stateless; each Extract() has its own archive.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/text_encoding.h"
#include "extract/archive_spill.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

constexpr uint64_t kRatioSlack = 1ull << 20;   // bytes allowed on top of max_ratio x size
constexpr int kMaxFailedHeadersInARow = 64;     // a reader stuck on bad headers gives up

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

bool At(std::string_view head, size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && head.compare(offset, magic.size(), magic) == 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

const char* FilterName(int code) {
  switch (code) {
    case ARCHIVE_FILTER_GZIP: return "gzip";
    case ARCHIVE_FILTER_BZIP2: return "bzip2";
    case ARCHIVE_FILTER_XZ: return "xz";
    case ARCHIVE_FILTER_ZSTD: return "zstd";
    default: return nullptr;
  }
}

const char* FormatName(int code) {
  switch (code & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_ZIP: return "zip";
    case ARCHIVE_FORMAT_TAR: return "tar";
    case ARCHIVE_FORMAT_7ZIP: return "7z";
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5: return "rar";
    case ARCHIVE_FORMAT_CPIO: return "cpio";
    case ARCHIVE_FORMAT_ISO9660: return "iso";
    default: return nullptr;
  }
}

// libarchive's message for the last error, as fixed library text: control
// characters dropped and the length bounded.
std::string LibMessage(archive* a, std::string_view fallback) {
  const char* m = archive_error_string(a);
  std::string out = "archive: ";
  std::string_view text = m ? std::string_view(m) : fallback;
  for (char c : text.substr(0, 200))
    if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  return out;
}

bool MentionsEncryption(std::string_view msg) {
  for (std::string_view w : {"ncrypt", "assphrase", "assword", "ecrypt"})
    if (msg.find(w) != std::string_view::npos) return true;
  return false;
}

StatusCode Classify(std::string_view msg, bool entry_encrypted) {
  if (entry_encrypted || MentionsEncryption(msg)) return StatusCode::kEncrypted;
  if (msg.find("nsupported") != std::string_view::npos) return StatusCode::kUnsupported;
  return StatusCode::kCorrupt;
}

// The entry's path level: UTF-8 when libarchive can give it, else the raw bytes
// read as Windows-1252 (old zips store CP437/ANSI names), a leading "./" dropped.
std::string EntryName(archive_entry* e) {
  const char* p = archive_entry_pathname_utf8(e);
  if (!p) p = archive_entry_pathname(e);
  std::string name = p ? p : "";
  if (!IsValidUtf8(name)) {
    std::string out;
    size_t used = 0;
    if (decode::ToUtf8(name, decode::TextEncoding::kCp1252, out, &used).ok()) name = std::move(out);
  }
  while (name.size() >= 2 && name[0] == '.' && name[1] == '/') name.erase(0, 2);
  while (!name.empty() && name[0] == '/') name.erase(0, 1);
  return name;
}

class ArchiveReader final : public Extractor {
 public:
  std::string_view name() const override { return "archive"; }

  bool Accepts(std::string_view file_name, std::string_view head) const override {
    using namespace std::string_view_literals;
    if (At(head, 0, "PK\x03\x04"sv) || At(head, 0, "PK\x05\x06"sv)) return true;              // zip
    if (At(head, 0, "\x1f\x8b"sv)) return true;                                                // gzip
    if (At(head, 0, "BZh"sv) && head.size() > 3 && head[3] >= '1' && head[3] <= '9') return true;  // bzip2
    if (At(head, 0, "\xfd\x37\x7a\x58\x5a\x00"sv)) return true;                                 // xz
    if (At(head, 0, "\x28\xb5\x2f\xfd"sv)) return true;                                         // zstd
    if (At(head, 0, "7z\xbc\xaf\x27\x1c"sv)) return true;                                       // 7z
    if (At(head, 0, "Rar!\x1a\x07"sv)) return true;                                             // rar 4 and 5
    if (At(head, 257, "ustar"sv)) return true;                                                  // tar (POSIX, GNU)
    if (At(head, 0, "070701"sv) || At(head, 0, "070702"sv) || At(head, 0, "070707"sv)) return true;  // cpio ASCII
    if (head.size() >= 26 && (At(head, 0, "\xc7\x71"sv) || At(head, 0, "\x71\xc7"sv))) return true;  // cpio binary
    if (At(head, 32769, "CD001"sv)) return true;                                                // iso9660
    return EndsWith(file_name, ".tar") && head.size() >= 512;                                   // v7 tar, no magic
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    bool empty_tar = false;
    Status s = Read(source, sink, /*raw_only=*/false, empty_tar);
    // A compressed stream that starts with 1024 zero bytes reads as an empty tar
    // (two zero blocks end a tar): read it again as a lone compressed file, so a
    // stream of zeros is neither silently skipped nor exempt from the budgets.
    if (s.ok() && empty_tar) return Read(source, sink, /*raw_only=*/true, empty_tar);
    return s;
  }

 private:
  Status Read(const Source& source, MemberSink& sink, bool raw_only, bool& empty_tar) const;
};

Status ArchiveReader::Read(const Source& source, MemberSink& sink, bool raw_only, bool& empty_tar) const {
  const Budget& budget = sink.budget();
  empty_tar = false;
  std::unique_ptr<archive, ArchiveFree> holder(archive_read_new());
  archive* a = holder.get();
  if (!a) return InternalError("archive: out of memory");
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_zstd(a);
  if (!raw_only) {
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_iso9660(a);
  }
  archive_read_support_format_raw(a);  // bids lowest: only a lone compressed file ends up here

  if (archive_read_open_memory(a, source.bytes.data(), source.bytes.size()) != ARCHIVE_OK) {
    std::string msg = LibMessage(a, "cannot open");
    return MentionsEncryption(msg) ? EncryptedError(msg) : CorruptError(msg);
  }

  const long double cap_ld = static_cast<long double>(budget.max_ratio) * source.bytes.size() + kRatioSlack;
  const uint64_t ratio_cap = cap_ld >= static_cast<long double>(std::numeric_limits<uint64_t>::max())
                                 ? std::numeric_limits<uint64_t>::max()
                                 : static_cast<uint64_t>(cap_ld);
  uint64_t expanded = 0;  // bytes read out of this archive, all members
  uint64_t headers = 0;
  int failed_in_a_row = 0;
  bool kind_known = false, raw = false;
  std::vector<std::string> decoders;

  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) {
      empty_tar = headers == 0 && archive_filter_count(a) > 1 &&
                  (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
      break;
    }
    if (r == ARCHIVE_FATAL) {
      std::string msg = LibMessage(a, "cannot read an entry header");
      if (archive_read_has_encrypted_entries(a) > 0 || MentionsEncryption(msg)) return EncryptedError(msg);
      return CorruptError(msg);
    }
    if (++headers > budget.max_members) return LimitError("archive: more entries than max_members");

    if (!kind_known) {
      kind_known = true;
      int format = archive_format(a);
      raw = (format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW;
      // Filter 0 is the one next to the format reader; the last is the raw bytes.
      for (int i = archive_filter_count(a) - 1; i >= 0; --i)
        if (const char* f = FilterName(archive_filter_code(a, i))) decoders.emplace_back(f);
      if (raw && decoders.empty()) return CorruptError("archive: not an archive or compressed file libarchive reads");
      if (const char* f = FormatName(format)) decoders.emplace_back(f);
    }

    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {  // ARCHIVE_FAILED / ARCHIVE_RETRY: this entry is lost
      std::string msg = LibMessage(a, "cannot read an entry header");
      sink.Error(entry ? EntryName(entry) : std::string(), Classify(msg, entry && archive_entry_is_encrypted(entry)),
                 msg);
      if (++failed_in_a_row >= kMaxFailedHeadersInARow) return CorruptError("archive: too many unreadable entries");
      continue;
    }
    failed_in_a_row = 0;

    mode_t type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != 0) continue;  // directories, symlinks, devices, fifos
    if (archive_entry_hardlink(entry) && archive_entry_size_is_set(entry) && archive_entry_size(entry) == 0)
      continue;  // a hard link to a member read before
    std::string name = raw ? std::string() : EntryName(entry);
    if (!raw && name.empty()) continue;

    if (archive_entry_is_data_encrypted(entry)) {
      sink.Error(name, StatusCode::kEncrypted, "archive: encrypted entry (no passphrase)");
      continue;
    }

    // A size the headers declare (zip central directory, tar, 7z) is checked before
    // anything is inflated; the same checks run again on the bytes really read, for
    // headers that lie and formats that declare nothing (a lone .gz).
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
      auto declared = static_cast<uint64_t>(archive_entry_size(entry));
      if (declared > ratio_cap - std::min(expanded, ratio_cap)) {
        sink.Error(name, StatusCode::kLimit, "archive: member declares a size past max_ratio times the archive's size");
        return LimitError("archive: stopped at a member past the expansion ratio (possible zip bomb)");
      }
      if (declared > budget.max_expanded_bytes - std::min(expanded, budget.max_expanded_bytes)) {
        sink.Error(name, StatusCode::kLimit, "archive: member declares a size past max_expanded_bytes");
        return LimitError("archive: stopped at max_expanded_bytes");
      }
    }

    MemberBuffer buffer(budget.max_member_in_memory, budget.temp_dir);
    StatusCode failure = StatusCode::kOk;
    std::string failure_msg;
    bool fatal = false;
    for (;;) {
      const void* buf = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int rd = archive_read_data_block(a, &buf, &size, &offset);
      if (rd == ARCHIVE_EOF) break;
      if (rd == ARCHIVE_OK || rd == ARCHIVE_WARN) {
        // A sparse entry's hole is zeros; it counts against the budgets like data.
        uint64_t hole = offset > 0 && static_cast<uint64_t>(offset) > buffer.size()
                            ? static_cast<uint64_t>(offset) - buffer.size()
                            : 0;
        uint64_t add = hole + size;
        if (expanded + add > ratio_cap) {
          sink.Error(name, StatusCode::kLimit, "archive: member expands past max_ratio times the archive's size");
          return LimitError("archive: stopped at a member past the expansion ratio (possible zip bomb)");
        }
        if (expanded + add > budget.max_expanded_bytes) {
          sink.Error(name, StatusCode::kLimit, "archive: members expand past max_expanded_bytes");
          return LimitError("archive: stopped at max_expanded_bytes");
        }
        expanded += add;
        Status s = buffer.AppendZeros(hole);
        if (s.ok()) s = buffer.Append(std::string_view(static_cast<const char*>(buf), size));
        if (!s.ok()) {
          failure = s.code();
          failure_msg = s.message();
          break;
        }
        if (rd == ARCHIVE_WARN) {
          failure_msg = LibMessage(a, "damaged entry");
          failure = Classify(failure_msg, false);
          break;
        }
        continue;
      }
      failure_msg = LibMessage(a, "cannot read an entry");
      failure = Classify(failure_msg, archive_entry_is_encrypted(entry));
      fatal = rd == ARCHIVE_FATAL;
      break;
    }

    if (failure == StatusCode::kEncrypted) {
      sink.Error(name, failure, failure_msg);
      if (fatal) return EncryptedError(failure_msg);
      continue;
    }
    if (failure == StatusCode::kIo) {  // our temporary file, not the archive
      sink.Error(name, failure, failure_msg);
      continue;
    }
    // Whatever was read is handed over, also when the entry turned out damaged.
    if (failure == StatusCode::kOk || buffer.size() > 0) {
      Member m;
      m.name = name;
      m.decoders = decoders;
      Status s = buffer.MoveInto(m);
      if (!s.ok()) {
        sink.Error(name, s.code(), s.message());
      } else {
        BS_RETURN_IF_ERROR(sink.Add(std::move(m)));
      }
    }
    if (fatal) return CorruptError(failure_msg);
    if (failure != StatusCode::kOk) sink.Error(name, failure, failure_msg);
  }
  return Status::Ok();
}

}  // namespace

const Extractor* ArchiveExtractor() {
  static const ArchiveReader reader;
  return &reader;
}

}  // namespace breachscope::extract
