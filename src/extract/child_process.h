// extract/child_process.h — run a helper program (pdftotext, xls2csv, mdb-export)
// under a time and memory limit.
//
// GPL tools (poppler) are only ever run as separate programs, and a separate
// process is also our crash isolation: a parser that crashes or spins on hostile
// input costs one member, never the scan.
//
// The child gets an empty environment except PATH and LANG=C.UTF-8, stdin from
// `stdin_bytes` (or /dev/null), its stdout captured up to `max_output` bytes, and
// its stderr discarded, or its first `max_stderr` bytes kept when that is non-zero
// (for callers that tell failures apart by a tool's message, e.g. pdftotext's
// "Incorrect password"; never copy it into error details: it may quote paths or
// content). It runs in its own process group, which is killed when the wall-time
// limit passes.
//
// Errors: kLimit when the time or output limit was hit (the child is killed);
// kIo when the program could not be started; a non-zero exit is not an error here
// (ChildOutput::exit_code says it; callers decide).
//
// Thread-safety: safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace breachscope::extract {

struct ChildLimits {
  int seconds = 120;                    // wall time
  uint64_t memory_bytes = 2ull << 30;   // RLIMIT_AS
  uint64_t max_output = 1ull << 30;     // stdout bytes kept
  uint64_t max_stderr = 0;              // stderr bytes kept in ChildOutput::err (0: discarded)
};

struct ChildOutput {
  std::string out;      // stdout
  int exit_code = 0;    // exit status, or 128 + signal
  std::string err;      // the first ChildLimits::max_stderr bytes of stderr (the rest is drained)
};

// argv[0] is looked up in PATH.
Result<ChildOutput> RunChild(const std::vector<std::string>& argv, const ChildLimits& limits,
                             std::string_view stdin_bytes = {});

// True when `program` is found in PATH (an optional tool may be missing).
bool HaveProgram(std::string_view program);

// Every program an extractor runs. Which of them are installed decides what rows a
// file gives (a PDF without pdftotext gives an error line), so the case store's
// reuse of earlier rows depends on it (scan::SettingsFingerprint).
inline constexpr std::string_view kHelperPrograms[] = {"pdftotext", "pdftoppm", "antiword", "catdoc",
                                                       "xls2csv",   "catppt",   "mdb-tables", "mdb-export"};

}  // namespace breachscope::extract
