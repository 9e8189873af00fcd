// extract/legacy_office.cc — binary Office files (OLE2 / Compound File Binary):
// .doc, .xls, .ppt, and the OLE2 wrapper of encrypted Office Open XML.
//
// Why child processes: the binary Word/Excel/PowerPoint formats are large and old;
// catdoc's tools (xls2csv, catppt, catdoc) and antiword read them well, and as
// separate programs under RunChild a crash or a spin on hostile input costs one
// member (time and memory limits from the Budget), never the scan.
//
// What we read ourselves is only the compound file's directory (stream names), to
// tell the kinds apart and to spot encryption before a tool prints nothing:
//   EncryptedPackage / EncryptionInfo  -> an encrypted .docx/.xlsx/.pptx: kEncrypted
//   WordDocument (fEncrypted in the FIB) -> .doc: antiword (-r deleted text, -s
//        hidden text), or catdoc when antiword fails; catdoc lines missing from
//        antiword's output (headers, footers, comments) are added after it.
//        Antiword's |table|rows| become tab-separated rows. Decoders {"doc"}.
//   Workbook / Book (FILEPASS record)   -> .xls: xls2csv, one "csv" member per sheet
//        (sheets split at form feeds; names from the BOUNDSHEET records). xls2csv
//        leaves out empty rows, so lines are not row numbers (rows_are_lines
//        false). Decoders {"xls"}.
//   PowerPoint Document                 -> .ppt: catppt; when it finds no text (it
//        misses LibreOffice-written files) the UTF-16 strings of the stream.
//        Decoders {"doc"} (the contract has no "ppt"), plus "strings" for that
//        fallback.
//   __substg1.0_* (Outlook .msg) and anything else -> kUnsupported.
//
// Thread-safety: the extractor is immutable; all state lives in Extract().
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "extract/child_process.h"
#include "extract/extractor.h"
#include "extract/office_util.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

constexpr std::string_view kOle2Magic("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);

uint16_t U16(std::string_view b, size_t off) {
  if (off + 2 > b.size()) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(b[off]) | static_cast<uint8_t>(b[off + 1]) << 8);
}
uint32_t U32(std::string_view b, size_t off) {
  if (off + 4 > b.size()) return 0;
  return static_cast<uint32_t>(U16(b, off)) | static_cast<uint32_t>(U16(b, off + 2)) << 16;
}

constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kMaxRegSect = 0xFFFFFFFA;

// The directory of a compound file, and reading of its streams (read-only,
// bounded: every chain walk stops after as many steps as there are sectors).
class CompoundFile {
 public:
  struct Entry {
    std::string name;  // ASCII-folded UTF-16 name
    uint8_t type = 0;  // 1 storage, 2 stream, 5 root
    uint32_t start = 0;
    uint64_t size = 0;
  };

