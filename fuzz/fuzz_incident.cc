// Fuzz target: notify::ParseIncident on arbitrary bytes (yaml-cpp parsing, key and
// value validation). Every input must give an Incident or an error naming a key; an
// error message must never echo a value it was given (values may be identifiers).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "notify/incident.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace breachscope;
  static const std::vector<std::string> kStates = {"MO", "MN", "CA", "TX", "NY"};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto incident = notify::ParseIncident(text, kStates);
  if (!incident.ok() && incident.status().message().empty()) std::abort();
  return 0;
}
