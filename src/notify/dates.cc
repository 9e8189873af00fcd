// notify/dates.cc — day-number arithmetic (Howard Hinnant's civil-date algorithms),
// so deadlines never depend on the machine's time zone or locale.
#include "notify/dates.h"

#include <cstdio>

namespace breachscope::notify {
namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Date> Date::Parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < lens[k]; ++i) {
      char c = t[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  if (v[0] < 1900 || v[0] > 2999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > DaysInMonth(v[0], v[1]))
    return std::nullopt;
  return FromCivil(v[0], v[1], v[2]);
}

Date Date::FromCivil(int year, int month, int day) {
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

int Date::year() const { int y, m, d; CivilFromDays(days_, y, m, d); return y; }
int Date::month() const { int y, m, d; CivilFromDays(days_, y, m, d); return m; }
int Date::day() const { int y, m, d; CivilFromDays(days_, y, m, d); return d; }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (days_ + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

Date Date::AddBusinessDays(int n) const {
  Date d = *this;
  while (n > 0) {
    d = d.AddDays(1);
    int w = d.weekday();
    if (w != 0 && w != 6) --n;
  }
  return d;
}

std::string Date::ToString() const {
  int y, m, d;
  CivilFromDays(days_, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace breachscope::notify
