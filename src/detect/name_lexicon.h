// detect/name_lexicon.h — the first- and last-name lists (1990 US Census, from
// data/names/) and a small built-in list of English words that are common in
// documents, some of which are also names ("Will", "May", "Mark", "Page").
//
// The scanner consults the lexicon only in anchored places (a labelled column or
// key, a short window around another finding); it is never run as a dictionary
// over every word of a file.
//
// Lookups fold case and Latin accents (José -> jose) and drop apostrophes,
// spaces and periods the way the census lists do (O'Brien -> obrien,
// De La Cruz -> delacruz). They allocate nothing for words of up to 15 bytes.
//
// Thread-safety: a NameLexicon is immutable after construction; share the
// std::shared_ptr<const NameLexicon> freely across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace breachscope::detect {

class NameLexicon {
 public:
  // Builds from the embedded data (names/first_male.txt, names/first_female.txt,
  // names/last.txt). The two first-name lists are interleaved by rank. Returns
  // kInternal when a list is missing or empty.
  static Result<std::shared_ptr<const NameLexicon>> LoadEmbedded();

  // Builds from explicit lists (tests): lowercase ASCII, most common first.
  static std::shared_ptr<const NameLexicon> FromLists(std::vector<std::string> first,
                                                      std::vector<std::string> last);

  // 1-based frequency rank, or 0 when not on the list. Any case; accents are
  // folded here. A hyphenated word not on the list as a whole ("Smith-Jones")
  // gets the best rank of its parts.
  uint32_t FirstNameRank(std::string_view word) const;
  uint32_t LastNameRank(std::string_view word) const;

  // True for the built-in English common words ("the", "will", "may", "page",
  // "date", "street", "mark", ...), any case. Words that are also names get a
  // lower score as name parts.
  bool IsCommonWord(std::string_view word) const;

  // True for the subset of common words that are never part of a person's name
  // in the places we look ("the", "date", "street", "social", "patient",
  // weekdays, most month names, ...), any case.
  bool IsNonNameWord(std::string_view word) const;

  size_t first_name_count() const { return first_.size(); }
  size_t last_name_count() const { return last_.size(); }

  // Private to the factories; use LoadEmbedded() or FromLists().
  struct PrivateTag {};
  explicit NameLexicon(PrivateTag) {}

 private:
  // An open-addressing table from a folded name to its 1-based rank. The keys
  // are views into static storage (embedded data) or into owned_.
  class RankTable {
   public:
    void Build(std::vector<std::string_view> names);  // most common first
    uint32_t Find(std::string_view folded) const;
    size_t size() const { return names_.size(); }

   private:
    std::vector<std::string_view> names_;  // rank - 1 -> name
    std::vector<uint32_t> slots_;          // 0 = empty, else rank | 8 bits of the hash << 24
  };

  uint32_t Rank(const RankTable& table, std::string_view word) const;

  std::vector<std::string> owned_;  // storage for FromLists() names
  RankTable first_;
  RankTable last_;
};

// Appends `word` folded for lookup: ASCII lowercased, Latin-1 and Latin
// Extended-A letters reduced to their base letters (é -> e, ß -> ss, Ł -> l),
// combining marks, apostrophes (' ’ ʼ), periods and spaces dropped; hyphens are
// kept; any other non-ASCII character is copied unchanged.
void AppendFoldedName(std::string_view word, std::string* out);

}  // namespace breachscope::detect
