// extract/pst.cc — Outlook personal (.pst) and offline (.ost) folders into child Items.
//
// Why this exists: a mailbox export is the usual shape of a breached mail server, and
// Outlook's is a database (NDB/LTP) rather than text; libpff reads it. This file walks
// the folder tree and turns each message into members:
//   "<folder path>/<n>"                 {"pst"} "text": sender, recipients, subject and
//                                       the plain-text body (else the RTF body as is);
//   "<folder path>/<n>"                 {"pst"} "html": the HTML body when there is no
//                                       plain-text body;
//   "<folder path>/<n>!<attachment>"    {"pst", "mime"} format "" (sniffed); an attached
//                                       Outlook item gives a "text" member like a message.
// The folder path is the folder names from the root joined by "/" (empty names, such
// as the root's, are left out); n is the 1-based index of the message in its folder
// and is also location.message. An attachment's name carries two path levels
// (Member::name_has_levels).
//
// libpff opens files by path here (the Debian package ships no libbfio headers for
// its memory handles), so bytes that are not a file on disk are first written to a
// temporary file (0600, removed afterwards).
//
// Errors: a file libpff cannot open or whose folder tree is unreadable is kCorrupt
// with libpff's message; a message or attachment it cannot read is a kCorrupt member
// error and the walk goes on. More members than Budget::max_members is kLimit.
//
// Thread-safety: each Extract() opens its own libpff file handle; libpff keeps no
// shared state between handles.
#include <libpff/features.h>
#undef LIBPFF_HAVE_BFIO  // libbfio headers are not installed; we only open by path
#include <libpff.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/mail_util.h"
#include "extract/registry.h"

namespace breachscope::extract {
namespace {

// libpff's innermost (most specific) error message — fixed text, offsets and
// checksums, no content — and frees the error.
std::string TakeError(libpff_error_t*& error, std::string_view what) {
  std::string out(what);
  if (error) {
    char buf[4096] = {0};
    if (libpff_error_backtrace_sprint(error, buf, sizeof buf - 1) > 0) {
      std::string_view msg(buf, strnlen(buf, sizeof buf));
      size_t nl = msg.find('\n');
      if (nl != std::string_view::npos) msg = msg.substr(0, nl);
      while (!msg.empty() && (msg.back() == ' ' || msg.back() == '\r')) msg.remove_suffix(1);
      if (!msg.empty()) {
        out += ": ";
        out += msg;
      }
    }
    libpff_error_free(&error);
  }
  return out;
}

struct ItemHandle {
  libpff_item_t* item = nullptr;
  ItemHandle() = default;
  ItemHandle(const ItemHandle&) = delete;
  ItemHandle& operator=(const ItemHandle&) = delete;
  ~ItemHandle() {
    if (item) libpff_item_free(&item, nullptr);
  }
};

struct FileHandle {
  libpff_file_t* file = nullptr;
  bool open = false;
  ~FileHandle() {
    if (open) libpff_file_close(file, nullptr);
    if (file) libpff_file_free(&file, nullptr);
  }
};

struct TempRemover {
  std::filesystem::path path;
  ~TempRemover() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

// A UTF-8 string entry of a message (codepage-aware), or empty.
std::string MessageString(libpff_item_t* message, uint32_t entry_type) {
  size_t size = 0;
  libpff_error_t* error = nullptr;
  if (libpff_message_get_entry_value_utf8_string_size(message, entry_type, &size, &error) != 1 || size <= 1) {
    if (error) libpff_error_free(&error);
    return {};
  }
  std::string s(size, '\0');
  if (libpff_message_get_entry_value_utf8_string(message, entry_type, reinterpret_cast<uint8_t*>(s.data()), size,
                                                 &error) != 1) {
    if (error) libpff_error_free(&error);
    return {};
  }
  s.resize(strnlen(s.data(), s.size()));
  return s;
}

// A UTF-8 string entry of record set `set` of any item (recipients, attachments).
std::string ItemString(libpff_item_t* item, int set, uint32_t entry_type) {
  libpff_error_t* error = nullptr;
  libpff_record_set_t* record_set = nullptr;
  libpff_record_entry_t* entry = nullptr;
  std::string s;
  size_t size = 0;
  if (libpff_item_get_record_set_by_index(item, set, &record_set, &error) == 1 &&
      libpff_record_set_get_entry_by_type(record_set, entry_type, 0, &entry,
                                          LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &error) == 1 &&
      libpff_record_entry_get_data_as_utf8_string_size(entry, &size, &error) == 1 && size > 1) {
    s.assign(size, '\0');
    if (libpff_record_entry_get_data_as_utf8_string(entry, reinterpret_cast<uint8_t*>(s.data()), size, &error) == 1)
      s.resize(strnlen(s.data(), s.size()));
    else
      s.clear();
  }
  if (entry) libpff_record_entry_free(&entry, nullptr);
  if (record_set) libpff_record_set_free(&record_set, nullptr);
  if (error) libpff_error_free(&error);
  return s;
}

using BodySizeFn = int (*)(libpff_item_t*, size_t*, libpff_error_t**);
using BodyFn = int (*)(libpff_item_t*, uint8_t*, size_t, libpff_error_t**);

std::string Body(libpff_item_t* message, BodySizeFn size_fn, BodyFn fn) {
  size_t size = 0;
  libpff_error_t* error = nullptr;
  if (size_fn(message, &size, &error) != 1 || size == 0) {
    if (error) libpff_error_free(&error);
    return {};
  }
  std::string s(size, '\0');
  if (fn(message, reinterpret_cast<uint8_t*>(s.data()), size, &error) != 1) {
    if (error) libpff_error_free(&error);
    return {};
  }
  s.resize(strnlen(s.data(), s.size()));
  return s;
}

// MAPI subjects may start with a normalisation prefix of control characters.
std::string StripControlPrefix(std::string s) {
  size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x20) ++i;
  return s.substr(i);
}

void AppendLine(std::string& out, std::string_view label, std::string_view name, std::string_view email) {
  if (name.empty() && email.empty()) return;
  out += label;
  out += ": ";
  out += name;
  if (!email.empty() && email != name) {
    if (!name.empty()) out += ' ';
    out += '<';
    out += email;
    out += '>';
  }
  out += '\n';
}

class PstWalker {
 public:
  explicit PstWalker(MemberSink& sink) : sink_(sink) {}

