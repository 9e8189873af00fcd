// extract/mail.cc — e-mail (.eml, RFC 822) and Unix mbox files into child Items.
//
// Why this exists: breached mailboxes hold people's identifiers in three places — the
// address headers (names and addresses of senders and recipients), the bodies (often
// quoted-printable or base64, in some legacy charset) and the attachments (the CSV
// export someone mailed around). GMime 3 does all MIME work here: header and RFC 2047
// decoding, multipart structure, transfer decoding and charset conversion. This file
// only decides what becomes which Member.
//
// Layout (contract "Paths"):
//   .eml   text (address headers, other non-transport headers, text/plain bodies)
//          as Member "" {"eml"} "text";
//          each text/html part as Member "" {"eml"} "html"; each attachment as Member
//          "<filename>" (or "attachment-N") {"eml", "mime"} format "" (sniffed); a
//          message/rfc822 part as "<filename or attachment-N>.eml" (sniffed again).
//   mbox   message N (1-based) gives Member "N" {"mbox"} "text" and "html" with
//          location.message = N, and attachments "N!<filename>" {"mbox", "mime"}:
//          one Member name carrying two path levels (Member::name_has_levels).
//
// Errors: a message GMime cannot parse, a truncated message or a truncated base64
// attachment is a kCorrupt member error (what decodes is still handed over); an
// encrypted part is kEncrypted. More messages or members than Budget::max_members is
// kLimit for the container and extraction stops.
//
// Thread-safety: g_mime_init() runs once per process (std::call_once); every
// Extract() call uses its own parser, streams and options, which GMime allows on
// separate threads.
#include <fcntl.h>
#include <gmime/gmime.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/mail_util.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// --- Accepts: conservative RFC 822 header sniffing -----------------------------

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// RFC 5322 field name: printable ASCII except ':' and space.
bool IsFieldName(std::string_view n) {
  if (n.empty() || n.size() > 76) return false;
  for (unsigned char c : n)
    if (c < 33 || c > 126) return false;
  return true;
}

struct HeaderBlock {
  unsigned known = 0;       // bit per header of kKnownHeaders seen
  int fields = 0;
  bool ended_by_blank = false;
  bool valid = false;       // every complete line was a field or a continuation
  std::string_view first_field;
};

constexpr std::string_view kKnownHeaders[] = {"from", "to", "subject", "date", "message-id", "mime-version"};
constexpr std::string_view kMailStartHeaders[] = {"received", "return-path", "delivered-to", "x-original-to",
                                                  "from",     "to",          "subject",      "date",
                                                  "message-id", "mime-version", "reply-to", "sender",
                                                  "envelope-to", "x-mozilla-status", "dkim-signature",
                                                  "arc-seal", "authentication-results", "x-apple-mail-remote-attachments"};

HeaderBlock ScanHeaderBlock(std::string_view head) {
  HeaderBlock b;
  size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a partial last line: not judged
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      b.ended_by_blank = !first;
      b.valid = !first;
      return b;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (first) return b;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsFieldName(line.substr(0, colon))) return b;
    std::string_view name = line.substr(0, colon);
    if (first) b.first_field = name;
    first = false;
    ++b.fields;
    for (size_t i = 0; i < std::size(kKnownHeaders); ++i)
      if (EqualsIgnoreCase(name, kKnownHeaders[i])) b.known |= 1u << i;
  }
  b.valid = !first;  // ran out of head inside the header block
  return b;
}

int Popcount(unsigned v) { return __builtin_popcount(v); }

// A bare RFC 822 message: a header block of "Name: value" lines with at least two of
// From/To/Subject/Date/Message-ID/MIME-Version, ended by a blank line — or, when the
// head is cut inside a long header block (many Received lines), one that starts with
// a mail header and already shows those two.
bool LooksLikeMessage(std::string_view head) {
  HeaderBlock b = ScanHeaderBlock(head);
  if (!b.valid || Popcount(b.known) < 2) return false;
  if (b.ended_by_blank) return true;
  if (head.size() < 1024 || b.fields < 4) return false;
  for (std::string_view h : kMailStartHeaders)
    if (EqualsIgnoreCase(b.first_field, h)) return true;
  return false;
}

