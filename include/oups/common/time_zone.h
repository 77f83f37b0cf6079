// IANA time zones read from TZif files (RFC 8536, versions 1-3), for the
// wall-clock period grids of tz-aware timestamp columns
// (docs/behaviour.md#time-periods).
//
// A TimeZone is a list of spans of constant UTC offset: the transitions stored
// in the file (the 64-bit section of v2+ files, the 32-bit one of v1 files),
// then, past the last transition, the POSIX TZ footer rule ("CET-1CEST,M3.5.0,
// M10.5.0/3": M-rules `Mm.w.d`, `Jn`, `n`, with an optional signed `/time` of
// up to 167 hours). Consecutive spans always have different offsets. Instants
// and local readings are whole seconds since 1970-01-01T00:00 (UTC for
// instants, on the local wall clock for readings). Leap-second ("right/")
// zones are refused with NotSupported.
//
// "UTC", "Etc/UTC", "Z" and fixed offsets "+HH:MM" / "-HH:MM" / "+HHMM" /
// "+HH" (the Arrow / pandas spelling of a fixed-offset zone) need no file.
//
// File bytes are untrusted: every count, index and offset is checked, and a
// malformed file is Corruption; an unknown zone is NotFound naming it; a name
// that is not a plain relative zone path (empty, leading '/', "..", a
// character outside [A-Za-z0-9/_+-.]) is InvalidArgument.
//
// Thread-safety: TimeZone objects are immutable; Load's process-wide cache is
// guarded by a mutex. Ownership: shared, the cache keeps every loaded zone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oups/result.h"

namespace oups {

class TimeZone {
 public:
  // Instants before the first / after the last transition.
  static constexpr int64_t kMinInstant = INT64_MIN;
  static constexpr int64_t kMaxInstant = INT64_MAX;

  // A maximal interval [begin, end) of instants with one UTC offset. `begin`
  // is the transition that started it (kMinInstant if none), `end` the next
  // one (kMaxInstant if none); `offset_before` is the offset in force just
  // before `begin` (== offset when begin is kMinInstant).
  struct Span {
    int64_t begin = kMinInstant;
    int64_t end = kMaxInstant;
    int64_t offset = 0;
    int64_t offset_before = 0;
  };

  // The instants at which the wall clock reads a local value. kUnique: one
  // instant (earliest == latest). kAmbiguous: a backward shift repeats the
  // reading, at `earliest` (old offset) and `latest` (new offset);
  // docs/behaviour.md#time-periods counts both as boundaries. kGap: a forward
  // shift skips the reading; earliest == latest == the instant of the shift
  // (the first instant after the gap, the one docs/behaviour.md#time-periods
  // uses for a skipped boundary).
  struct LocalInstants {
    enum class Kind : uint8_t { kUnique, kAmbiguous, kGap };
    Kind kind = Kind::kUnique;
    int64_t earliest = 0;
    int64_t latest = 0;
  };

  // The zone `name`: file-less forms above, otherwise
  // /usr/share/zoneinfo/<name>. Cached process-wide.
  [[nodiscard]] static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  // Uncached loaders (tests, other zone directories): a TZif file at `path`,
  // or its bytes. `name` is only used in messages and name().
  [[nodiscard]] static Result<std::shared_ptr<const TimeZone>> LoadFile(const std::string& path,
                                                                        std::string_view name);
  [[nodiscard]] static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string_view bytes,
                                                                        std::string_view name);
  // A zone with a constant offset (seconds east of UTC).
  static std::shared_ptr<const TimeZone> Fixed(int64_t offset_seconds, std::string_view name);

  const std::string& name() const { return name_; }
  // True when the offset is 0 at every instant.
  bool is_utc() const;

  // UTC offset (seconds east) in force at instant `utc_seconds`.
  int64_t UtcOffsetSeconds(int64_t utc_seconds) const { return SpanAt(utc_seconds).offset; }
  // The span holding instant `utc_seconds`.
  Span SpanAt(int64_t utc_seconds) const;
  // Local reading -> instant(s), see LocalInstants.
  LocalInstants LocalToUtc(int64_t local_seconds) const;

 private:
  struct Rule;  // POSIX TZ footer

  TimeZone() = default;
  [[nodiscard]] static Status ParseRule(std::string_view text, Rule& rule);
  // Footer transitions (instant, offset after) of years y-1..y+1 around `t`.
  void FooterTransitions(int64_t t, std::vector<std::pair<int64_t, int64_t>>& out) const;

  std::string name_;
  int64_t initial_offset_ = 0;
  std::vector<int64_t> times_;    // strictly increasing transition instants
  std::vector<int64_t> offsets_;  // offset after each transition
  std::shared_ptr<const Rule> rule_;  // null: the last offset holds forever
};

}  // namespace oups
