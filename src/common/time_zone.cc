#include "oups/common/time_zone.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "oups/common/civil_time.h"

namespace oups {
namespace {

// RFC 8536 section 3.2: utoff in [-89999, 93599]; also bounds footer offsets.
constexpr int64_t kMaxOffset = 93'600;
// Footer rules are evaluated for instants within about a billion years.
constexpr int64_t kFooterLimit = int64_t{1} << 55;

using civil::DaysFromCivil;
using civil::FloorDiv;
using civil::Int128;
using civil::kSecondsPerDay;
using civil::Saturate;

Status Corrupt(std::string_view name, std::string_view what) {
  std::string msg = "time zone '";
  msg.append(name);
  msg.append("': malformed TZif data: ");
  msg.append(what);
  return Status::Corruption(std::move(msg));
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// "+HH:MM", "-HH:MM", "+HHMM", "+HH" -> seconds east; false otherwise.
bool ParseFixedOffset(std::string_view s, int64_t& out) {
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
  auto two = [&](size_t pos, int64_t& v) {
    if (pos + 2 > s.size()) return false;
    if (s[pos] < '0' || s[pos] > '9' || s[pos + 1] < '0' || s[pos + 1] > '9') return false;
    v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  int64_t h = 0, m = 0;
  if (!two(1, h)) return false;
  if (s.size() == 3) {
  } else if (s.size() == 6 && s[3] == ':') {
    if (!two(4, m)) return false;
  } else if (s.size() == 5) {
    if (!two(3, m)) return false;
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

// Big-endian reader over untrusted bytes.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool Has(uint64_t n) const { return n <= b_.size() - pos_; }
  size_t pos() const { return pos_; }
  void Skip(size_t n) { pos_ += n; }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    return v;
  }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    return static_cast<int64_t>(v);
  }
  int64_t Time(int size) { return size == 8 ? I64() : static_cast<int32_t>(U32()); }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  std::string_view Rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;
  uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  uint64_t DataSize(int time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6 + charcnt +
           leapcnt * (time_size + 4) + isstdcnt + isutcnt;
  }
};

bool ReadHeader(Reader& r, Header& h) {
  if (!r.Has(44)) return false;
  const std::string_view rest = r.Rest();
  if (rest.substr(0, 4) != "TZif") return false;
  h.version = rest[4];
  r.Skip(20);
  h.isutcnt = r.U32();
  h.isstdcnt = r.U32();
  h.leapcnt = r.U32();
  h.timecnt = r.U32();
  h.typecnt = r.U32();
  h.charcnt = r.U32();
  return true;
}

}  // namespace

namespace {
struct RuleDate {
  char kind = 'M';  // 'M' Mm.w.d, 'J' Jn (no Feb 29), 'N' n (0-based)
  int64_t m = 0, w = 0, d = 0, n = 0;
};
}  // namespace

struct TimeZone::Rule {
  using Date = RuleDate;
  int64_t std_offset = 0;
  bool has_dst = false;
  int64_t dst_offset = 0;
  Date start, end;
  int64_t start_time = 7200, end_time = 7200;

