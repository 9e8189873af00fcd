#include "report/writers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <span>

#include "base/direct_io.h"
#include "base/hex.h"
#include "base/json_text.h"

namespace breachscope::report {

namespace {
// Decimal, at least `min_digits` long (zero-padded), without std::to_string's
// temporary string: ids and locations are written several times per finding.
void AppendUint(std::string& out, uint64_t n, int min_digits = 1) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n);
  while (end - p < min_digits) *--p = '0';
  out.append(p, static_cast<size_t>(end - p));
}

// "p000123": a letter and at least six digits.
void AppendPaddedId(std::string& out, char prefix, uint64_t n) {
  out += prefix;
  AppendUint(out, n, 6);
}

}  // namespace


std::string DecodersJson(const std::vector<std::string>& chain) {
  std::string out = "[";
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i) out += ", ";
    AppendJsonString(out, chain[i]);
  }
  out += ']';
  return out;
}

namespace {

void AppendLocation(std::string& out, const Location& l) {
  out += '{';
  bool first = true;
  auto key = [&](const char* k) {
    if (!first) out += ", ";
    first = false;
    out += '"';
    out += k;
    out += "\": ";
  };
  if (l.page) key("page"), AppendUint(out, l.page);
  if (!l.sheet.empty()) key("sheet"), AppendJsonString(out, l.sheet);
  if (l.row) key("row"), AppendUint(out, l.row);
  if (l.line) key("line"), AppendUint(out, l.line);
  if (!l.column.empty()) key("column"), AppendJsonString(out, l.column);
  if (l.segment) key("segment"), AppendUint(out, l.segment);
  if (!l.loop.empty()) key("loop"), AppendJsonString(out, l.loop);
  if (l.message) key("message"), AppendUint(out, l.message);
  if (l.offset >= 0) key("offset"), AppendUint(out, static_cast<uint64_t>(l.offset));
  out += '}';
}

}  // namespace

void AppendFindingPath(std::string& out, std::string_view path_json) {
  out += "{\"path\": ";
  out += path_json;
  out += ", ";
}

void AppendFindingHead(std::string& out, PiiType type, const redact::Fingerprint& hash, std::string_view masked,
                       std::string_view decoders_json, float confidence, const char* code_system) {
  out += "\"type\": \"";
  out += TypeName(type);
  out += "\", \"hash\": \"";
  redact::AppendHex(out, hash);
  out += "\", \"masked\": ";
  AppendJsonString(out, masked);
  out += ", \"decoders\": ";
  out += decoders_json;
  out += ", \"confidence\": ";
  AppendJsonConfidence(out, confidence);
  if (code_system) {
    out += ", \"code_system\": ";
    AppendJsonString(out, code_system);
  }
  out += ", ";
}

void AppendFindingTail(std::string& out, const Location& location, uint64_t record_id, uint64_t person_id) {
  out += "\"location\": ";
  AppendLocation(out, location);
  out += ", \"record\": \"";
  AppendPaddedId(out, 'r', record_id);
  out += "\", \"person\": \"";
  AppendPaddedId(out, 'p', person_id);
  out += "\"}\n";
}

namespace {
void AppendStringOrNull(std::string& out, const std::string& s) {
  if (s.empty()) out += "null";
  else AppendJsonString(out, s);
}
}  // namespace

