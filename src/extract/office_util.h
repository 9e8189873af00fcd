// extract/office_util.h — pieces shared by the Office extractors (office.cc,
// legacy_office.cc): text that spills to a temporary file past the in-memory
// budget, temporary copies of a container for child programs, and the rendering of
// spreadsheet numbers and date serials.
//
// Why: a 200 MB sheet must not sit in memory as one string; members larger than
// Budget::max_member_in_memory are handed over as files (Member::file). Numbers
// matter for detection: an SSN stored as the number 412637781 (or "4.12637781E8")
// must come out as the digits, and a DOB stored as a date serial as YYYY-MM-DD.
//
// Thread-safety: plain values; one instance per Extract() call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "extract/extractor.h"

namespace breachscope::extract::office {

// Text built piece by piece; past `limit` bytes it moves to a 0600 temporary file
// under `temp_dir` and further text is appended there (buffered).
class TextSpool {
 public:
  TextSpool(uint64_t limit, std::filesystem::path temp_dir) : limit_(limit), temp_dir_(std::move(temp_dir)) {}
  ~TextSpool();
  TextSpool(const TextSpool&) = delete;
  TextSpool& operator=(const TextSpool&) = delete;

  void Append(std::string_view s);
  void Append(char c) { Append(std::string_view(&c, 1)); }
  // Bytes appended so far.
  uint64_t size() const { return size_; }
  // True when something other than whitespace was appended.
  bool has_content() const { return has_content_; }
  // The first write error, if any.
  const Status& status() const { return status_; }
  // Moves the text into `m` (data, or file when spilled). The spool is empty after.
  Status Finish(Member& m);

 private:
  void Flush();
  uint64_t limit_;
  std::filesystem::path temp_dir_;
  std::string buf_;
  int fd_ = -1;
  std::filesystem::path file_;
  uint64_t size_ = 0;
  bool has_content_ = false;
  Status status_;
};

// A temporary 0600 file holding some bytes, removed when this goes away.
class TempFile {
 public:
  TempFile() = default;
  ~TempFile();
  TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  static Result<TempFile> Write(const std::filesystem::path& dir, std::string_view bytes, std::string_view suffix);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Creates an empty 0600 temporary file under `dir`; returns its fd and path.
Result<int> MakeTempFile(const std::filesystem::path& dir, std::string_view suffix, std::filesystem::path* path);

// A spreadsheet number as text: integral values (|v| < 1e15) without exponent or
// ".0" ("1.23456789E8" -> "123456789"); other values as written, or in plain
// notation when written with an exponent. Text that is not a number is returned
// unchanged.
std::string RenderNumber(std::string_view raw);

// A date serial of the 1900 (with its leap-year bug: 60 is 1900-02-29) or 1904
// date system as YYYY-MM-DD; nullopt when `raw` is no number or out of range
// (negative, below 1 in the 1900 system, after 9999-12-31).
std::optional<std::string> SerialToDate(std::string_view raw, bool date1904);

// True when an Excel number format code shows a date (d/m/y tokens outside quoted
// text, escapes and [brackets]; "m" alone counts only without h or s).
bool IsDateFormatCode(std::string_view code);
// True for the built-in number format ids that are dates or times (14-22, 45-47).
bool IsBuiltinDateFormat(int id);

// Replaces tab, CR and LF with spaces (spreadsheet cells, table cells).
void FlattenWhitespace(std::string& s);

// Lower-cased extension of a file name without the dot ("" when none).
std::string LowerExtension(std::string_view name);

}  // namespace breachscope::extract::office
