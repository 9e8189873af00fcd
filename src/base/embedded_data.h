// base/embedded_data.h — the files under data/ (name lists, header synonyms, ...),
// compiled into the binary by cmake/embed_data.cmake so a scan needs no install path.
//
// Thread-safe: the data is immutable static storage.
#pragma once

#include <string_view>

namespace breachscope {

// The bytes of data/<relative_path> (e.g. "names/first.txt"); empty when no such file.
std::string_view EmbeddedFile(std::string_view relative_path);

}  // namespace breachscope
