// Shared set-up for unit tests that need the detector: the embedded label table,
// name lexicon and a scanner whose "today" is fixed (2026-01-01), built once per test
// binary. The fuzz targets have the same in fuzz/fuzz_util.h.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "records/unit_processor.h"

namespace breachscope::testing_engine {

inline constexpr detect::Date kToday{2026, 1, 1};

inline const detect::Scanner& TheScanner() {
  static const detect::Scanner* s = [] {
    auto labels = detect::LabelTable::LoadEmbedded();
    EXPECT_TRUE(labels.ok()) << labels.status().ToString();
    return new detect::Scanner(*labels, kToday);
  }();
  return *s;
}

inline const detect::NameLexicon& Lex() {
  static std::shared_ptr<const detect::NameLexicon> lex = [] {
    auto l = detect::NameLexicon::LoadEmbedded();
    EXPECT_TRUE(l.ok());
    return *l;
  }();
  return *lex;
}

// A unit processor with default options over the scanner and lexicon above.
inline const records::UnitProcessor& TheProcessor() {
  static const records::UnitProcessor* p = new records::UnitProcessor(TheScanner(), Lex(), records::ProcessorOptions{});
  return *p;
}

}  // namespace breachscope::testing_engine
