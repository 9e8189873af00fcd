#include "extract/registry.h"

namespace breachscope::extract {

// Not built yet: the scan reports these files as unsupported.
const Extractor* MailExtractor() { return nullptr; }

}  // namespace breachscope::extract