void AppendPerson(std::string& out, uint64_t person_id, const resolve::Person& p,
                  const std::vector<std::string>& source_paths) {
  out += "{\"person\": \"";
  AppendPaddedId(out, 'p', person_id);
  out += "\", \"first_name\": ";
  AppendStringOrNull(out, p.first);
  out += ", \"last_name\": ";
  AppendStringOrNull(out, p.last);
  out += ", \"dob\": ";
  AppendStringOrNull(out, p.dob);
  out += ", \"address\": ";
  if (p.street.empty() && p.city.empty() && p.state.empty() && p.zip.empty()) {
    out += "null";
  } else {
    out += "{\"street\": ";
    AppendStringOrNull(out, p.street);
    out += ", \"city\": ";
    AppendStringOrNull(out, p.city);
    out += ", \"state\": ";
    AppendStringOrNull(out, p.state);
    out += ", \"zip\": ";
    AppendStringOrNull(out, p.zip);
    out += '}';
  }
  out += ", \"email\": ";
  AppendStringOrNull(out, p.email);
  out += ", \"phone\": ";
  AppendStringOrNull(out, p.phone);
  out += ", \"identifiers\": {";
  bool first = true;
  for (const auto& [type, fps] : p.identifiers) {
    if (!first) out += ", ";
    first = false;
    AppendJsonString(out, TypeName(type));
    out += ": [";
    for (size_t i = 0; i < fps.size(); ++i) {
      if (i) out += ", ";
      out += '"';
      redact::AppendHex(out, fps[i]);
      out += '"';
    }
    out += ']';
  }
  out += "}, \"exposed\": [";
  std::vector<std::string_view> names;
  for (PiiType t : kAllPiiTypes)
    if (p.exposed & Bit(t)) names.push_back(TypeName(t));
  std::sort(names.begin(), names.end());
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    AppendJsonString(out, names[i]);
  }
  out += "], \"sources\": [";
  for (size_t i = 0; i < p.sources.size(); ++i) {
    if (i) out += ", ";
    AppendJsonString(out, source_paths[p.sources[i]]);
  }
  // Extension of the contract's Person: no usable postal address, so substitute notice.
  out += "], \"substitute_notice\": ";
  out += p.substitute_notice ? "true" : "false";
  out += "}\n";
}

void AppendError(std::string& out, const ItemError& e) {
  out += "{\"path\": ";
  AppendJsonString(out, e.path);
  out += ", \"reason\": ";
  AppendJsonString(out, ReasonName(e.reason));
  out += ", \"detail\": ";
  AppendJsonString(out, e.detail);
  out += "}\n";
}

// ---------------------------------------------------------------- raw-cursor renderers
void LineBuffer::Grow(size_t n) {
  size_t cap = std::max<size_t>({cap_ * 2, size_ + n, 4096});
  std::unique_ptr<char[]> data(new char[cap]);
  if (size_) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  cap_ = cap;
}