  Status WalkFolder(libpff_item_t* folder, const std::string& path, int depth) {
    if (depth > 64) {
      sink_.ErrorInLevels(path, StatusCode::kLimit, "pst: folder nesting too deep");
      return Status::Ok();
    }
    libpff_error_t* error = nullptr;
    int messages = 0;
    if (libpff_folder_get_number_of_sub_messages(folder, &messages, &error) != 1) {
      sink_.ErrorInLevels(path, StatusCode::kCorrupt, TakeError(error, "pst: folder messages unreadable"));
      messages = 0;
    }
    for (int i = 0; i < messages; ++i) {
      std::string name = (path.empty() ? "" : path + "/") + std::to_string(i + 1);
      ItemHandle msg;
      if (libpff_folder_get_sub_message(folder, i, &msg.item, &error) != 1) {
        sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: message unreadable"));
        continue;
      }
      BS_RETURN_IF_ERROR(Message(msg.item, name, static_cast<uint64_t>(i + 1)));
    }
    int folders = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &folders, &error) != 1) {
      sink_.ErrorInLevels(path, StatusCode::kCorrupt, TakeError(error, "pst: sub-folders unreadable"));
      folders = 0;
    }
    for (int i = 0; i < folders; ++i) {
      ItemHandle sub;
      if (libpff_folder_get_sub_folder(folder, i, &sub.item, &error) != 1) {
        sink_.ErrorInLevels(path, StatusCode::kCorrupt, TakeError(error, "pst: sub-folder unreadable"));
        continue;
      }
      std::string folder_name = FolderName(sub.item);
      std::string sub_path = path;
      if (!folder_name.empty()) sub_path = path.empty() ? folder_name : path + "/" + folder_name;
      BS_RETURN_IF_ERROR(WalkFolder(sub.item, sub_path, depth + 1));
    }
    return Status::Ok();
  }

 private:
  static std::string FolderName(libpff_item_t* folder) {
    size_t size = 0;
    libpff_error_t* error = nullptr;
    if (libpff_folder_get_utf8_name_size(folder, &size, &error) != 1 || size <= 1) {
      if (error) libpff_error_free(&error);
      return {};
    }
    std::string s(size, '\0');
    if (libpff_folder_get_utf8_name(folder, reinterpret_cast<uint8_t*>(s.data()), size, &error) != 1) {
      if (error) libpff_error_free(&error);
      return {};
    }
    s.resize(strnlen(s.data(), s.size()));
    return s;
  }

