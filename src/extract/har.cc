// extract/har.cc — HTTP Archive (HAR 1.2) files: response bodies and request data by URL.
//
// Why: a HAR saved from a browser's developer tools holds every page, script and API
// response a session fetched — the DESE case was found by reading exactly such
// responses. Each entry's response.content.text (base64-decoded when
// content.encoding is "base64") becomes a member named by request.url, read as the
// format its mimeType names (binary bodies are sniffed like files); the request's
// query string and postData.text become a second member of that URL, read as text.
// The unit processor then decodes what the page hides (base64, ViewState, entities).
//
// The file is parsed with simdjson's DOM, which holds the whole document: HARs up to
// four times the in-memory member limit are read, larger ones are a kLimit error.
// Bodies larger than the in-memory limit go to a temporary file.
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "decode/base64_runs.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// The member format for a response's MIME type ("" = sniff the bytes like a file).
std::string FormatForMime(std::string_view mime) {
  std::string m = Lower(mime.substr(0, mime.find(';')));
  while (!m.empty() && m.back() == ' ') m.pop_back();
  if (m == "text/html" || m == "application/xhtml+xml") return "html";
  if (m == "application/json" || m.ends_with("+json") || m == "text/json") return "json";
  if (m == "text/xml" || m == "application/xml" || m.ends_with("+xml")) return "xml";
  if (m == "text/csv") return "csv";
  if (m == "text/tab-separated-values") return "tsv";
  if (m.starts_with("text/") || m == "application/javascript" || m == "application/x-javascript" ||
      m == "application/ecmascript" || m == "application/x-www-form-urlencoded")
    return "text";
  return "";
}

std::string_view StringAt(simdjson::dom::element e, std::string_view key) {
  std::string_view v;
  if (e.is_object() && e[key].get_string().get(v) == simdjson::SUCCESS) return v;
  return {};
}

class HarReader final : public Extractor {
 public:
  std::string_view name() const override { return "har"; }

  bool Accepts(std::string_view file_name, std::string_view head) const override {
    if (EndsWithNoCase(file_name, ".har")) return true;
    if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
    size_t i = head.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos || head[i] != '{') return false;
    return head.find("\"log\"") != std::string_view::npos && head.find("\"entries\"") != std::string_view::npos;
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    const Budget& budget = sink.budget();
    std::string_view bytes = source.bytes;
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    if (bytes.size() > budget.max_member_in_memory * 4)
      return LimitError("HAR file larger than four times the in-memory member limit; not read");
    simdjson::dom::parser parser;
    simdjson::padded_string padded(bytes);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
      return CorruptError(std::string("not a valid HAR (JSON): ") + simdjson::error_message(err));
    simdjson::dom::array entries;
    if (root["log"]["entries"].get_array().get(entries) != simdjson::SUCCESS)
      return CorruptError("not a HAR: no log.entries array");
    uint64_t members = 0;
    size_t index = 0;
    for (simdjson::dom::element entry : entries) {
      ++index;
      simdjson::dom::element request, response;
      bool has_request = entry["request"].get(request) == simdjson::SUCCESS && request.is_object();
      bool has_response = entry["response"].get(response) == simdjson::SUCCESS && response.is_object();
      std::string url(has_request ? StringAt(request, "url") : std::string_view());
      if (url.empty()) url = "entry " + std::to_string(index);

      // The response body.
      simdjson::dom::element content;
      if (has_response && response["content"].get(content) == simdjson::SUCCESS && content.is_object()) {
        std::string_view text = StringAt(content, "text");
        if (!text.empty()) {
          Member m;
          m.name = url;
          m.decoders = {"har"};
          m.format = FormatForMime(StringAt(content, "mimeType"));
          if (Lower(StringAt(content, "encoding")) == "base64") {
            std::string compact;
            compact.reserve(text.size());
            for (char c : text)
              if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
            if (!decode::DecodeBase64(compact, m.data)) {
              sink.Error(url, StatusCode::kCorrupt, "response body marked base64 is not valid base64");
              m.data.clear();
            }
          } else {
            m.data.assign(text);
          }
          if (!m.data.empty()) BS_RETURN_IF_ERROR(Hand(std::move(m), sink, members));
        }
      }

      // What the request sent: the URL's query string and the posted body.
      if (has_request) {
        std::string sent;
        if (size_t q = url.find('?'); q != std::string::npos) {
          size_t hash = url.find('#', q);
          sent = url.substr(q + 1, hash == std::string::npos ? std::string::npos : hash - q - 1);
        }
        simdjson::dom::element post;
        if (request["postData"].get(post) == simdjson::SUCCESS) {
          std::string_view body = StringAt(post, "text");
          if (!body.empty()) {
            if (!sent.empty()) sent += '\n';
            sent.append(body);
          }
        }
        if (!sent.empty()) {
          Member m;
          m.name = url;
          m.decoders = {"har"};
          m.format = "text";
          m.data = std::move(sent);
          BS_RETURN_IF_ERROR(Hand(std::move(m), sink, members));
        }
      }
    }
    return Status::Ok();
  }

 private:
  // Hands a member over, counting it and moving large bodies to a temporary file.
  static Status Hand(Member&& m, MemberSink& sink, uint64_t& members) {
    const Budget& budget = sink.budget();
    if (++members > budget.max_members) return LimitError("HAR holds more entries than the member limit");
    if (m.data.size() > budget.max_member_in_memory) {
      std::string path = (budget.temp_dir / "breachscope-har-XXXXXX").string();
      int fd = ::mkstemp(path.data());
      if (fd < 0) {
        sink.Error(m.name, StatusCode::kIo, "cannot create a temporary file for a large response body");
        return Status::Ok();
      }
      size_t done = 0;
      bool ok = true;
      while (done < m.data.size()) {
        ssize_t w = ::write(fd, m.data.data() + done, m.data.size() - done);
        if (w <= 0) {
          ok = false;
          break;
        }
        done += static_cast<size_t>(w);
      }
      ::close(fd);
      if (!ok) {
        ::unlink(path.c_str());
        sink.Error(m.name, StatusCode::kIo, "cannot write a temporary file for a large response body");
        return Status::Ok();
      }
      m.data.clear();
      m.data.shrink_to_fit();
      m.file = path;
    }
    return sink.Add(std::move(m));
  }
};

}  // namespace

const Extractor* HarExtractor() {
  static const HarReader reader;
  return &reader;
}

}  // namespace breachscope::extract
