#include "scan/progress.h"

#include <cstdio>

namespace breachscope::scan {

Progress::Progress(uint64_t files_total, uint64_t bytes_total, const std::atomic<uint64_t>* files_done,
                   const std::atomic<uint64_t>* bytes_done, const std::atomic<uint64_t>* findings)
    : files_total_(files_total),
      bytes_total_(bytes_total),
      files_done_(files_done),
      bytes_done_(bytes_done),
      findings_(findings),
      start_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) Draw(false);
  });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Draw(true);
}

void Progress::Draw(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t bytes = std::min(bytes_done_->load(), bytes_total_);
  double mbps = secs > 0 ? bytes / secs / 1e6 : 0;
  double frac = bytes_total_ ? static_cast<double>(bytes) / bytes_total_ : 1.0;
  const int width = 24;
  int filled = static_cast<int>(frac * width);
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = 0;
  double eta = mbps > 0 ? (bytes_total_ - bytes) / (mbps * 1e6) : 0;
  std::fprintf(stderr, "\r[%s] %3.0f%%  files %llu/%llu  %.1f/%.1f MB  %.0f MB/s  ETA %.0fs  findings %llu   %s", bar,
               frac * 100, static_cast<unsigned long long>(files_done_->load()),
               static_cast<unsigned long long>(files_total_), bytes / 1e6, bytes_total_ / 1e6, mbps,
               final ? 0.0 : eta, static_cast<unsigned long long>(findings_->load()), final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace breachscope::scan
