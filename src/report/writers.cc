#include "report/writers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/json_text.h"

namespace breachscope::report {

namespace {
// "p000123": a letter and at least six digits, without printf (once per finding).
std::string PaddedId(char prefix, uint64_t n) {
  char digits[24];
  int len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n);
  std::string s(1, prefix);
  for (int i = len; i < 6; ++i) s += '0';
  while (len) s += digits[--len];
  return s;
}
}  // namespace

std::string PersonId(uint64_t n) { return PaddedId('p', n); }
std::string RecordId(uint64_t n) { return PaddedId('r', n); }

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
  if (l.page) key("page"), out += std::to_string(l.page);
  if (!l.sheet.empty()) key("sheet"), AppendJsonString(out, l.sheet);
  if (l.row) key("row"), out += std::to_string(l.row);
  if (l.line) key("line"), out += std::to_string(l.line);
  if (!l.column.empty()) key("column"), AppendJsonString(out, l.column);
  if (l.segment) key("segment"), out += std::to_string(l.segment);
  if (!l.loop.empty()) key("loop"), AppendJsonString(out, l.loop);
  if (l.message) key("message"), out += std::to_string(l.message);
  if (l.offset >= 0) key("offset"), out += std::to_string(l.offset);
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
  out += redact::ToHex(hash);
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
  out += RecordId(record_id);
  out += "\", \"person\": \"";
  out += PersonId(person_id);
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
  out += "{\"person\": \"" + PersonId(person_id) + "\", \"first_name\": ";
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
      out += '"' + redact::ToHex(fps[i]) + '"';
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

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + path.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    return IoError("cannot open " + path.string());
  }
  return std::unique_ptr<OutputFile>(new OutputFile(f, path));
}

OutputFile::~OutputFile() {
  if (f_) std::fclose(f_);
}

Status OutputFile::Append(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size())
    return IoError("cannot write " + path_.string() + ": " + std::strerror(errno));
  return Status::Ok();
}

Status OutputFile::Close() {
  int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) return IoError("cannot close " + path_.string() + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace breachscope::report
