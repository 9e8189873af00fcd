#include "model/pii_type.h"

namespace breachscope {

namespace {
constexpr std::array<std::string_view, kPiiTypeCount> kNames = {
    "ssn",       "dob",      "email",      "phone",     "credit_card",
    "bank_account", "drivers_license", "passport", "mbi", "health_id",
    "diagnosis", "student_id", "name", "address"};
}  // namespace

std::string_view TypeName(PiiType type) { return kNames[static_cast<int>(type)]; }

std::optional<PiiType> TypeFromName(std::string_view name) {
  for (int i = 0; i < kPiiTypeCount; ++i)
    if (kNames[i] == name) return static_cast<PiiType>(i);
  return std::nullopt;
}

bool IsProtected(PiiType type) {
  switch (type) {
    case PiiType::kSsn:
    case PiiType::kCreditCard:
    case PiiType::kBankAccount:
    case PiiType::kDriversLicense:
    case PiiType::kPassport:
    case PiiType::kMbi:
    case PiiType::kHealthId:
    case PiiType::kStudentId:
      return true;
    default:
      return false;
  }
}

}  // namespace breachscope
