// detect/names.h — person-name recognition in anchored places.
//
// Three entry points, all for text the scanner has already tied to a person:
// FindNamesInWindow() for a short window of prose or markup around another
// finding or a label, ParseNameField() for a labelled field (a CSV cell under a
// "name" header, a JSON "name" value), ParseNameParts() for separate first/last
// fields. None of them is meant to run over a whole file.
//
// A name is reported as first + last, as written; middle names, initials,
// titles (Dr., Mrs.) and suffixes (Jr., III, MD) are dropped. CanonicalName()
// gives the output contract's canonical form, lowercase "first last".
//
// Thread-safety: stateless functions; the NameLexicon is immutable and shared.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/name_lexicon.h"

namespace breachscope::detect {

struct NameMatch {
  size_t begin = 0, end = 0;  // byte span in the input text (title excluded, suffix included)
  std::string first, last;    // as written, original case ("Dana", "Whitfield")
  double score = 0;           // 0..1 confidence that this is a person's name
};

// The lowest score FindNamesInWindow() reports.
inline constexpr double kMinWindowNameScore = 0.5;

// Finds person names in a short window of prose or markup (a few hundred bytes):
// "Dana Whitfield", "Dana M. Whitfield", "Dana Marie Whitfield", "WHITFIELD, DANA",
// "Whitfield, Dana M.", "DANA WHITFIELD", "Dr. José O'Brien-Smith Jr.". Tokens must be
// capitalised or all caps; the first name must be on the first-name list or the last
// name on the last-name list (both score higher), except after a name label ("Name:",
// "Patient:") or for an accented pair with one census name ("François Brontë"), which
// score 0.5-0.6. "X, Y" also needs Y on the first-name list (or a label), and is
// dropped when "X Y" reads better ("Nicole,Allen"). HTML tags, line breaks and most
// punctuation end a name. Rejects common/label words ("Search Results",
// "Social Security", "Date Of Birth"), month, weekday and US state names, words
// before a street suffix or after a house number ("Elm Street", "88 Lake View").
// A name-like common word ("Will", "May", "Mark") scores lower, and is rejected as
// the first token at a sentence start. Matches do not overlap; ordered by position;
// only scores >= kMinWindowNameScore.
std::vector<NameMatch> FindNamesInWindow(std::string_view text, const NameLexicon& lex);

// Parses a labelled field: "Dana Whitfield", "Whitfield, Dana", "Dr. Dana M Whitfield Jr",
// "dana whitfield". Names not on the lists still score >= 0.6 when shaped like a name
// (2-4 alphabetic tokens besides titles and suffixes). nullopt when not name-shaped:
// digits, '@', one token only, placeholders or label words ("Unknown", "Customer Service").
// begin/end are the name's span within `field`.
std::optional<NameMatch> ParseNameField(std::string_view field, const NameLexicon& lex);

// Separate first/last fields (CSV first_name,last_name columns): trims, drops a
// title or a trailing middle initial from the first ("Dr. Dana M." -> "Dana") and
// a suffix from the last ("Whitfield, Jr." -> "Whitfield"). nullopt when either is
// empty, not alphabetic, or a placeholder. begin/end are left 0.
std::optional<NameMatch> ParseNameParts(std::string_view first, std::string_view last,
                                        const NameLexicon& lex);

// The contract's canonical name: lowercase "first last", whitespace collapsed and
// trimmed. Accents are kept as written (no folding: "José" -> "josé"); ASCII,
// Latin-1 and Latin Extended-A capitals are lowercased ("ÉMILE" -> "émile"),
// other bytes copied unchanged.
std::string CanonicalName(std::string_view first, std::string_view last);

}  // namespace breachscope::detect
