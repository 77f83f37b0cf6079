// Time-period row-group targets (docs/behaviour.md#time-periods): parsing of
// frequency strings and the calendar/epoch-aligned period grid they define.
//
// A Frequency is either a fixed duration (an exact number of nanoseconds,
// periods aligned on 1970-01-01T00:00) or a calendar frequency (n weeks
// anchored on a weekday, n months / quarters / years, anchored on the first
// or on the last day of a month). A PeriodGrid evaluates a Frequency on the
// raw values of one ordered column type: int64 counts of a timestamp unit
// (s/ms/us/ns) or int32 date32 day numbers. Period indices are exact integers:
// two values are in the same period iff they have the same Index(); periods
// are numbered in increasing value order. Work is constant per value: no
// boundary is ever enumerated.
//
// Time zones: on a timestamp column with a time zone (IANA name or fixed
// offset, see oups/common/time_zone.h) the grid is evaluated on the local wall
// clock, and the period boundaries are the instants of
// docs/behaviour.md#time-periods: every instant whose local reading is a
// wall-clock boundary (both instants when a backward shift repeats the reading)
// and, when a forward shift skips a boundary reading (or a backward shift moves
// the reading back across one), the instant of the shift. Index() is then the
// raw value of the period's first instant (the greatest boundary <= v): still
// exact, equal iff same period and increasing with the period, but not
// consecutive. Work per value is a binary search over the zone's transitions
// plus a few steps per transition within the period. A zone whose offset is
// always 0 ("UTC", "Etc/UTC", "Z", "+00:00") behaves as naive.
//
// Thread-safety: immutable value types, pure functions. Ownership: plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "oups/common/time_zone.h"
#include "oups/result.h"
#include "oups/table/types.h"

namespace oups::dataset {

enum class FrequencyKind : uint8_t {
  kFixed,         // fixed duration, epoch aligned
  kWeek,          // nW-<DAY>: 00:00 of a <DAY> every n weeks
  kMonthStart,    // nMS
  kMonthEnd,      // nME / nM
  kQuarterStart,  // nQS-<MON>
  kQuarterEnd,    // nQE-<MON> / nQ-<MON>
  kYearStart,     // nYS-<MON> / nAS-<MON>
  kYearEnd,       // nYE-<MON> / nY-<MON> / nA-<MON>
};

struct Frequency {
  FrequencyKind kind = FrequencyKind::kFixed;
  // Calendar multiple n >= 1 (1 for fixed durations).
  int64_t n = 1;
  // kFixed: the duration in nanoseconds (> 0).
  int64_t fixed_ns = 0;
  // kWeek: weekday, 0 = MON ... 6 = SUN. Quarter/year kinds: month, 0 = JAN
  // ... 11 = DEC. Unused otherwise.
  int anchor = 0;
  // The accepted text as given (or "<n>ns" for FromNanoseconds).
  std::string text;

  // Parses a frequency string of docs/behaviour.md#time-periods
  // (case-sensitive, no surrounding space). Anything else: InvalidArgument
  // "'row_group_target_size' frequency '<P>' is not supported." followed by the
  // accepted forms.
  [[nodiscard]] static Result<Frequency> Parse(std::string_view text);
  // A fixed duration given as a count of nanoseconds (pandas.Timedelta,
  // datetime.timedelta, numpy.timedelta64 after conversion); <= 0 is
  // InvalidArgument.
  [[nodiscard]] static Result<Frequency> FromNanoseconds(int64_t ns);

  bool is_calendar() const { return kind != FrequencyKind::kFixed; }
};

class PeriodGrid {
 public:
  // The grid of `frequency` on raw values of `type` (timestamp of any unit, or
  // date32). Another type: TypeError "if 'row_group_target_size' is a pandas
  // 'freqstr', dtype of column <column_name> has to be a timestamp or date
  // type."; an unknown time zone: the error of TimeZone::Load.
  [[nodiscard]] static Result<PeriodGrid> Make(const Frequency& frequency,
                                               const DataType& type,
                                               std::string_view column_name = {});

  // Index of the period holding raw value `v` (timestamp count in the column's
  // unit, or date32 day number). Non-decreasing in v.
  int64_t Index(int64_t v) const;
  // The smallest raw value whose period index is >= `k` (i.e. the period
  // boundary rounded up to the column's unit; the boundary itself whenever it
  // is representable, which is always the case for calendar frequencies),
  // saturated to the int64 range.
  int64_t IndexStart(int64_t k) const;
  // Start of the period holding v (docs/behaviour.md#time-periods), raw value:
  // IndexStart(Index(v)) <= v.
  int64_t Start(int64_t v) const { return IndexStart(Index(v)); }

  const Frequency& frequency() const { return frequency_; }
  // Nanoseconds per raw unit (86'400'000'000'000 for date32).
  int64_t unit_ns() const { return unit_ns_; }

 private:
  PeriodGrid(Frequency frequency, int64_t unit_ns, int64_t units_per_day)
      : frequency_(std::move(frequency)), unit_ns_(unit_ns), units_per_day_(units_per_day) {}

  // The grid on the wall clock (naive values).
  int64_t WallIndex(int64_t v) const;
  int64_t WallIndexStart(int64_t k) const;
  // Time-zone grid: the greatest boundary <= v, the smallest boundary >= v.
  int64_t ZonedStart(int64_t v) const;
  int64_t ZonedNextStart(int64_t v) const;

  Frequency frequency_;
  int64_t unit_ns_ = 1;
  int64_t units_per_day_ = 1;
  // Non-null for a zone with a non-zero offset somewhere.
  std::shared_ptr<const TimeZone> tz_;
};

// Calendar helpers (proleptic Gregorian, exact for any int64 day number whose
// year fits int64): day number (days since 1970-01-01) of the first day of
// month index m = 12 * (year - 1970) + (month - 1), and the month index of a
// day number.
int64_t FirstDayOfMonthIndex(int64_t month_index);
int64_t MonthIndexOfDay(int64_t day);

}  // namespace oups::dataset
