// Civil-time arithmetic: floor division, days since 1970-01-01 <-> proleptic
// Gregorian dates, leap years and month lengths. The one home of these rules
// for the time zones (common/time_zone.cc), the period grids
// (dataset/frequency.cc), the value renderers (table/format.cc) and the CLI's
// value parser (cli/values.cc).
//
// Days are counted from 1970-01-01 (day 0), negative before; years are
// astronomical (year 0 is 1 BC). The day <-> date conversions are the
// era-based algorithms of Howard Hinnant's "chrono-Compatible Low-Level Date
// Algorithms", exact for any day whose year fits in int64 arithmetic without
// overflow (|days| < 2^60 or so, far beyond any timestamp).
//
// Thread-safety: pure constexpr functions. Ownership: nothing is retained.
#pragma once

#include <cstdint>
#include <limits>

namespace oups::civil {

using Int128 = __int128;

// Floor of a / b and the matching non-negative remainder, for b > 0.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b) < 0) --q;
  return q;
}
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }
// The same in 128-bit arithmetic (products of a timestamp and a unit).
constexpr Int128 FloorDiv128(Int128 a, Int128 b) {
  Int128 q = a / b;
  if ((a % b) < 0) --q;
  return q;
}
constexpr Int128 CeilDiv128(Int128 a, Int128 b) { return -FloorDiv128(-a, b); }

// `v` clamped to the int64 range.
constexpr int64_t Saturate(Int128 v) {
  if (v > Int128(std::numeric_limits<int64_t>::max())) return std::numeric_limits<int64_t>::max();
  if (v < Int128(std::numeric_limits<int64_t>::min())) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

constexpr int64_t kSecondsPerDay = 86'400;

struct CivilDate {
  int64_t year = 1970;
  int64_t month = 1;  // 1..12
  int64_t day = 1;    // 1..31
};

constexpr bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days in month `m` (1..12) of year `y`.
constexpr int64_t DaysInMonth(int64_t y, int64_t m) {
  constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0);
}

// True when y-m-d names a day (m in 1..12, d in 1..DaysInMonth).
constexpr bool IsValidDate(int64_t y, int64_t m, int64_t d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

// Days since 1970-01-01 of the date y-m-d (m in 1..12, d in 1..31).
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The date of day `days` since 1970-01-01.
constexpr CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                 // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Day of the week of day `days`: 0 = Sunday .. 6 = Saturday.
constexpr int64_t Weekday(int64_t days) { return FloorMod(days + 4, 7); }

}  // namespace oups::civil
