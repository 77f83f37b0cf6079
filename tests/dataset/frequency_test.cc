#include "dataset/frequency.h"

#include "oups/common/time_zone.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace oups::dataset {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kNsPerMin = 60 * kNsPerSec;
constexpr int64_t kNsPerHour = 60 * kNsPerMin;
constexpr int64_t kNsPerDay = 24 * kNsPerHour;

int64_t Day(int64_t y, int64_t mo, int64_t d) {
  return FirstDayOfMonthIndex(12 * (y - 1970) + (mo - 1)) + d - 1;
}
// Naive timestamp in ns.
int64_t Ns(int64_t y, int64_t mo, int64_t d, int64_t h = 0, int64_t mi = 0) {
  return Day(y, mo, d) * kNsPerDay + h * kNsPerHour + mi * kNsPerMin;
}

Frequency Parse(const std::string& text) {
  Result<Frequency> f = Frequency::Parse(text);
  EXPECT_TRUE(f.ok()) << text << ": " << f.status().ToString();
  return f.ok() ? *f : Frequency{};
}

PeriodGrid Grid(const std::string& text, const DataType& type = DataType::Timestamp(TimeUnit::kNano)) {
  Result<PeriodGrid> g = PeriodGrid::Make(Parse(text), type, "ts");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return *g;
}

// ------------------------------------------------------------------ calendar

TEST(Calendar, DayNumbersAndMonthIndices) {
  EXPECT_EQ(FirstDayOfMonthIndex(0), 0);       // 1970-01-01
  EXPECT_EQ(FirstDayOfMonthIndex(1), 31);      // 1970-02-01
  EXPECT_EQ(FirstDayOfMonthIndex(-1), -31);    // 1969-12-01
  EXPECT_EQ(Day(2000, 3, 1) - Day(2000, 2, 1), 29);  // leap (div by 400)
  EXPECT_EQ(Day(1900, 3, 1) - Day(1900, 2, 1), 28);  // not leap (div by 100)
  EXPECT_EQ(Day(2024, 3, 1) - Day(2024, 2, 1), 29);
  EXPECT_EQ(Day(2023, 3, 1) - Day(2023, 2, 1), 28);
  EXPECT_EQ(Day(2024, 1, 1), 19723);
  EXPECT_EQ(MonthIndexOfDay(0), 0);
  EXPECT_EQ(MonthIndexOfDay(-1), -1);
  EXPECT_EQ(MonthIndexOfDay(Day(2024, 2, 29)), 12 * 54 + 1);
  for (int64_t m = -3000; m < 3000; m += 7) {
    EXPECT_EQ(MonthIndexOfDay(FirstDayOfMonthIndex(m)), m);
    EXPECT_EQ(MonthIndexOfDay(FirstDayOfMonthIndex(m) - 1), m - 1);
  }
}

// ------------------------------------------------------------------- parsing

TEST(FrequencyParse, FixedDurationsOfTheSpec) {
  EXPECT_EQ(Parse("h").fixed_ns, kNsPerHour);
  EXPECT_EQ(Parse("2h").fixed_ns, 2 * kNsPerHour);
  EXPECT_EQ(Parse("15T").fixed_ns, 15 * kNsPerMin);
  EXPECT_EQ(Parse("1h30min").fixed_ns, 90 * kNsPerMin);
  EXPECT_EQ(Parse("1D 12h").fixed_ns, 36 * kNsPerHour);
  EXPECT_EQ(Parse("90 minutes").fixed_ns, 90 * kNsPerMin);
  EXPECT_EQ(Parse("1 h 30 min").fixed_ns, 90 * kNsPerMin);
  const Frequency f = Parse("2h");
  EXPECT_EQ(f.kind, FrequencyKind::kFixed);
  EXPECT_FALSE(f.is_calendar());
  EXPECT_EQ(f.text, "2h");
}

