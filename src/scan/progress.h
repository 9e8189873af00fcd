// scan/progress.h — a progress line on stderr while a scan runs.
//
// Redraws every 200 ms: files done/total, bytes, MB/s, ETA and findings so far.
// Reads the workers' atomic counters; never prints anything from the data.
//
// Thread-safety: owns one drawing thread; the counters are atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace breachscope::scan {

class Progress {
 public:
  Progress(uint64_t files_total, uint64_t bytes_total, const std::atomic<uint64_t>* files_done,
           const std::atomic<uint64_t>* bytes_done, const std::atomic<uint64_t>* findings);
  ~Progress();  // draws the final line and stops

 private:
  void Draw(bool final);
  uint64_t files_total_, bytes_total_;
  const std::atomic<uint64_t>* files_done_;
  const std::atomic<uint64_t>* bytes_done_;
  const std::atomic<uint64_t>* findings_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace breachscope::scan
