#include "oups/common/time_zone.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace oups {
namespace {

using Kind = TimeZone::LocalInstants::Kind;

int64_t Days(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}
// Seconds since the epoch of a civil date-time (UTC instant or local reading).
int64_t S(int64_t y, int64_t mo, int64_t d, int64_t h = 0, int64_t mi = 0, int64_t s = 0) {
  return Days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

std::shared_ptr<const TimeZone> Zone(const std::string& name) {
  Result<std::shared_ptr<const TimeZone>> tz = TimeZone::Load(name);
  EXPECT_TRUE(tz.ok()) << name << ": " << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone::Fixed(0, "invalid");
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(TimeZone, Paris) {
  auto tz = Zone("Europe/Paris");
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 1, 15)), 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 7, 15)), 7200);
  // Forward shift 2024-03-31 01:00 UTC (02:00 CET -> 03:00 CEST).
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 3, 31, 1) - 1), 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 3, 31, 1)), 7200);
  const TimeZone::Span span = tz->SpanAt(S(2024, 5, 1));
  EXPECT_EQ(span.begin, S(2024, 3, 31, 1));
  EXPECT_EQ(span.end, S(2024, 10, 27, 1));
  EXPECT_EQ(span.offset, 7200);
  EXPECT_EQ(span.offset_before, 3600);
  // Gap: 02:30 local does not exist -> the instant of the shift.
  TimeZone::LocalInstants li = tz->LocalToUtc(S(2024, 3, 31, 2, 30));
  EXPECT_EQ(li.kind, Kind::kGap);
  EXPECT_EQ(li.earliest, S(2024, 3, 31, 1));
  EXPECT_EQ(li.latest, S(2024, 3, 31, 1));
  li = tz->LocalToUtc(S(2024, 3, 31, 2));
  EXPECT_EQ(li.kind, Kind::kGap);
  li = tz->LocalToUtc(S(2024, 3, 31, 3));
  EXPECT_EQ(li.kind, Kind::kUnique);
  EXPECT_EQ(li.earliest, S(2024, 3, 31, 1));
  // Overlap: 02:30 on 2024-10-27 happens twice.
  li = tz->LocalToUtc(S(2024, 10, 27, 2, 30));
  EXPECT_EQ(li.kind, Kind::kAmbiguous);
  EXPECT_EQ(li.earliest, S(2024, 10, 27, 0, 30));
  EXPECT_EQ(li.latest, S(2024, 10, 27, 1, 30));
  li = tz->LocalToUtc(S(2024, 10, 27, 3));
  EXPECT_EQ(li.kind, Kind::kUnique);
  EXPECT_EQ(li.earliest, S(2024, 10, 27, 2));
  li = tz->LocalToUtc(S(2024, 10, 27));  // midnight: unique
  EXPECT_EQ(li.kind, Kind::kUnique);
  EXPECT_EQ(li.earliest, S(2024, 10, 26, 22));
  // Footer rule (past the file's transitions): 2040-03-25 and 2040-10-28, 01:00 UTC.
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 25, 1) - 1), 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 25, 1)), 7200);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 10, 28, 1) - 1), 7200);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 10, 28, 1)), 3600);
  const TimeZone::Span far = tz->SpanAt(S(2040, 6, 1));
  EXPECT_EQ(far.begin, S(2040, 3, 25, 1));
  EXPECT_EQ(far.end, S(2040, 10, 28, 1));
  li = tz->LocalToUtc(S(2040, 10, 28, 2, 15));
  EXPECT_EQ(li.kind, Kind::kAmbiguous);
  EXPECT_EQ(li.earliest, S(2040, 10, 28, 0, 15));
  EXPECT_EQ(li.latest, S(2040, 10, 28, 1, 15));
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2400, 7, 1)), 7200);
  // Before the first transition: local mean time (+00:09:21).
  EXPECT_EQ(tz->UtcOffsetSeconds(S(1850, 1, 1)), 561);
}

TEST(TimeZone, NewYork) {
  auto tz = Zone("America/New_York");
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 3, 10, 7) - 1), -5 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 3, 10, 7)), -4 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 11, 3, 6) - 1), -4 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 11, 3, 6)), -5 * 3600);
  TimeZone::LocalInstants li = tz->LocalToUtc(S(2024, 3, 10, 2, 30));
  EXPECT_EQ(li.kind, Kind::kGap);
  EXPECT_EQ(li.earliest, S(2024, 3, 10, 7));
  li = tz->LocalToUtc(S(2024, 11, 3, 1, 30));
  EXPECT_EQ(li.kind, Kind::kAmbiguous);
  EXPECT_EQ(li.earliest, S(2024, 11, 3, 5, 30));
  EXPECT_EQ(li.latest, S(2024, 11, 3, 6, 30));
  // 2040 from the footer: 2040-03-11 07:00 UTC, 2040-11-04 06:00 UTC.
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 11, 7) - 1), -5 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 11, 7)), -4 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 11, 4, 6) - 1), -4 * 3600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 11, 4, 6)), -5 * 3600);
}

