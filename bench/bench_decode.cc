// Micro-benchmarks of the encoded-run finders (decode/encoded_runs.h) over text
// without encodings (a plain CSV, prose, a key=value log, source code full of long
// identifiers and paths that the base64 finder must reject: the common case, where
// the finders must cost next to nothing) and over text dense with them.
// BS_DECODE_BENCH_DIR=<dir> adds a run over the files of a directory (up to 256 MB,
// in 1 MiB pieces like the scanner's units), e.g. /tmp/sparse or the sparse corpus.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "decode/base64_runs.h"
#include "decode/encoded_runs.h"

namespace {

using namespace breachscope;

std::string Repeat(const std::vector<std::string>& lines, size_t bytes) {
  std::mt19937 rng(11);
  std::string s;
  s.reserve(bytes + 256);
  while (s.size() < bytes) s += lines[rng() % lines.size()];
  return s;
}

std::string PlainCsv(size_t bytes) {
  return Repeat({"1001,Dana,Whitfield,412-63-7781,07/19/1984,(573) 882-4410,dana@example.org,12 Elm St,Columbia,MO,65201\n",
                 "1002,Marcus,Oyelaran,529449023,1979-02-11,573.555.0142,m.oyelaran@example.net,88 Oak Ave,Edina,MN,55435\n",
                 "1003,Rosa,Delgado,,1958-04-22,,rosa@example.com,4 Pine Rd Apt 2,Austin,TX,78701\n"},
                bytes);
}

std::string KeyValueLog(size_t bytes) {
  return Repeat({"2023-03-01T12:34:56Z INFO user=4411 ip=10.2.33.4 path=/api/v1/orders/88123 took=34ms status=200\n",
                 "2023-03-01T12:34:57Z WARN retry=2 backoff=150ms id=e3b0c44298fc1c149afbf4c8996fb924 done=false\n",
                 "The committee met on Tuesday to review the budget & the staffing plan; 50% of it was approved.\n"},
                bytes);
}

std::string Encoded(size_t bytes) {
  return Repeat({"GET /s?q=name%3DJane%20Public%26ssn%3D412-63-7781 HTTP/1.1\n",
                 "<td>&#52;&#49;&#50;&#45;&#54;&#51;&#45;&#55;&#55;&#56;&#49;</td>\n",
                 "var s = \"\\u0034\\u0031\\u0032\\u0036\\u0033\\u0037\\u0037\\u0038\\u0031\";\n",
                 "blob=eyJuYW1lIjogIkRhbmEgV2hpdGZpZWxkIiwgInNzbiI6ICI0MTI2Mzc3ODEifQ==\n",
                 "hex=53534e203431322d36332d37373831206f662044616e612057686974\n"},
                bytes);
}

// C and Python source: identifiers, include paths, format strings, hashes.
std::string SourceCode(size_t bytes) {
  return Repeat({"static int ngx_http_upstream_process_non_buffered_downstream(ngx_http_request_t *r) {\n",
                 "#include \"../../third_party/boringssl/src/include/openssl/base64.h\"\n",
                 "    printf(\"%s: %d bytes from %s\\n\", __func__, nread, conf->upstream_server_name);\n",
                 "        self.assertEqual(resolveConfigurationPath(DEFAULT_CONFIG_DIR), expectedAbsolutePath)\n",
                 "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30 /usr/share/doc/libssl-dev/changelog.Debian.gz\n",
                 "    checksum = \"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n",
                 "    return getElementsByClassName(documentFragment, HTMLInputElementSelector);\n"},
                bytes);
}

template <std::string (*Make)(size_t)>
void BM_FindEncodedRuns(benchmark::State& state) {
  std::string text = Make(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(decode::FindEncodedRuns(text).size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK_TEMPLATE(BM_FindEncodedRuns, PlainCsv)->Arg(100 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_FindEncodedRuns, KeyValueLog)->Arg(16 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_FindEncodedRuns, Encoded)->Arg(4 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_FindEncodedRuns, SourceCode)->Arg(16 << 20)->Unit(benchmark::kMillisecond);

void BM_FindEncodedRunsDir(benchmark::State& state) {
  const char* dir = std::getenv("BS_DECODE_BENCH_DIR");
  std::vector<std::string> texts;
  size_t total = 0;
  if (dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (total >= (256u << 20)) break;
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      total += ss.str().size();
      texts.push_back(ss.str());
    }
  }
  if (texts.empty()) {
    state.SkipWithError("set BS_DECODE_BENCH_DIR to a directory of text files");
    return;
  }
  constexpr size_t kPiece = 1 << 20;
  for (auto _ : state)
    for (const auto& t : texts)
      for (size_t off = 0; off < t.size(); off += kPiece)
        benchmark::DoNotOptimize(decode::FindEncodedRuns(std::string_view(t).substr(off, kPiece)).size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total));
}
BENCHMARK(BM_FindEncodedRunsDir)->Unit(benchmark::kMillisecond);

// The base64 finder alone, for comparison with what the new finders add.
void BM_FindBase64RunsCsv(benchmark::State& state) {
  std::string text = PlainCsv(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(decode::FindBase64Runs(text).size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_FindBase64RunsCsv)->Arg(100 << 20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
