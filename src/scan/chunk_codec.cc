#include "scan/chunk_codec.h"

#include <cstring>

namespace breachscope::scan {

namespace {

// Fixed-width little-endian integers and length-prefixed strings: the blobs are read
// back by the same build on the same machine (a case is not moved between
// architectures), so no portable encoding is needed.
void PutU64(std::string& b, uint64_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutU32(std::string& b, uint32_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutVar(std::string& b, uint64_t v) {
  while (v >= 0x80) {
    b.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  b.push_back(static_cast<char>(v));
}
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

void EncodeMeta(const ChunkMeta& m, std::string& out) {
  out.clear();
  PutU32(out, m.member);
  PutU32(out, m.base.page);
  PutStr(out, m.base.sheet);
  PutU64(out, m.base.message);
  PutU32(out, (m.rows_are_lines ? 1u : 0u) | (m.parallel ? 2u : 0u));
  PutU64(out, static_cast<uint64_t>(m.line_shift));
  PutU64(out, m.own_newlines);
  PutU32(out, m.record_count);
  PutU32(out, m.decoded_runs);
  PutU32(out, static_cast<uint32_t>(m.chains.size()));
  for (const auto& c : m.chains) PutStr(out, c);
}

Status DecodeMeta(std::string_view blob, ChunkMeta& m) {
  Reader r(blob);
  uint32_t flags = 0, chains = 0;
  uint64_t shift = 0;
  bool ok = r.U32(m.member) && r.U32(m.base.page) && r.Str(m.base.sheet) && r.U64(m.base.message) && r.U32(flags) &&
            r.U64(shift) && r.U64(m.own_newlines) && r.U32(m.record_count) && r.U32(m.decoded_runs) && r.U32(chains);
  m.chains.clear();
  for (uint32_t i = 0; ok && i < chains; ++i) ok = r.Str(m.chains.emplace_back());
  if (!ok) return InternalError("case database: a chunk's metadata is truncated");
  m.rows_are_lines = flags & 1u;
  m.parallel = flags & 2u;
  m.line_shift = static_cast<int64_t>(shift);
  return Status::Ok();
}

// Rows are most of a case's bytes: integers are varints, the fingerprint is raw.
void AppendRow(const report::FindingRow& r, std::string& out) {
  out.push_back(static_cast<char>(r.type));
  out.append(reinterpret_cast<const char*>(r.hash.data()), r.hash.size());
  PutVar(out, r.masked.size());
  out.append(r.masked);
  PutVar(out, r.chain);
  float conf = r.confidence;
  out.append(reinterpret_cast<const char*>(&conf), sizeof conf);
  out.push_back(static_cast<char>(r.code_system == nullptr ? 0 : std::string_view(r.code_system) == "icd9" ? 2 : 1));
  PutVar(out, r.location.line);
  PutVar(out, r.location.column.size());
  out.append(r.location.column);
  PutVar(out, static_cast<uint64_t>(r.location.offset + 1));
  PutVar(out, r.location.segment);
  PutVar(out, r.location.loop.size());
  out.append(r.location.loop);
  PutVar(out, r.record);
}

bool RowReader::Var(uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && pos_ < b_.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(b_[pos_++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

bool RowReader::View(std::string_view& s) {
  uint64_t n;
  if (!Var(n) || n > b_.size() - pos_) return false;
  s = b_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool RowReader::Next(RowView& row) {
  if (!ok_ || pos_ >= b_.size()) return false;
  // type, fingerprint, then the mask's length: the fixed part is read at once.
  constexpr size_t kHead = 1 + sizeof(redact::Fingerprint);
  uint64_t chain = 0, offset = 0, record = 0;
  uint8_t code = 0;
  ok_ = b_.size() - pos_ > kHead;
  if (ok_) {
    row.type = static_cast<PiiType>(static_cast<uint8_t>(b_[pos_]));
    row.hash = reinterpret_cast<const uint8_t*>(b_.data() + pos_ + 1);
    pos_ += kHead;
    ok_ = View(row.masked) && Var(chain) && b_.size() - pos_ >= sizeof(float) + 1;
  }
  if (ok_) {
    std::memcpy(&row.confidence, b_.data() + pos_, sizeof(float));
    code = static_cast<uint8_t>(b_[pos_ + sizeof(float)]);
    pos_ += sizeof(float) + 1;
    ok_ = Var(row.line) && View(row.column) && Var(offset) && Var(row.segment) && View(row.loop) && Var(record);
  }
  if (!ok_) return false;
  row.chain = static_cast<uint16_t>(chain);
  row.code_system = code == 1 ? "icd10" : code == 2 ? "icd9" : nullptr;
  row.offset = static_cast<int64_t>(offset) - 1;
  row.record = static_cast<uint32_t>(record);
  return true;
}

Status DecodeRows(std::string_view blob, std::vector<report::FindingRow>& rows) {
  rows.clear();
  RowReader reader(blob);
  RowView v;
  while (reader.Next(v)) {
    report::FindingRow& row = rows.emplace_back();
    row.type = v.type;
    std::memcpy(row.hash.data(), v.hash, row.hash.size());
    row.masked = v.masked;
    row.chain = v.chain;
    row.confidence = v.confidence;
    row.code_system = v.code_system;
    row.location.line = v.line;
    row.location.column = v.column;
    row.location.offset = v.offset;
    row.location.segment = v.segment;
    row.location.loop = v.loop;
    row.record = v.record;
  }
  if (!reader.ok()) return InternalError("case database: a chunk's finding rows are truncated");
  return Status::Ok();
}

void EncodeRecords(const std::vector<resolve::RecordSummary>& records, std::string& out) {
  out.clear();
  for (const auto& r : records) {
    PutU32(out, r.source);
    PutU32(out, r.types);
    for (const std::string* f : {&r.first, &r.last, &r.dob, &r.email, &r.phone, &r.street, &r.city, &r.state, &r.zip})
      PutStr(out, *f);
    PutU32(out, static_cast<uint32_t>(r.identifiers.size()));
    for (const auto& [type, fp] : r.identifiers) {
      out.push_back(static_cast<char>(type));
      out.append(reinterpret_cast<const char*>(fp.data()), fp.size());
    }
  }
}

bool RecordReader::U32(uint32_t& v) {
  if (b_.size() - pos_ < sizeof v) return false;
  std::memcpy(&v, b_.data() + pos_, sizeof v);
  pos_ += sizeof v;
  return true;
}

bool RecordReader::Str(std::string_view& s) {
  uint32_t n;
  if (!U32(n) || n > b_.size() - pos_) return false;
  s = b_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool RecordReader::Next(report::RecordView& r) {
  if (!ok_ || pos_ >= b_.size()) return false;
  uint32_t types = 0, n = 0;
  constexpr size_t kEntry = 1 + sizeof(redact::Fingerprint);
  ok_ = U32(r.source) && U32(types) && Str(r.first) && Str(r.last) && Str(r.dob) && Str(r.email) && Str(r.phone) &&
        Str(r.street) && Str(r.city) && Str(r.state) && Str(r.zip) && U32(n) && n <= (b_.size() - pos_) / kEntry;
  if (!ok_) return false;
  r.types = static_cast<PiiTypeSet>(types);
  r.identifiers = b_.substr(pos_, size_t{n} * kEntry);
  pos_ += size_t{n} * kEntry;
  return true;
}

void ToSummary(const report::RecordView& v, resolve::RecordSummary& r) {
  r.source = v.source;
  r.types = v.types;
  r.first = v.first;
  r.last = v.last;
  r.dob = v.dob;
  r.email = v.email;
  r.phone = v.phone;
  r.street = v.street;
  r.city = v.city;
  r.state = v.state;
  r.zip = v.zip;
  constexpr size_t kEntry = 1 + sizeof(redact::Fingerprint);
  r.identifiers.clear();
  for (size_t at = 0; at + kEntry <= v.identifiers.size(); at += kEntry) {
    redact::Fingerprint fp;
    std::memcpy(fp.data(), v.identifiers.data() + at + 1, fp.size());
    r.identifiers.emplace_back(static_cast<PiiType>(static_cast<uint8_t>(v.identifiers[at])), fp);
  }
}

Status DecodeRecords(std::string_view blob, std::vector<resolve::RecordSummary>& records) {
  records.clear();
  RecordReader reader(blob);
  report::RecordView v;
  while (reader.Next(v)) ToSummary(v, records.emplace_back());
  if (!reader.ok()) return InternalError("case database: a chunk's record summaries are truncated");
  return Status::Ok();
}

}  // namespace breachscope::scan
