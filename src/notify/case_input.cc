// notify/case_input.cc — people.jsonl and errors.jsonl read with simdjson, one
// document per line, so a case of a million people is read in a second or two.
#include "notify/case_input.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace breachscope::notify {
namespace {

std::string GetStr(simdjson::dom::object& o, const char* key) {
  std::string_view v;
  if (o[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return {};
}

std::vector<std::string> GetStrList(simdjson::dom::object& o, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) return out;
  for (auto el : a) {
    std::string_view v;
    if (el.get_string().get(v) == simdjson::SUCCESS) out.emplace_back(v);
  }
  return out;
}

Result<std::string> ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return IoError("cannot read " + p.filename().string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

bool CasePerson::Has(std::string_view type) const {
  return std::binary_search(exposed.begin(), exposed.end(), std::string(type));
}

std::string CasePerson::FullName() const {
  if (first_name.empty()) return last_name;
  if (last_name.empty()) return first_name;
  return first_name + " " + last_name;
}

Result<std::vector<CasePerson>> ParsePeopleJsonl(std::string_view jsonl) {
  std::vector<CasePerson> people;
  simdjson::dom::parser parser;
  size_t line_no = 0, pos = 0;
  while (pos < jsonl.size()) {
    size_t end = jsonl.find('\n', pos);
    if (end == std::string_view::npos) end = jsonl.size();
    std::string_view line = jsonl.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    simdjson::dom::element doc;
    simdjson::dom::object o;
    if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(o) != simdjson::SUCCESS)
      return CorruptError("people.jsonl line " + std::to_string(line_no) + " is not a JSON object");
    CasePerson p;
    p.id = GetStr(o, "person");
    if (p.id.empty()) return CorruptError("people.jsonl line " + std::to_string(line_no) + " has no \"person\" id");
    p.first_name = GetStr(o, "first_name");
    p.last_name = GetStr(o, "last_name");
    p.dob = GetStr(o, "dob");
    p.email = GetStr(o, "email");
    p.phone = GetStr(o, "phone");
    simdjson::dom::object a;
    if (o["address"].get_object().get(a) == simdjson::SUCCESS) {
      p.has_address = true;
      p.address.street = GetStr(a, "street");
      p.address.city = GetStr(a, "city");
      p.address.state = GetStr(a, "state");
      p.address.zip = GetStr(a, "zip");
      std::transform(p.address.state.begin(), p.address.state.end(), p.address.state.begin(),
                     [](unsigned char c) { return std::toupper(c); });
    }
    p.exposed = GetStrList(o, "exposed");
    std::sort(p.exposed.begin(), p.exposed.end());
    p.exposed.erase(std::unique(p.exposed.begin(), p.exposed.end()), p.exposed.end());
    p.sources = GetStrList(o, "sources");
    people.push_back(std::move(p));
  }
  return people;
}

Result<CaseData> LoadCase(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "people.jsonl", ec))
    return InvalidArgument("--case: no people.jsonl in the folder (run breachscope scan --out DIR first)");
  CaseData data;
  auto text = ReadAll(dir / "people.jsonl");
  if (!text.ok()) return text.status();
  auto people = ParsePeopleJsonl(*text);
  if (!people.ok()) return people.status();
  data.people = std::move(*people);

  if (std::filesystem::is_regular_file(dir / "errors.jsonl", ec)) {
    auto errors = ReadAll(dir / "errors.jsonl");
    if (!errors.ok()) return errors.status();
    simdjson::dom::parser parser;
    std::string_view all = *errors;
    size_t pos = 0;
    while (pos < all.size()) {
      size_t end = all.find('\n', pos);
      if (end == std::string_view::npos) end = all.size();
      std::string_view line = all.substr(pos, end - pos);
      pos = end + 1;
      simdjson::dom::element doc;
      simdjson::dom::object o;
      if (line.empty() || parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
          doc.get_object().get(o) != simdjson::SUCCESS)
        continue;  // errors.jsonl is informative here; a bad line does not stop notify
      data.errors.push_back({GetStr(o, "path"), GetStr(o, "reason")});
    }
  }
  if (std::filesystem::is_regular_file(dir / "summary.json", ec)) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    auto s = ReadAll(dir / "summary.json");
    if (s.ok() && parser.parse(s->data(), s->size()).get(doc) == simdjson::SUCCESS) {
      uint64_t v;
      if (doc["files_scanned"].get_uint64().get(v) == simdjson::SUCCESS) data.files_scanned = v;
      if (doc["bytes_scanned"].get_uint64().get(v) == simdjson::SUCCESS) data.bytes_scanned = v;
    }
  }
  return data;
}

}  // namespace breachscope::notify
