// Replay driver for the fuzz targets when libFuzzer is not the engine: runs
// LLVMFuzzerTestOneInput on every file under the folders given (the target's corpus
// and regressions), so the normal build and ctest exercise every target.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t n = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    if (!std::filesystem::exists(argv[i], ec)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i], ec)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++n;
    }
  }
  // Plus a few built-in edge cases, so a target with an empty corpus still runs.
  const std::string edges[] = {"", "\n", "@", "0", "==", "\"", "(", "123-45-6789", std::string(1000, '9'),
                               "QUJD" + std::string(100, 'A') + "=="};
  for (const auto& s : edges) LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::printf("replayed %zu corpus inputs and %zu edge cases\n", n, std::size(edges));
  return 0;
}