TEST(FrequencyParse, EveryUnitSpelling) {
  const std::vector<std::pair<std::vector<std::string>, int64_t>> units = {
      {{"ns", "N", "nano", "nanos", "nanosecond", "nanoseconds"}, 1},
      {{"us", "U", "micro", "micros", "microsecond", "microseconds"}, 1'000},
      {{"ms", "L", "milli", "millis", "millisecond", "milliseconds"}, 1'000'000},
      {{"s", "S", "sec", "second", "seconds"}, kNsPerSec},
      {{"min", "T", "m", "minute", "minutes"}, kNsPerMin},
      {{"h", "H", "hr", "hour", "hours"}, kNsPerHour},
      {{"D", "d", "day", "days"}, kNsPerDay},
  };
  for (const auto& [names, ns] : units) {
    for (const std::string& u : names) {
      EXPECT_EQ(Parse(u).fixed_ns, ns) << u;
      EXPECT_EQ(Parse("3" + u).fixed_ns, 3 * ns) << u;
      std::string spaced = "3 ";
      spaced.append(u);
      EXPECT_EQ(Parse(spaced).fixed_ns, 3 * ns) << u;
      std::string two = "2";
      two.append(u);
      two.append("1ns");
      EXPECT_EQ(Parse(two).fixed_ns, 2 * ns + 1) << two;
    }
  }
}

TEST(FrequencyParse, CalendarForms) {
  struct Case {
    const char* text;
    FrequencyKind kind;
    int64_t n;
    int anchor;
  };
  const std::vector<Case> cases = {
      {"W", FrequencyKind::kWeek, 1, 6},           {"W-SUN", FrequencyKind::kWeek, 1, 6},
      {"W-MON", FrequencyKind::kWeek, 1, 0},       {"2W-THU", FrequencyKind::kWeek, 2, 3},
      {"MS", FrequencyKind::kMonthStart, 1, 0},    {"3MS", FrequencyKind::kMonthStart, 3, 0},
      {"ME", FrequencyKind::kMonthEnd, 1, 0},      {"M", FrequencyKind::kMonthEnd, 1, 0},
      {"2M", FrequencyKind::kMonthEnd, 2, 0},      {"QS", FrequencyKind::kQuarterStart, 1, 0},
      {"QS-FEB", FrequencyKind::kQuarterStart, 1, 1},
      {"QE", FrequencyKind::kQuarterEnd, 1, 11},   {"Q", FrequencyKind::kQuarterEnd, 1, 11},
      {"QE-JAN", FrequencyKind::kQuarterEnd, 1, 0},
      {"Q-NOV", FrequencyKind::kQuarterEnd, 1, 10},
      {"YS", FrequencyKind::kYearStart, 1, 0},     {"AS", FrequencyKind::kYearStart, 1, 0},
      {"2YS", FrequencyKind::kYearStart, 2, 0},    {"YS-JUL", FrequencyKind::kYearStart, 1, 6},
      {"AS-MAR", FrequencyKind::kYearStart, 1, 2}, {"YE", FrequencyKind::kYearEnd, 1, 11},
      {"Y", FrequencyKind::kYearEnd, 1, 11},       {"A", FrequencyKind::kYearEnd, 1, 11},
      {"YE-JUN", FrequencyKind::kYearEnd, 1, 5},   {"Y-JUN", FrequencyKind::kYearEnd, 1, 5},
      {"A-SEP", FrequencyKind::kYearEnd, 1, 8},    {"10A-DEC", FrequencyKind::kYearEnd, 10, 11},
  };
  for (const Case& c : cases) {
    const Frequency f = Parse(c.text);
    EXPECT_EQ(f.kind, c.kind) << c.text;
    EXPECT_EQ(f.n, c.n) << c.text;
    EXPECT_EQ(f.anchor, c.anchor) << c.text;
    EXPECT_TRUE(f.is_calendar()) << c.text;
  }
  const char* days[] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
  for (int i = 0; i < 7; ++i) {
    std::string t = "W-";
    t.append(days[i]);
    EXPECT_EQ(Parse(t).anchor, i);
  }
}

TEST(FrequencyParse, CaseMatters) {
  EXPECT_EQ(Parse("m").kind, FrequencyKind::kFixed);
  EXPECT_EQ(Parse("M").kind, FrequencyKind::kMonthEnd);
  EXPECT_EQ(Parse("ms").kind, FrequencyKind::kFixed);
  EXPECT_EQ(Parse("ms").fixed_ns, 1'000'000);
  EXPECT_EQ(Parse("MS").kind, FrequencyKind::kMonthStart);
  EXPECT_EQ(Parse("S").fixed_ns, kNsPerSec);
  EXPECT_FALSE(Frequency::Parse("w").ok());
  EXPECT_FALSE(Frequency::Parse("Ms").ok());
  EXPECT_FALSE(Frequency::Parse("qs").ok());
  EXPECT_FALSE(Frequency::Parse("W-mon").ok());
}

TEST(FrequencyParse, Rejected) {
  const std::vector<std::string> bad = {
      "",       " h",      "h ",      "0h",      "00h",     "0MS",     "2 MS",    "B",
      "SMS",    "BMS",     "BH",      "h30min",  "1h  30min", "1h30",   "30",      "1.5h",
      "-1h",    "+1h",     "W-FOO",   "QS-FOO",  "MS-JAN",  "ME-JAN",  "W-",      "QS-",
      "1h2W",   "1DMS",    "1h 30",   "1h ",     "2W 1D",   "ms-",     "hh",      "1 1h",
      "99999999999999999999h",      "9223372036854775807D",              "10000000000000MS",
  };
  for (const std::string& b : bad) {
    Result<Frequency> f = Frequency::Parse(b);
    ASSERT_FALSE(f.ok()) << "'" << b << "' was accepted";
    EXPECT_TRUE(f.status().IsInvalidArgument());
    std::string expected = "'row_group_target_size' frequency '";
    expected.append(b);
    expected.append("' is not supported.");
    EXPECT_EQ(f.status().message().rfind(expected, 0), 0u) << f.status().message();
  }
  // The message lists the accepted forms.
  const std::string msg = Frequency::Parse("B").status().message();
  EXPECT_NE(msg.find("QS-<MON>"), std::string::npos);
  EXPECT_NE(msg.find("min/T/m"), std::string::npos);
}

TEST(FrequencyParse, FromNanoseconds) {
  Result<Frequency> f = Frequency::FromNanoseconds(90 * kNsPerMin);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kind, FrequencyKind::kFixed);
  EXPECT_EQ(f->fixed_ns, 90 * kNsPerMin);
  EXPECT_TRUE(Frequency::FromNanoseconds(0).status().IsInvalidArgument());
  EXPECT_TRUE(Frequency::FromNanoseconds(-5).status().IsInvalidArgument());
}

