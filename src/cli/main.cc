// breachscope — the only main: flags into a validated config, then run.
//
// Exit status (contract): 0 when the scan completed (unreadable files are in
// errors.jsonl), 2 on bad usage, 1 on a failure that stopped the scan.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "notify/notify.h"
#include "scan/scan.h"
#include "store/case_store.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int RunScanCommand(const breachscope::scan::ScanConfig& config) {
  auto result = breachscope::scan::RunScan(config);
  if (!result.ok()) {
    std::fprintf(stderr, "breachscope: %s\n", result.status().message().c_str());
    return result.status().code() == breachscope::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (!config.quiet) {
    std::fputs(result->summary_json.c_str(), stdout);
    std::fprintf(stderr, "breachscope: %llu files, %.1f MB in %.2f s (%.0f MB/s): %llu findings, %llu individuals, %llu errors\n",
                 static_cast<unsigned long long>(result->files), result->bytes / 1e6, result->seconds,
                 result->seconds > 0 ? result->bytes / result->seconds / 1e6 : 0.0,
                 static_cast<unsigned long long>(result->findings),
                 static_cast<unsigned long long>(result->individuals),
                 static_cast<unsigned long long>(result->errors));
  }
  return kExitOk;
}

// `export all` writes every output file into --out (default: the case folder);
// `export findings|people|errors|summary` prints that one file.
int RunExportCommand(const std::string& what, const std::string& case_dir, const std::string& out_dir) {
  namespace fs = std::filesystem;
  const bool all = what == "all";
  fs::path target = all ? fs::path(out_dir.empty() ? case_dir : out_dir) : fs::path(case_dir) / ".export";
  auto result = breachscope::scan::ExportCase(case_dir, target);
  if (!result.ok()) {
    std::fprintf(stderr, "breachscope: %s\n", result.status().message().c_str());
    return result.status().code() == breachscope::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (all) return kExitOk;
  const char* name = what == "findings" ? "findings.jsonl"
                     : what == "people" ? "people.jsonl"
                     : what == "errors" ? "errors.jsonl"
                                        : "summary.json";
  {
    std::ifstream in(target / name, std::ios::binary);
    std::cout << in.rdbuf();
  }
  std::error_code ec;
  fs::remove_all(target, ec);
  return std::cout.good() ? kExitOk : kExitFailure;
}

// `compact --case DIR`: forgets files that are not part of the case's last scan.
int RunCompactCommand(const std::string& case_dir, bool quiet) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(case_dir) / "case.db", ec)) {
    std::fprintf(stderr, "breachscope: no case in %s\n", case_dir.c_str());
    return kExitUsage;
  }
  auto store = breachscope::store::CaseStore::Open(fs::path(case_dir) / "case.db");
  auto report = store.ok() ? (*store)->Compact() : breachscope::Result<breachscope::store::CompactReport>(store.status());
  if (!report.ok()) {
    std::fprintf(stderr, "breachscope: %s\n", report.status().message().c_str());
    return report.status().code() == breachscope::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (!quiet)
    std::fprintf(stderr, "breachscope: %llu files and %llu chunks forgotten; case (case.db and chunk segments) %.1f MB -> %.1f MB\n",
                 static_cast<unsigned long long>(report->files_removed),
                 static_cast<unsigned long long>(report->chunks_removed), report->bytes_before / 1e6,
                 report->bytes_after / 1e6);
  return kExitOk;
}

