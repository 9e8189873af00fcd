// extract/pdf.cc — PDF pages into text: pdftotext for text layers, OCR for scans.
//
// Why a child process: poppler is GPL and PDF parsers are a classic crash and hang
// surface, so poppler's tools only ever run as separate programs under the member's
// time and memory budget (extract/child_process.h). One pdftotext run reads the
// whole document (`-layout`, which keeps table columns apart, pages ending in form
// feeds); the PDF goes in on stdin ("-", poppler's fd://0) unless it is a file on
// disk, so a PDF inside a zip needs no temporary file.
//
// Each page with text is one "text" member: name "" (pages add no path level),
// decoders {"pdf"}, location.page N. A page without a text layer is a scan: with
// OCR on or auto it is rendered by pdftoppm (300 dpi grey PGM on stdout) and read
// by Tesseract in process (extract/ocr.h): decoders {"pdf", "ocr"}, ocr = true.
// Rendering needs the PDF as a file; when it is only in memory it is written once
// to a 0600 temporary file under budget.temp_dir, removed afterwards. With OCR off
// the file gets one kUnsupported error listing those pages.
//
// Errors: kEncrypted for a password-protected PDF (pdftotext's "Incorrect
// password"), kCorrupt when pdftotext cannot read the document, kLimit from the
// child's time/memory/output limits, kUnsupported when poppler-utils are missing.
// Details are fixed text: poppler's stderr is read for the password case only,
// never copied (it can quote paths and content).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <string>
#include <vector>

#include "extract/child_process.h"
#include "extract/extractor.h"
#include "extract/ocr.h"
#include "extract/registry.h"

namespace breachscope::extract {

namespace {

// Tesseract's models are trained on 300 dpi scans.
constexpr int kRenderDpi = 300;

bool HasText(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") != std::string_view::npos; }

// A temporary file (mode 0600) removed when this goes out of scope.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  // Writes `bytes` to a new file under `dir`.
  Status Create(const std::filesystem::path& dir, std::string_view bytes) {
    std::string tmpl = (dir / "bs-pdf-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());  // creates the file with mode 0600
    if (fd < 0) return IoError(std::string("cannot create a temporary file: ") + std::strerror(errno));
    path_ = tmpl;
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        int e = errno;
        ::close(fd);
        return IoError(std::string("cannot write a temporary file: ") + std::strerror(e));
      }
      done += static_cast<size_t>(w);
    }
    if (::close(fd) != 0) return IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    return Status::Ok();
  }
  const std::filesystem::path& path() const { return path_; }
  // Hands the file over (the sink removes member files).
  std::filesystem::path Release() { return std::exchange(path_, {}); }

 private:
  std::filesystem::path path_;
};

// A path argument that a tool never mistakes for an option.
std::string PathArg(const std::filesystem::path& p) {
  std::string s = p.string();
  if (!s.empty() && s[0] == '-') s = "./" + s;
  return s;
}

// "page 3" / "pages 2, 5, 9" (at most 20 listed, then the count).
std::string PageList(const std::vector<uint32_t>& pages) {
  std::string s = pages.size() == 1 ? "page " : "pages ";
  for (size_t i = 0; i < pages.size() && i < 20; ++i) s += (i ? ", " : "") + std::to_string(pages[i]);
  if (pages.size() > 20) s += " and " + std::to_string(pages.size() - 20) + " more";
  return s;
}

// Splits pdftotext's output into pages: each page ends with a form feed; text after
// the last one (output cut short) is a page too.
std::vector<std::string_view> SplitPages(std::string_view out) {
  std::vector<std::string_view> pages;
  size_t start = 0;
  while (start < out.size()) {
    size_t ff = out.find('\f', start);
    if (ff == std::string_view::npos) {
      pages.push_back(out.substr(start));
      break;
    }
    pages.push_back(out.substr(start, ff - start));
    start = ff + 1;
  }
  return pages;
}

class PdfExtractorImpl final : public Extractor {
 public:
  std::string_view name() const override { return "pdf"; }

  bool Accepts(std::string_view /*file_name*/, std::string_view head) const override {
    return head.substr(0, std::min<size_t>(head.size(), 1024)).find("%PDF") != std::string_view::npos;
  }

