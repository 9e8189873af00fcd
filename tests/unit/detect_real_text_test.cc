// Precision on real, PII-sparse text: lines taken from C headers, Python sources,
// changelogs, man pages and locale data on a Debian system (docs/detection.md,
// "Precision") that the scanner once reported as SSNs, cards, accounts, licences or
// member ids, each next to the labelled values that the same rules must still find.
#include <gtest/gtest.h>

#include "test_scanner.h"

namespace breachscope::detect {
namespace {

// Findings at the default threshold, without e-mails, phones and names: real contact
// data of authors is not what these cases are about.
std::vector<Found> Scan(std::string_view text) {
  return ScanFound(text, 0.5f, [](PiiType t) { return t != PiiType::kEmail && t != PiiType::kPhone; });
}

struct Case {
  const char* why;
  const char* text;
  std::vector<Found> want;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.why; }

class RealText : public ::testing::TestWithParam<Case> {};

TEST_P(RealText, FindsExactly) {
  const Case& c = GetParam();
  EXPECT_EQ(Scan(c.text), c.want) << c.why << "\ntext: " << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    NotPii, RealText,
    ::testing::Values(
        // A label word inside an identifier is not a label.
        Case{"identifier FOO_aCC", "|| (defined(__HP_aCC) && __HP_aCC >= 035000) \\", {}},
        Case{"identifier LF_MEMBER, hex literal", "MEMBER_RECORD(LF_MEMBER, 0x150d, DataMember)", {}},
        Case{"identifier LF_MEMBER_16t", "CV_TYPE(LF_MEMBER_16t, 0x0406)", {}},
        Case{"macro name, hex literal", "#define AVTAB_MEMBER\t\t0x0020", {}},
        Case{"identifier with a decimal value", "#define AVTAB_MEMBER 40981726", {}},
        Case{"Pascal hex constant", "  ADS_UF_NORMAL_ACCOUNT = $00000200;", {}},
        Case{"amount after a label", "Acct: $12345678", {}},
        Case{"roff request .Dl", ".Dl        ...\n\t01051648 (0x00100c00) - 01052160 (0x00100e00) size: 512", {}},
        Case{"command-line option", "--attribute-condition=\"true\" --account-id=1234567890", {}},
        Case{"roff command-line option", "\\-\\-attribute\\-condition=\"true\" \\-\\-account\\-id=1234567890", {}},
        Case{"member access", "self.acc 12345678", {}},
        Case{"snake_case variable", "max_acc = 12345678", {}},
        Case{"package name", "my-math-geom-student-2026\t0.1.0", {}},
        Case{"notation dX", "matmuls (forward / dW / dX) in f32, bf16, f16", {}},
        // Lists of numbers.
        Case{"spaced group in a list", "//   CHECK(RE2::FullMatch(\"100 40 0100 0x40\", \"(.*) (.*) (.*) (.*)\",", {}},
        Case{"card-shaped run of a list", "qdisc ets 1: root bands 8 quanta 2650 1514 1514 1514 1514 1514 1514 1514", {}},
        Case{"PostScript number row", "6282 6319 6357 6394 6432 6469 6507 6545 6583 6621", {}},
        Case{"hex code row", "52BB 5352 5354 5353 5351 5366 5377 5378 5379 53D6", {}},
        Case{"table of numbers after a label word",
             "7 license       00000004  0000000000000000  0000000000000000  00000988  2**0", {}},
        // Paths, URLs and compound names.
        Case{"label before a path", "(merge 2a02262078 dl/t5520-cleanup later to maint).", {}},
        Case{"URL path segment", "* [Methods](https://chromestatus.com/feature/5068609911521280)", {}},
        Case{"bug component path", "  * Backport PR driver/93371 from the trunk. Closes: #1025948.", {}},
        Case{"kernel path", "- clockevents/drivers/i8253: Fix stop sequence for timer 0", {}},
        Case{"file name tail", "...-testcase-minimized-hb-subset-fuzzer-5181909018345472 | Bin 0 -> 2559 bytes", {}},
        Case{"roff hyphens inside one id", "account 123456\\-789876\\-543210, run:", {}},
        Case{"symbol name in angle brackets", "<DL>                   /x10   <U0010> DATALINK ESCAPE (DLE)", {}},
        // A label word ending a sentence or a title is not the next line's label.
        Case{"bug title ends with a label word",
             " 789141 Segmentation fault when adding Google online account\n 789149 GtkGestureZoom leaks", {}},
        Case{"syscall name ends the line",
             "368960  WARNING: unhandled amd64-linux syscall: 163 (acct)\n407589  [Linux] Add support", {}},
        Case{"device driver", "readonly s Driver = \\*(Aqe1000e\\*(Aq;", {}},
        Case{"device driver on the line before",
             " 711796 glib-tap.mk: fix to actually use the TAP driver\n 711800 fix g_test_set_nonfatal_assertions()", {}},
        // Values that are something else.
        Case{"64-bit nonce", "reqNonce: 3843061514398340071", {}},
        Case{"event timestamp under a dob key", "dob = 1979-05-27T07:32:00Z", {}},
        Case{"placeholder SSN", "ssn : 111-22-3333", {}}),
    [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.index); });

// The same rules keep labelled values in keys, headers and forms.
INSTANTIATE_TEST_SUITE_P(
    StillPii, RealText,
    ::testing::Values(
        Case{"snake_case key", "member_id=JS00111223333", {{"health_id", "JS00111223333"}}},
        Case{"snake_case key with prefix", "patient_ssn=412637781", {{"ssn", "412637781"}}},
        Case{"camel-case key", "MemberID: 40981726", {{"health_id", "40981726"}}},
        Case{"upper-case key", "PATIENT_SSN=412637781", {{"ssn", "412637781"}}},
        Case{"upper-case key of a date", "EMP_DOB: 07/19/1984", {{"dob", "1984-07-19"}}},
        Case{"key with two prefixes", "cust_acct_no 000123456789", {{"bank_account", "000123456789"}}},
        Case{"hyphenated label", "Bank-Account: 000123456789", {{"bank_account", "000123456789"}}},
        Case{"lower camel-case key", "memberId=JS00111223333", {{"health_id", "JS00111223333"}}},
        Case{"abbreviated key", "acct_no 000123456789", {{"bank_account", "000123456789"}}},
        Case{"label joined by a hyphen", "Acct-12345678", {{"bank_account", "12345678"}}},
        Case{"label ending its line with a colon", "Acct:\n000123456789", {{"bank_account", "000123456789"}}},
        Case{"label alone on its line", "  SSN\n412637781", {{"ssn", "412637781"}}},
        Case{"XML element", "<SSN>412637781</SSN>", {{"ssn", "412637781"}}},
        Case{"XML element with a member id", "<member>JS00111223333</member>", {{"health_id", "JS00111223333"}}},
        Case{"birth date as a UTC midnight", "DOB 1984-07-19T04:00:00Z", {{"dob", "1984-07-19"}}},
        Case{"birth date as a UTC midnight, half-hour zone", "dob: 1984-07-19T18:30:00Z", {{"dob", "1984-07-19"}}},
        Case{"19-digit card with its label", "card 4111111111111111110", {{"credit_card", "4111111111111111110"}}},
        Case{"bare 16-digit card", "paid with 4111111111111111 today", {{"credit_card", "4111111111111111"}}},
        Case{"spaced SSN alone", "SSN 412 63 7781, DOB 07/19/1984", {{"ssn", "412637781"}, {"dob", "1984-07-19"}}},
        Case{"spaced card before an expiry word", "card 4111 1111 1111 1111 exp 12/29",
             {{"credit_card", "4111111111111111"}}},
        Case{"licence with capitals and a hyphen", "Driver's License: S530-4609-2345",
             {{"drivers_license", "S53046092345"}}},
        Case{"labelled number followed by words", "Member ID 40981726 Plan 5", {{"health_id", "40981726"}}}),
    [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace breachscope::detect