// The line after an mbox "From " line looks like a mail header.
bool NextLineIsHeader(std::string_view head) {
  size_t nl = head.find('\n');
  if (nl == std::string_view::npos) return false;
  std::string_view rest = head.substr(nl + 1);
  size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  size_t colon = line.find(':');
  return colon != std::string_view::npos && IsFieldName(line.substr(0, colon));
}

bool IsMbox(std::string_view file_name, std::string_view head) {
  if (head.substr(0, 5) != "From ") return false;
  std::string ext = mail::Extension(file_name);
  if (ext == "mbox" || ext == "mbx") return true;
  return NextLineIsHeader(head);
}

// --- GMime helpers --------------------------------------------------------------

template <typename T>
struct GUnref {
  void operator()(T* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GUnref<T>>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

// Parser warnings of one message (the callback's user data).
struct Warnings {
  bool truncated = false;
  bool malformed = false;
};

void OnWarning(gint64, GMimeParserWarning code, const gchar*, gpointer user_data) {
  auto* w = static_cast<Warnings*>(user_data);
  if (code == GMIME_WARN_TRUNCATED_MESSAGE) w->truncated = true;
  if (code == GMIME_WARN_MALFORMED_MESSAGE || code == GMIME_CRIT_NESTING_OVERFLOW ||
      code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT)
    w->malformed = true;
}

struct OptionsFree {
  void operator()(GMimeParserOptions* o) const { g_mime_parser_options_free(o); }
};

std::string StreamBytes(GMimeStream* mem) {
  GByteArray* arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  if (!arr || arr->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(arr->data), arr->len);
}

bool IsUtf8Name(const char* charset) {
  if (!charset) return false;
  std::string_view c(charset);
  return EqualsIgnoreCase(c, "utf-8") || EqualsIgnoreCase(c, "utf8") || EqualsIgnoreCase(c, "us-ascii") ||
         EqualsIgnoreCase(c, "ascii");
}

// Decoded text in `charset` (may be null) to UTF-8: iconv through GMime for a named
// charset, else kept when it is UTF-8, else GMime's 8-bit guess (locale/fallbacks).
std::string ToUtf8(const std::string& bytes, const char* charset, GMimeParserOptions* options) {
  if (bytes.empty()) return {};
  if (charset && !IsUtf8Name(charset)) {
    iconv_t cd = g_mime_iconv_open("UTF-8", charset);
    if (cd != reinterpret_cast<iconv_t>(-1)) {
      GString_ out(g_mime_iconv_strndup(cd, bytes.data(), bytes.size()));
      g_mime_iconv_close(cd);
      if (out) return std::string(out.get());
    }
  }
  if (mail::IsUtf8(bytes)) return bytes;
  GString_ out(g_mime_utils_decode_8bit(options, bytes.data(), bytes.size()));
  return out ? std::string(out.get()) : std::string();
}

// True when the part's base64 content stops mid-quantum (a cut-off attachment).
bool Base64Truncated(GMimeDataWrapper* content) {
  if (g_mime_data_wrapper_get_encoding(content) != GMIME_CONTENT_ENCODING_BASE64) return false;
  GMimeStream* raw = g_mime_data_wrapper_get_stream(content);
  if (!raw) return false;
  g_mime_stream_reset(raw);
  char buf[8192];
  uint64_t symbols = 0;
  ssize_t n;
  while ((n = g_mime_stream_read(raw, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; ++i) {
      unsigned char c = static_cast<unsigned char>(buf[i]);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
          c == '=')
        ++symbols;
    }
  }
  g_mime_stream_reset(raw);
  return symbols % 4 != 0;
}

// Headers already written as address lines, or transport machinery that holds no
// person's data (or, like Date, only dates that are not birth dates).
bool SkipOtherHeader(std::string_view name) {
  static constexpr std::string_view kSkip[] = {
      "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "received", "message-id",
      "references", "in-reply-to", "mime-version", "dkim-signature", "domainkey-signature",
      "authentication-results", "received-spf", "arc-seal", "arc-message-signature",
      "arc-authentication-results", "thread-index", "thread-topic", "x-mailer", "user-agent",
      "content-language", "precedence", "importance", "priority", "x-priority", "x-msmail-priority",
      "x-mimeole", "x-ms-has-attach", "x-ms-tnef-correlator", "x-mozilla-status", "x-mozilla-status2",
      "x-mozilla-keys", "status", "x-status", "x-uid", "x-keywords", "list-unsubscribe", "list-id"};
  for (std::string_view k : kSkip)
    if (EqualsIgnoreCase(name, k)) return true;
  auto starts = [&](std::string_view p) { return name.size() >= p.size() && EqualsIgnoreCase(name.substr(0, p.size()), p); };
  return starts("content-") || starts("x-ms-exchange-") || starts("x-google-") || starts("x-gm-") ||
         starts("arc-") || starts("x-microsoft-antispam") || starts("x-forefront-") || starts("x-spam-");
}

// Every other header as "Name: value" (RFC 2047 decoded): a "Key: value" memo that
// looks like mail keeps its fields, and X-Originating-Email and the like are read.
std::string OtherHeaderLines(GMimeMessage* msg, GMimeParserOptions* options) {
  std::string out;
  GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
  int n = list ? g_mime_header_list_get_count(list) : 0;
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
    const char* name = h ? g_mime_header_get_name(h) : nullptr;
    if (!name || SkipOtherHeader(name)) continue;
    const char* raw = g_mime_header_get_raw_value(h);
    if (!raw) continue;
    GString_ value(g_mime_utils_header_decode_text(options, raw));
    std::string v = value ? value.get() : raw;
    for (char& c : v)
      if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    size_t b = v.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    size_t e = v.find_last_not_of(' ');
    out += name;
    out += ": ";
    out += v.substr(b, e + 1 - b);
    out += '\n';
  }
  return out;
}

std::string AddressLines(GMimeMessage* msg) {
  std::string out;
  struct {
    const char* label;
    InternetAddressList* list;
  } fields[] = {{"From", g_mime_message_get_from(msg)},         {"Sender", g_mime_message_get_sender(msg)},
                {"To", g_mime_message_get_to(msg)},             {"Cc", g_mime_message_get_cc(msg)},
                {"Bcc", g_mime_message_get_bcc(msg)},           {"Reply-To", g_mime_message_get_reply_to(msg)}};
  for (const auto& f : fields) {
    if (!f.list || internet_address_list_length(f.list) == 0) continue;
    GString_ s(internet_address_list_to_string(f.list, nullptr, FALSE));
    if (!s || !*s) continue;
    out += f.label;
    out += ": ";
    out += s.get();
    out += '\n';
  }
  if (const char* subject = g_mime_message_get_subject(msg); subject && *subject) {
    out += "Subject: ";
    out += subject;
    out += '\n';
  }
  return out;
}

// --- One message ----------------------------------------------------------------

enum class PieceKind { kHtml, kAttachment, kMessage, kEncrypted };
struct Piece {
  PieceKind kind;
  GMimeObject* object;  // owned by the message
};

bool IsSignature(GMimeContentType* ct) {
  return g_mime_content_type_is_type(ct, "application", "pgp-signature") ||
         g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
         g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature");
}

class MessageWalker {
 public:
  MessageWalker(MemberSink& sink, GMimeParserOptions* options, uint64_t* members_added)
      : sink_(sink), options_(options), members_added_(members_added) {}

