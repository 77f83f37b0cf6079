#include "dataset/frequency.h"

#include <array>
#include <limits>
#include <optional>
#include <utility>

#include "oups/common/civil_time.h"

namespace oups::dataset {
namespace {

constexpr int64_t kNanosPerDay = 86'400'000'000'000;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

using civil::CeilDiv128;
using civil::CivilFromDays;
using civil::DaysFromCivil;
using civil::FloorDiv;
using civil::FloorDiv128;
using civil::Int128;
using civil::Saturate;

// Month indices beyond this are far outside any representable timestamp
// (about 3.3e11 years); IndexStart saturates there.
constexpr Int128 kMaxMonthIndex = Int128(4'000'000'000'000LL);

struct UnitName {
  std::string_view name;
  int64_t ns;
};
constexpr UnitName kUnits[] = {
    {"ns", 1},
    {"N", 1},
    {"nano", 1},
    {"nanos", 1},
    {"nanosecond", 1},
    {"nanoseconds", 1},
    {"us", 1'000},
    {"U", 1'000},
    {"micro", 1'000},
    {"micros", 1'000},
    {"microsecond", 1'000},
    {"microseconds", 1'000},
    {"ms", 1'000'000},
    {"L", 1'000'000},
    {"milli", 1'000'000},
    {"millis", 1'000'000},
    {"millisecond", 1'000'000},
    {"milliseconds", 1'000'000},
    {"s", 1'000'000'000},
    {"S", 1'000'000'000},
    {"sec", 1'000'000'000},
    {"second", 1'000'000'000},
    {"seconds", 1'000'000'000},
    {"min", 60'000'000'000},
    {"T", 60'000'000'000},
    {"m", 60'000'000'000},
    {"minute", 60'000'000'000},
    {"minutes", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"H", 3'600'000'000'000},
    {"hr", 3'600'000'000'000},
    {"hour", 3'600'000'000'000},
    {"hours", 3'600'000'000'000},
    {"D", kNanosPerDay},
    {"d", kNanosPerDay},
    {"day", kNanosPerDay},
    {"days", kNanosPerDay},
};

std::optional<int64_t> UnitNanos(std::string_view name) {
  for (const UnitName& u : kUnits) {
    if (u.name == name) return u.ns;
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 7> kDays = {"MON", "TUE", "WED", "THU",
                                                   "FRI", "SAT", "SUN"};
constexpr std::array<std::string_view, 12> kMonths = {"JAN", "FEB", "MAR", "APR",
                                                      "MAY", "JUN", "JUL", "AUG",
                                                      "SEP", "OCT", "NOV", "DEC"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Parses a run of decimal digits at `pos`; nullopt if none or if it overflows.
// Sets `present` when at least one digit was read.
std::optional<int64_t> ParseDigits(std::string_view s, size_t& pos, bool& present) {
  present = false;
  int64_t v = 0;
  while (pos < s.size() && IsDigit(s[pos])) {
    present = true;
    const int d = s[pos] - '0';
    if (v > (kInt64Max - d) / 10) return std::nullopt;
    v = v * 10 + d;
    ++pos;
  }
  return v;
}

Status Unsupported(std::string_view text) {
  std::string msg = "'row_group_target_size' frequency '";
  msg.append(text);
  msg.append(
      "' is not supported. Accepted: fixed durations made of one or more terms "
      "'<n><unit>' (n >= 1, optional for a single term; one space may separate a "
      "number from its unit and a term from the next) with units ns/N/nano(s)/"
      "nanosecond(s), us/U/micro(s)/microsecond(s), ms/L/milli(s)/millisecond(s), "
      "s/S/sec/second(s), min/T/m/minute(s), h/H/hr/hour(s), D/d/day(s); calendar "
      "frequencies '[n]C' with C one of W, W-<DAY>, MS, ME, M, QS, QS-<MON>, QE, Q, "
      "QE-<MON>, Q-<MON>, YS, AS, YS-<MON>, AS-<MON>, YE, Y, A, YE-<MON>, Y-<MON>, "
      "A-<MON> (<DAY> in MON..SUN, <MON> in JAN..DEC).");
  return Status::InvalidArgument(std::move(msg));
}

// Calendar name (after the multiple) → kind and anchor; nullopt if not one.
std::optional<std::pair<FrequencyKind, int>> ParseCalendar(std::string_view c) {
  auto split = [](std::string_view s, std::string_view& base, std::string_view& suffix) {
    const size_t dash = s.find('-');
    if (dash == std::string_view::npos) {
      base = s;
      suffix = {};
      return false;
    }
    base = s.substr(0, dash);
    suffix = s.substr(dash + 1);
    return true;
  };
  std::string_view base, suffix;
  const bool has_suffix = split(c, base, suffix);
  auto month_of = [](std::string_view s) -> int {
    for (size_t i = 0; i < kMonths.size(); ++i) {
      if (kMonths[i] == s) return static_cast<int>(i);
    }
    return -1;
  };
  if (base == "W") {
    if (!has_suffix) return std::make_pair(FrequencyKind::kWeek, 6);
    for (size_t i = 0; i < kDays.size(); ++i) {
      if (kDays[i] == suffix) return std::make_pair(FrequencyKind::kWeek, static_cast<int>(i));
    }
    return std::nullopt;
  }
  if (base == "MS" || base == "ME" || base == "M") {
    if (has_suffix) return std::nullopt;
    return std::make_pair(base == "MS" ? FrequencyKind::kMonthStart : FrequencyKind::kMonthEnd,
                          0);
  }
  FrequencyKind kind;
  int default_anchor;
  if (base == "QS") {
    kind = FrequencyKind::kQuarterStart;
    default_anchor = 0;
  } else if (base == "QE" || base == "Q") {
    kind = FrequencyKind::kQuarterEnd;
    default_anchor = 11;
  } else if (base == "YS" || base == "AS") {
    kind = FrequencyKind::kYearStart;
    default_anchor = 0;
  } else if (base == "YE" || base == "Y" || base == "A") {
    kind = FrequencyKind::kYearEnd;
    default_anchor = 11;
  } else {
    return std::nullopt;
  }
  if (!has_suffix) return std::make_pair(kind, default_anchor);
  const int m = month_of(suffix);
  if (m < 0) return std::nullopt;
  return std::make_pair(kind, m);
}

// Fixed-duration terms; nullopt if the grammar does not match.
std::optional<int64_t> ParseFixed(std::string_view s) {
  size_t pos = 0;
  Int128 total = 0;
  int terms = 0;
  bool omitted_number = false;
  while (true) {
    bool has_number = false;
    const std::optional<int64_t> n = ParseDigits(s, pos, has_number);
    if (!n) return std::nullopt;
    if (has_number && *n < 1) return std::nullopt;
    if (has_number && pos < s.size() && s[pos] == ' ') ++pos;  // "90 minutes"
    const size_t unit_begin = pos;
    while (pos < s.size() && IsAlpha(s[pos])) ++pos;
    const std::optional<int64_t> unit_ns = UnitNanos(s.substr(unit_begin, pos - unit_begin));
    if (!unit_ns) return std::nullopt;
    ++terms;
    if (!has_number) omitted_number = true;
    total += Int128(has_number ? *n : 1) * *unit_ns;
    if (total > Int128(kInt64Max)) return std::nullopt;
    if (pos == s.size()) break;
    if (s[pos] == ' ') {
      ++pos;  // one space between terms
      if (pos == s.size()) return std::nullopt;
    }
  }
  if (omitted_number && terms > 1) return std::nullopt;
  if (total <= 0) return std::nullopt;
  return static_cast<int64_t>(total);
}

}  // namespace

int64_t FirstDayOfMonthIndex(int64_t month_index) {
  const int64_t y = 1970 + FloorDiv(month_index, 12);
  const int64_t m = month_index - FloorDiv(month_index, 12) * 12 + 1;
  return DaysFromCivil(y, m, 1);
}

int64_t MonthIndexOfDay(int64_t day) {
  const civil::CivilDate c = CivilFromDays(day);
  return 12 * (c.year - 1970) + (c.month - 1);
}

Result<Frequency> Frequency::Parse(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return Unsupported(text);
  // Calendar: [n]C, no space, no compound.
  {
    size_t pos = 0;
    bool has_number = false;
    const std::optional<int64_t> n = ParseDigits(text, pos, has_number);
    if (n && (!has_number || *n >= 1)) {
      if (auto cal = ParseCalendar(text.substr(pos))) {
        Frequency f;
        f.kind = cal->first;
        f.anchor = cal->second;
        f.n = has_number ? *n : 1;
        f.text = std::string(text);
        // Keep month arithmetic far from overflow: 12 * n must fit easily.
        if (f.n > 1'000'000'000'000LL) return Unsupported(text);
        return f;
      }
    }
  }
  const std::optional<int64_t> ns = ParseFixed(text);
  if (!ns) return Unsupported(text);
  Frequency f;
  f.kind = FrequencyKind::kFixed;
  f.fixed_ns = *ns;
  f.text = std::string(text);
  return f;
}

Result<Frequency> Frequency::FromNanoseconds(int64_t ns) {
  if (ns <= 0) {
    std::string msg = "'row_group_target_size' duration must be > 0, got ";
    msg.append(std::to_string(ns));
    msg.append(" ns.");
    return Status::InvalidArgument(std::move(msg));
  }
  Frequency f;
  f.kind = FrequencyKind::kFixed;
  f.fixed_ns = ns;
  f.text = std::to_string(ns);
  f.text.append("ns");
  return f;
}

Result<PeriodGrid> PeriodGrid::Make(const Frequency& frequency, const DataType& type,
                                    std::string_view column_name) {
  int64_t unit_ns = 1;
  std::shared_ptr<const TimeZone> tz;
  if (type.id == TypeId::kDate32) {
    unit_ns = kNanosPerDay;
  } else if (type.id == TypeId::kTimestamp) {
    if (!type.timezone.empty()) {
      OUPS_ASSIGN_OR_RETURN(tz, TimeZone::Load(type.timezone));
      if (tz->is_utc()) tz = nullptr;
    }
    switch (type.unit) {
      case TimeUnit::kSecond:
        unit_ns = 1'000'000'000;
        break;
      case TimeUnit::kMilli:
        unit_ns = 1'000'000;
        break;
      case TimeUnit::kMicro:
        unit_ns = 1'000;
        break;
      case TimeUnit::kNano:
        unit_ns = 1;
        break;
    }
  } else {
    std::string msg = "if 'row_group_target_size' is a pandas 'freqstr', dtype of column ";
    msg.append(column_name);
    msg.append(" has to be a timestamp or date type.");
    return Status::TypeError(std::move(msg));
  }
  if (frequency.kind == FrequencyKind::kFixed && frequency.fixed_ns <= 0) {
    return Status::InvalidArgument("a fixed-duration frequency must be > 0");
  }
  if (frequency.n < 1) return Status::InvalidArgument("a frequency multiple must be >= 1");
  PeriodGrid grid(frequency, unit_ns, kNanosPerDay / unit_ns);
  grid.tz_ = std::move(tz);
  return grid;
}

namespace {

// Month grid: boundaries on the first (start) or last (end) day of months
// m = a + j * k.
struct MonthGrid {
  int64_t a;
  int64_t k;
  bool end;
};

MonthGrid MonthGridOf(const Frequency& f) {
  switch (f.kind) {
    case FrequencyKind::kMonthStart:
      return {0, f.n, false};
    case FrequencyKind::kMonthEnd:
      return {f.n - 1, f.n, true};
    case FrequencyKind::kQuarterStart:
      return {f.anchor, 3 * f.n, false};
    case FrequencyKind::kQuarterEnd:
      return {f.anchor, 3 * f.n, true};
    case FrequencyKind::kYearStart:
      return {f.anchor, 12 * f.n, false};
    case FrequencyKind::kYearEnd:
    default:
      return {f.anchor, 12 * f.n, true};
  }
}

int64_t LastDayOfMonthIndex(int64_t m) { return FirstDayOfMonthIndex(m + 1) - 1; }

// Day number of the first <DAY> on or after 1970-01-01 (a Thursday).
int64_t WeekAnchorDay(int weekday) { return (weekday - 3 + 7) % 7; }

}  // namespace

int64_t PeriodGrid::WallIndex(int64_t v) const {
  const Frequency& f = frequency_;
  if (f.kind == FrequencyKind::kFixed) {
    if (f.fixed_ns <= unit_ns_) return v;  // every raw value starts a period
    return static_cast<int64_t>(FloorDiv128(Int128(v) * unit_ns_, f.fixed_ns));
  }
  const int64_t day = FloorDiv(v, units_per_day_);
  if (f.kind == FrequencyKind::kWeek) {
    return FloorDiv(day - WeekAnchorDay(f.anchor), 7 * f.n);
  }
  const MonthGrid g = MonthGridOf(f);
  const int64_t m = MonthIndexOfDay(day);
  int64_t j = FloorDiv(m - g.a, g.k);
  if (g.end && g.a + j * g.k == m && day < LastDayOfMonthIndex(m)) --j;
  return j;
}

int64_t PeriodGrid::WallIndexStart(int64_t k) const {
  const Frequency& f = frequency_;
  if (f.kind == FrequencyKind::kFixed) {
    if (f.fixed_ns <= unit_ns_) return k;
    return Saturate(CeilDiv128(Int128(k) * f.fixed_ns, unit_ns_));
  }
  Int128 day;
  if (f.kind == FrequencyKind::kWeek) {
    day = Int128(WeekAnchorDay(f.anchor)) + Int128(7 * f.n) * k;
  } else {
    const MonthGrid g = MonthGridOf(f);
    const Int128 m = Int128(g.a) + Int128(g.k) * k;
    if (m > kMaxMonthIndex) return kInt64Max;
    if (m < -kMaxMonthIndex) return kInt64Min;
    const int64_t mi = static_cast<int64_t>(m);
    day = g.end ? LastDayOfMonthIndex(mi) : FirstDayOfMonthIndex(mi);
  }
  return Saturate(day * units_per_day_);
}

int64_t PeriodGrid::Index(int64_t v) const { return tz_ ? ZonedStart(v) : WallIndex(v); }

int64_t PeriodGrid::IndexStart(int64_t k) const {
  return tz_ ? ZonedNextStart(k) : WallIndexStart(k);
}

// Instants are raw values (Int128 to stay exact near the int64 ends); the
// zone works in seconds. Within a span of constant offset the wall clock is
// continuous, so the greatest boundary <= t is the instant of the greatest
// wall boundary <= local(t), unless that reading lies before the span: then
// the span's first instant is a boundary iff the wall period changes across
// it (a forward shift skipping a boundary, a backward one crossing one back),
// otherwise the search continues in the previous span, whose readings end
// just below the span's first reading.
int64_t PeriodGrid::ZonedStart(int64_t v) const {
  const int64_t ups = 1'000'000'000 / unit_ns_;
  Int128 t = v;
  for (;;) {
    const TimeZone::Span s = tz_->SpanAt(static_cast<int64_t>(FloorDiv128(t, ups)));
    const Int128 off = Int128(s.offset) * ups;
    const Int128 inst = Int128(WallIndexStart(WallIndex(Saturate(t + off)))) - off;
    if (s.begin == TimeZone::kMinInstant) return Saturate(inst);
    const Int128 begin = Int128(s.begin) * ups;
    if (inst >= begin) return Saturate(inst);
    const Int128 before = begin + Int128(s.offset_before) * ups - 1;  // last reading before
    if (WallIndex(Saturate(begin + off)) != WallIndex(Saturate(before))) return Saturate(begin);
    t = begin - 1;
  }
}

int64_t PeriodGrid::ZonedNextStart(int64_t v) const {
  if (ZonedStart(v) == v) return v;
  const int64_t ups = 1'000'000'000 / unit_ns_;
  Int128 t = v;  // not a boundary
  for (;;) {
    const TimeZone::Span s = tz_->SpanAt(static_cast<int64_t>(FloorDiv128(t, ups)));
    const Int128 off = Int128(s.offset) * ups;
    const int64_t k = WallIndex(Saturate(t + off));
    if (k == kInt64Max) return kInt64Max;
    const int64_t next_reading = WallIndexStart(k + 1);
    if (next_reading == kInt64Max) return kInt64Max;
    const Int128 inst = Int128(next_reading) - off;
    if (s.end == TimeZone::kMaxInstant) return Saturate(inst);
    const Int128 end = Int128(s.end) * ups;
    if (inst < end) return Saturate(inst);
    if (end > Int128(kInt64Max)) return kInt64Max;
    if (ZonedStart(static_cast<int64_t>(end)) == end) return static_cast<int64_t>(end);
    t = end;
  }
}

}  // namespace oups::dataset
