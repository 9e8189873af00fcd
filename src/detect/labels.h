// detect/labels.h — what a column header, JSON key or nearby word says a value is.
//
// Two immutable tables built once from data/: header synonyms (a normalised
// header or key -> Label) and label words (a word just before a value in prose
// -> Label). NearestLabel() looks back from a candidate over a short window for
// the closest word that is a label; this is the context scoring the scanner runs
// on candidates only.
//
// Thread-safety: LabelTable is immutable after Create() and may be shared.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace breachscope::detect {

enum class Label : uint8_t {
  kNone,
  kSsn,
  kDob,
  kEmail,
  kPhone,
  kCard,
  kAccount,
  kRouting,
  kDriversLicense,
  kPassport,
  kMbi,
  kHealthId,
  kStudentId,
  kDiagnosis,
  kFirstName,
  kLastName,
  kFullName,
  kStreet,
  kCity,
  kState,
  kZip,
  kNegative,  // invoice, order, tracking, NPI, EIN ...: the value is not a person's identifier
};

std::string_view LabelName(Label label);

// Hash for heterogeneous (string_view) lookups without allocating.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using LabelMap = std::unordered_map<std::string, Label, StringHash, std::equal_to<>>;

class LabelTable {
 public:
  // From the embedded data/header_synonyms.tsv and data/label_words.tsv.
  static Result<std::shared_ptr<const LabelTable>> LoadEmbedded();
  // From explicit TSV text (tests).
  static Result<std::shared_ptr<const LabelTable>> FromTsv(std::string_view header_synonyms,
                                                          std::string_view label_words);

  // "Social Security #" -> kSsn; unknown -> kNone. Tries the whole normalised
  // header, then a prefix/suffix like "patient_ssn" -> the last word that is a label.
  Label ForHeader(std::string_view header) const;

  // The closest label word before `pos` in `text`, looking back at most
  // `max_back` bytes and not before `floor` (a field start). Crosses at most one
  // line break ("SSN:\n123-45-6789").
  // `distance` (optional) receives the bytes between the label word and `pos`.
  Label NearestLabel(std::string_view text, size_t pos, size_t floor, size_t max_back = 48,
                     size_t* distance = nullptr) const;

  // True when a word of `label` occurs in text[from, to) (e.g. a routing number near an account).
  bool WordLabelIn(std::string_view text, size_t from, size_t to, Label label) const;

  Label ForWord(std::string_view lower_word) const;

  // ForWord() and "may this word stand between a label and its value" ("number",
  // "is", "the", ...) in one probe: what NearestLabel() asks of every word it passes.
  struct WordInfo {
    Label label = Label::kNone;
    bool filler = false;
  };
  WordInfo Lookup(std::string_view lower_word) const;

  // True when the label word text[i, end), on the line before a value, heads that value:
  // a ':', '#' or '=' follows it on its line, or its line holds only label and filler words.
  bool HeadsNextLine(std::string_view text, size_t i, size_t end) const;

 private:
  LabelMap headers_;
  LabelMap words_;
  size_t max_word_ = 0;
  // ForWord()'s quick no: per word length, a bit per first letter a-z of the label
  // words of that length (most words looked up near a candidate are not labels).
  // Off when a label word does not start with a-z or is longer than 32 bytes.
  std::array<uint32_t, 33> first_letters_{};
  bool first_letter_filter_ = true;
  // The label words and filler words of 1 to 16 bytes in a flat open-addressed table
  // keyed on their bytes packed into two integers: a probe is a few loads, a multiply
  // and one compare, with no byte-wise hash or memcmp (NearestLabel() probes every
  // word it passes on its way back from a candidate). Longer words are in words_ only.
  struct WordSlot {
    uint64_t a = 0, b = 0;
    uint8_t n = 0;  // 0: empty
    Label label = Label::kNone;
    bool filler = false;
  };
  std::vector<WordSlot> slots_;
  int slot_shift_ = 64;
  void AddSlot(std::string_view word, Label label, bool filler);
  // `fold`: `word` is ASCII letters in any case, compared lower-cased.
  const WordSlot* FindSlot(std::string_view word, bool fold) const;
};

// True for the words that may stand between a label word and its value ("number",
// "is", "the", ...); lowercase input.
bool IsFillerWord(std::string_view lower);

// Lowercase with every non-alphanumeric byte removed.
std::string NormalizeHeader(std::string_view header);

}  // namespace breachscope::detect