  Status Extract(const Source& source, MemberSink& sink) const override {
    const Budget& budget = sink.budget();
    ChildLimits limits;
    limits.seconds = std::max(1, budget.member_seconds);
    limits.memory_bytes = budget.child_memory_bytes;
    limits.max_output = std::min<uint64_t>(budget.max_expanded_bytes, 1ull << 30);
    limits.max_stderr = 4096;

    const bool on_disk = source.disk_path != nullptr && !source.disk_path->empty();
    std::vector<std::string> argv = {"pdftotext", "-enc", "UTF-8", "-layout",
                                     on_disk ? PathArg(*source.disk_path) : "-", "-"};
    auto run = RunChild(argv, limits, on_disk ? std::string_view() : source.bytes);
    if (!run.ok()) {
      if (run.status().code() == StatusCode::kIo && !HaveProgram("pdftotext"))
        return UnsupportedError("pdftotext (poppler-utils) is not installed");
      return run.status();
    }
    const ChildOutput& out = *run;
    Status failed;
    if (out.exit_code != 0) {
      if (out.err.find("Incorrect password") != std::string::npos)
        return EncryptedError("PDF is protected by a password");
      if (out.exit_code == 3) return EncryptedError("PDF permissions forbid copying its text");
      if (out.exit_code >= 128)
        failed = CorruptError("pdftotext was stopped by signal " + std::to_string(out.exit_code - 128) +
                              " reading the PDF (damaged, or over the memory limit)");
      else
        failed = CorruptError("pdftotext could not read the PDF (exit " + std::to_string(out.exit_code) +
                              "): damaged or not a PDF");
      if (!HasText(out.out)) return failed;
    }

    // Pages in order; scans are rendered and OCR'd where they stand so findings
    // keep page order.
    const std::vector<std::string_view> pages = SplitPages(out.out);
    std::vector<uint32_t> no_text;      // pages without a text layer (OCR off or unavailable)
    Status ocr_unavailable;
    TempFile temp;
    uint64_t members = 0;
    for (size_t i = 0; i < pages.size(); ++i) {
      const uint32_t page = static_cast<uint32_t>(i + 1);
      if (HasText(pages[i])) {
        if (++members > budget.max_members) return LimitError("PDF has more pages than the member limit");
        Member m;
        m.decoders = {"pdf"};
        m.location.page = page;
        m.format = "text";
        if (pages[i].size() > budget.max_member_in_memory) {
          TempFile big;
          BS_RETURN_IF_ERROR(big.Create(budget.temp_dir, pages[i]));
          m.file = big.Release();
        } else {
          m.data.assign(pages[i]);
        }
        BS_RETURN_IF_ERROR(sink.Add(std::move(m)));
        continue;
      }
      if (budget.ocr == OcrMode::kOff || !ocr_unavailable.ok()) {
        no_text.push_back(page);
        continue;
      }
      if (Status s = OcrAvailable(); !s.ok()) {
        ocr_unavailable = s;
        no_text.push_back(page);
        continue;
      }
      // pdftoppm needs to seek: give it the file on disk, or one temporary copy.
      if (!on_disk && temp.path().empty()) BS_RETURN_IF_ERROR(temp.Create(budget.temp_dir, source.bytes));
      auto text = OcrPage(on_disk ? *source.disk_path : temp.path(), page, limits, budget);
      if (!text.ok()) {
        sink.Error("", text.status().code(), "page " + std::to_string(page) + ": " + text.status().message());
        continue;
      }
      if (HasText(text->text)) {
        if (++members > budget.max_members) return LimitError("PDF has more pages than the member limit");
        Member m;
        m.decoders = {"pdf", "ocr"};
        m.location.page = page;
        m.format = "text";
        m.ocr = true;
        m.data = std::move(text->text);
        BS_RETURN_IF_ERROR(sink.Add(std::move(m)));
      }
      if (!text->status.ok())
        sink.Error("", text->status.code(), "page " + std::to_string(page) + ": " + text->status.message());
    }
    if (!no_text.empty()) {
      if (!ocr_unavailable.ok())
        sink.Error("", StatusCode::kUnsupported,
                   PageList(no_text) + (no_text.size() == 1 ? " has" : " have") + " no text layer and " +
                       ocr_unavailable.message());
      else
        sink.Error("", StatusCode::kUnsupported,
                   PageList(no_text) + (no_text.size() == 1 ? " has" : " have") + " no text layer and OCR is off");
    }
    return failed;
  }

 private:
  // Renders one page at kRenderDpi in grey and reads it with Tesseract.
  static Result<OcrText> OcrPage(const std::filesystem::path& pdf, uint32_t page, ChildLimits limits,
                                 const Budget& budget) {
    limits.max_output = kMaxOcrPixels + 64;  // one PGM header and at most kMaxOcrPixels grey bytes
    limits.max_stderr = 0;
    const std::string n = std::to_string(page);
    auto run = RunChild({"pdftoppm", "-r", std::to_string(kRenderDpi), "-gray", "-f", n, "-l", n, PathArg(pdf)}, limits);
    if (!run.ok()) {
      if (run.status().code() == StatusCode::kLimit &&
          run.status().message().find("output limit") != std::string::npos)
        return LimitError("page is larger than the OCR limit of 100 megapixels at 300 dpi");
      if (run.status().code() == StatusCode::kIo && !HaveProgram("pdftoppm"))
        return UnsupportedError("pdftoppm (poppler-utils) is not installed");
      return run.status();
    }
    if (run->exit_code != 0 || run->out.empty()) return CorruptError("pdftoppm could not render the page for OCR");
    return OcrImageBytes(run->out, budget.member_seconds, kRenderDpi);
  }
};

}  // namespace

const Extractor* PdfExtractor() {
  static const PdfExtractorImpl extractor;
  return &extractor;
}

}  // namespace breachscope::extract
