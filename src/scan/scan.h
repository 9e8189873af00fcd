// scan/scan.h — the scan: PATHs in, the contract's output files out.
//
// RunScan() walks the PATHs, plans each file (encoding, format, table header; or a
// container, opened by extract/ into members scanned recursively), and runs a pool
// of `jobs` workers over files and over chunks of large files. Each worker reads a
// chunk, hands it to records::UnitProcessor (detect + records + decoded runs),
// redacts the candidates at once (fingerprints and masks only), and commits the
// chunk's rows and record summaries to the case store (DIR/case.db), so memory does
// not grow with the corpus and a killed scan resumes where it stopped. When the
// workers are done, people are resolved and findings.jsonl, people.jsonl,
// errors.jsonl and summary.json are written from the store, in path order whatever
// the job count.
//
// Every file and every chunk is its own catch point: a failure there becomes an
// errors.jsonl line and the scan goes on.
//
// Thread-safety: RunScan() is called once per process; it owns its threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "extract/extractor.h"

namespace breachscope::scan {

struct ScanConfig {
  std::vector<std::filesystem::path> paths;
  std::filesystem::path out_dir;
  std::filesystem::path key_file;  // empty: DIR/case.key
  int jobs = 0;                    // 0: all cores
  float min_confidence = 0.5f;
  bool quiet = false;
  bool progress = false;           // draw a progress bar on stderr
  // Large UTF-8 files are split into chunks of this size; a worker holds one chunk's
  // candidates at a time, so on dense data memory per worker is proportional to it.
  uint64_t chunk_bytes = 2u << 20;
  int max_depth = 16;
  extract::OcrMode ocr = extract::OcrMode::kAuto;
  // --layout: a fixed-width layout file (records/fixed_width.h); empty: none (layouts are
  // then inferred where a text file is recognisably fixed-width).
  std::filesystem::path layout_file;
  // Container budgets (expanded bytes, ratio, members, child-process time); depth,
  // OCR and the temporary folder are set from the fields above and out_dir.
  extract::Budget budget;
};

struct ScanResult {
  uint64_t files = 0, bytes = 0, findings = 0, individuals = 0, errors = 0;
  double seconds = 0;
  std::string summary_json;
};

// kInvalidArgument: bad usage (exit 2); other codes: the scan could not complete (exit 1).
// A case already in out_dir is resumed/updated: files the case store holds completely
// (same path, size, mtime and inode, or the same content) are not read again.
Result<ScanResult> RunScan(const ScanConfig& config);

// Writes the output files of the last scan of the case in `case_dir` into `out_dir`
// from the case store alone (no input is read, no key is needed).
Result<ScanResult> ExportCase(const std::filesystem::path& case_dir, const std::filesystem::path& out_dir);

}  // namespace breachscope::scan