namespace {

template <size_t N>
inline char* Lit(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}
inline char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
inline char* PutHex(char* p, const uint8_t* fp) {
  for (size_t i = 0; i < sizeof(redact::Fingerprint); ++i) {
    std::memcpy(p, kHexPairs.pair[fp[i]], 2);
    p += 2;
  }
  return p;
}
// AppendUint's digits, written in place (no copy from a scratch buffer).
inline char* PutUint(char* p, uint64_t n, int min_digits = 1) {
  int digits = 1;
  for (uint64_t m = n; m >= 10; m /= 10) ++digits;
  char* end = p + std::max(digits, min_digits);
  char* q = end;
  do {
    *--q = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n);
  while (q > p) *--q = '0';
  return end;
}
// Bytes a JSON string of `s` may take: an escape is at most 6 bytes a byte, and quotes.
inline size_t JsonBound(std::string_view s) { return 6 * s.size() + 2; }
// AppendJsonString's bytes. Most values (names, masks, paths) need no escape: they are
// copied whole; the rest go through AppendJsonString itself.
// The bytes AppendJsonString changes: quote, backslash, controls, and every byte of
// UTF-8 (it checks sequences); one table look-up a byte.
struct EscapeTable {
  uint8_t changed[256];
  constexpr EscapeTable() : changed{} {
    for (int c = 0; c < 256; ++c) changed[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  }
};
constexpr EscapeTable kEscape;
char* PutJson(char* p, std::string_view s) {
  unsigned bad = 0;
  for (unsigned char c : s) bad |= kEscape.changed[c];
  if (!bad) {
    *p++ = '"';
    p = Put(p, s);
    *p++ = '"';
    return p;
  }
  thread_local std::string escaped;
  escaped.clear();
  AppendJsonString(escaped, s);
  return Put(p, escaped);
}
// AppendJsonConfidence's bytes: "d.dd".
inline char* PutConfidence(char* p, float value) {
  int hundredths = static_cast<int>(value * 100.0f + 0.5f);
  if (hundredths < 0) hundredths = 0;
  if (hundredths > 100) hundredths = 100;
  p[0] = static_cast<char>('0' + hundredths / 100);
  p[1] = '.';
  p[2] = static_cast<char>('0' + (hundredths / 10) % 10);
  p[3] = static_cast<char>('0' + hundredths % 10);
  return p + 4;
}
inline char* PutStringOrNull(char* p, std::string_view s) { return s.empty() ? Lit(p, "null") : PutJson(p, s); }

// Exposed types are listed by name: the order, once.
struct TypesByName {
  std::array<PiiType, kPiiTypeCount> order{};
  size_t longest = 0;
  std::array<std::string, 256> json;  // by PiiType value: the name as a JSON string
  TypesByName() {
    order = kAllPiiTypes;
    std::sort(order.begin(), order.end(), [](PiiType a, PiiType b) { return TypeName(a) < TypeName(b); });
    for (PiiType t : order) {
      longest = std::max(longest, TypeName(t).size());
      AppendJsonString(json[static_cast<uint8_t>(t)], TypeName(t));
    }
  }
  // A type's name as JSON (types outside kAllPiiTypes: rendered as AppendJsonString would).
  char* Put(char* p, PiiType t) const {
    const std::string& j = json[static_cast<uint8_t>(t)];
    return j.empty() ? PutJson(p, TypeName(t)) : report::Put(p, j);
  }
};
const TypesByName& TypeOrder() {
  static const TypesByName order;
  return order;
}

}  // namespace

void RenderFinding(LineBuffer& out, std::string_view path_json, const FindingView& f) {
  const std::string_view type = TypeName(f.type);
  const std::string_view code = f.code_system ? std::string_view(f.code_system) : std::string_view();
  // Fixed text, keys, ids and numbers take under 500 bytes; the strings by their bounds.
  const size_t bound = 640 + path_json.size() + type.size() + JsonBound(f.masked) + f.decoders_json.size() +
                       JsonBound(code) + JsonBound(f.sheet) + JsonBound(f.column) + JsonBound(f.loop);
  char* p = out.Reserve(bound);
  p = Lit(p, "{\"path\": ");
  p = Put(p, path_json);
  p = Lit(p, ", \"type\": \"");
  p = Put(p, type);
  p = Lit(p, "\", \"hash\": \"");
  p = PutHex(p, f.hash);
  p = Lit(p, "\", \"masked\": ");
  p = PutJson(p, f.masked);
  p = Lit(p, ", \"decoders\": ");
  p = Put(p, f.decoders_json);
  p = Lit(p, ", \"confidence\": ");
  p = PutConfidence(p, f.confidence);
  if (f.code_system) {
    p = Lit(p, ", \"code_system\": ");
    p = PutJson(p, code);
  }
  p = Lit(p, ", \"location\": {");
  const char* first = p;
  auto key = [&](std::string_view k) {
    if (p != first) p = Lit(p, ", ");
    *p++ = '"';
    p = Put(p, k);
    p = Lit(p, "\": ");
  };
  if (f.page) key("page"), p = PutUint(p, f.page);
  if (!f.sheet.empty()) key("sheet"), p = PutJson(p, f.sheet);
  if (f.row) key("row"), p = PutUint(p, f.row);
  if (f.line) key("line"), p = PutUint(p, f.line);
  if (!f.column.empty()) key("column"), p = PutJson(p, f.column);
  if (f.segment) key("segment"), p = PutUint(p, f.segment);
  if (!f.loop.empty()) key("loop"), p = PutJson(p, f.loop);
  if (f.message) key("message"), p = PutUint(p, f.message);
  if (f.offset >= 0) key("offset"), p = PutUint(p, static_cast<uint64_t>(f.offset));
  p = Lit(p, "}, \"record\": \"r");
  p = PutUint(p, f.record_id, 6);
  p = Lit(p, "\", \"person\": \"p");
  p = PutUint(p, f.person_id, 6);
  p = Lit(p, "\"}\n");
  out.Commit(p);
}

void RenderPerson(LineBuffer& out, uint64_t person_id, const resolve::Person& p,
                  const std::vector<std::string>& source_json) {
  const TypesByName& types = TypeOrder();
  size_t bound = 512 + JsonBound(p.first) + JsonBound(p.last) + JsonBound(p.dob) + JsonBound(p.street) +
                 JsonBound(p.city) + JsonBound(p.state) + JsonBound(p.zip) + JsonBound(p.email) +
                 JsonBound(p.phone) + kPiiTypeCount * (6 * types.longest + 4);
  for (const auto& [type, fps] : p.identifiers) bound += 6 * types.longest + 8 + fps.size() * 68;
  for (uint32_t s : p.sources) bound += source_json[s].size() + 2;
  char* o = out.Reserve(bound);
  o = Lit(o, "{\"person\": \"p");
  o = PutUint(o, person_id, 6);
  o = Lit(o, "\", \"first_name\": ");
  o = PutStringOrNull(o, p.first);
  o = Lit(o, ", \"last_name\": ");
  o = PutStringOrNull(o, p.last);
  o = Lit(o, ", \"dob\": ");
  o = PutStringOrNull(o, p.dob);
  o = Lit(o, ", \"address\": ");
  if (p.street.empty() && p.city.empty() && p.state.empty() && p.zip.empty()) {
    o = Lit(o, "null");
  } else {
    o = Lit(o, "{\"street\": ");
    o = PutStringOrNull(o, p.street);
    o = Lit(o, ", \"city\": ");
    o = PutStringOrNull(o, p.city);
    o = Lit(o, ", \"state\": ");
    o = PutStringOrNull(o, p.state);
    o = Lit(o, ", \"zip\": ");
    o = PutStringOrNull(o, p.zip);
    *o++ = '}';
  }
  o = Lit(o, ", \"email\": ");
  o = PutStringOrNull(o, p.email);
  o = Lit(o, ", \"phone\": ");
  o = PutStringOrNull(o, p.phone);
  o = Lit(o, ", \"identifiers\": {");
  bool first = true;
  for (const auto& [type, fps] : p.identifiers) {
    if (!first) o = Lit(o, ", ");
    first = false;
    o = types.Put(o, type);
    o = Lit(o, ": [");
    for (size_t i = 0; i < fps.size(); ++i) {
      if (i) o = Lit(o, ", ");
      *o++ = '"';
      o = PutHex(o, fps[i].data());
      *o++ = '"';
    }
    *o++ = ']';
  }
  o = Lit(o, "}, \"exposed\": [");
  first = true;
  for (PiiType t : types.order) {
    if (!(p.exposed & Bit(t))) continue;
    if (!first) o = Lit(o, ", ");
    first = false;
    o = types.Put(o, t);
  }
  o = Lit(o, "], \"sources\": [");
  for (size_t i = 0; i < p.sources.size(); ++i) {
    if (i) o = Lit(o, ", ");
    o = Put(o, source_json[p.sources[i]]);
  }
  o = Lit(o, "], \"substitute_notice\": ");
  o = p.substitute_notice ? Lit(o, "true") : Lit(o, "false");
  o = Lit(o, "}\n");
  out.Commit(o);
}

void RenderRecordPerson(LineBuffer& out, uint64_t person_id, const RecordView& r, std::string_view source_json) {
  const TypesByName& types = TypeOrder();
  // Identifiers sorted by type, then fingerprint, duplicates dropped (Person::identifiers).
  constexpr size_t kEntry = 1 + sizeof(redact::Fingerprint);
  const size_t n = r.identifiers.size() / kEntry;
  const char* ids = r.identifiers.data();
  const char* on_stack[16];
  std::vector<const char*> on_heap;  // a record of more than 16 identifiers
  if (n > 16) on_heap.resize(n);
  const std::span<const char*> order(n > 16 ? on_heap.data() : on_stack, n);
  for (size_t i = 0; i < n; ++i) order[i] = ids + i * kEntry;
  auto less = [](const char* a, const char* b) {
    if (a[0] != b[0]) return static_cast<uint8_t>(a[0]) < static_cast<uint8_t>(b[0]);
    return std::memcmp(a + 1, b + 1, kEntry - 1) < 0;
  };
  if (n > 1) std::sort(order.begin(), order.end(), less);
  size_t bound = 512 + JsonBound(r.first) + JsonBound(r.last) + JsonBound(r.dob) + JsonBound(r.street) +
                 JsonBound(r.city) + JsonBound(r.state) + JsonBound(r.zip) + JsonBound(r.email) + JsonBound(r.phone) +
                 kPiiTypeCount * (6 * types.longest + 4) + n * (6 * types.longest + 8 + 68) + source_json.size();
  char* o = out.Reserve(bound);
  o = Lit(o, "{\"person\": \"p");
  o = PutUint(o, person_id, 6);
  o = Lit(o, "\", \"first_name\": ");
  o = PutStringOrNull(o, r.first);
  o = Lit(o, ", \"last_name\": ");
  o = PutStringOrNull(o, r.last);
  o = Lit(o, ", \"dob\": ");
  o = PutStringOrNull(o, r.dob);
  o = Lit(o, ", \"address\": ");
  if (r.street.empty() && r.city.empty() && r.state.empty() && r.zip.empty()) {
    o = Lit(o, "null");
  } else {
    o = Lit(o, "{\"street\": ");
    o = PutStringOrNull(o, r.street);
    o = Lit(o, ", \"city\": ");
    o = PutStringOrNull(o, r.city);
    o = Lit(o, ", \"state\": ");
    o = PutStringOrNull(o, r.state);
    o = Lit(o, ", \"zip\": ");
    o = PutStringOrNull(o, r.zip);
    *o++ = '}';
  }
  o = Lit(o, ", \"email\": ");
  o = PutStringOrNull(o, r.email);
  o = Lit(o, ", \"phone\": ");
  o = PutStringOrNull(o, r.phone);
  o = Lit(o, ", \"identifiers\": {");
  for (size_t i = 0; i < order.size(); ++i) {
    const char* id = order[i];
    const bool new_type = i == 0 || id[0] != order[i - 1][0];
    if (!new_type && std::memcmp(id + 1, order[i - 1] + 1, kEntry - 1) == 0) continue;  // a duplicate
    if (new_type) {
      if (i) o = Lit(o, "], ");
      o = types.Put(o, static_cast<PiiType>(static_cast<uint8_t>(id[0])));
      o = Lit(o, ": [");
    } else {
      o = Lit(o, ", ");
    }
    *o++ = '"';
    o = PutHex(o, reinterpret_cast<const uint8_t*>(id + 1));
    *o++ = '"';
  }
  if (!order.empty()) *o++ = ']';
  o = Lit(o, "}, \"exposed\": [");
  bool first = true;
  for (PiiType t : types.order) {
    if (!(r.types & Bit(t))) continue;
    if (!first) o = Lit(o, ", ");
    first = false;
    o = types.Put(o, t);
  }
  o = Lit(o, "], \"sources\": [");
  o = Put(o, source_json);
  o = Lit(o, "], \"substitute_notice\": ");
  const bool postal = !r.street.empty() && (!r.zip.empty() || (!r.city.empty() && !r.state.empty()));
  o = postal ? Lit(o, "false") : Lit(o, "true");
  o = Lit(o, "}\n");
  out.Commit(o);
}

std::string SummaryJson(const SummaryCounts& s) {
  std::string o = "{\n \"contract\": 1,\n \"files_scanned\": " + std::to_string(s.files_scanned) +
                  ",\n \"bytes_scanned\": " + std::to_string(s.bytes_scanned) + ",\n \"findings_by_type\": {\n";
  for (int i = 0; i < kPiiTypeCount; ++i) {
    o += "  \"" + std::string(TypeName(kAllPiiTypes[i])) + "\": " + std::to_string(s.by_type[i]);
    o += i + 1 < kPiiTypeCount ? ",\n" : "\n";
  }
  o += " },\n \"individuals\": " + std::to_string(s.individuals) + ",\n \"individuals_by_state\": {";
  size_t k = 0;
  for (const auto& [state, n] : s.by_state) {
    o += (k++ ? ",\n  \"" : "\n  \"") + state + "\": " + std::to_string(n);
  }
  o += s.by_state.empty() ? "},\n" : "\n },\n";
  o += " \"individuals_state_unknown\": " + std::to_string(s.individuals_state_unknown) + ",\n \"errors\": " +
       std::to_string(s.errors) + ",\n \"people_listed\": " + std::to_string(s.people_listed) +
       ",\n \"records\": " + std::to_string(s.records) + ",\n \"decoded_runs\": " + std::to_string(s.decoded_runs) +
       "\n}\n";
  return o;
}

// Output files are written with O_DIRECT where the file system allows it: a dense scan
// writes several times its input size, and copying that through the page cache cost
// more CPU than rendering it (measured with dd on this project's VMs: 4.2 GB written
// buffered cost 10.9 CPU seconds, direct 0.58). Direct I/O needs block-aligned buffers, sizes and offsets, so
// bytes are gathered in an aligned buffer and written in whole blocks; the tail is
// written after O_DIRECT is switched off. Where O_DIRECT is refused (tmpfs, some network
// file systems), the file is written the ordinary way.
namespace {
constexpr size_t kDirectAlign = 4096;
constexpr size_t kOutputBuffer = 4u << 20;
}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::filesystem::path& path) {
  bool direct = false;
  int fd = OpenMaybeDirect(path, O_WRONLY | O_CREAT | O_TRUNC, 0600, &direct);
  if (fd < 0) return IoError("cannot create " + path.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  void* buffer = std::aligned_alloc(kDirectAlign, kOutputBuffer);
  if (!buffer) {
    ::close(fd);
    return IoError("cannot open " + path.string() + ": out of memory");
  }
  auto file = std::unique_ptr<OutputFile>(new OutputFile(fd, path));
  file->buffer_ = static_cast<char*>(buffer);
  file->direct_ = direct;
  return file;
}

OutputFile::~OutputFile() {
  StopWriter();
  if (fd_ >= 0) ::close(fd_);
  std::free(buffer_);
  std::free(spare_);
}

void OutputFile::StopWriter() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

Status OutputFile::WriteAll(const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && direct_) {
      // The file system took the open but not the direct write: carry on buffered.
      if (!DirectOff()) return IoError("cannot write " + path_.string() + ": " + std::strerror(errno));
      continue;
    }
    if (w <= 0) return IoError("cannot write " + path_.string() + ": " + std::strerror(w < 0 ? errno : EIO));
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

bool OutputFile::DirectOff() {
  if (!ClearDirect(fd_)) return false;
  direct_ = false;
  return true;
}

Status OutputFile::WaitIdle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return job_ == nullptr; });
  return write_status_;
}

