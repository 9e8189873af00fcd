// bench_redact — what one finding's redaction costs: the contract fingerprint
// (HMAC-SHA256 of "type:canonical" under the case key) and the mask. The dense
// benchmark GB holds ~15 M findings, so these per-value figures times 15 M are a floor
// for that corpus that no scan order or thread layout removes.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "redact/redactor.h"

namespace {

using breachscope::Candidate;
using breachscope::PiiType;
using breachscope::Sensitive;

std::shared_ptr<const breachscope::redact::Redactor> TestRedactor() {
  auto r = breachscope::redact::Redactor::Create(std::string(32, 'k'));
  if (!r.ok()) std::abort();
  return *r;
}

// Synthetic canonical values of the two commonest shapes on the dense corpus.
std::vector<Sensitive> Values(PiiType type, size_t n) {
  std::vector<Sensitive> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (type == PiiType::kEmail)
      v.emplace_back("first.last" + std::to_string(i) + "@example.com");
    else
      v.emplace_back(std::to_string(100000000 + (i * 7919) % 800000000));  // 9 digits
  }
  return v;
}

void BM_Fingerprint(benchmark::State& state) {
  const auto type = static_cast<PiiType>(state.range(0));
  auto redactor = TestRedactor();
  breachscope::redact::HmacScratch scratch;
  const std::vector<Sensitive> values = Values(type, 4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(redactor->Hash(type, values[i++ & 4095], scratch));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Fingerprint)->Arg(static_cast<int>(PiiType::kSsn))->Arg(static_cast<int>(PiiType::kEmail));

// Fingerprint, mask and (for contact types) the contact value: what the work phase
// does per finding before it stores the row.
void BM_Redact(benchmark::State& state) {
  const auto type = static_cast<PiiType>(state.range(0));
  auto redactor = TestRedactor();
  breachscope::redact::HmacScratch scratch;
  const std::vector<Sensitive> values = Values(type, 4096);
  std::vector<Candidate> cands(values.size());
  for (size_t k = 0; k < values.size(); ++k) {
    cands[k].type = type;
    cands[k].canonical = values[k];
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(redactor->Redact(cands[i++ & 4095], scratch));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Redact)->Arg(static_cast<int>(PiiType::kSsn))->Arg(static_cast<int>(PiiType::kEmail));

// The 64 hex digits of a fingerprint, appended to an output line.
void BM_AppendHex(benchmark::State& state) {
  breachscope::redact::Fingerprint fp{};
  for (size_t k = 0; k < fp.size(); ++k) fp[k] = static_cast<uint8_t>(k * 37);
  std::string out;
  for (auto _ : state) {
    out.clear();
    breachscope::redact::AppendHex(out, fp);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendHex);

}  // namespace

BENCHMARK_MAIN();