// ---------------------------------------------------------------- period grid

TEST(PeriodGrid, TypeChecks) {
  Result<PeriodGrid> g = PeriodGrid::Make(Parse("h"), DataType::Int64(), "a");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(g.status().IsTypeError());
  EXPECT_EQ(g.status().message(),
            "if 'row_group_target_size' is a pandas 'freqstr', dtype of column a has to be a "
            "timestamp or date type.");
  EXPECT_TRUE(PeriodGrid::Make(Parse("h"), DataType::String(), "a").status().IsTypeError());
  EXPECT_TRUE(PeriodGrid::Make(Parse("h"), DataType::Duration(TimeUnit::kNano), "a")
                  .status()
                  .IsTypeError());
  EXPECT_TRUE(PeriodGrid::Make(Parse("MS"), DataType::Date32(), "a").ok());
  EXPECT_TRUE(PeriodGrid::Make(Parse("MS"), DataType::Timestamp(TimeUnit::kSecond), "a").ok());
  EXPECT_TRUE(
      PeriodGrid::Make(Parse("MS"), DataType::Timestamp(TimeUnit::kMicro, "UTC"), "a").ok());
  EXPECT_TRUE(PeriodGrid::Make(Parse("MS"), DataType::Timestamp(TimeUnit::kMicro, "Europe/Paris"),
                               "a")
                  .ok());
  EXPECT_TRUE(PeriodGrid::Make(Parse("MS"), DataType::Timestamp(TimeUnit::kMicro, "Mars/Base"), "a")
                  .status()
                  .IsNotFound());
}

TEST(PeriodGrid, FixedDurationsAreEpochAligned) {
  const PeriodGrid d = Grid("D");
  EXPECT_EQ(d.Start(Ns(2024, 1, 1, 12)), Ns(2024, 1, 1));
  EXPECT_EQ(d.Start(Ns(2024, 1, 1)), Ns(2024, 1, 1));
  EXPECT_EQ(d.Start(Ns(2024, 1, 1) - 1), Ns(2023, 12, 31));
  EXPECT_EQ(d.Start(Ns(1969, 12, 31, 23)), Ns(1969, 12, 31));
  const PeriodGrid d2 = Grid("2D");  // every other midnight from 1970-01-01
  EXPECT_EQ(d2.Start(Ns(1970, 1, 2, 5)), Ns(1970, 1, 1));
  EXPECT_EQ(d2.Start(Ns(1970, 1, 3, 1)), Ns(1970, 1, 3));
  EXPECT_EQ(d2.Start(Ns(1969, 12, 31, 1)), Ns(1969, 12, 30));
  const PeriodGrid h2 = Grid("2h");  // even hours
  EXPECT_EQ(h2.Start(Ns(2024, 5, 5, 9, 10)), Ns(2024, 5, 5, 8));
  EXPECT_EQ(h2.Start(Ns(2024, 5, 5, 10)), Ns(2024, 5, 5, 10));
  EXPECT_EQ(h2.Index(Ns(2024, 5, 5, 8)), h2.Index(Ns(2024, 5, 5, 9, 59)));
  EXPECT_NE(h2.Index(Ns(2024, 5, 5, 9, 59)), h2.Index(Ns(2024, 5, 5, 10)));
  const PeriodGrid t15 = Grid("15T");
  EXPECT_EQ(t15.Start(Ns(2024, 5, 5, 9, 44)), Ns(2024, 5, 5, 9, 30));
  const PeriodGrid h90 = Grid("1h30min");  // multiples of 90 min since the epoch
  EXPECT_EQ(h90.Start(Ns(1970, 1, 1, 2, 59)), Ns(1970, 1, 1, 1, 30));
  EXPECT_EQ(h90.Start(Ns(1970, 1, 2, 0, 10)), Ns(1970, 1, 2, 0, 0));  // 24h = 16 x 90min
}