  static int64_t DayOf(const Date& date, int64_t y) {
    const int64_t jan1 = DaysFromCivil(y, 1, 1);
    if (date.kind == 'J') return jan1 + date.n - 1 + (civil::IsLeapYear(y) && date.n >= 60 ? 1 : 0);
    if (date.kind == 'N') return jan1 + date.n;
    const int64_t first = DaysFromCivil(y, date.m, 1);
    const int64_t next = date.m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, date.m + 1, 1);
    const int64_t wd_first = civil::Weekday(first);  // 0 = Sunday
    int64_t day = first + ((date.d - wd_first) % 7 + 7) % 7 + 7 * (date.w - 1);
    while (day >= next) day -= 7;
    return day;
  }
};

namespace {

// POSIX TZ string pieces.
class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}
  bool AtEnd() const { return p_ == s_.size(); }
  bool Peek(char c) const { return p_ < s_.size() && s_[p_] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++p_;
    return true;
  }
  bool Name() {
    if (Eat('<')) {
      const size_t b = p_;
      while (p_ < s_.size() && s_[p_] != '>') {
        const char c = s_[p_];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '-';
        if (!ok) return false;
        ++p_;
      }
      return p_ - b >= 1 && Eat('>');
    }
    const size_t b = p_;
    while (p_ < s_.size() && ((s_[p_] >= 'a' && s_[p_] <= 'z') || (s_[p_] >= 'A' && s_[p_] <= 'Z'))) {
      ++p_;
    }
    return p_ - b >= 3;
  }
  bool Number(int64_t max, int64_t& v) {
    const size_t b = p_;
    v = 0;
    while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') {
      v = v * 10 + (s_[p_] - '0');
      if (v > max) return false;
      ++p_;
    }
    return p_ > b;
  }
  // [+-]hh[:mm[:ss]] with hh <= max_hours; seconds.
  bool Time(int64_t max_hours, int64_t& out) {
    int64_t sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int64_t h = 0, m = 0, s = 0;
    if (!Number(max_hours, h)) return false;
    if (Eat(':')) {
      if (!Number(59, m)) return false;
      if (Eat(':') && !Number(59, s)) return false;
    }
    out = sign * (h * 3600 + m * 60 + s);
    return true;
  }
  bool Date(RuleDate& d) {
    if (Eat('M')) {
      d.kind = 'M';
      return Number(12, d.m) && d.m >= 1 && Eat('.') && Number(5, d.w) && d.w >= 1 && Eat('.') &&
             Number(6, d.d);
    }
    if (Eat('J')) {
      d.kind = 'J';
      return Number(365, d.n) && d.n >= 1;
    }
    d.kind = 'N';
    return Number(365, d.n);
  }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