  static std::optional<CompoundFile> Open(std::string_view b) {
    CompoundFile cf;
    cf.b_ = b;
    if (b.size() < 512 || b.substr(0, 8) != kOle2Magic) return std::nullopt;
    uint16_t shift = U16(b, 30);
    if (shift != 9 && shift != 12) return std::nullopt;
    cf.sector_ = size_t{1} << shift;
    uint16_t mini_shift = U16(b, 32);
    cf.mini_sector_ = mini_shift == 6 ? 64 : 64;
    cf.mini_cutoff_ = U32(b, 56) ? U32(b, 56) : 4096;
    cf.nsectors_ = b.size() > cf.sector_ ? (b.size() - cf.sector_ + cf.sector_ - 1) / cf.sector_ : 0;
    // FAT sector numbers: 109 in the header, then the DIFAT chain.
    std::vector<uint32_t> fat_sectors;
    for (size_t i = 0; i < 109; ++i) {
      uint32_t s = U32(b, 76 + 4 * i);
      if (s <= kMaxRegSect) fat_sectors.push_back(s);
    }
    uint32_t difat = U32(b, 68);
    for (size_t steps = 0; difat <= kMaxRegSect && steps < cf.nsectors_; ++steps) {
      size_t off = cf.Offset(difat);
      if (off + cf.sector_ > b.size()) break;
      size_t per = cf.sector_ / 4 - 1;
      for (size_t i = 0; i < per; ++i) {
        uint32_t s = U32(b, off + 4 * i);
        if (s <= kMaxRegSect) fat_sectors.push_back(s);
      }
      difat = U32(b, off + 4 * per);
    }
    for (uint32_t s : fat_sectors) {
      size_t off = cf.Offset(s);
      if (off + cf.sector_ > b.size()) continue;
      for (size_t i = 0; i < cf.sector_ / 4; ++i) cf.fat_.push_back(U32(b, off + 4 * i));
      if (cf.fat_.size() > cf.nsectors_ + cf.sector_) break;
    }
    // Directory entries.
    std::string dir = cf.Chain(U32(b, 48), UINT64_MAX, false);
    for (size_t off = 0; off + 128 <= dir.size(); off += 128) {
      Entry e;
      uint16_t len = std::min<uint16_t>(U16(dir, off + 64), 64);
      for (size_t i = 0; i + 2 <= len && i < 62; i += 2) {
        uint16_t c = U16(dir, off + i);
        if (c == 0) break;
        e.name.push_back(c < 0x80 ? static_cast<char>(c) : '?');
      }
      e.type = static_cast<uint8_t>(dir[off + 66]);
      e.start = U32(dir, off + 116);
      e.size = U32(dir, off + 120);  // the high half is unused in version-3 files
      if (e.type == 0) continue;
      cf.entries_.push_back(std::move(e));
    }
    if (cf.entries_.empty() || cf.entries_[0].type != 5) return std::nullopt;
    // The mini stream lives in the root entry's chain; the mini FAT in its own chain.
    std::string minifat = cf.Chain(U32(b, 60), UINT64_MAX, false);
    for (size_t i = 0; i + 4 <= minifat.size(); i += 4) cf.minifat_.push_back(U32(minifat, i));
    return cf;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* Find(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.type == 2 && e.name == name) return &e;
    return nullptr;
  }
  bool HasStreamPrefix(std::string_view prefix) const {
    for (const auto& e : entries_)
      if (e.name.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
  }
  // Up to `max` bytes of a stream.
  std::string Read(const Entry& e, uint64_t max) const {
    uint64_t want = std::min<uint64_t>(e.size, max);
    if (e.size < mini_cutoff_) {
      if (!mini_loaded_) {
        mini_ = Chain(entries_[0].start, entries_[0].size, false);
        mini_loaded_ = true;
      }
      return Chain(e.start, want, true);
    }
    return Chain(e.start, want, false);
  }

 private:
  size_t Offset(uint32_t sector) const { return (static_cast<size_t>(sector) + 1) * sector_; }

  std::string Chain(uint32_t s, uint64_t max, bool mini) const {
    std::string out;
    const auto& fat = mini ? minifat_ : fat_;
    size_t unit = mini ? mini_sector_ : sector_;
    size_t limit = mini ? minifat_.size() + 1 : nsectors_ + 1;
    std::vector<bool> seen(limit + 1, false);
    for (size_t steps = 0; s <= kMaxRegSect && out.size() < max && steps < limit; ++steps) {
      if (s < seen.size()) {
        if (seen[s]) break;  // a loop in the chain
        seen[s] = true;
      }
      std::string_view src = mini ? std::string_view(mini_) : b_;
      size_t off = mini ? static_cast<size_t>(s) * unit : Offset(s);
      if (off >= src.size()) break;
      size_t n = std::min<size_t>({unit, src.size() - off, static_cast<size_t>(max - out.size())});
      out.append(src.substr(off, n));
      if (s >= fat.size()) break;
      s = fat[s];
    }
    return out;
  }

  std::string_view b_;
  size_t sector_ = 512, mini_sector_ = 64, nsectors_ = 0;
  uint32_t mini_cutoff_ = 4096;
  std::vector<uint32_t> fat_, minifat_;
  std::vector<Entry> entries_;
  mutable std::string mini_;
  mutable bool mini_loaded_ = false;
};

// BIFF8 globals: FILEPASS (encryption) and the worksheet names (BOUNDSHEET, dt 0).
struct XlsInfo {
  bool encrypted = false;
  std::vector<std::string> sheets;
};

XlsInfo ReadXlsGlobals(std::string_view wb) {
  XlsInfo info;
  size_t off = 0;
  for (int n = 0; off + 4 <= wb.size() && n < 100000; ++n) {
    uint16_t type = U16(wb, off), len = U16(wb, off + 2);
    std::string_view rec = wb.substr(off + 4, std::min<size_t>(len, wb.size() - off - 4));
    off += 4 + len;
    if (type == 0x002F) info.encrypted = true;
    if (type == 0x000A && n > 0) break;  // EOF of the globals substream
    if (type == 0x0085 && rec.size() >= 8) {
      uint8_t dt = static_cast<uint8_t>(rec[5]);
      uint8_t cch = static_cast<uint8_t>(rec[6]);
      bool wide = rec[7] & 1;
      std::string name;
      for (size_t i = 0; i < cch; ++i) {
        size_t p = 8 + (wide ? 2 * i : i);
        if (p + (wide ? 2 : 1) > rec.size()) break;
        uint16_t c = wide ? U16(rec, p) : static_cast<uint8_t>(rec[p]);
        if (c < 0x80) {
          name.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
          name.push_back(static_cast<char>(0xC0 | (c >> 6)));
          name.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
          name.push_back(static_cast<char>(0xE0 | (c >> 12)));
          name.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
          name.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
      }
      if (dt == 0) info.sheets.push_back(std::move(name));
    }
  }
  return info;
}

// Printable UTF-16LE runs (ASCII/Latin-1) of at least 4 characters, 3 of them
// letters or digits, one per line.
std::string Utf16Strings(std::string_view b) {
  std::string out, run;
  auto flush = [&] {
    size_t alnum = 0;
    for (char c : run) alnum += std::isalnum(static_cast<unsigned char>(c)) ? 1 : 0;
    if (run.size() >= 4 && alnum >= 3) {
      out.append(run);
      out.push_back('\n');
    }
    run.clear();
  };
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint16_t c = U16(b, i);
    if ((c >= 0x20 && c < 0x7F) || c == '\t') {
      run.push_back(static_cast<char>(c));
    } else if (c >= 0xA0 && c <= 0xFF) {
      run.push_back(static_cast<char>(0xC0 | (c >> 6)));
      run.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, e - a + 1));
}

// Antiword draws table rows as "|cell   |cell   |": make them tab-separated.
std::string AntiwordTables(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (line.size() >= 2 && line.front() == '|' && line.back() == '|') {
      std::string_view inner = line.substr(1, line.size() - 2);
      size_t p = 0;
      bool first = true;
      while (p <= inner.size()) {
        size_t bar = inner.find('|', p);
        if (bar == std::string_view::npos) bar = inner.size();
        if (!first) out.push_back('\t');
        out.append(Trim(inner.substr(p, bar - p)));
        first = false;
        p = bar + 1;
      }
    } else {
      out.append(line);
    }
    out.push_back('\n');
    pos = nl + 1;
  }
  return out;
}

