#include "extract/registry.h"

#include "extract/extractor.h"

namespace breachscope::extract {

// Order matters: Office files and HAR/EPUB-like zips are asked before the generic
// archive reader, which takes any zip.
const std::vector<const Extractor*>& AllExtractors() {
  static const std::vector<const Extractor*> all = [] {
    std::vector<const Extractor*> v;
    for (const Extractor* e : {OfficeExtractor(), PdfExtractor(), ImageExtractor(), MailExtractor(),
                               PstExtractor(), HarExtractor(), HtmlExtractor(), SqliteExtractor(), MdbExtractor(),
                               LegacyOfficeExtractor(), ArchiveExtractor()})
      if (e) v.push_back(e);
    return v;
  }();
  return all;
}

const Extractor* FindExtractor(std::string_view file_name, std::string_view head) {
  for (const Extractor* e : AllExtractors())
    if (e->Accepts(file_name, head)) return e;
  return nullptr;
}

}  // namespace breachscope::extract
