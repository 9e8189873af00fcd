// notify/dates.h — calendar dates for deadlines (proleptic Gregorian, no time zone).
//
// Deadlines in breach laws are counted in calendar days (sometimes business days)
// from a date; a Date is a day number, so adding days is exact and comparisons are
// integer comparisons. Parsing is strict: "YYYY-MM-DD" with a real day of a real month.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace breachscope::notify {

class Date {
 public:
  Date() = default;
  static std::optional<Date> Parse(std::string_view text);  // strict YYYY-MM-DD
  static Date FromCivil(int year, int month, int day);      // no validation

  int64_t days() const { return days_; }  // days since 1970-01-01
  int year() const;
  int month() const;
  int day() const;
  int weekday() const;  // 0 = Sunday .. 6 = Saturday

  Date AddDays(int64_t n) const { return Date(days_ + n); }
  // Adds n business days (Monday to Friday); public holidays are not modelled.
  Date AddBusinessDays(int n) const;
  std::string ToString() const;  // YYYY-MM-DD

  friend bool operator==(Date a, Date b) { return a.days_ == b.days_; }
  friend auto operator<=>(Date a, Date b) { return a.days_ <=> b.days_; }

 private:
  explicit Date(int64_t d) : days_(d) {}
  int64_t days_ = 0;
};

}  // namespace breachscope::notify