  // Hands over the message's text, HTML parts and attachments. `prefix` is "" for an
  // .eml and "N" for mbox message N; `kind` is "eml" or "mbox".
  Status Walk(GMimeMessage* msg, const std::string& prefix, const char* kind, uint64_t index) {
    prefix_ = prefix;
    kind_ = kind;
    index_ = index;
    attachment_count_ = 0;
    pieces_.clear();
    text_ = AddressLines(msg) + OtherHeaderLines(msg, options_);
    if (GMimeObject* body = g_mime_message_get_mime_part(msg)) Collect(body, 0);

    Member text;
    text.name = prefix_;
    text.decoders = {kind_};
    text.location.message = index_;
    text.format = "text";
    text.data = std::move(text_);
    BS_RETURN_IF_ERROR(Add(std::move(text)));
    for (const Piece& p : pieces_) BS_RETURN_IF_ERROR(Emit(p));
    return Status::Ok();
  }

 private:
  void Collect(GMimeObject* obj, int depth) {
    if (depth > 64) return;  // GMime bounds nesting too; this keeps our stack small
    if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
      pieces_.push_back({PieceKind::kEncrypted, obj});
      return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
      auto* mp = GMIME_MULTIPART(obj);
      int n = g_mime_multipart_get_count(mp);
      // multipart/alternative holds the same content twice: when it has a plain-text
      // rendering, the HTML one is skipped so each finding is counted once.
      GMimeContentType* mct = g_mime_object_get_content_type(obj);
      bool alternative = mct && g_mime_content_type_is_type(mct, "multipart", "alternative");
      auto is_part = [&](GMimeObject* child, const char* subtype) {
        if (!child || !GMIME_IS_PART(child) || g_mime_part_is_attachment(GMIME_PART(child))) return false;
        GMimeContentType* cct = g_mime_object_get_content_type(child);
        return cct && g_mime_content_type_is_type(cct, "text", subtype);
      };
      bool has_plain = false;
      for (int i = 0; alternative && i < n; ++i) has_plain |= is_part(g_mime_multipart_get_part(mp, i), "plain");
      for (int i = 0; i < n; ++i) {
        GMimeObject* child = g_mime_multipart_get_part(mp, i);
        if (!child || (has_plain && is_part(child, "html"))) continue;
        Collect(child, depth + 1);
      }
      return;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
      pieces_.push_back({PieceKind::kMessage, obj});
      return;
    }
    if (!GMIME_IS_PART(obj)) return;
    auto* part = GMIME_PART(obj);
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    if (ct && IsSignature(ct)) return;  // a detached signature holds no content
    const char* filename = g_mime_part_get_filename(part);
    bool named = filename && *filename;
    bool attachment = named || g_mime_part_is_attachment(part);
    if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "plain")) {
      AppendText(part);
      return;
    }
    if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "html")) {
      pieces_.push_back({PieceKind::kHtml, obj});
      return;
    }
    pieces_.push_back({PieceKind::kAttachment, obj});
  }

  // The decoded (transfer encoding undone) content of a part; reports a cut-off
  // base64 part as a member error.
  std::string Decoded(GMimePart* part, std::string_view member_name) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    if (Base64Truncated(content))
      Report(member_name, StatusCode::kCorrupt, "truncated base64 content; the decodable part was kept");
    GPtr<GMimeStream> mem(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(content, mem.get()) < 0) {
      Report(member_name, StatusCode::kCorrupt, "MIME part content could not be decoded");
    }
    return StreamBytes(mem.get());
  }

  std::string DecodedText(GMimePart* part, std::string_view member_name) {
    std::string bytes = Decoded(part, member_name);
    const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
    return ToUtf8(bytes, charset, options_);
  }

  void AppendText(GMimePart* part) {
    std::string body = DecodedText(part, prefix_);
    if (body.empty()) return;
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
    text_ += '\n';
    text_ += body;
  }

  std::string AttachmentName(GMimeObject* obj, bool message) {
    const char* filename = nullptr;
    if (GMIME_IS_PART(obj)) filename = g_mime_part_get_filename(GMIME_PART(obj));
    if (!filename || !*filename) filename = g_mime_object_get_content_disposition_parameter(obj, "filename");
    if (!filename || !*filename) filename = g_mime_object_get_content_type_parameter(obj, "name");
    std::string name = filename && *filename ? std::string(filename) : "attachment-" + std::to_string(attachment_count_);
    if (message) {
      std::string ext = mail::Extension(name);
      if (ext != "eml") name += ".eml";
    }
    return prefix_.empty() ? name : prefix_ + "!" + name;
  }

  // An mbox attachment's name carries two levels: "17!claims.csv".
  bool NameHasLevels() const { return !prefix_.empty(); }

  // An error about a member named like the members this walker hands over.
  void Report(std::string_view name, StatusCode reason, std::string detail) {
    if (NameHasLevels()) sink_.ErrorInLevels(name, reason, std::move(detail));
    else sink_.Error(name, reason, std::move(detail));
  }

  Status Emit(const Piece& p) {
    switch (p.kind) {
      case PieceKind::kHtml: {
        Member m;
        m.name = prefix_;
        m.decoders = {kind_};
        m.location.message = index_;
        m.format = "html";
        m.data = DecodedText(GMIME_PART(p.object), prefix_);
        if (m.data.empty()) return Status::Ok();
        return Add(std::move(m));
      }
      case PieceKind::kEncrypted: {
        Report(prefix_, StatusCode::kEncrypted, "encrypted MIME part (multipart/encrypted) not read");
        return Status::Ok();
      }
      case PieceKind::kMessage: {
        ++attachment_count_;
        Member m;
        m.name = AttachmentName(p.object, true);
        m.name_has_levels = NameHasLevels();
        m.decoders = {kind_, "mime"};
        m.location.message = index_;
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(p.object));
        if (!inner) {
          Report(m.name, StatusCode::kCorrupt, "attached message could not be parsed");
          return Status::Ok();
        }
        GPtr<GMimeStream> mem(g_mime_stream_mem_new());
        if (g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, mem.get()) < 0) {
          Report(m.name, StatusCode::kCorrupt, "attached message could not be written out");
          return Status::Ok();
        }
        m.data = StreamBytes(mem.get());
        return Add(std::move(m));
      }
      case PieceKind::kAttachment: {
        ++attachment_count_;
        Member m;
        m.name = AttachmentName(p.object, false);
        m.name_has_levels = NameHasLevels();
        m.decoders = {kind_, "mime"};
        m.location.message = index_;
        return AddDecodedAttachment(GMIME_PART(p.object), std::move(m));
      }
    }
    return Status::Ok();
  }

  // Decodes into memory, or straight into a temporary file when the encoded content
  // is already larger than the in-memory limit.
  Status AddDecodedAttachment(GMimePart* part, Member m) {
    const Budget& budget = sink_.budget();
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    GMimeStream* raw = content ? g_mime_data_wrapper_get_stream(content) : nullptr;
    gint64 raw_len = raw ? g_mime_stream_length(raw) : 0;
    if (content && raw_len > 0 && static_cast<uint64_t>(raw_len) > budget.max_member_in_memory) {
      if (Base64Truncated(content))
        Report(m.name, StatusCode::kCorrupt, "truncated base64 content; the decodable part was kept");
      auto tmp = mail::MakeTempFile(budget.temp_dir);
      if (!tmp.ok()) {
        Report(m.name, tmp.status().code(), tmp.status().message());
        return Status::Ok();
      }
      GPtr<GMimeStream> fs(g_mime_stream_fs_new(tmp->fd));  // owns and closes the descriptor
      bool ok = g_mime_data_wrapper_write_to_stream(content, fs.get()) >= 0 && g_mime_stream_flush(fs.get()) == 0;
      fs.reset();
      if (!ok) {
        std::error_code ec;
        std::filesystem::remove(tmp->path, ec);
        Report(m.name, StatusCode::kIo, "cannot write a temporary file");
        return Status::Ok();
      }
      m.file = tmp->path;
      return Add(std::move(m));
    }
    m.data = Decoded(part, m.name);
    return Add(std::move(m));
  }

  // Every member goes through here: the member budget, and big data to a file.
  Status Add(Member&& m) {
    if (*members_added_ >= sink_.budget().max_members) {
      if (!m.file.empty()) {
        std::error_code ec;
        std::filesystem::remove(m.file, ec);
      }
      return LimitError("mail: more members than the budget allows");
    }
    ++*members_added_;
    if (m.file.empty()) {
      if (Status st = mail::SpillIfLarge(m, sink_.budget()); !st.ok()) {
        Report(m.name, st.code(), st.message());
        return Status::Ok();
      }
    }
    return sink_.Add(std::move(m));
  }

  MemberSink& sink_;
  GMimeParserOptions* options_;
  uint64_t* members_added_;
  std::string prefix_;
  const char* kind_ = "eml";
  uint64_t index_ = 0;
  int attachment_count_ = 0;
  std::string text_;
  std::vector<Piece> pieces_;
};