Status TimeZone::ParseRule(std::string_view text, Rule& rule) {
  RuleParser p(text);
  int64_t off = 0;
  if (!p.Name() || !p.Time(24, off)) return Status::Corruption("bad POSIX TZ standard time");
  rule.std_offset = -off;
  if (p.AtEnd()) return Status::OK();
  if (!p.Name()) return Status::Corruption("bad POSIX TZ daylight name");
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!p.Peek(',')) {
    if (!p.Time(24, off)) return Status::Corruption("bad POSIX TZ daylight offset");
    rule.dst_offset = -off;
  }
  if (!p.Eat(',') || !p.Date(rule.start)) return Status::Corruption("bad POSIX TZ start rule");
  if (p.Eat('/') && !p.Time(167, rule.start_time)) {
    return Status::Corruption("bad POSIX TZ start time");
  }
  if (!p.Eat(',') || !p.Date(rule.end)) return Status::Corruption("bad POSIX TZ end rule");
  if (p.Eat('/') && !p.Time(167, rule.end_time)) return Status::Corruption("bad POSIX TZ end time");
  if (!p.AtEnd()) return Status::Corruption("trailing characters in the POSIX TZ string");
  if (rule.std_offset <= -kMaxOffset || rule.std_offset >= kMaxOffset ||
      rule.dst_offset <= -kMaxOffset || rule.dst_offset >= kMaxOffset) {
    return Status::Corruption("POSIX TZ offset out of range");
  }
  return Status::OK();
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string_view bytes,
                                                          std::string_view name) {
  Reader r(bytes);
  Header h;
  if (!ReadHeader(r, h)) return Corrupt(name, "no TZif header");
  int time_size = 4;
  if (h.version != '\0') {
    if (h.version < '2') return Corrupt(name, "unknown version");
    const uint64_t v1 = h.DataSize(4);
    if (!r.Has(v1)) return Corrupt(name, "truncated version 1 data");
    r.Skip(v1);
    if (!ReadHeader(r, h)) return Corrupt(name, "no second TZif header");
    time_size = 8;
  }
  if (h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0) return Corrupt(name, "bad counts");
  if ((h.isstdcnt != 0 && h.isstdcnt != h.typecnt) || (h.isutcnt != 0 && h.isutcnt != h.typecnt)) {
    return Corrupt(name, "bad counts");
  }
  if (h.timecnt > (uint64_t{1} << 24) || h.leapcnt > (uint64_t{1} << 24) ||
      h.charcnt > (uint64_t{1} << 24) || !r.Has(h.DataSize(time_size))) {
    return Corrupt(name, "truncated data block");
  }
  if (h.leapcnt != 0) {
    std::string msg = "time zone '";
    msg.append(name);
    msg.append("' has leap seconds (a \"right/\" zone), not supported");
    return Status::NotSupported(std::move(msg));
  }
  std::vector<int64_t> times(h.timecnt);
  for (int64_t& t : times) t = r.Time(time_size);
  for (size_t i = 1; i < times.size(); ++i) {
    if (times[i] <= times[i - 1]) return Corrupt(name, "transition times not increasing");
  }
  std::vector<uint8_t> idx(h.timecnt);
  for (uint8_t& i : idx) {
    i = r.U8();
    if (i >= h.typecnt) return Corrupt(name, "transition type index out of range");
  }
  std::vector<int64_t> utoff(h.typecnt);
  for (int64_t& o : utoff) {
    o = static_cast<int32_t>(r.U32());
    const uint8_t isdst = r.U8();
    const uint8_t desig = r.U8();
    if (o <= -kMaxOffset || o >= kMaxOffset) return Corrupt(name, "UTC offset out of range");
    if (isdst > 1 || desig >= h.charcnt) return Corrupt(name, "bad local time type");
  }
  r.Skip(h.charcnt + h.isstdcnt + h.isutcnt);

  std::shared_ptr<TimeZone> tz(new TimeZone());
  tz->name_ = std::string(name);
  tz->initial_offset_ = utoff[0];
  for (size_t i = 0; i < times.size(); ++i) {
    const int64_t o = utoff[idx[i]];
    const int64_t prev = tz->offsets_.empty() ? tz->initial_offset_ : tz->offsets_.back();
    if (o == prev) continue;  // abbreviation or isdst change only
    tz->times_.push_back(times[i]);
    tz->offsets_.push_back(o);
  }
  if (time_size == 8) {
    // Footer: "\n" TZ-string "\n".
    const std::string_view rest = r.Rest();
    if (rest.empty() || rest[0] != '\n') return Corrupt(name, "no footer");
    const size_t nl = rest.find('\n', 1);
    if (nl == std::string_view::npos) return Corrupt(name, "unterminated footer");
    const std::string_view tzs = rest.substr(1, nl - 1);
    if (!tzs.empty()) {
      auto rule = std::make_shared<Rule>();
      Status st = ParseRule(tzs, *rule);
      if (!st.ok()) return Corrupt(name, st.message());
      tz->rule_ = std::move(rule);
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(tz));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::LoadFile(const std::string& path,
                                                          std::string_view name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string msg = "unknown time zone '";
    msg.append(name);
    msg.append("' (no file ");
    msg.append(path);
    msg.append(")");
    return Status::NotFound(std::move(msg));
  }
  std::string bytes;
  char buf[4096];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (bytes.size() > (size_t{1} << 26)) return Corrupt(name, "file too large");
  }
  if (in.bad()) {
    std::string msg = "time zone '";
    msg.append(name);
    msg.append("': read error on ");
    msg.append(path);
    return Status::IOError(std::move(msg));
  }
  return FromTzif(bytes, name);
}

std::shared_ptr<const TimeZone> TimeZone::Fixed(int64_t offset_seconds, std::string_view name) {
  std::shared_ptr<TimeZone> tz(new TimeZone());
  tz->name_ = std::string(name);
  tz->initial_offset_ = offset_seconds;
  return tz;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const TimeZone>> cache;
  const std::string key(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  std::shared_ptr<const TimeZone> tz;
  int64_t fixed = 0;
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") {
    tz = Fixed(0, name);
  } else if (ParseFixedOffset(name, fixed)) {
    tz = Fixed(fixed, name);
  } else {
    if (!ValidName(name)) {
      std::string msg = "invalid time zone name '";
      msg.append(name);
      msg.append("'");
      return Status::InvalidArgument(std::move(msg));
    }
    OUPS_ASSIGN_OR_RETURN(tz, LoadFile("/usr/share/zoneinfo/" + key, name));
  }
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(key, std::move(tz)).first->second;
}

