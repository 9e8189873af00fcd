// detect/validators.h — format and check-digit rules for the identifiers breachscope
// reports (SSN, ITIN, payment card, ABA routing, MBI, NANP phone, NPI, ICD-9/10 codes,
// US passport, driver's licence shapes) and the date parsing used for dates of birth.
//
// Each rule, its source and the deliberate choices are in docs/validators.md and
// ../shared/formats.md. These are shape and checksum filters: passing one means "could be
// this identifier", never "is"; context decides the rest.
//
// Inputs are expected in the canonical form stated per function (ASCII digits only, or
// uppercase alphanumerics without separators); anything else is simply rejected (false,
// kNone, 0, -1, nullopt or an empty string), never an error or a crash.
//
// Thread-safety: all functions are pure (except Today(), which reads the system clock) and
// thread-safe; no shared mutable state. The Is*/Luhn/CardBrandOf/Dl* functions do not
// allocate and are meant for hot paths; ParseDate and the Canonical*/Format* functions may.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace breachscope::detect {

// ---- SSN and other IRS numbers -------------------------------------------------------

// True when `nine_digits` is exactly nine ASCII digits forming an SSN that SSA could
// have issued: area not 000, 666 or 900-999 (so never an ITIN/ATIN/IRSN); group not 00;
// serial not 0000; not 078051120, 219099999 or 123456789; not one digit repeated.
bool IsValidSsn(std::string_view nine_digits);

// True when `nine_digits` is a 9-digit ITIN: 9XX-GG-XXXX with GG in 50-65, 70-88, 90-92
// or 94-99 (93 is an ATIN, other groups are IRSNs).
bool IsItin(std::string_view nine_digits);

// ---- Payment cards -------------------------------------------------------------------

// Luhn (mod 10) check over ASCII digits. False for fewer than two digits or any
// non-digit.
bool LuhnValid(std::string_view digits);

enum class CardBrand {
  kNone, kVisa, kMastercard, kAmex, kDiscover, kJcb, kDiners, kUnionPay, kMaestro
};

// The first brand (in the order Amex, Visa, Mastercard, Discover, JCB, Diners, UnionPay,
// Maestro) whose IIN prefix AND allowed lengths both fit `digits`; kNone otherwise.
// Does not check Luhn.
CardBrand CardBrandOf(std::string_view digits);

// Luhn-valid, a known brand (CardBrandOf != kNone), and not one digit repeated.
bool IsValidCard(std::string_view digits);

// "visa", "mastercard", ... ("none" for kNone); for logs and tests.
std::string_view CardBrandName(CardBrand brand);

// ---- Banking, health and phone numbers -----------------------------------------------

// ABA routing transit number: 9 digits, 3-7-1 weighted sum divisible by 10, first two
// digits 00-12, 21-32, 61-72 or 80; all zeros rejected.
bool IsValidAbaRouting(std::string_view nine_digits);

// Medicare Beneficiary Identifier, 11 uppercase characters without dashes (CMS layout
// C A AN N A AN N A A N N; letters exclude S L O I B Z).
bool IsValidMbi(std::string_view eleven_upper);

// NANP number as 10 digits (no country code): area code 2-9 first, not 9 second, not
// N11; exchange 2-9 first, not N11; not 555-0100..555-0199 (fiction) in any area code;
// not one digit repeated.
bool IsValidNanpPhone(std::string_view ten_digits);

// NPI: 10 digits, first 1 or 2, Luhn check digit computed with the 80840 prefix; the
// degenerate bodies (first nine digits all the same, e.g. 1111111112) are rejected.
bool IsValidNpi(std::string_view ten_digits);

// ---- Diagnosis codes -----------------------------------------------------------------

// ICD codes are taken uppercase, normally WITHOUT the dot ("E119", "S8261XA"); a dot in
// the code system's own position ("E11.9", "250.00", "E888.8") is tolerated too.

// ICD-10-CM shape: 3-7 characters: letter, digit, digit or letter, then up to 4 letters or
// digits. Shape only: no check that the code exists.
bool IsIcd10Shape(std::string_view code);

// ICD-9-CM shape: 3-5 digits (25000, 0340), V + 2-4 digits (V7389), E + 3-4 digits (E8888).
bool IsIcd9Shape(std::string_view code);

// Canonical forms of the contract: "E119" -> "E11.9", "I10" -> "I10"; "25000" -> "250.00",
// "0340" -> "034.0", "V7389" -> "V73.89", "E8888" -> "E888.8". Lowercase input is
// upper-cased first. Empty string when the code does not have the shape.
std::string CanonicalIcd10(std::string_view code);
std::string CanonicalIcd9(std::string_view code);

// ---- Passport and driver's licence ---------------------------------------------------

// US passport book or card number: 9 digits, or one letter + 8 digits.
bool IsUsPassportShape(std::string_view upper_alnum);

// The 53 jurisdictions of the driver's licence shape table (50 states, DC, PR, GU), as
// 2-letter codes in alphabetical order; a state's bit in DlStateMask is its index here.
std::span<const std::string_view> DlStateCodes();

// Bit i set when state DlStateCodes()[i] has a licence shape (formats.md table, NTSI-derived
// column) matching `upper_alnum`, the canonical licence number (uppercase alphanumerics;
// for old Washington numbers the '*' padding already dropped). 0 for anything else.
uint64_t DlStateMask(std::string_view upper_alnum);

// Index of `state_code` ("MO") in DlStateCodes(), or -1. Case-sensitive (uppercase).
int DlStateIndex(std::string_view state_code);

// ---- Dates ---------------------------------------------------------------------------

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// A real day of the proleptic Gregorian calendar, years 1-9999.
bool IsRealDate(const Date& d);

// Parses one date, surrounding whitespace allowed, anything else -> nullopt:
//   YYYY-MM-DD, YYYY/MM/DD, YYYY-MM-DD followed by 'T' or ' ' and a time (timestamps);
//   YYYYMMDD (exactly 8 digits, year 1900-2099);
//   MM/DD/YYYY, MM-DD-YYYY, MM.DD.YYYY; MM/DD/YY and MM-DD-YY (two-digit year = the latest
//   year <= today.year with those last two digits that makes a real date);
//   "July 19, 1984", "Jul 19 1984", "Jul. 19th, 1984", "19 July 1984", "19th July 1984",
//   "19-JUL-1984", "19-Jul-84" (month names case-insensitive, full or 3-letter, or "Sept").
// Month and day may have one or two digits. Numeric dates are month first (US); only when
// that is impossible and the day-first reading is a real date (17/06/1976) is it used.
std::optional<Date> ParseDate(std::string_view text, const Date& today);

// A real date, not after `today`, and year >= today.year - 120.
bool IsPlausibleBirthDate(const Date& d, const Date& today);

// "1984-07-19".
std::string FormatIsoDate(const Date& d);

// Today's date in UTC, from the system clock.
Date Today();

}  // namespace breachscope::detect
