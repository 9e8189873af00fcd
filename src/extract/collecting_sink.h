// extract/collecting_sink.h — a MemberSink that keeps what it is given.
//
// For tests, fuzzers and tools: members (with file-backed ones read into `data`
// and their temporary files removed) and errors, in order. Optionally stops after
// `stop_after` members with a kLimit status, to test that extractors stop.
//
// Thread-safety: one instance per thread.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extractor.h"

namespace breachscope::extract {

class CollectingSink : public MemberSink {
 public:
  struct ErrorEntry {
    std::string member;
    StatusCode reason;
    std::string detail;
  };

  explicit CollectingSink(Budget budget = {}) : budget_(std::move(budget)) {}

  Status Add(Member&& m) override {
    if (!m.file.empty()) {
      std::ifstream in(m.file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      m.data = ss.str();
      std::error_code ec;
      std::filesystem::remove(m.file, ec);
      m.file.clear();
      ++file_backed;
    }
    members.push_back(std::move(m));
    if (stop_after && members.size() >= stop_after) return LimitError("test sink: member limit");
    return Status::Ok();
  }
  void Error(std::string_view member, StatusCode reason, std::string detail) override {
    errors.push_back({std::string(member), reason, std::move(detail)});
  }
  const Budget& budget() const override { return budget_; }

  std::vector<Member> members;
  std::vector<ErrorEntry> errors;
  size_t file_backed = 0;
  size_t stop_after = 0;

 private:
  Budget budget_;
};

}  // namespace breachscope::extract