bool TimeZone::is_utc() const {
  return initial_offset_ == 0 && times_.empty() &&
         (rule_ == nullptr || (rule_->std_offset == 0 && !rule_->has_dst));
}

void TimeZone::FooterTransitions(int64_t t, std::vector<std::pair<int64_t, int64_t>>& out) const {
  const int64_t y = civil::CivilFromDays(FloorDiv(t, kSecondsPerDay)).year;
  for (int64_t year = y - 1; year <= y + 2; ++year) {
    const int64_t start =
        Rule::DayOf(rule_->start, year) * kSecondsPerDay + rule_->start_time - rule_->std_offset;
    const int64_t end =
        Rule::DayOf(rule_->end, year) * kSecondsPerDay + rule_->end_time - rule_->dst_offset;
    out.emplace_back(start, rule_->dst_offset);
    out.emplace_back(end, rule_->std_offset);
  }
  std::sort(out.begin(), out.end());
}

TimeZone::Span TimeZone::SpanAt(int64_t t) const {
  Span s;
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  const size_t n = static_cast<size_t>(it - times_.begin());  // transitions <= t
  if (n == 0 && !times_.empty()) {
    s.end = times_[0];
    s.offset = s.offset_before = initial_offset_;
    return s;
  }
  if (n < times_.size()) {
    s.begin = times_[n - 1];
    s.end = times_[n];
    s.offset = offsets_[n - 1];
    s.offset_before = n >= 2 ? offsets_[n - 2] : initial_offset_;
    return s;
  }
  // After the last stored transition (or no transition at all).
  Span base;
  if (!times_.empty()) {
    base.begin = times_.back();
    base.offset = offsets_.back();
    base.offset_before = n >= 2 ? offsets_[n - 2] : initial_offset_;
  } else {
    base.offset = base.offset_before = initial_offset_;
  }
  if (rule_ == nullptr || !rule_->has_dst) return base;
  // Footer transitions around t, after the base span's start, with offset changes only.
  const int64_t clamped = std::clamp(t, -kFooterLimit, kFooterLimit);
  std::vector<std::pair<int64_t, int64_t>> f;
  f.reserve(8);
  FooterTransitions(clamped, f);
  Span cur = base;
  for (const auto& [when, off] : f) {
    if (when <= base.begin || off == cur.offset) continue;
    if (when > t) {
      cur.end = when;
      return cur;
    }
    cur.begin = when;
    cur.offset_before = cur.offset;
    cur.offset = off;
  }
  return cur;
}

TimeZone::LocalInstants TimeZone::LocalToUtc(int64_t local) const {
  LocalInstants out;
  int found = 0;
  bool gap = false;
  int64_t gap_at = 0;
  Span x = SpanAt(Saturate(Int128(local) - kMaxOffset));
  const Int128 last = Int128(local) + kMaxOffset;
  for (int guard = 0; guard < 100'000; ++guard) {
    const Int128 t = Int128(local) - x.offset;
    if (t >= Int128(x.begin) && t < Int128(x.end)) {
      if (found == 0) out.earliest = static_cast<int64_t>(t);
      out.latest = static_cast<int64_t>(t);
      ++found;
    }
    if (x.begin != kMinInstant && Int128(x.begin) + x.offset_before <= local &&
        Int128(local) < Int128(x.begin) + x.offset) {
      gap = true;
      gap_at = x.begin;
    }
    if (x.end == kMaxInstant || Int128(x.end) > last) break;
    x = SpanAt(x.end);
  }
  if (found >= 2) {
    out.kind = LocalInstants::Kind::kAmbiguous;
  } else if (found == 1) {
    out.kind = LocalInstants::Kind::kUnique;
  } else if (gap) {
    out.kind = LocalInstants::Kind::kGap;
    out.earliest = out.latest = gap_at;
  } else {  // unreachable for consistent spans
    out.earliest = out.latest = Saturate(Int128(local) - UtcOffsetSeconds(local));
  }
  return out;
}

}  // namespace oups