TEST(PeriodGrid, EveryUnitAndDates) {
  // Seconds, ms, us columns: same boundaries in their own unit.
  const int64_t t_ns = Ns(2024, 2, 29, 13, 45);
  const std::pair<TimeUnit, int64_t> units[] = {{TimeUnit::kSecond, kNsPerSec},
                                                {TimeUnit::kMilli, 1'000'000},
                                                {TimeUnit::kMicro, 1'000},
                                                {TimeUnit::kNano, 1}};
  for (const auto& [unit, ns] : units) {
    const DataType type = DataType::Timestamp(unit);
    EXPECT_EQ(Grid("h", type).Start(t_ns / ns), Ns(2024, 2, 29, 13) / ns);
    EXPECT_EQ(Grid("MS", type).Start(t_ns / ns), Ns(2024, 2, 1) / ns);
    EXPECT_EQ(Grid("ME", type).Start(t_ns / ns), Ns(2024, 2, 29) / ns);
    EXPECT_EQ(Grid("W", type).Start(t_ns / ns), Ns(2024, 2, 25) / ns);  // a Sunday
    EXPECT_EQ(Grid("YS", type).Start(t_ns / ns), Ns(2024, 1, 1) / ns);
  }
  // date32: a date counts as its midnight.
  const DataType date = DataType::Date32();
  EXPECT_EQ(Grid("MS", date).Start(Day(2024, 2, 29)), Day(2024, 2, 1));
  EXPECT_EQ(Grid("D", date).Index(Day(2024, 2, 29)), Day(2024, 2, 29));
  EXPECT_EQ(Grid("2D", date).Start(Day(1970, 1, 2)), 0);
  const PeriodGrid h = Grid("h", date);  // every day is its own period
  EXPECT_EQ(h.Start(Day(2024, 2, 29)), Day(2024, 2, 29));
  EXPECT_NE(h.Index(Day(2024, 2, 29)), h.Index(Day(2024, 3, 1)));
}

TEST(PeriodGrid, DurationsNotMultipleOfTheUnit) {
  // 1.5 ms on a millisecond column: boundaries 0, 1.5, 3, 4.5 ms.
  const PeriodGrid g = Grid("1500us", DataType::Timestamp(TimeUnit::kMilli));
  EXPECT_EQ(g.Index(0), 0);
  EXPECT_EQ(g.Index(1), 0);
  EXPECT_EQ(g.Index(2), 1);
  EXPECT_EQ(g.Index(3), 2);
  EXPECT_EQ(g.Index(-1), -1);
  EXPECT_EQ(g.IndexStart(1), 2);  // 1.5 rounded up
  EXPECT_EQ(g.Start(2), 2);
  EXPECT_EQ(g.Start(1), 0);
  // A duration finer than the unit: every value starts its own period.
  const PeriodGrid fine = Grid("1ns", DataType::Timestamp(TimeUnit::kSecond));
  EXPECT_EQ(fine.Index(41), 41);
  EXPECT_EQ(fine.Start(41), 41);
}

TEST(PeriodGrid, Weeks) {
  // 2024-01-07 is a Sunday: W periods run Sunday to Saturday.
  const PeriodGrid w = Grid("W");
  EXPECT_EQ(w.Start(Ns(2024, 1, 10, 15)), Ns(2024, 1, 7));
  EXPECT_EQ(w.Start(Ns(2024, 1, 7)), Ns(2024, 1, 7));
  EXPECT_EQ(w.Start(Ns(2024, 1, 13, 23, 59)), Ns(2024, 1, 7));
  EXPECT_EQ(w.Start(Ns(2024, 1, 14)), Ns(2024, 1, 14));
  EXPECT_EQ(w.Start(Ns(1969, 12, 31)), Ns(1969, 12, 28));  // before the epoch
  EXPECT_EQ(Grid("W-MON").Start(Ns(2024, 1, 7)), Ns(2024, 1, 1));
  EXPECT_EQ(Grid("W-THU").Start(Ns(1970, 1, 1, 5)), 0);  // r = 0 for THU
  EXPECT_EQ(Grid("W-WED").Start(Ns(1970, 1, 1, 5)), Ns(1969, 12, 31));
  // 2W: Sundays 1970-01-04 + 14 k.
  const PeriodGrid w2 = Grid("2W");
  EXPECT_EQ(w2.Start(Ns(1970, 1, 10)), Ns(1970, 1, 4));
  EXPECT_EQ(w2.Start(Ns(1970, 1, 17)), Ns(1970, 1, 4));
  EXPECT_EQ(w2.Start(Ns(1970, 1, 18)), Ns(1970, 1, 18));
  EXPECT_EQ(w2.Start(Ns(1970, 1, 3)), Ns(1969, 12, 21));
}

TEST(PeriodGrid, MonthsQuartersYears) {
  EXPECT_EQ(Grid("MS").Start(Ns(2024, 2, 29, 12)), Ns(2024, 2, 1));
  EXPECT_EQ(Grid("MS").Start(Ns(1969, 12, 15)), Ns(1969, 12, 1));
  // ME: the period [Jan 31, Feb 29) holds Jan 31 and Feb 1-28.
  const PeriodGrid me = Grid("ME");
  EXPECT_EQ(me.Start(Ns(2024, 1, 31, 3)), Ns(2024, 1, 31));
  EXPECT_EQ(me.Start(Ns(2024, 2, 1)), Ns(2024, 1, 31));
  EXPECT_EQ(me.Start(Ns(2024, 2, 28, 23)), Ns(2024, 1, 31));
  EXPECT_EQ(me.Start(Ns(2024, 2, 29)), Ns(2024, 2, 29));
  EXPECT_EQ(me.Start(Ns(2024, 1, 30)), Ns(2023, 12, 31));
  EXPECT_EQ(Grid("M").Start(Ns(2023, 3, 1)), Ns(2023, 2, 28));
  // 2MS: months m = 0 mod 2 (Jan, Mar, ...); 2ME: last day of Feb, Apr, ...
  EXPECT_EQ(Grid("2MS").Start(Ns(2024, 2, 15)), Ns(2024, 1, 1));
  EXPECT_EQ(Grid("2MS").Start(Ns(2024, 3, 1)), Ns(2024, 3, 1));
  EXPECT_EQ(Grid("2ME").Start(Ns(2024, 3, 15)), Ns(2024, 2, 29));
  EXPECT_EQ(Grid("2ME").Start(Ns(2024, 2, 28)), Ns(2023, 12, 31));
  // Quarters.
  EXPECT_EQ(Grid("QS").Start(Ns(2024, 6, 30)), Ns(2024, 4, 1));
  EXPECT_EQ(Grid("QS").Start(Ns(2024, 7, 1)), Ns(2024, 7, 1));
  EXPECT_EQ(Grid("QS").Start(Ns(2024, 12, 31)), Ns(2024, 10, 1));
  EXPECT_EQ(Grid("QS-FEB").Start(Ns(2024, 1, 15)), Ns(2023, 11, 1));
  EXPECT_EQ(Grid("QS-FEB").Start(Ns(2024, 5, 1)), Ns(2024, 5, 1));
  EXPECT_EQ(Grid("QE").Start(Ns(2024, 3, 30)), Ns(2023, 12, 31));
  EXPECT_EQ(Grid("QE").Start(Ns(2024, 3, 31)), Ns(2024, 3, 31));
  EXPECT_EQ(Grid("QE").Start(Ns(2024, 7, 1)), Ns(2024, 6, 30));
  EXPECT_EQ(Grid("Q").Start(Ns(2024, 11, 1)), Ns(2024, 9, 30));
  EXPECT_EQ(Grid("QE-JAN").Start(Ns(2024, 3, 1)), Ns(2024, 1, 31));
  EXPECT_EQ(Grid("Q-JAN").Start(Ns(2024, 4, 30)), Ns(2024, 4, 30));
  // Years.
  EXPECT_EQ(Grid("YS").Start(Ns(2024, 12, 31)), Ns(2024, 1, 1));
  EXPECT_EQ(Grid("AS").Start(Ns(2024, 1, 1)), Ns(2024, 1, 1));
  EXPECT_EQ(Grid("2YS").Start(Ns(2023, 6, 1)), Ns(2022, 1, 1));  // even years
  EXPECT_EQ(Grid("2YS").Start(Ns(1969, 6, 1)), Ns(1968, 1, 1));
  EXPECT_EQ(Grid("YS-JUL").Start(Ns(2024, 3, 1)), Ns(2023, 7, 1));
  EXPECT_EQ(Grid("YE").Start(Ns(2024, 6, 1)), Ns(2023, 12, 31));
  EXPECT_EQ(Grid("YE").Start(Ns(2024, 12, 31, 1)), Ns(2024, 12, 31));
  EXPECT_EQ(Grid("A").Start(Ns(2024, 12, 30)), Ns(2023, 12, 31));
  EXPECT_EQ(Grid("YE-JUN").Start(Ns(2024, 7, 1)), Ns(2024, 6, 30));
  EXPECT_EQ(Grid("Y-FEB").Start(Ns(2025, 2, 28)), Ns(2025, 2, 28));
  EXPECT_EQ(Grid("Y-FEB").Start(Ns(2024, 2, 28)), Ns(2023, 2, 28));  // 2024-02-29 is the end
}

// Expected boundary days, straight from the definitions of
// docs/behaviour.md#time-periods, day by day.
bool IsBoundaryDay(const Frequency& f, int64_t d) {
  auto mod = [](int64_t a, int64_t b) { return ((a % b) + b) % b; };
  const int64_t m = MonthIndexOfDay(d);
  const bool first = FirstDayOfMonthIndex(m) == d;
  const bool last = FirstDayOfMonthIndex(m + 1) - 1 == d;
  switch (f.kind) {
    case FrequencyKind::kWeek:
      return mod(d - (f.anchor - 3 + 7) % 7, 7 * f.n) == 0;
    case FrequencyKind::kMonthStart:
      return first && mod(m, f.n) == 0;
    case FrequencyKind::kMonthEnd:
      return last && mod(m, f.n) == f.n - 1;
    case FrequencyKind::kQuarterStart:
      return first && mod(m - f.anchor, 3 * f.n) == 0;
    case FrequencyKind::kQuarterEnd:
      return last && mod(m - f.anchor, 3 * f.n) == 0;
    case FrequencyKind::kYearStart:
      return first && mod(m - f.anchor, 12 * f.n) == 0;
    case FrequencyKind::kYearEnd:
      return last && mod(m - f.anchor, 12 * f.n) == 0;
    case FrequencyKind::kFixed:
      return mod(d * kNsPerDay, f.fixed_ns) == 0;
  }
  return false;
}

TEST(PeriodGrid, CalendarBoundariesMatchTheDefinitionDayByDay) {
  const std::vector<std::string> freqs = {
      "W",      "W-MON", "W-THU", "W-SAT", "3W-TUE", "MS",     "2MS",    "5MS",
      "ME",     "M",     "2ME",   "7M",    "QS",     "QS-FEB", "QS-DEC", "2QS-MAR",
      "QE",     "Q",     "QE-JAN", "Q-NOV", "3QE-MAY", "YS",   "AS-JUL", "2YS",
      "3AS-OCT", "YE",   "Y-JUN", "A",     "2YE-FEB", "D",     "2D",     "3D"};
  for (const std::string& text : freqs) {
    const Frequency f = Parse(text);
    const PeriodGrid dates = Grid(text, DataType::Date32());
    const PeriodGrid secs = Grid(text, DataType::Timestamp(TimeUnit::kSecond));
    const int64_t from = Day(1899, 12, 1), to = Day(2101, 2, 1);
    int64_t previous = dates.Index(from - 1);
    for (int64_t d = from; d < to; ++d) {
      const int64_t p = dates.Index(d);
      ASSERT_EQ(p != previous, IsBoundaryDay(f, d)) << text << " day " << d;
      ASSERT_GE(p, previous) << text;
      if (p != previous) {
        ASSERT_EQ(dates.IndexStart(p), d) << text;
      }
      ASSERT_EQ(dates.Start(d) <= d, true);
      // Timestamps within the day fall in the day's period.
      ASSERT_EQ(secs.Index(d * 86400 + 86399), p) << text;
      ASSERT_EQ(secs.Index(d * 86400), p) << text;
      previous = p;
    }
  }
}

TEST(PeriodGrid, RandomValuesStartInvariants) {
  std::mt19937_64 rng(42);
  const std::vector<std::string> freqs = {"1s",  "7min", "2h", "1D 12h", "1500us", "W-FRI",
                                          "2MS", "ME",   "QS", "QE-FEB", "2YS",    "A"};
  const std::pair<TimeUnit, int64_t> units[] = {{TimeUnit::kSecond, 4'000'000'000LL},
                                                {TimeUnit::kMilli, 4'000'000'000'000LL},
                                                {TimeUnit::kNano, 4'000'000'000'000'000'000LL}};
  for (const std::string& text : freqs) {
    for (const auto& [unit, range] : units) {
      const PeriodGrid g = Grid(text, DataType::Timestamp(unit));
      std::uniform_int_distribution<int64_t> dist(-range, range);
      for (int i = 0; i < 2000; ++i) {
        const int64_t v = dist(rng);
        const int64_t p = g.Index(v);
        const int64_t s = g.Start(v);
        ASSERT_LE(s, v) << text;
        ASSERT_EQ(g.Index(s), p) << text << " v=" << v;
        ASSERT_LT(g.Index(s - 1), p) << text << " v=" << v;
        ASSERT_LE(g.Index(v - 1), p);
        ASSERT_GE(g.Index(v + 1), p);
      }
    }
  }
}

// ------------------------------------------------------------ time zones

// A UTC instant in ns.
int64_t Utc(int64_t y, int64_t mo, int64_t d, int64_t h = 0, int64_t mi = 0) {
  return Ns(y, mo, d, h, mi);
}
DataType Zoned(const std::string& tz, TimeUnit unit = TimeUnit::kNano) {
  return DataType::Timestamp(unit, tz);
}

TEST(ZonedPeriodGrid, DaysAcrossDstAreLocalMidnights) {
  const PeriodGrid g = Grid("1D", Zoned("Europe/Paris"));
  // 23-hour day 2024-03-31: local midnights are 2024-03-30 23:00 and 2024-03-31 22:00 UTC.
  EXPECT_EQ(g.Index(Utc(2024, 3, 31, 10)), Utc(2024, 3, 30, 23));
  EXPECT_EQ(g.Start(Utc(2024, 3, 31, 21, 59)), Utc(2024, 3, 30, 23));
  EXPECT_EQ(g.Start(Utc(2024, 3, 31, 22)), Utc(2024, 3, 31, 22));
  EXPECT_EQ(g.IndexStart(Utc(2024, 3, 31, 10)), Utc(2024, 3, 31, 22));
  EXPECT_EQ(g.Start(Utc(2024, 3, 31, 22)) - g.Start(Utc(2024, 3, 31, 10)), 23 * kNsPerHour);
  // 25-hour day 2024-10-27.
  EXPECT_EQ(g.Start(Utc(2024, 10, 27, 0, 30)), Utc(2024, 10, 26, 22));
  EXPECT_EQ(g.Start(Utc(2024, 10, 27, 1, 30)), Utc(2024, 10, 26, 22));
  EXPECT_EQ(g.Start(Utc(2024, 10, 27, 22, 59)), Utc(2024, 10, 26, 22));
  EXPECT_EQ(g.Start(Utc(2024, 10, 27, 23)), Utc(2024, 10, 27, 23));
  EXPECT_EQ(g.IndexStart(Utc(2024, 10, 27, 12)) - Utc(2024, 10, 26, 22), 25 * kNsPerHour);
  // Past the file's transitions (POSIX footer): 2040-03-25 has 23 hours.
  EXPECT_EQ(g.Start(Utc(2040, 3, 25, 12)), Utc(2040, 3, 24, 23));
  EXPECT_EQ(g.IndexStart(Utc(2040, 3, 25, 12)), Utc(2040, 3, 25, 22));
  // Seconds unit, same boundaries.
  const PeriodGrid s = Grid("1D", Zoned("Europe/Paris", TimeUnit::kSecond));
  EXPECT_EQ(s.Start(Utc(2024, 10, 27, 12) / kNsPerSec), Utc(2024, 10, 26, 22) / kNsPerSec);
  // New York: midnight 05:00 UTC in winter, 04:00 in summer.
  const PeriodGrid ny = Grid("D", Zoned("America/New_York"));
  EXPECT_EQ(ny.Start(Utc(2024, 3, 10, 12)), Utc(2024, 3, 10, 5));
  EXPECT_EQ(ny.IndexStart(Utc(2024, 3, 10, 12)), Utc(2024, 3, 11, 4));
  // Fixed offset zone.
  const PeriodGrid fixed = Grid("D", Zoned("+05:30"));
  EXPECT_EQ(fixed.Start(Utc(2024, 1, 1, 20)), Utc(2024, 1, 1, 18, 30));
}

TEST(ZonedPeriodGrid, SkippedAndRepeatedMidnights) {
  // Sao Paulo 2018-11-04: 00:00 (-03) jumps to 01:00 (-02) at 03:00 UTC; the
  // skipped midnight's boundary is the instant of the shift.
  const PeriodGrid sp = Grid("1D", Zoned("America/Sao_Paulo"));
  EXPECT_EQ(sp.Start(Utc(2018, 11, 4, 2, 59)), Utc(2018, 11, 3, 3));
  EXPECT_EQ(sp.Start(Utc(2018, 11, 4, 3)), Utc(2018, 11, 4, 3));
  EXPECT_EQ(sp.Start(Utc(2018, 11, 4, 12)), Utc(2018, 11, 4, 3));
  EXPECT_EQ(sp.IndexStart(Utc(2018, 11, 4, 1)), Utc(2018, 11, 4, 3));
  // Havana 2024-11-03: 01:00 (-04) goes back to 00:00 (-05) at 05:00 UTC, so
  // the reading 00:00 happens at 04:00 and at 05:00 UTC: both are boundaries.
  const PeriodGrid hv = Grid("1D", Zoned("America/Havana"));
  EXPECT_EQ(hv.Start(Utc(2024, 11, 3, 3, 59)), Utc(2024, 11, 2, 4));
  EXPECT_EQ(hv.Start(Utc(2024, 11, 3, 4)), Utc(2024, 11, 3, 4));
  EXPECT_EQ(hv.Start(Utc(2024, 11, 3, 4, 59)), Utc(2024, 11, 3, 4));
  EXPECT_EQ(hv.Start(Utc(2024, 11, 3, 5)), Utc(2024, 11, 3, 5));
  EXPECT_EQ(hv.Start(Utc(2024, 11, 3, 20)), Utc(2024, 11, 3, 5));
  EXPECT_EQ(hv.IndexStart(Utc(2024, 11, 3, 4, 30)), Utc(2024, 11, 3, 5));
  EXPECT_EQ(hv.IndexStart(Utc(2024, 11, 3, 5, 30)), Utc(2024, 11, 4, 5));
}

TEST(ZonedPeriodGrid, HoursWeeksMonths) {
  const PeriodGrid h = Grid("h", Zoned("Europe/Paris"));
  // Backward shift 2024-10-27 01:00 UTC: 02:00 is read twice, both boundaries.
  EXPECT_EQ(h.Start(Utc(2024, 10, 27, 0, 30)), Utc(2024, 10, 27, 0));
  EXPECT_EQ(h.Start(Utc(2024, 10, 27, 1, 30)), Utc(2024, 10, 27, 1));
  EXPECT_EQ(h.Start(Utc(2024, 10, 27, 2, 30)), Utc(2024, 10, 27, 2));
  // Forward shift 2024-03-31 01:00 UTC: 01:00 local then 03:00 local.
  EXPECT_EQ(h.Start(Utc(2024, 3, 31, 0, 59)), Utc(2024, 3, 31, 0));
  EXPECT_EQ(h.Start(Utc(2024, 3, 31, 1)), Utc(2024, 3, 31, 1));
  EXPECT_EQ(h.IndexStart(Utc(2024, 3, 31, 0, 1)), Utc(2024, 3, 31, 1));
  // Lord Howe, 30-minute shift back at 15:00 UTC on 2024-04-06 (02:00 -> 01:30):
  // the hour 01:00-02:00 lasts 90 minutes, no boundary at the shift.
  const PeriodGrid lh = Grid("h", Zoned("Australia/Lord_Howe"));
  EXPECT_EQ(lh.Start(Utc(2024, 4, 6, 15, 20)), Utc(2024, 4, 6, 14));
  EXPECT_EQ(lh.IndexStart(Utc(2024, 4, 6, 14, 10)), Utc(2024, 4, 6, 15, 30));
  // Weeks Sunday to Saturday: the week of Sunday 2024-03-31 starts at 2024-03-30 23:00 UTC.
  const PeriodGrid w = Grid("W", Zoned("Europe/Paris"));
  EXPECT_EQ(w.Start(Utc(2024, 4, 3, 12)), Utc(2024, 3, 30, 23));
  EXPECT_EQ(w.IndexStart(Utc(2024, 4, 3, 12)), Utc(2024, 4, 6, 22));
  EXPECT_EQ(w.Start(Utc(2024, 3, 30, 22, 59)), Utc(2024, 3, 23, 23));
  // Month starts: April 1 is 2024-03-31 22:00 UTC, March 1 2024-02-29 23:00 UTC.
  const PeriodGrid ms = Grid("MS", Zoned("Europe/Paris", TimeUnit::kMicro));
  const int64_t us = 1000;
  EXPECT_EQ(ms.Start(Utc(2024, 3, 31, 21, 59) / us), Utc(2024, 2, 29, 23) / us);
  EXPECT_EQ(ms.Start(Utc(2024, 3, 31, 22) / us), Utc(2024, 3, 31, 22) / us);
  EXPECT_EQ(ms.IndexStart(Utc(2024, 3, 15) / us), Utc(2024, 3, 31, 22) / us);
}

// Brute force at one-minute steps over DST days of several zones: the
// boundaries (instants where Index changes) are exactly those of
// docs/behaviour.md#time-periods: instants whose local reading is a wall
// boundary, plus shift instants where the wall period changes; Index is
// non-decreasing and Start(v) is the last boundary.
TEST(ZonedPeriodGrid, MatchesTheDefinitionMinuteByMinute) {
  const std::vector<std::string> zones = {"Europe/Paris", "America/New_York",
                                          "Australia/Lord_Howe", "America/Havana",
                                          "America/Sao_Paulo", "Asia/Kolkata"};
  const std::vector<std::string> freqs = {"1D", "h", "2h", "30min", "W", "MS", "45min"};
  const std::vector<int64_t> days = {Day(2018, 2, 17), Day(2018, 11, 3), Day(2024, 3, 9),
                                     Day(2024, 3, 30), Day(2024, 4, 6), Day(2024, 10, 5),
                                     Day(2024, 10, 26), Day(2024, 11, 2), Day(2040, 3, 24),
                                     Day(2040, 10, 27), Day(2040, 11, 3)};
  for (const std::string& zone : zones) {
    auto tz = TimeZone::Load(zone).ValueOrDie();
    for (const std::string& freq : freqs) {
      const PeriodGrid naive = Grid(freq, DataType::Timestamp(TimeUnit::kSecond));
      const PeriodGrid g = Grid(freq, Zoned(zone, TimeUnit::kSecond));
      for (int64_t day : days) {
        const int64_t from = day * 86400, to = from + 3 * 86400;
        int64_t last_boundary = g.Start(from);
        int64_t prev_index = g.Index(from);
        for (int64_t t = from + 60; t < to; t += 60) {
          const int64_t local = t + tz->UtcOffsetSeconds(t);
          const int64_t prev_local = t - 1 + tz->UtcOffsetSeconds(t - 1);
          const bool boundary = naive.Start(local) == local ||
                                naive.Index(local) != naive.Index(prev_local);
          const int64_t index = g.Index(t);
          ASSERT_GE(index, prev_index) << zone << " " << freq << " " << t;
          ASSERT_EQ(index != prev_index, boundary) << zone << " " << freq << " " << t;
          if (boundary) {
            last_boundary = t;
            ASSERT_EQ(g.IndexStart(t - 59), t) << zone << " " << freq << " " << t;
          }
          ASSERT_EQ(g.Start(t), last_boundary) << zone << " " << freq << " " << t;
          prev_index = index;
        }
      }
    }
  }
}

}  // namespace
}  // namespace oups::dataset
