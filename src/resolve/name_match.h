// resolve/name_match.h — comparing people's names across records.
//
// Records spell one person's name many ways: "Robert", "Bob", "ROBERT", "R.",
// "Robert J.", "José"/"Jose", "Smith-Jones"/"Smith Jones". Entity resolution
// (entity_resolver.h) compares names after folding those differences away:
//   - NormalizeFirst / NormalizeLast: accents folded to ASCII (é -> e, ß -> ss),
//     lowercase, punctuation dropped; a first name keeps only its first token (the
//     middle name or initial is ignored), a last name drops generational suffixes
//     (jr, sr, ii, iii, iv) and joins its tokens ("de la cruz" -> "delacruz").
//     "Last, First" is already reordered upstream (records/).
//   - JaroWinkler: the usual string similarity (prefix scale 0.1, prefix up to 4).
//   - NicknameTable: given names and their nicknames from data/nicknames/names.csv
//     (Apache-2.0, carltonnorthern/nicknames): "bob" ~ "robert", "bill" ~ "william",
//     and two nicknames of one name ("robby" ~ "dobbin") are equivalent when neither
//     has nicknames of its own (the table also links bill -> robert, bill -> fred).
//   - CompareFirst / CompareLast grade a pair into the levels the resolver weighs.
//
// Thread-safety: NicknameTable is immutable after construction (Default() is a
// thread-safe static); the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace breachscope::resolve {

// ASCII lowercase letters only (accents folded, everything else dropped); tokens
// are separated by single spaces.
std::string FoldName(std::string_view utf8);
std::string NormalizeFirst(std::string_view first);
std::string NormalizeLast(std::string_view last);

double JaroWinkler(std::string_view a, std::string_view b);

class NicknameTable {
 public:
  // Parses "name1,relationship,name2" lines (header ignored); relationships other
  // than has_nickname are ignored.
  explicit NicknameTable(std::string_view csv);
  // The table embedded from data/nicknames/names.csv.
  static const NicknameTable& Default();

  // True when a and b (normalised) are the same name or related by nickname.
  bool Equivalent(std::string_view a, std::string_view b) const;
  size_t size() const { return groups_of_.size(); }  // names listed as a nickname

 private:
  std::unordered_map<std::string, uint32_t> formal_id_;  // names that have nicknames
  // name -> ids of the names that list it as a nickname, sorted.
  std::unordered_map<std::string, std::vector<uint32_t>> groups_of_;
};

enum class NameLevel : uint8_t {
  kMissing,   // either side has no value
  kExact,     // equal after normalisation
  kNickname,  // first names related by the nickname table
  kSimilar,   // Jaro-Winkler >= the level's threshold
  kInitial,   // first names: one side is an initial matching the other
  kDisagree,
};

NameLevel CompareFirst(std::string_view a, std::string_view b, const NicknameTable& nicknames);
NameLevel CompareLast(std::string_view a, std::string_view b);

}  // namespace breachscope::resolve
