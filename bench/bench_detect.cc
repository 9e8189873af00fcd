// Micro-benchmarks of the hot path: the SIMD skip, the scanner over digit-dense
// text, and a whole text unit through the records processor. Corpus-level MB/s and
// peak memory against the reference scanners are measured by bench/run_bench.sh.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "detect/simd_skip.h"
#include "records/unit_processor.h"

namespace {

using namespace breachscope;

std::string DigitDenseText(size_t bytes) {
  std::mt19937 rng(7);
  std::string s;
  const char* lines[] = {
      "2023-03-01T12:34:56Z INFO user=4411 ip=10.2.33.4 path=/api/v1/orders/88123 took=34ms\n",
      "Dana Whitfield, SSN 412-63-7781, DOB 07/19/1984, phone (573) 882-4410, dana@example.org\n",
      "Invoice 123456789 paid on 2023-03-01 amount 1234.56 ref 55012 zip 65201-1234\n",
      "The committee met on Tuesday to review the budget and the staffing plan for next year.\n",
      "card 4111 1111 1111 1111 exp 12/27; acct 000123456789 routing 121000358\n"};
  while (s.size() < bytes) s += lines[rng() % 5];
  return s;
}

void BM_SimdSkip(benchmark::State& state) {
  std::string text = DigitDenseText(4 << 20);
  for (auto _ : state) {
    size_t n = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = detect::NextInteresting(p, end)) < end) {
      ++n;
      ++p;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_SimdSkip);

void BM_Scanner(benchmark::State& state) {
  auto labels = detect::LabelTable::LoadEmbedded();
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  std::string text = DigitDenseText(4 << 20);
  std::vector<Candidate> out;
  for (auto _ : state) {
    out.clear();
    detect::ScanRequest req;
    req.text = text;
    scanner.Scan(req, out);
    benchmark::DoNotOptimize(out.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Scanner);

void BM_UnitProcessor(benchmark::State& state) {
  auto labels = detect::LabelTable::LoadEmbedded();
  auto lex = detect::NameLexicon::LoadEmbedded();
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  records::UnitProcessor processor(scanner, **lex, records::ProcessorOptions{});
  std::string text = DigitDenseText(4 << 20);
  for (auto _ : state) {
    records::UnitInput in;
    in.text = text;
    in.format = records::Format::kLog;
    records::UnitOutput out;
    processor.Process(in, out);
    benchmark::DoNotOptimize(out.findings.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_UnitProcessor);

}  // namespace

BENCHMARK_MAIN();
