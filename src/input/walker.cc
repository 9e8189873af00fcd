#include "input/walker.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace breachscope::input {

namespace fs = std::filesystem;

namespace {

std::string KindOf(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a regular file";
}

bool Inside(const fs::path& p, const fs::path& root) {
  auto rel = p.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

class Walker {
 public:
  explicit Walker(WalkResult& out) : out_(out) {}

  void Root(const fs::path& arg) {
    std::error_code ec;
    fs::path abs = fs::absolute(arg, ec);
    struct stat st;
    if (::stat(abs.c_str(), &st) != 0) {
      out_.errors.push_back({arg.filename().string(), StatusCode::kIo, std::strerror(errno)});
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      root_ = fs::weakly_canonical(abs, ec);
      Dir(root_, "");
    } else {
      root_ = fs::weakly_canonical(abs.parent_path(), ec);
      Entry(abs, abs.filename().string(), /*top=*/true);
    }
  }

 private:
  void Dir(const fs::path& dir, const std::string& prefix) {
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::none, ec);
    if (ec) {
      out_.errors.push_back({prefix.empty() ? "." : prefix, StatusCode::kIo, "cannot list folder: " + ec.message()});
      return;
    }
    std::vector<fs::path> children;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) {
        out_.errors.push_back({prefix.empty() ? "." : prefix, StatusCode::kIo, "folder listing failed: " + ec.message()});
        break;
      }
      children.push_back(it->path());
    }
    std::sort(children.begin(), children.end());
    for (const auto& c : children) {
      std::string name = prefix.empty() ? c.filename().string() : prefix + "/" + c.filename().string();
      Entry(c, name, false);
    }
  }

  void Entry(const fs::path& p, const std::string& display, bool top) {
    struct stat lst;
    if (::lstat(p.c_str(), &lst) != 0) {
      out_.errors.push_back({display, StatusCode::kIo, std::strerror(errno)});
      return;
    }
    if (S_ISLNK(lst.st_mode) && !top) {
      std::error_code ec;
      fs::path target = fs::canonical(p, ec);
      if (ec) {
        out_.errors.push_back({display, StatusCode::kIo, "broken symbolic link"});
        return;
      }
      if (!Inside(target, root_)) {
        out_.errors.push_back(
            {display, StatusCode::kUnsupported, "symbolic link to outside the scanned folder; not followed"});
      }
      return;  // a link inside the root: its target is scanned where it lives
    }
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      out_.errors.push_back({display, StatusCode::kIo, std::strerror(errno)});
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      if (::access(p.c_str(), R_OK | X_OK) != 0) {
        out_.errors.push_back({display, StatusCode::kIo, "cannot open folder: " + std::string(std::strerror(errno))});
        return;
      }
      Dir(p, display);
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      out_.errors.push_back({display, StatusCode::kUnsupported, KindOf(st.st_mode) + ", not a regular file"});
      return;
    }
    out_.files.push_back({p, display, static_cast<uint64_t>(st.st_size)});
  }

  WalkResult& out_;
  fs::path root_;
};

}  // namespace

WalkResult Walk(const std::vector<fs::path>& roots) {
  WalkResult out;
  Walker w(out);
  for (const auto& r : roots) w.Root(r);
  std::stable_sort(out.files.begin(), out.files.end(),
                   [](const FileEntry& a, const FileEntry& b) { return a.display < b.display; });
  return out;
}

}  // namespace breachscope::input