  // Sender, recipients, subject and bodies of a message or an attached item:
  // the text member, then the HTML member when there is no plain-text body.
  Status MessageText(libpff_item_t* message, const std::string& name, uint64_t index,
                     std::vector<std::string> decoders, bool name_has_levels = false) {
    std::string text;
    AppendLine(text, "From", MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_NAME),
               MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_EMAIL_ADDRESS));
    {
      std::string rep_name = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENT_REPRESENTING_NAME);
      std::string rep_email = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENT_REPRESENTING_EMAIL_ADDRESS);
      if (text.find(rep_email.empty() ? rep_name : rep_email) == std::string::npos)
        AppendLine(text, "Sent-For", rep_name, rep_email);
    }
    ItemHandle recipients;
    libpff_error_t* error = nullptr;
    if (libpff_message_get_recipients(message, &recipients.item, &error) == 1 && recipients.item) {
      int count = 0;
      if (libpff_item_get_number_of_record_sets(recipients.item, &count, &error) == 1) {
        for (int r = 0; r < count; ++r) {
          std::string display = ItemString(recipients.item, r, LIBPFF_ENTRY_TYPE_DISPLAY_NAME);
          if (display.empty()) display = ItemString(recipients.item, r, LIBPFF_ENTRY_TYPE_RECIPIENT_DISPLAY_NAME);
          AppendLine(text, "To", display, ItemString(recipients.item, r, LIBPFF_ENTRY_TYPE_EMAIL_ADDRESS));
        }
      }
    }
    if (error) libpff_error_free(&error);
    std::string subject = StripControlPrefix(MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SUBJECT));
    if (!subject.empty()) text += "Subject: " + subject + "\n";

    std::string plain = Body(message, libpff_message_get_plain_text_body_size, libpff_message_get_plain_text_body);
    std::string html;
    if (plain.empty()) {
      html = Body(message, libpff_message_get_html_body_size, libpff_message_get_html_body);
      if (html.empty()) plain = Body(message, libpff_message_get_rtf_body_size, libpff_message_get_rtf_body);
    }
    if (!plain.empty()) {
      text += '\n';
      text += plain;
    }
    Member m;
    m.name = name;
    m.name_has_levels = name_has_levels;
    m.decoders = decoders;
    m.location.message = index;
    m.format = "text";
    m.data = std::move(text);
    BS_RETURN_IF_ERROR(Add(std::move(m)));
    if (!html.empty()) {
      Member h;
      h.name = name;
      h.name_has_levels = name_has_levels;
      h.decoders = std::move(decoders);
      h.location.message = index;
      h.format = "html";
      h.data = std::move(html);
      BS_RETURN_IF_ERROR(Add(std::move(h)));
    }
    return Status::Ok();
  }

  Status Message(libpff_item_t* message, const std::string& name, uint64_t index) {
    BS_RETURN_IF_ERROR(MessageText(message, name, index, {"pst"}));
    libpff_error_t* error = nullptr;
    int attachments = 0;
    if (libpff_message_get_number_of_attachments(message, &attachments, &error) != 1) {
      // No attachment table is the common case and not an error.
      if (error) libpff_error_free(&error);
      return Status::Ok();
    }
    for (int a = 0; a < attachments; ++a) {
      ItemHandle att;
      std::string fallback = name + "!attachment-" + std::to_string(a + 1);
      if (libpff_message_get_attachment(message, a, &att.item, &error) != 1) {
        sink_.ErrorInLevels(fallback, StatusCode::kCorrupt, TakeError(error, "pst: attachment unreadable"));
        continue;
      }
      std::string file_name = ItemString(att.item, 0, LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_LONG);
      if (file_name.empty()) file_name = ItemString(att.item, 0, LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_SHORT);
      std::string att_name = file_name.empty() ? fallback : name + "!" + file_name;
      BS_RETURN_IF_ERROR(Attachment(att.item, att_name, index));
    }
    return Status::Ok();
  }

  Status Attachment(libpff_item_t* att, const std::string& name, uint64_t index) {
    libpff_error_t* error = nullptr;
    int type = 0;
    if (libpff_attachment_get_type(att, &type, &error) != 1) {
      sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: attachment type unreadable"));
      return Status::Ok();
    }
    if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
      ItemHandle inner;
      if (libpff_attachment_get_item(att, &inner.item, &error) != 1 || !inner.item) {
        sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: attached item unreadable"));
        return Status::Ok();
      }
      return MessageText(inner.item, name, index, {"pst", "mime"}, true);
    }
    if (type != LIBPFF_ATTACHMENT_TYPE_DATA) return Status::Ok();  // a reference: nothing stored here
    size64_t size = 0;
    if (libpff_attachment_get_data_size(att, &size, &error) != 1) {
      sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: attachment size unreadable"));
      return Status::Ok();
    }
    Member m;
    m.name = name;
    m.name_has_levels = true;
    m.decoders = {"pst", "mime"};
    m.location.message = index;
    const Budget& budget = sink_.budget();
    if (libpff_attachment_data_seek_offset(att, 0, SEEK_SET, &error) < 0) {
      sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: attachment data unreadable"));
      return Status::Ok();
    }
    int fd = -1;
    if (size > budget.max_member_in_memory) {
      auto tmp = mail::MakeTempFile(budget.temp_dir);
      if (!tmp.ok()) {
        sink_.ErrorInLevels(name, tmp.status().code(), tmp.status().message());
        return Status::Ok();
      }
      fd = tmp->fd;
      m.file = tmp->path;
    } else {
      m.data.reserve(size);
    }
    std::vector<uint8_t> buf(1 << 16);
    uint64_t done = 0;
    bool failed = false;
    while (done < size) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done));
      ssize_t n = libpff_attachment_data_read_buffer(att, buf.data(), want, &error);
      if (n <= 0) {
        failed = true;
        break;
      }
      std::string_view chunk(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
      if (fd >= 0) {
        if (!mail::WriteAll(fd, chunk).ok()) {
          ::close(fd);
          std::error_code ec;
          std::filesystem::remove(m.file, ec);
          sink_.ErrorInLevels(name, StatusCode::kIo, "pst: cannot write a temporary file");
          if (error) libpff_error_free(&error);
          return Status::Ok();
        }
      } else {
        m.data.append(chunk);
      }
      done += static_cast<uint64_t>(n);
    }
    if (fd >= 0) ::close(fd);
    if (failed) sink_.ErrorInLevels(name, StatusCode::kCorrupt, TakeError(error, "pst: attachment data cut short"));
    if (error) libpff_error_free(&error);
    return Add(std::move(m));
  }

  Status Add(Member&& m) {
    if (added_ >= sink_.budget().max_members) {
      if (!m.file.empty()) {
        std::error_code ec;
        std::filesystem::remove(m.file, ec);
      }
      return LimitError("pst: more members than the budget allows");
    }
    ++added_;
    if (m.file.empty()) {
      if (Status st = mail::SpillIfLarge(m, sink_.budget()); !st.ok()) {
        sink_.ErrorInLevels(m.name, st.code(), st.message());
        return Status::Ok();
      }
    }
    return sink_.Add(std::move(m));
  }

  MemberSink& sink_;
  uint64_t added_ = 0;
};

