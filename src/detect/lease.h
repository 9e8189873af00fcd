// detect/lease.h — a vector borrowed from this thread's pool and given back, cleared,
// with its capacity: every window and field of the name and address parsers used to
// allocate its token and fact arrays.
//
// Thread-safety: each thread has its own pool (thread_local); a Lease stays on the
// thread that made it.
#pragma once

#include <memory>
#include <vector>

namespace breachscope::detect {

template <typename T>
class Lease {
 public:
  Lease() {
    auto& pool = Pool();
    if (pool.empty()) {
      v_ = std::make_unique<std::vector<T>>();
    } else {
      v_ = std::move(pool.back());
      pool.pop_back();
    }
  }
  ~Lease() {
    auto& pool = Pool();
    if (v_->capacity() <= 4096 && pool.size() < 8) {  // a huge one is given back to the heap
      v_->clear();
      pool.push_back(std::move(v_));
    }
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  std::vector<T>& operator*() const { return *v_; }

 private:
  static std::vector<std::unique_ptr<std::vector<T>>>& Pool() {
    thread_local std::vector<std::unique_ptr<std::vector<T>>> pool;
    return pool;
  }
  std::unique_ptr<std::vector<T>> v_;
};

}  // namespace breachscope::detect
