// detect/addresses.h — US postal-address recognition in anchored places.
//
// FindAddresses() reads a short window of text (around another finding or a
// label) for "number + street name + suffix [+ unit]" optionally followed by
// "City, ST 65201[-1234]" on the same or the next line, and for PO boxes.
// ParseAddressFields() assembles one from separate CSV/JSON fields. The street
// suffixes (USPS Publication 28, data/street_suffixes.tsv) and the state codes
// (data/us_states.tsv) come from the embedded data, loaded once on first use.
//
// Thread-safety: stateless functions over immutable tables built once (a
// function-local static); safe to call from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace breachscope::detect {

struct AddressMatch {
  size_t begin = 0, end = 0;  // byte span (street through ZIP when found)
  // As written, whitespace collapsed: "1207 Elm Street", "88 Lake View Drive Apt 4".
  std::string street;
  std::string city;   // as written, may be empty when not found
  std::string state;  // 2-letter uppercase code, may be empty
  std::string zip5;   // 5 digits, may be empty
  double score = 0;
};

// Finds US postal addresses in a window. Scores: >= 0.9 with street + suffix +
// state + ZIP, 0.8-0.9 with one of state/ZIP, 0.6-0.8 for a street with a common
// suffix alone, 0.5 for a capitalised street whose suffix is also an everyday
// word ("Park", "View", "Run") with nothing after it. Matches do not overlap;
// ordered by position.
std::vector<AddressMatch> FindAddresses(std::string_view text);

// Assembles an address from separate fields; nullopt when the street is not
// street-shaped (a house number then a word, or a PO box / rural route). The state
// may be a code or a name; a ZIP may be 5 or 9 digits, or 4 digits for a
// state whose ZIPs start with 0 (a spreadsheet dropped the zero). begin/end are left 0.
std::optional<AddressMatch> ParseAddressFields(std::string_view street, std::string_view city,
                                               std::string_view state, std::string_view zip);

// Contract canonical: lowercase "street, zip5" with whitespace collapsed
// ("1207 elm street, 65201"); the lowercase street alone when zip5 is empty.
std::string CanonicalAddress(const AddressMatch& a);

// Any case: "MO", "mo" -> true.
bool IsUsStateCode(std::string_view two_letters);

// "Missouri" / "MO" / "mo" / "Mo." / "N.Y." -> "MO" / "NY"; "" when not a US state,
// DC, territory or Armed Forces code.
std::string StateCodeFromName(std::string_view name_or_code);

// !StateCodeFromName(name_or_code).empty(), without building the code.
bool IsUsStateName(std::string_view name_or_code);

// True for a USPS street suffix or one of its common forms, any case, with or
// without a trailing period ("Street", "st", "Blvd.").
bool IsStreetSuffix(std::string_view word);

// kInternal when data/us_states.tsv or data/street_suffixes.tsv is missing from
// the embedded data or malformed (call once at start-up, like
// NameLexicon::LoadEmbedded()); without them FindAddresses() finds nothing.
Status CheckAddressData();

}  // namespace breachscope::detect
