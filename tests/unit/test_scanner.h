// The scanner as the detect tests use it: one shared Scanner over the embedded labels
// (today fixed at 2026-11-22, so birth-date rules do not move), and findings as
// (type, canonical value) pairs that gtest can compare and print.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/labels.h"
#include "detect/scanner.h"
#include "test_reveal.h"

namespace breachscope::detect {

inline const Scanner& TheScanner() {
  static Scanner* s = [] {
    auto labels = LabelTable::LoadEmbedded();
    EXPECT_TRUE(labels.ok()) << labels.status().ToString();
    return new Scanner(*labels, Date{2026, 11, 22});
  }();
  return *s;
}

struct Found {
  std::string type, value;
  bool operator==(const Found&) const = default;
};
inline std::ostream& operator<<(std::ostream& o, const Found& f) { return o << f.type << ":" << f.value; }

// Findings of `text` with confidence >= `min_conf` whose type `keep` accepts.
template <typename Keep>
std::vector<Found> ScanFound(std::string_view text, float min_conf, Keep keep) {
  std::vector<Candidate> out;
  ScanRequest req;
  req.text = text;
  TheScanner().Scan(req, out);
  std::vector<Found> f;
  for (const auto& c : out)
    if (c.confidence >= min_conf && keep(c.type))
      f.push_back({std::string(TypeName(c.type)), c.canonical.Reveal(RevealPassForTests::Pass())});
  return f;
}

}  // namespace breachscope::detect
