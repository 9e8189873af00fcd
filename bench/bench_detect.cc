// Micro-benchmarks of the hot path: the SIMD skip, the scanner over digit-dense
// text, and a whole text unit through the records processor. Corpus-level MB/s and
// peak memory against the reference scanners are measured by bench/run_bench.sh.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "detect/simd_skip.h"
#include "records/column_typing.h"
#include "records/format.h"
#include "records/unit_processor.h"

namespace breachscope {
// The corpus benchmark digests canonical values (never prints them) to tell whether an
// optimisation changed a finding; model/sensitive.h names this class as the friend.
class RevealPassForTests {
 public:
  static RevealPass Pass() { return RevealPass(); }
};
}  // namespace breachscope

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

// A folder of plain text files (BS_BENCH_CORPUS=DIR, e.g. the benchmark corpus with its
// archives unpacked), each read whole as one unit the way the scan plans it (format
// sniffed, CSV header typed). Reports bytes/s and a digest of every finding (type,
// span, confidence, record, line, column, canonical value), so a change that should
// only be faster can be checked to leave the findings alone.
struct CorpusUnit {
  std::string name, text;
  records::Format format;
  std::optional<records::Table> table;
};

void BM_Corpus(benchmark::State& state) {
  const char* dir = std::getenv("BS_BENCH_CORPUS");
  if (!dir) {
    state.SkipWithError("set BS_BENCH_CORPUS to a folder of plain text files");
    return;
  }
  if (std::getenv("BS_BENCH_NO_TRIM")) {
    // What keeping freed memory (no trimming, no mmap for big blocks) would save the
    // detect stage in page faults: a process-wide setting, for the binary's main to decide.
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
  }
  auto labels = detect::LabelTable::LoadEmbedded();
  auto lex = detect::NameLexicon::LoadEmbedded();
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  records::UnitProcessor processor(scanner, **lex, records::ProcessorOptions{});
  std::vector<CorpusUnit> units;
  size_t bytes = 0;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    CorpusUnit u;
    u.name = p.filename().string();
    u.text = ss.str();
    std::string_view head = std::string_view(u.text).substr(0, 64 * 1024);
    u.format = records::SniffFormat(u.name, head);
    if (u.format == records::Format::kCsv || u.format == records::Format::kTsv)
      u.table = records::ReadTypedTable(head, u.format == records::Format::kTsv ? '\t' : ',', **labels,
                                        records::TypingContext{**lex, scanner.today()});
    bytes += u.text.size();
    units.push_back(std::move(u));
  }
  uint64_t digest = 0, findings = 0;
  for (auto _ : state) {
    digest = 0;
    findings = 0;
    for (const auto& u : units) {
      records::UnitInput in;
      in.text = u.text;
      in.format = u.format;
      in.table = u.table ? &*u.table : nullptr;
      records::UnitOutput out;
      processor.Process(in, out);
      state.PauseTiming();
      for (const auto& f : out.findings) {
        const Candidate& c = f.candidate;
        std::string key = std::to_string(static_cast<int>(c.type)) + ":" + std::to_string(c.begin) + ":" +
                          std::to_string(c.end) + ":" + std::to_string(c.confidence) + ":" +
                          std::to_string(c.record) + ":" + std::to_string(c.location.line) + ":" +
                          std::to_string(c.location.offset) + ":" + c.location.column + ":" +
                          std::to_string(f.chain) + ":" + c.canonical.Reveal(RevealPassForTests::Pass());
        digest = digest * 1000003u ^ std::hash<std::string>{}(key);
        ++findings;
      }
      state.ResumeTiming();
    }
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["digest"] = static_cast<double>(digest % 1000000007u);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Corpus)->Unit(benchmark::kSecond)->Iterations(1);

// The scanner alone over the same folder (BS_BENCH_CORPUS), each file one request with
// no fields: the detect pass's own cost without records/, and a digest of every
// candidate (type, span, confidence, canonical) to tell a faster scanner from a
// different one.
void BM_ScanCorpus(benchmark::State& state) {
  const char* dir = std::getenv("BS_BENCH_CORPUS");
  if (!dir) {
    state.SkipWithError("set BS_BENCH_CORPUS to a folder of plain text files");
    return;
  }
  auto labels = detect::LabelTable::LoadEmbedded();
  detect::Scanner scanner(*labels, detect::Date{2026, 1, 1});
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (const auto& p : paths) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    texts.push_back(ss.str());
    bytes += texts.back().size();
  }
  uint64_t digest = 0, found = 0;
  std::vector<Candidate> out;
  for (auto _ : state) {
    digest = 0;
    found = 0;
    for (const auto& t : texts) {
      out.clear();
      detect::ScanRequest req;
      req.text = t;
      scanner.Scan(req, out);
      state.PauseTiming();
      for (const auto& c : out) {
        std::string key = std::to_string(static_cast<int>(c.type)) + ":" + std::to_string(c.begin) + ":" +
                          std::to_string(c.end) + ":" + std::to_string(c.confidence) + ":" +
                          c.canonical.Reveal(RevealPassForTests::Pass());
        digest = digest * 1000003u ^ std::hash<std::string>{}(key);
        ++found;
      }
      state.ResumeTiming();
    }
  }
  state.counters["candidates"] = static_cast<double>(found);
  state.counters["digest"] = static_cast<double>(digest % 1000000007u);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ScanCorpus)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