int RunNotifyCommand(const breachscope::notify::NotifyConfig& config, bool quiet) {
  auto result = breachscope::notify::RunNotify(config);
  if (!result.ok()) {
    std::fprintf(stderr, "breachscope: %s\n", result.status().message().c_str());
    return result.status().code() == breachscope::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (!config.explain_person.empty()) {
    std::fputs(result->explanation.c_str(), stdout);
  } else if (!quiet) {
    std::fprintf(stderr,
                 "breachscope: %d people, %d to notify (%d by mail, %d substitute notice, %d with email) in %d "
                 "jurisdictions; %d letter variants, %d letter pages\n",
                 result->people, result->to_notify, result->mailed, result->substitute, result->emails,
                 result->jurisdictions, result->variants, result->letter_pages);
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Tesseract is built with OpenMP; with several scan workers each OCR call must stay
  // on its own thread (Tesseract's advice). libgomp reads the limit when it loads, so
  // it is set by running ourselves again once with it in the environment.
  if (!std::getenv("OMP_THREAD_LIMIT")) {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv("/proc/self/exe", argv);  // on failure, go on without the limit
  }
  // Workers allocate and free chunk-sized buffers all the time; keeping them in the
  // heap instead of mmap/munmap each time saves the page faults (measured: ~20% of CPU).
  // This tunes glibc's malloc (sanitizer builds); with jemalloc (the default build) it
  // does nothing, and jemalloc keeps freed pages for reuse on its own.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  CLI::App app{
      "breachscope: find the personal information in breached data, tie it to people, and write\n"
      "fingerprinted findings, people and totals (no plaintext identifiers)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "breachscope 0.1.0 (output contract 1)");

  breachscope::scan::ScanConfig config;
  std::vector<std::string> paths;
  std::string out_dir, key_file, ocr = "auto";
  auto* scan = app.add_subcommand("scan", "Scan files and folders and write the case's output files into --out.");
  scan->add_option("PATH", paths, "Files and folders to scan (folders recursively)")->required();
  scan->add_option("--out", out_dir, "Output folder (created if missing; an existing case there is updated)")->required();
  scan->add_option("--key-file", key_file,
                   "Key for the HMAC-SHA256 fingerprints (its exact bytes); default: a random key in DIR/case.key");
  scan->add_option("--jobs,-j", config.jobs, "Worker threads (default: all cores)")->check(CLI::PositiveNumber);
  scan->add_option("--min-confidence", config.min_confidence, "Report findings at or above this confidence (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  scan->add_option("--ocr", ocr, "OCR of images and text-less PDF pages: auto, on or off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  scan->add_flag("--quiet,-q", config.quiet, "No progress bar and no summary on the terminal");
  std::string layout_file;
  scan->add_option("--layout", layout_file,
                   "Layout of fixed-width files (YAML or JSON: fields with name, start, length, type; docs/formats-fixed-width.md)");
  scan->add_option("--max-depth", config.max_depth, "Nesting limit for containers and decoded runs (default 16)")->check(CLI::PositiveNumber);
  auto& budget = config.budget;
  scan->add_option("--max-expanded", budget.max_expanded_bytes,
                   "Bytes all members of one file may expand to (default 64 GiB)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--max-ratio", budget.max_ratio,
                   "Expansion ratio of one archive member to the archive's size (default 1000)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--max-members", budget.max_members, "Members read from one container (default 1000000)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--member-timeout", budget.member_seconds,
                   "Seconds one helper program (pdftotext, OCR of a page) may run (default 120)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--chunk-size", config.chunk_bytes,
                   "Bytes per chunk when large files are split across workers (default 2 MiB; for tuning and tests)")
      ->check(CLI::Range(uint64_t{4096}, uint64_t{1} << 32));

  breachscope::notify::NotifyConfig notify_config;
  std::string notify_case, notify_incident, notify_out, letters = "batch";
  bool notify_quiet = false;
  auto* notify = app.add_subcommand(
      "notify", "Work out who must be notified of a scanned breach, by when, and write the lists, reports and letters.");
  notify->add_option("--case", notify_case, "Folder of a finished scan (holds people.jsonl)")->required();
  notify->add_option("--incident", notify_incident, "INCIDENT.yaml describing the breach (see docs/notify.md)")->required();
  notify->add_option("--out", notify_out, "Output folder for the notification files (created if missing)")->required();
  notify->add_option("--explain", notify_config.explain_person,
                     "Print how the rules apply to one person (e.g. p000123) and write nothing");
  notify->add_option("--letters", letters, "Letters: batch (one merged PDF), per-person, or none")
      ->check(CLI::IsMember({"batch", "per-person", "none"}));
  notify->add_flag("--quiet,-q", notify_quiet, "No summary on the terminal");

  std::string export_what, export_case, export_out;
  auto* exporter = app.add_subcommand("export", "Write a case's output files again from its case database alone.");
  exporter->add_option("WHAT", export_what, "findings, people, errors or summary (printed), or all (files into --out)")
      ->required()
      ->check(CLI::IsMember({"findings", "people", "errors", "summary", "all"}));
  exporter->add_option("--case", export_case, "Folder of a scan (holds case.db)")->required();
  exporter->add_option("--out", export_out, "With `all`: folder for the files (default: the case folder)");

  std::string compact_case;
  bool compact_quiet = false;
  auto* compacter = app.add_subcommand(
      "compact", "Forget the files a case holds that its last scan no longer saw (deleted or renamed), and give the "
                 "space back.");
  compacter->add_option("--case", compact_case, "Folder of a scan (holds case.db)")->required();
  compacter->add_flag("--quiet,-q", compact_quiet, "No summary on the terminal");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (scan->parsed()) {
    for (auto& p : paths) config.paths.emplace_back(p);
    config.out_dir = out_dir;
    config.key_file = key_file;
    config.layout_file = layout_file;
    config.ocr = ocr == "on" ? breachscope::extract::OcrMode::kOn
                 : ocr == "off" ? breachscope::extract::OcrMode::kOff
                                : breachscope::extract::OcrMode::kAuto;
    config.progress = ::isatty(STDERR_FILENO) != 0;
    return RunScanCommand(config);
  }
  if (exporter->parsed()) return RunExportCommand(export_what, export_case, export_out);
  if (compacter->parsed()) return RunCompactCommand(compact_case, compact_quiet);
  if (notify->parsed()) {
    notify_config.case_dir = notify_case;
    notify_config.incident_file = notify_incident;
    notify_config.out_dir = notify_out;
    notify_config.letters = letters == "none"         ? breachscope::notify::LettersMode::kNone
                            : letters == "per-person" ? breachscope::notify::LettersMode::kPerPerson
                                                      : breachscope::notify::LettersMode::kBatch;
    return RunNotifyCommand(notify_config, notify_quiet);
  }
  return kExitUsage;
}
