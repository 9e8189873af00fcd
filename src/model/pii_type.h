// model/pii_type.h — the 14 personal-data types of the output contract.
//
// Thread-safety: constants and pure functions only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace breachscope {

enum class PiiType : uint8_t {
  kSsn,
  kDob,
  kEmail,
  kPhone,
  kCreditCard,
  kBankAccount,
  kDriversLicense,
  kPassport,
  kMbi,
  kHealthId,
  kDiagnosis,
  kStudentId,
  kName,
  kAddress,
};
inline constexpr int kPiiTypeCount = 14;

// Contract order (as in summary.json's findings_by_type).
inline constexpr std::array<PiiType, kPiiTypeCount> kAllPiiTypes = {
    PiiType::kSsn,      PiiType::kDob,       PiiType::kEmail,          PiiType::kPhone,
    PiiType::kCreditCard, PiiType::kBankAccount, PiiType::kDriversLicense, PiiType::kPassport,
    PiiType::kMbi,      PiiType::kHealthId,  PiiType::kDiagnosis,      PiiType::kStudentId,
    PiiType::kName,     PiiType::kAddress};

// The contract's name ("ssn", "credit_card", ...).
std::string_view TypeName(PiiType type);
std::optional<PiiType> TypeFromName(std::string_view name);

// Identifiers the contract forbids in plaintext anywhere (all but contact data).
bool IsProtected(PiiType type);

// A set of types as a bit mask (bit = underlying value).
using PiiTypeSet = uint16_t;
inline constexpr PiiTypeSet Bit(PiiType t) { return PiiTypeSet(1u << static_cast<int>(t)); }

}  // namespace breachscope