class PstExtractorImpl final : public Extractor {
 public:
  std::string_view name() const override { return "pst"; }

  bool Accepts(std::string_view, std::string_view head) const override { return head.substr(0, 4) == "!BDN"; }

  Status Extract(const Source& source, MemberSink& sink) const override {
    if (source.bytes.substr(0, 4) != "!BDN") return CorruptError("pst: no PST/OST signature");
    TempRemover temp;
    std::string path;
    if (source.disk_path) {
      path = source.disk_path->string();
    } else {
      auto tmp = mail::MakeTempFile(sink.budget().temp_dir);
      if (!tmp.ok()) return tmp.status();
      temp.path = tmp->path;
      Status st = mail::WriteAll(tmp->fd, source.bytes);
      ::close(tmp->fd);
      if (!st.ok()) return st;
      path = temp.path.string();
    }

    FileHandle file;
    libpff_error_t* error = nullptr;
    if (libpff_file_initialize(&file.file, &error) != 1)
      return InternalError(TakeError(error, "pst: libpff initialisation failed"));
    if (libpff_file_open(file.file, path.c_str(), LIBPFF_OPEN_READ, &error) != 1) {
      // libpff names the file; a file name may hold an identifier, so it is cut out.
      std::string msg = TakeError(error, "pst: libpff cannot open the file");
      for (size_t at; (at = msg.find(path)) != std::string::npos;) msg.replace(at, path.size(), "(the file)");
      return CorruptError(std::move(msg));
    }
    file.open = true;

    uint8_t encryption = 0;
    if (libpff_file_get_encryption_type(file.file, &encryption, &error) == 1 &&
        encryption != LIBPFF_ENCRYPTION_TYPE_NONE && encryption != LIBPFF_ENCRYPTION_TYPE_COMPRESSIBLE &&
        encryption != LIBPFF_ENCRYPTION_TYPE_HIGH)
      return EncryptedError("pst: unknown encryption type");
    if (error) libpff_error_free(&error);

    ItemHandle root;
    if (libpff_file_get_root_folder(file.file, &root.item, &error) != 1 || !root.item)
      return CorruptError(TakeError(error, "pst: no readable root folder"));
    PstWalker walker(sink);
    return walker.WalkFolder(root.item, "", 0);
  }
};

}  // namespace

const Extractor* PstExtractor() {
  static const PstExtractorImpl instance;
  return &instance;
}

}  // namespace breachscope::extract