std::string Squash(std::string_view s) {
  std::string r;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '|') r.push_back(c);
  return r;
}

// Lines of `extra` whose text (whitespace and table bars ignored) is not in `base`.
std::string MissingLines(std::string_view base, std::string_view extra) {
  std::string squashed = Squash(base);
  std::string out;
  size_t pos = 0;
  while (pos < extra.size()) {
    size_t nl = extra.find('\n', pos);
    if (nl == std::string_view::npos) nl = extra.size();
    std::string_view line = extra.substr(pos, nl - pos);
    std::string key = Squash(line);
    if (!key.empty() && squashed.find(key) == std::string::npos) {
      out.append(line);
      out.push_back('\n');
    }
    pos = nl + 1;
  }
  return out;
}

class LegacyOfficeExtractorImpl : public Extractor {
 public:
  std::string_view name() const override { return "legacy_office"; }

  bool Accepts(std::string_view file_name, std::string_view head) const override {
    if (head.substr(0, 8) != kOle2Magic) return false;
    return office::LowerExtension(file_name) != "msg";
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    auto cf = CompoundFile::Open(source.bytes);
    if (!cf) return CorruptError("OLE2 compound file directory unreadable");
    if (cf->Find("EncryptedPackage") || cf->Find("EncryptionInfo"))
      return EncryptedError("encrypted Office Open XML package (OLE2 EncryptedPackage)");
    if (cf->HasStreamPrefix("__substg1.0_") || cf->Find("__properties_version1.0"))
      return UnsupportedError("Outlook .msg message (OLE2): not read");
    if (const auto* e = cf->Find("WordDocument")) {
      std::string fib = cf->Read(*e, 64);
      if (fib.size() >= 12 && (U16(fib, 10) & 0x0100)) return EncryptedError("password-protected Word document");
      return Doc(source, sink);
    }
    const auto* wb = cf->Find("Workbook");
    if (!wb) wb = cf->Find("Book");
    if (wb) {
      XlsInfo info = ReadXlsGlobals(cf->Read(*wb, 32ull << 20));
      if (info.encrypted) return EncryptedError("password-protected Excel workbook");
      return Xls(source, sink, info);
    }
    if (const auto* pp = cf->Find("PowerPoint Document")) {
      if (cf->Find("EncryptedSummary")) return EncryptedError("password-protected PowerPoint presentation");
      return Ppt(source, sink, cf->Read(*pp, 512ull << 20));
    }
    return UnsupportedError("OLE2 compound file holding no Word, Excel or PowerPoint stream");
  }

 private:
  ChildLimits Limits(const Budget& b) const {
    ChildLimits l;
    l.seconds = b.member_seconds;
    l.memory_bytes = b.child_memory_bytes;
    return l;
  }