Status OutputFile::Flush() {
  if (!spare_) {
    spare_ = static_cast<char*>(std::aligned_alloc(kDirectAlign, kOutputBuffer));
    if (!spare_) {  // no second buffer: write on this thread
      Status s = WriteAll(buffer_, used_);
      used_ = 0;
      return s;
    }
  }
  if (!writer_.joinable()) {
    writer_ = std::thread([this] {
      std::unique_lock lock(mu_);
      for (;;) {
        cv_.wait(lock, [&] { return job_ != nullptr || stop_; });
        if (!job_) return;
        const char* data = job_;
        const size_t n = job_size_;
        const bool failed = !write_status_.ok();
        lock.unlock();
        Status s = failed ? Status::Ok() : WriteAll(data, n);
        lock.lock();
        if (!s.ok() && write_status_.ok()) write_status_ = std::move(s);
        job_ = nullptr;
        cv_.notify_all();
      }
    });
  }
  Status s = WaitIdle();  // the spare is free once its write is done
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    job_ = buffer_;
    job_size_ = used_;
  }
  cv_.notify_all();
  std::swap(buffer_, spare_);
  used_ = 0;
  return Status::Ok();
}

Status OutputFile::Append(std::string_view bytes) {
  if (fd_ < 0) return InternalError("write to a closed output file " + path_.string());
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kOutputBuffer - used_);
    std::memcpy(buffer_ + used_, bytes.data(), take);
    used_ += take;
    bytes.remove_prefix(take);
    if (used_ == kOutputBuffer) BS_RETURN_IF_ERROR(Flush());
  }
  return Status::Ok();
}

Status OutputFile::Close() {
  if (fd_ < 0) return Status::Ok();
  Status s = WaitIdle();
  StopWriter();
  // Whole blocks go out directly; the last partial block cannot, so it is written with
  // O_DIRECT off.
  size_t whole = used_ / kDirectAlign * kDirectAlign;
  if (s.ok()) s = WriteAll(buffer_, whole);
  if (s.ok() && used_ > whole) {
    if (direct_ && !DirectOff()) s = IoError("cannot write " + path_.string() + ": " + std::strerror(errno));
    if (s.ok()) s = WriteAll(buffer_ + whole, used_ - whole);
  }
  used_ = 0;
  int rc = ::close(fd_);
  fd_ = -1;
  if (s.ok() && rc != 0) return IoError("cannot close " + path_.string() + ": " + std::strerror(errno));
  return s;
}

}  // namespace breachscope::report
