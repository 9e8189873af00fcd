// detect/scanner.h — the single pass over a text unit that finds every typed candidate.
//
// Scan() walks the text once: a SIMD skip (simd_skip.h) stops only at digits and
// '@'; at each stop the numeric or alphanumeric token there is split into digit
// groups and matched against the shapes of the contract's types (SSN 3-2-4, card
// 4-4-4-4 and 4-6-5, NANP phone, dates, 9/10/13-19-digit runs, MBI and id-like
// alphanumerics, ICD-10 codes, e-mail). Validators (validators.h) and context (the
// field's header label, or the nearest label word before the token, labels.h) run
// only on those tokens. Names and addresses are not found here: records/ anchors
// them around these candidates and in labelled fields.
//
// Confidence rules (documented in docs/detection.md): a shape that is strong on its
// own (dashed SSN, formatted card or phone, e-mail, MBI) is reported above the
// default threshold without a label; a value that is ambiguous on its own (bare 9- or
// 10-digit runs, dates, licence/passport/member/student ids, ICD codes) needs its
// label; a negative label (invoice, order, NPI, EIN, ...) suppresses it.
//
// Thread-safety: a Scanner is immutable after construction and may be shared by
// all workers; Scan() keeps its state on the stack.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "detect/labels.h"
#include "detect/validators.h"
#include "model/candidate.h"

namespace breachscope::detect {

// A structured field (a CSV cell, a JSON value) inside the text unit: its header or
// key label is context for every token inside it.
struct Field {
  uint64_t begin = 0, end = 0;  // byte span in the text unit
  Label label = Label::kNone;
};

struct ScanRequest {
  std::string_view text;
  // Only candidates beginning in [own_begin, own_end) are reported: a chunk of a large
  // file owns its own bytes and reads past them only to finish a token.
  uint64_t own_begin = 0;
  uint64_t own_end = std::numeric_limits<uint64_t>::max();
  std::span<const Field> fields;  // sorted by begin, non-overlapping; may be empty
};

class Scanner {
 public:
  Scanner(std::shared_ptr<const LabelTable> labels, Date today);

  // Appends the candidates found (sorted by begin) to `out`.
  void Scan(const ScanRequest& request, std::vector<Candidate>& out) const;

  const LabelTable& labels() const { return *labels_; }
  const Date& today() const { return today_; }

 private:
  std::shared_ptr<const LabelTable> labels_;
  Date today_;
};

}  // namespace breachscope::detect