// The bytes as a GMime stream: the file itself when it is on disk and large, else a
// copy in memory.
GMimeStream* OpenStream(const Source& source, const Budget& budget) {
  if (source.disk_path && source.bytes.size() > budget.max_member_in_memory) {
    GError* err = nullptr;
    GMimeStream* s = g_mime_stream_fs_open(source.disk_path->c_str(), O_RDONLY, 0, &err);
    if (err) g_error_free(err);
    if (s) return s;
  }
  return g_mime_stream_mem_new_with_buffer(source.bytes.data(), source.bytes.size());
}

void ReportWarnings(MemberSink& sink, const Warnings& w, std::string_view name) {
  if (w.truncated) sink.Error(name, StatusCode::kCorrupt, "message is truncated; the readable part was kept");
  else if (w.malformed) sink.Error(name, StatusCode::kCorrupt, "malformed MIME structure; the readable part was kept");
}

class MailExtractorImpl final : public Extractor {
 public:
  std::string_view name() const override { return "mail"; }

  bool Accepts(std::string_view file_name, std::string_view head) const override {
    if (IsMbox(file_name, head)) return true;
    if (head.substr(0, 5) == "From ") return false;
    if (mail::Extension(file_name) == "eml" && !head.empty()) return true;
    return LooksLikeMessage(head);
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    InitGMime();
    const bool mbox = source.bytes.substr(0, 5) == "From ";
    std::unique_ptr<GMimeParserOptions, OptionsFree> options(g_mime_parser_options_new());
    Warnings warnings;
    g_mime_parser_options_set_warning_callback(options.get(), &OnWarning, &warnings);
    GPtr<GMimeStream> stream(OpenStream(source, sink.budget()));
    if (!stream) return InternalError("mail: cannot open a stream over the bytes");
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    uint64_t members_added = 0;
    MessageWalker walker(sink, options.get(), &members_added);

    if (!mbox) {
      GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), options.get()));
      if (!msg) return CorruptError("eml: not a parseable RFC 822 message");
      Status st = walker.Walk(msg.get(), "", "eml", 0);
      ReportWarnings(sink, warnings, "");
      return st;
    }

    uint64_t index = 0;
    while (!g_mime_parser_eos(parser.get())) {
      gint64 before = g_mime_parser_tell(parser.get());
      warnings = {};
      GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), options.get()));
      if (!msg) {
        if (index == 0) return CorruptError("mbox: no parseable message");
        if (g_mime_parser_eos(parser.get()) || g_mime_parser_tell(parser.get()) <= before) break;
        ++index;
        sink.Error(std::to_string(index), StatusCode::kCorrupt, "mbox message could not be parsed");
        continue;
      }
      ++index;
      if (index > sink.budget().max_members) return LimitError("mbox: more messages than the budget allows");
      std::string name = std::to_string(index);
      Status st = walker.Walk(msg.get(), name, "mbox", index);
      ReportWarnings(sink, warnings, name);
      if (!st.ok()) return st;
    }
    if (index == 0) return CorruptError("mbox: no parseable message");
    return Status::Ok();
  }
};

}  // namespace

const Extractor* MailExtractor() {
  static const MailExtractorImpl instance;
  return &instance;
}

}  // namespace breachscope::extract