  // The path a child program reads: the file itself, or a temporary copy.
  static Result<std::string> DiskPath(const Source& source, const Budget& b, std::optional<office::TempFile>& tmp,
                                      std::string_view suffix) {
    if (source.disk_path) return source.disk_path->string();
    auto t = office::TempFile::Write(b.temp_dir, source.bytes, suffix);
    if (!t.ok()) return t.status();
    tmp.emplace(std::move(*t));
    return tmp->path().string();
  }

  static Status HandText(MemberSink& sink, std::string text, Member m) {
    office::TextSpool spool(sink.budget().max_member_in_memory, sink.budget().temp_dir);
    spool.Append(text);
    text.clear();
    text.shrink_to_fit();
    if (!spool.has_content()) return Status::Ok();
    BS_RETURN_IF_ERROR(spool.Finish(m));
    return sink.Add(std::move(m));
  }

  Status Doc(const Source& source, MemberSink& sink) const {
    const Budget& b = sink.budget();
    std::optional<office::TempFile> tmp;
    auto path = DiskPath(source, b, tmp, ".doc");
    if (!path.ok()) return path.status();
    std::string text;
    bool have_antiword = HaveProgram("antiword"), have_catdoc = HaveProgram("catdoc");
    if (!have_antiword && !have_catdoc) return UnsupportedError("neither antiword nor catdoc is installed");
    if (have_antiword) {
      auto r = RunChild({"antiword", "-r", "-s", "-w", "0", "-m", "UTF-8.txt", *path}, Limits(b));
      if (!r.ok() && r.status().code() == StatusCode::kLimit) return r.status();
      if (r.ok() && r->exit_code == 0) text = AntiwordTables(r->out);
    }
    if (have_catdoc) {
      auto r = RunChild({"catdoc", "-w", "-d", "utf-8", *path}, Limits(b));
      if (!r.ok() && r.status().code() == StatusCode::kLimit && text.empty()) return r.status();
      if (r.ok() && r->exit_code == 0) {
        if (text.find_first_not_of(" \t\r\n") == std::string::npos)
          text = std::move(r->out);
        else
          text += MissingLines(text, r->out);
      }
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return CorruptError("antiword and catdoc could not read the Word document");
    Member m;
    m.decoders = {"doc"};
    m.format = "text";
    return HandText(sink, std::move(text), std::move(m));
  }

  Status Xls(const Source& source, MemberSink& sink, const XlsInfo& info) const {
    const Budget& b = sink.budget();
    if (!HaveProgram("xls2csv")) return UnsupportedError("xls2csv (catdoc) is not installed");
    std::optional<office::TempFile> tmp;
    auto path = DiskPath(source, b, tmp, ".xls");
    if (!path.ok()) return path.status();
    // -q1: quote cells holding the separator or quotes; -d utf-8 output; ISO dates
    // for the date formats xls2csv knows; sheets end with a form feed.
    auto r = RunChild({"xls2csv", "-q1", "-c,", "-d", "utf-8", "-f", "%Y-%m-%d", *path}, Limits(b));
    if (!r.ok()) return r.status();
    if (r->exit_code != 0 && r->out.empty()) return CorruptError("xls2csv could not read the workbook");
    std::string_view out = r->out;
    size_t sheet = 0;
    while (!out.empty()) {
      size_t ff = out.find('\f');
      std::string_view part = out.substr(0, ff);
      out = ff == std::string_view::npos ? std::string_view() : out.substr(ff + 1);
      Member m;
      m.decoders = {"xls"};
      m.format = "csv";
      if (sheet < info.sheets.size()) m.location.sheet = info.sheets[sheet];
      ++sheet;
      BS_RETURN_IF_ERROR(HandText(sink, std::string(part), std::move(m)));
    }
    return Status::Ok();
  }

  Status Ppt(const Source& source, MemberSink& sink, std::string stream) const {
    const Budget& b = sink.budget();
    std::string text;
    if (HaveProgram("catppt")) {
      std::optional<office::TempFile> tmp;
      auto path = DiskPath(source, b, tmp, ".ppt");
      if (!path.ok()) return path.status();
      auto r = RunChild({"catppt", "-d", "utf-8", *path}, Limits(b));
      if (!r.ok() && r.status().code() == StatusCode::kLimit) return r.status();
      if (r.ok() && r->exit_code == 0) text = std::move(r->out);
    }
    Member m;
    m.decoders = {"doc"};
    m.format = "text";
    if (text.find_first_not_of(" \t\r\n\f") == std::string::npos) {
      text = Utf16Strings(stream);
      m.decoders.push_back("strings");
      if (text.empty()) return CorruptError("no text found in the PowerPoint presentation");
    }
    return HandText(sink, std::move(text), std::move(m));
  }
};

}  // namespace

const Extractor* LegacyOfficeExtractor() {
  static const LegacyOfficeExtractorImpl e;
  return &e;
}

}  // namespace breachscope::extract
