// input/walker.h — PATH arguments into the list of files to scan.
//
// Walk() expands each PATH: a regular file is one entry named by its basename; a
// folder is walked recursively, entries named relative to it. Symbolic links are
// not followed out of the root: a link to something outside the root, or a broken
// link, is an errors.jsonl entry; a link to something inside is skipped because the
// target is walked anyway. Sockets, FIFOs and devices are errors ("unsupported"),
// unreadable files and folders are errors ("io"); none of them stops the walk.
//
// Display paths are raw here; scan/ masks identifiers in them before output.
//
// Thread-safety: pure function over the file system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/item_error.h"

namespace breachscope::input {

struct FileEntry {
  std::filesystem::path path;   // to open
  std::string display;          // contract `path` (levels not yet masked)
  uint64_t size = 0;
};

struct WalkResult {
  std::vector<FileEntry> files;   // sorted by display path
  std::vector<ItemError> errors;
};

WalkResult Walk(const std::vector<std::filesystem::path>& roots);

}  // namespace breachscope::input