TEST(TimeZone, LordHoweHalfHourShift) {
  auto tz = Zone("Australia/Lord_Howe");
  // DST ends 2024-04-07 02:00 +11 (15:00 UTC the day before) -> 01:30 +10:30.
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 4, 6, 15) - 1), 39600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 4, 6, 15)), 37800);
  TimeZone::LocalInstants li = tz->LocalToUtc(S(2024, 4, 7, 1, 45));
  EXPECT_EQ(li.kind, Kind::kAmbiguous);
  EXPECT_EQ(li.earliest, S(2024, 4, 6, 14, 45));
  EXPECT_EQ(li.latest, S(2024, 4, 6, 15, 15));
  // DST starts 2024-10-06 02:00 +10:30 (15:30 UTC the day before) -> 02:30 +11.
  li = tz->LocalToUtc(S(2024, 10, 6, 2, 10));
  EXPECT_EQ(li.kind, Kind::kGap);
  EXPECT_EQ(li.earliest, S(2024, 10, 5, 15, 30));
  // Footer, 2040: 03-31 15:00 UTC and 10-06 15:30 UTC.
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 31, 15) - 1), 39600);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 3, 31, 15)), 37800);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 10, 6, 15, 30) - 1), 37800);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 10, 6, 15, 30)), 39600);
}

TEST(TimeZone, KolkataAndUtc) {
  auto tz = Zone("Asia/Kolkata");
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2024, 1, 1)), 19800);
  EXPECT_EQ(tz->UtcOffsetSeconds(S(2040, 7, 1)), 19800);
  TimeZone::LocalInstants li = tz->LocalToUtc(S(2024, 1, 1));
  EXPECT_EQ(li.kind, Kind::kUnique);
  EXPECT_EQ(li.earliest, S(2023, 12, 31, 18, 30));
  EXPECT_FALSE(tz->is_utc());
  for (const char* name : {"UTC", "Etc/UTC", "Z"}) {
    auto u = Zone(name);
    EXPECT_TRUE(u->is_utc()) << name;
    EXPECT_EQ(u->UtcOffsetSeconds(S(2024, 6, 1)), 0);
    EXPECT_EQ(u->LocalToUtc(123).earliest, 123);
  }
  EXPECT_EQ(Zone("+02:00")->UtcOffsetSeconds(0), 7200);
  EXPECT_EQ(Zone("-05:30")->UtcOffsetSeconds(0), -19800);
  EXPECT_EQ(Zone("+0100")->UtcOffsetSeconds(0), 3600);
  EXPECT_TRUE(Zone("+00:00")->is_utc());
  EXPECT_EQ(Zone("-03:00")->LocalToUtc(0).earliest, 3 * 3600);
}

TEST(TimeZone, NamesAndCache) {
  Result<std::shared_ptr<const TimeZone>> r = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("Mars/Olympus_Mons"), std::string::npos);
  for (const char* bad : {"", "/etc/passwd", "../../etc/passwd", "Europe/../UTC", "Europe/Pa ris",
                          "Europe//Paris", "Europe/Paris\n"}) {
    EXPECT_TRUE(TimeZone::Load(bad).status().IsInvalidArgument()) << bad;
  }
  auto a = Zone("Europe/Paris");
  std::vector<std::thread> threads;
  std::vector<const TimeZone*> seen(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&seen, i] { seen[i] = TimeZone::Load("Europe/Paris")->get(); });
  }
  for (std::thread& t : threads) t.join();
  for (const TimeZone* p : seen) EXPECT_EQ(p, a.get());
  EXPECT_EQ(a->name(), "Europe/Paris");
}

TEST(TimeZone, LoadFileFromACopy) {
  const std::string bytes = ReadAll("/usr/share/zoneinfo/Europe/Paris");
  ASSERT_GT(bytes.size(), 100u);
  char dir_template[] = "/tmp/oups_tz_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/Paris";
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  Result<std::shared_ptr<const TimeZone>> tz = TimeZone::LoadFile(path, "copy");
  ASSERT_TRUE(tz.ok()) << tz.status().ToString();
  EXPECT_EQ((*tz)->UtcOffsetSeconds(S(2024, 7, 1)), 7200);
  EXPECT_TRUE(TimeZone::LoadFile(path + ".missing", "missing").status().IsNotFound());
  std::remove(path.c_str());
  rmdir(dir_template);
}

TEST(TimeZone, MalformedFiles) {
  const std::string good = ReadAll("/usr/share/zoneinfo/America/New_York");
  ASSERT_TRUE(TimeZone::FromTzif(good, "ny").ok());
  auto expect_corrupt = [](const std::string& bytes, const std::string& what) {
    Result<std::shared_ptr<const TimeZone>> r = TimeZone::FromTzif(bytes, "bad");
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_TRUE(r.status().IsCorruption()) << what << ": " << r.status().ToString();
  };
  expect_corrupt("", "empty");
  expect_corrupt("TZif", "short header");
  std::string s = good;
  s[0] = 'X';
  expect_corrupt(s, "magic");
  // Every truncation fails cleanly (Corruption), never crashes.
  for (size_t n = 0; n < good.size(); n += 7) {
    Result<std::shared_ptr<const TimeZone>> r = TimeZone::FromTzif(good.substr(0, n), "t");
    EXPECT_FALSE(r.ok()) << n;
  }
  // Huge counts in the v1 header.
  s = good;
  for (int i = 32; i < 44; ++i) s[i] = '\xff';
  expect_corrupt(s, "huge counts");
  // Corrupt the footer rule.
  s = good;
  const size_t footer = s.rfind("EST5EDT");
  ASSERT_NE(footer, std::string::npos);
  s[footer + 3] = '!';
  expect_corrupt(s, "footer");
  // Random byte flips: any outcome but a crash.
  uint32_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    s = good;
    state = state * 1664525u + 1013904223u;
    s[state % s.size()] = static_cast<char>(state >> 24);
    Result<std::shared_ptr<const TimeZone>> r = TimeZone::FromTzif(s, "flip");
    if (r.ok()) {
      (void)(*r)->UtcOffsetSeconds(S(2040, 1, 1));
      (void)(*r)->LocalToUtc(S(2030, 3, 10, 2, 30));
    }
  }
}

}  // namespace
}  // namespace oups
