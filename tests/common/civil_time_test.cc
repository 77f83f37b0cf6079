// Tests of the civil-time arithmetic (include/oups/common/civil_time.h).
#include "oups/common/civil_time.h"

#include <gtest/gtest.h>

namespace oups::civil {
namespace {

TEST(CivilTime, FloorDivRoundsTowardMinusInfinity) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(-8, 2), -4);
  EXPECT_EQ(FloorMod(-7, 2), 1);
  EXPECT_EQ(FloorMod(-86'401, kSecondsPerDay), 86'399);
  EXPECT_EQ(FloorDiv128(Int128(-1), Int128(1000)), -1);
  EXPECT_EQ(CeilDiv128(Int128(1), Int128(1000)), 1);
  EXPECT_EQ(CeilDiv128(Int128(-1), Int128(1000)), 0);
  EXPECT_EQ(Saturate(Int128(INT64_MAX) + 1), INT64_MAX);
  EXPECT_EQ(Saturate(Int128(INT64_MIN) - 1), INT64_MIN);
  EXPECT_EQ(Saturate(Int128(-5)), -5);
}

TEST(CivilTime, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(0, 3, 1), -719468);
  const CivilDate d = CivilFromDays(-719469);  // the day before 0000-03-01
  EXPECT_EQ(d.year, 0);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 29);  // year 0 is a leap year
  EXPECT_EQ(Weekday(0), 4);   // 1970-01-01 was a Thursday
  EXPECT_EQ(Weekday(-4), 0);  // 1969-12-28 a Sunday
}

TEST(CivilTime, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_TRUE(IsLeapYear(-4));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 13, 1));
  EXPECT_FALSE(IsValidDate(2023, 0, 1));
  EXPECT_FALSE(IsValidDate(2023, 1, 0));
  EXPECT_FALSE(IsValidDate(2023, 6, 31));
}

// Walks the calendar one day at a time from 1600-01-01 to 2400-12-31 (and
// forward from there) with the month lengths, and checks both conversions
// agree with the walk on every day.
TEST(CivilTime, RoundTripsAgainstADayByDayWalk) {
  int64_t y = 1600, m = 1, d = 1;
  int64_t days = DaysFromCivil(y, m, d);
  ASSERT_EQ(days, -135140);
  for (int i = 0; i < 800 * 366; ++i) {
    ASSERT_EQ(DaysFromCivil(y, m, d), days) << y << "-" << m << "-" << d;
    const CivilDate c = CivilFromDays(days);
    ASSERT_EQ(c.year, y);
    ASSERT_EQ(c.month, m);
    ASSERT_EQ(c.day, d);
    ++days;
    if (++d > DaysInMonth(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
}

}  // namespace
}  // namespace oups::civil
