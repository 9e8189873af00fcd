// Shared set-up for the fuzz targets: the scanner and unit processor built once.
#pragma once

#include <cstdlib>
#include <memory>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/scanner.h"
#include "records/unit_processor.h"

namespace breachscope::fuzz {

struct Engine {
  std::shared_ptr<const detect::NameLexicon> lexicon;
  std::unique_ptr<detect::Scanner> scanner;
  std::unique_ptr<records::UnitProcessor> processor;
};

inline const Engine& GetEngine() {
  static const Engine* engine = [] {
    auto* e = new Engine;
    auto labels = detect::LabelTable::LoadEmbedded();
    auto lex = detect::NameLexicon::LoadEmbedded();
    if (!labels.ok() || !lex.ok()) std::abort();
    e->lexicon = *lex;
    e->scanner = std::make_unique<detect::Scanner>(*labels, detect::Date{2026, 1, 1});
    e->processor = std::make_unique<records::UnitProcessor>(*e->scanner, *e->lexicon, records::ProcessorOptions{});
    return e;
  }();
  return *engine;
}

}  // namespace breachscope::fuzz
