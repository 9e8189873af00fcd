// records/column_typing.h — what a column holds, judged by its values.
//
// A table column with no header (a header-less CSV/TSV), a generic header that names
// nothing ("col3", "FIELD_07"), or a column found by fixed-width inference
// (records/fixed_width.h) has only its values to tell what it is. ClassifyValues()
// decides from a sample of them: a kind whose validator accepts at least 95% of the
// non-empty values (85% for names, which the census lists do not cover completely)
// is the column's kind. LabelColumns() then applies the rules that need the
// neighbouring columns: a column of plausible birth dates is a DOB only with a name
// column within two columns of it; ZIP codes, state codes and city words are address
// parts only in a table that has a street column; an SSN column read off fewer than
// 50 values needs all of them valid and a name or birth date in the table.
//
// The validators are the contract's (detect/validators.h): SSA rules for SSNs, Luhn +
// IIN for cards, NANP rules for phones, CMS layout for MBIs, real past dates at most
// 120 years back for birth dates. Types that no value rule can tell apart from
// ordinary codes (licence, passport, member, student and account numbers, diagnosis
// codes) are never inferred: they need a header or a layout.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "detect/labels.h"
#include "detect/name_lexicon.h"
#include "detect/validators.h"
#include "records/format.h"

namespace breachscope::records {

enum class ValueKind : uint8_t {
  kNone,
  kSsn,
  kBirthDate,  // plausible dates of birth (a DOB only next to a name: LabelColumns)
  kPhone,
  kEmail,
  kCard,
  kMbi,
  kZip,
  kState,
  kStreet,
  kFullName,
  kFirstName,
  kLastName,
  kWords,  // alphabetic words (a city next to a state column)
};

std::string_view ValueKindName(ValueKind kind);

struct TypingContext {
  const detect::NameLexicon& lexicon;
  detect::Date today;
  // Also read 8-digit MMDDYYYY dates (fixed-width files; the CSV scanner reads YYYYMMDD only).
  bool mmddyyyy = false;
};

struct ColumnGuess {
  ValueKind kind = ValueKind::kNone;
  size_t values = 0;   // non-empty values looked at
  double share = 0;    // of them, the share valid for `kind`
};

// The kind of a column from a sample of its values (cells as written; padding and
// quotes are trimmed; empty cells and placeholders such as "NULL" are skipped).
// `rows`: the number of rows sampled (0: values.size()); a column filled in fewer than
// 30% of them, or with fewer than 10 values, is kNone.
ColumnGuess ClassifyValues(std::span<const std::string_view> values, const TypingContext& ctx, size_t rows = 0);

// True when one value fits `kind` (used to tell a data row from a header row).
bool ValueFits(std::string_view value, ValueKind kind, const TypingContext& ctx);

// Labels from guesses and the neighbour rules above. `known`, when not empty, holds the
// labels the headers already gave (same size as `guesses`): those are kept and count as
// neighbours; only kNone columns are typed.
std::vector<detect::Label> LabelColumns(std::span<const ColumnGuess> guesses,
                                        std::span<const detect::Label> known = {});

// A date of birth as written in a field: anything detect::ParseDate reads, and 8-digit
// MMDDYYYY when `mmddyyyy`; nullopt unless a plausible birth date (real, past, at most
// 120 years back).
std::optional<detect::Date> ParseBirthDate(std::string_view value, const detect::Date& today, bool mmddyyyy);

// ReadTableHeader(), then the columns whose header is empty or generic ("c3",
// "FIELD_07"; not an unknown but meaningful word such as "signup_date") are typed by the
// values of up to 400 rows of `head`. A table whose first row is not a header (no
// column label, and its cells fit the types found below it) gets header_row = false
// and every column typed. nullopt when there is neither a header nor a typed column.
std::optional<Table> ReadTypedTable(std::string_view head, char delimiter, const detect::LabelTable& labels,
                                    const TypingContext& ctx);

}  // namespace breachscope::records
