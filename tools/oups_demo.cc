// oups-demo: the project's main job. Builds a store of one year of 1-minute
// OHLCV bars for several crypto instruments (24/7 markets: 525,600 bars each)
// and maintains it the way a market-data recorder does:
//   1. generates the bars (a random walk with intraday volume, fixed seed);
//   2. bulk-loads the history before the replay window (one write each);
//   3. replays the last days as daily batches: each batch holds the day's bars
//      minus a feed outage, the bars of earlier outages arriving 1-3 days late
//      (they fall inside row groups already on disk) and the previous day's
//      last 30 bars sent again (duplicates, dropped by duplicates_on = ts);
//   4. checks that every dataset now equals the generated bars;
//   5. runs iter_intersections over all instruments over the last 90 days
//      (n_prev = 1), computing returns, drawdowns and volatility while
//      streaming, and checks each instrument's rows against a direct read;
//   6. summarises the store on disk.
// It uses the public C++ API only (<oups/oups.h>).
//
//   oups-demo [--dir DIR] [--instruments N] [--days D] [--replay-days R]
//             [--range-days G] [--small]
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "oups/oups.h"

namespace demo {

// Store keys: "<instrument>-<year>/<sampling>", e.g. BTCUSD-2025/1min.
struct Sampling {
  std::string frequency;
};
OUPS_SUBLEVEL(Sampling, frequency);
struct Bars {
  std::string instrument;
  int64_t year;
  Sampling sampling;
};
OUPS_KEY(Bars, instrument, year, sampling);

}  // namespace demo

namespace {

using demo::Bars;
using oups::Result;
using oups::Status;
using oups::Table;

constexpr int64_t kMinuteNs = 60'000'000'000;
constexpr int64_t kDayMinutes = 1440;
constexpr int64_t kYear = 2025;
constexpr int64_t kStartSeconds = 1'735'689'600;  // 2025-01-01T00:00:00Z
constexpr int64_t kStartNs = kStartSeconds * 1'000'000'000;
constexpr int64_t kDupBars = 30;  // bars of the previous day sent again daily

struct Instrument {
  const char* name;
  double price;       // on 2025-01-01
  double annual_vol;  // of log returns
  double volume;      // mean units traded per minute
};
constexpr Instrument kInstruments[] = {
    {"BTCUSD", 93'500.0, 0.55, 18.0},  {"ETHUSD", 3'350.0, 0.70, 260.0},
    {"SOLUSD", 190.0, 0.95, 3'100.0},  {"XRPUSD", 2.10, 0.85, 410'000.0},
    {"ADAUSD", 0.85, 0.90, 520'000.0}, {"DOGEUSD", 0.32, 1.00, 2'600'000.0},
    {"LTCUSD", 103.0, 0.75, 1'900.0},  {"DOTUSD", 6.70, 0.90, 41'000.0},
};
constexpr int kMaxInstruments = static_cast<int>(std::size(kInstruments));

struct Options {
  std::string dir = "demo-store";
  int instruments = 6;
  int64_t days = 365;
  int64_t replay_days = 30;
  int64_t range_days = 90;
};

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// 1234567 -> "1,234,567".
std::string Group(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

std::string Rate(double rows, double seconds) {
  char buf[32];
  const double r = seconds > 0 ? rows / seconds : 0.0;
  if (r >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f M rows/s", r / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f k rows/s", r / 1e3);
  }
  return buf;
}

std::string Date(int64_t day_index) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{kStartSeconds / 86'400 + day_index}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Bars KeyOf(const Instrument& ins) {
  return Bars{ins.name, kYear, demo::Sampling{"1min"}};
}

oups::DataType TsType() {
  return oups::DataType::Timestamp(oups::TimeUnit::kNano, "UTC");
}

template <typename T>
Result<oups::Column> MakeColumn(const oups::DataType& type,
                                const std::vector<T>& values) {
  oups::ColumnBuilder b(type);
  OUPS_RETURN_NOT_OK(b.AppendValues(values.data(), static_cast<int64_t>(values.size())));
  return b.Finish();
}

// One bar a minute: open = previous close, close a geometric random walk,
// high/low around them, volume with an intraday profile (busiest 13:00-21:00
// UTC, when US and European hours overlap).
Result<Table> MakeBars(const Instrument& ins, int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::lognormal_distribution<double> noise(-0.125, 0.5);
  const double sigma = ins.annual_vol / std::sqrt(525'600.0);
  std::vector<int64_t> ts(n), volume(n);
  std::vector<double> open(n), high(n), low(n), close(n);
  double last = ins.price;
  for (int64_t i = 0; i < n; ++i) {
    ts[i] = kStartNs + i * kMinuteNs;
    open[i] = last;
    last *= std::exp(sigma * z(rng) - 0.5 * sigma * sigma);
    close[i] = last;
    high[i] = std::max(open[i], close[i]) * std::exp(std::abs(z(rng)) * sigma * 0.5);
    low[i] = std::min(open[i], close[i]) * std::exp(-std::abs(z(rng)) * sigma * 0.5);
    const double hour = double(i % kDayMinutes) / 60.0;
    const double profile = 0.6 + 0.9 * std::exp(-(hour - 17.0) * (hour - 17.0) / 18.0);
    volume[i] = std::llround(ins.volume * profile * noise(rng));
  }
  OUPS_ASSIGN_OR_RETURN(oups::Column c_ts, MakeColumn(TsType(), ts));
  OUPS_ASSIGN_OR_RETURN(oups::Column c_open, MakeColumn(oups::DataType::Float64(), open));
  OUPS_ASSIGN_OR_RETURN(oups::Column c_high, MakeColumn(oups::DataType::Float64(), high));
  OUPS_ASSIGN_OR_RETURN(oups::Column c_low, MakeColumn(oups::DataType::Float64(), low));
  OUPS_ASSIGN_OR_RETURN(oups::Column c_close,
                        MakeColumn(oups::DataType::Float64(), close));
  OUPS_ASSIGN_OR_RETURN(oups::Column c_vol, MakeColumn(oups::DataType::Int64(), volume));
  return oups::MakeTable(
      std::vector<std::pair<std::string, oups::Column>>{{"ts", c_ts},
                                                        {"open", c_open},
                                                        {"high", c_high},
                                                        {"low", c_low},
                                                        {"close", c_close},
                                                        {"volume", c_vol}});
}

// Which bars arrive when: row indices of the bulk load, then of each replayed
// day's batch (sorted, so in ts order), with their kinds counted.
struct Batch {
  std::vector<int64_t> rows;
  int64_t on_time = 0, late = 0, duplicates = 0;
};
struct Deliveries {
  Batch initial;
  std::vector<Batch> daily;  // days [days - replay_days, days)
};

Deliveries PlanDeliveries(int64_t days, int64_t replay_days, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int64_t n = days * kDayMinutes;
  const int64_t first_replayed = days - replay_days;
  // due[i]: the day bar i is delivered on (its own day unless an outage hit it).
  std::vector<int64_t> due(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) due[i] = i / kDayMinutes;
  std::vector<std::vector<int64_t>> late_on(static_cast<size_t>(days));
  for (int64_t d = 0; d + 1 < days; ++d) {
    // One outage a day: 1-12 consecutive bars, delivered 1-3 days later (by
    // the last day at the latest).
    const int64_t len = std::uniform_int_distribution<int64_t>(1, 12)(rng);
    const int64_t pos = std::uniform_int_distribution<int64_t>(0, kDayMinutes - len)(rng);
    const int64_t lag = std::uniform_int_distribution<int64_t>(1, 3)(rng);
    const int64_t when = std::min(d + lag, days - 1);
    for (int64_t i = d * kDayMinutes + pos; i < d * kDayMinutes + pos + len; ++i) {
      due[i] = when;
      late_on[when].push_back(i);
    }
  }
  Deliveries out;
  for (int64_t i = 0; i < first_replayed * kDayMinutes; ++i) {
    if (due[i] >= first_replayed) continue;
    out.initial.rows.push_back(i);
    if (due[i] == i / kDayMinutes) {
      ++out.initial.on_time;
    } else {
      ++out.initial.late;
    }
  }
  for (int64_t d = first_replayed; d < days; ++d) {
    Batch b;
    for (int64_t i = d * kDayMinutes; i < (d + 1) * kDayMinutes; ++i) {
      if (due[i] == d) {
        b.rows.push_back(i);
        ++b.on_time;
      }
    }
    for (int64_t i : late_on[d]) b.rows.push_back(i);
    b.late = static_cast<int64_t>(late_on[d].size());
    // The previous day's last bars again, those already delivered.
    for (int64_t i = d * kDayMinutes - kDupBars; i < d * kDayMinutes; ++i) {
      if (due[i] < d) {
        b.rows.push_back(i);
        ++b.duplicates;
      }
    }
    std::sort(b.rows.begin(), b.rows.end());
    out.daily.push_back(std::move(b));
  }
  return out;
}

Result<Table> TakeRows(const Table& bars, const std::vector<int64_t>& rows) {
  return oups::Take(bars, rows.data(), static_cast<int64_t>(rows.size()));
}

// Files and bytes under `dir`, recursively.
Status DiskUsage(oups::FileSystem& fs, const std::string& dir, int64_t* files,
                 int64_t* bytes) {
  OUPS_ASSIGN_OR_RETURN(std::vector<oups::FileInfo> entries, fs.ListDir(dir));
  for (const oups::FileInfo& e : entries) {
    if (e.is_dir) {
      OUPS_RETURN_NOT_OK(DiskUsage(fs, oups::JoinPath(dir, e.name), files, bytes));
    } else {
      ++*files;
      *bytes += e.size;
    }
  }
  return Status::OK();
}

// Streaming statistics of one instrument's closes over the iterated range.
struct RangeStats {
  double prev_close = std::nan("");  // the n_prev bar, before the range
  double first_close = std::nan(""), last_close = std::nan("");
  double peak = 0, max_drawdown = 0, sum_sq = 0;
  int64_t rows = 0;
  std::vector<Table> parts;  // the rows in range, to check against a direct read
};

Status Run(const Options& opt) {
  const double t_start = Now();
  auto fs = oups::LocalFileSystem();
  OUPS_ASSIGN_OR_RETURN(auto store, oups::TypedStore<Bars>::Open(fs, opt.dir));
  const std::vector<Instrument> instruments(kInstruments, kInstruments + opt.instruments);
  const int64_t n = opt.days * kDayMinutes;
  const int64_t first_replayed = opt.days - opt.replay_days;

  std::printf("oups demo: %d instruments x %s one-minute bars (%s to %s), store %s/\n",
              opt.instruments, Group(n).c_str(), Date(0).c_str(),
              Date(opt.days - 1).c_str(), opt.dir.c_str());

  // Datasets of an earlier run, through the store's own removal.
  OUPS_ASSIGN_OR_RETURN(std::vector<Bars> old_keys, store.Keys());
  if (!old_keys.empty()) {
    for (const Bars& k : old_keys) OUPS_RETURN_NOT_OK(store.Remove(k));
    std::printf("removed %zu datasets of a previous run\n", old_keys.size());
  }

  // 1. Generate.
  double t0 = Now();
  std::vector<Table> truth;
  for (size_t k = 0; k < instruments.size(); ++k) {
    OUPS_ASSIGN_OR_RETURN(Table bars, MakeBars(instruments[k], n, 0x5EED0000 + k));
    truth.push_back(std::move(bars));
  }
  double dt = Now() - t0;
  const double all_rows = double(n) * double(instruments.size());
  std::printf(
      "\n1. generated %s bars (ts UTC, open, high, low, close, volume) in %.2f s\n",
      Group(int64_t(all_rows)).c_str(), dt);

  std::vector<Deliveries> plans;
  for (size_t k = 0; k < instruments.size(); ++k) {
    plans.push_back(PlanDeliveries(opt.days, opt.replay_days, 0xFEED0000 + k));
  }

  // 2. Bulk load of the history before the replay window.
  const oups::WriteOptions wopt{.ordered_on = "ts",
                                .row_group_target_size = oups::Period("W"),
                                .duplicates_on = oups::Columns{"ts"}};
  std::printf("\n2. bulk load of %s .. %s (weekly row groups, de-duplicated on ts):\n",
              Date(0).c_str(), Date(first_replayed - 1).c_str());
  double load_time = 0;
  int64_t load_rows = 0;
  for (size_t k = 0; k < instruments.size(); ++k) {
    OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset ds, store.Get(KeyOf(instruments[k])));
    OUPS_ASSIGN_OR_RETURN(Table batch, TakeRows(truth[k], plans[k].initial.rows));
    oups::WriteOptions first = wopt;
    first.key_value_metadata = {{"source", std::string("oups-demo random walk")},
                                {"instrument", std::string(instruments[k].name)},
                                {"bar", std::string("1min")}};
    t0 = Now();
    OUPS_RETURN_NOT_OK(ds.Write(batch, first));
    dt = Now() - t0;
    load_time += dt;
    load_rows += batch.num_rows();
    OUPS_ASSIGN_OR_RETURN(int64_t rgs, ds.num_row_groups());
    std::printf(
        "   %-7s %s rows (%s still missing: outages not yet re-sent) in %.3f s -> "
        "%" PRId64 " row groups\n",
        instruments[k].name, Group(batch.num_rows()).c_str(),
        Group(first_replayed * kDayMinutes - batch.num_rows()).c_str(), dt, rgs);
  }
  std::printf("   %s rows in %.2f s (%s)\n", Group(load_rows).c_str(), load_time,
              Rate(double(load_rows), load_time).c_str());

  // 3. Daily replay.
  std::printf(
      "\n3. replay of %" PRId64
      " days, one batch per instrument and day (on-time + late + duplicate bars):\n",
      opt.replay_days);
  std::vector<double> latencies;
  int64_t tot_on_time = 0, tot_late = 0, tot_dup = 0;
  double replay_time = 0;
  for (int64_t r = 0; r < opt.replay_days; ++r) {
    int64_t on_time = 0, late = 0, dup = 0;
    double day_time = 0;
    for (size_t k = 0; k < instruments.size(); ++k) {
      const Batch& b = plans[k].daily[static_cast<size_t>(r)];
      OUPS_ASSIGN_OR_RETURN(Table batch, TakeRows(truth[k], b.rows));
      OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset ds, store.Get(KeyOf(instruments[k])));
      t0 = Now();
      OUPS_RETURN_NOT_OK(ds.Write(batch, wopt));
      dt = Now() - t0;
      latencies.push_back(dt);
      day_time += dt;
      on_time += b.on_time;
      late += b.late;
      dup += b.duplicates;
    }
    replay_time += day_time;
    tot_on_time += on_time;
    tot_late += late;
    tot_dup += dup;
    const bool show = r < 3 || r + 2 >= opt.replay_days;
    if (show) {
      std::printf("   %s: %s on-time + %s late + %s duplicate bars in %.1f ms\n",
                  Date(first_replayed + r).c_str(), Group(on_time).c_str(),
                  Group(late).c_str(), Group(dup).c_str(), day_time * 1e3);
    } else if (r == 3) {
      std::printf("   ... (%" PRId64 " more days)\n", opt.replay_days - 5);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    return latencies[static_cast<size_t>(p * double(latencies.size() - 1))] * 1e3;
  };
  const int64_t replay_rows = tot_on_time + tot_late + tot_dup;
  std::printf(
      "   %zu appends of %s rows (%s late, %s duplicates) in %.2f s (%s); "
      "per append: median %.1f ms, p95 %.1f ms, max %.1f ms\n",
      latencies.size(), Group(replay_rows).c_str(), Group(tot_late).c_str(),
      Group(tot_dup).c_str(), replay_time, Rate(double(replay_rows), replay_time).c_str(),
      pct(0.5), pct(0.95), latencies.back() * 1e3);

  // 4. Check every dataset against the generated bars.
  t0 = Now();
  int64_t checked = 0, rg_total = 0;
  for (size_t k = 0; k < instruments.size(); ++k) {
    OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset ds, store.Get(KeyOf(instruments[k])));
    OUPS_ASSIGN_OR_RETURN(Table back, ds.Read());
    if (!back.Equals(truth[k])) {
      return Status::Internal(
          "dataset '" + ds.path() + "' (" + std::to_string(back.num_rows()) +
          " rows) differs from the " + std::to_string(n) + " generated bars");
    }
    checked += back.num_rows();
    OUPS_ASSIGN_OR_RETURN(int64_t rgs, ds.num_row_groups());
    rg_total += rgs;
  }
  dt = Now() - t0;
  std::printf(
      "\n4. read back all %s rows in %.2f s (%s): every dataset equals the generated "
      "bars (late bars merged in place, %s duplicates dropped)\n",
      Group(checked).c_str(), dt, Rate(double(checked), dt).c_str(),
      Group(tot_dup).c_str());

  // 5. iter_intersections over every instrument, streaming.
  const oups::DataType ts_type = truth[0].column(0).type();
  const int64_t range_days = std::min(opt.range_days, opt.days);
  const int64_t lo = kStartNs + (opt.days - range_days) * kDayMinutes * kMinuteNs;
  const int64_t hi = kStartNs + n * kMinuteNs;
  const oups::Scalar start = oups::Scalar::Int(lo, ts_type);
  const oups::Scalar end_excl = oups::Scalar::Int(hi, ts_type);
  std::vector<Bars> keys;
  for (const Instrument& ins : instruments) keys.push_back(KeyOf(ins));
  std::vector<RangeStats> stats(instruments.size());
  int64_t chunks = 0, iter_rows = 0;
  t0 = Now();
  oups::IntersectionIterator it =
      store.IterIntersections(keys, {.start = start,
                                     .end_excl = end_excl,
                                     .n_prev = 1,
                                     .columns = oups::Columns{"ts", "close"}});
  for (Result<oups::IntersectionChunk> chunk : it) {
    if (!chunk.ok()) return chunk.status();
    ++chunks;
    for (size_t k = 0; k < chunk->size(); ++k) {
      const Table& t = (*chunk)[k].second;
      OUPS_ASSIGN_OR_RETURN(Bars key, oups::FromKey<Bars>((*chunk)[k].first));
      const size_t idx =
          static_cast<size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
      RangeStats& s = stats[idx];
      const int64_t* ts = t.column(0).data<int64_t>();
      const double* close = t.column(1).data<double>();
      int64_t i = 0;
      for (; i < t.num_rows() && ts[i] < lo; ++i) s.prev_close = close[i];  // n_prev
      if (i < t.num_rows()) s.parts.push_back(t.Slice(i, t.num_rows() - i));
      for (; i < t.num_rows(); ++i) {
        const double c = close[i];
        const double before = s.rows == 0 ? s.prev_close : s.last_close;
        if (s.rows == 0) s.first_close = s.peak = c;
        if (!std::isnan(before)) {
          const double r = std::log(c / before);
          s.sum_sq += r * r;
        }
        s.peak = std::max(s.peak, c);
        s.max_drawdown = std::min(s.max_drawdown, c / s.peak - 1.0);
        s.last_close = c;
        ++s.rows;
      }
      iter_rows += t.num_rows();
    }
  }
  dt = Now() - t0;
  std::printf(
      "\n5. iter_intersections over %zu datasets, %s .. %s, columns ts and close, "
      "n_prev = 1: %" PRId64 " chunks, %s rows in %.3f s (%s)\n",
      keys.size(), Date(opt.days - range_days).c_str(), Date(opt.days - 1).c_str(),
      chunks, Group(iter_rows).c_str(), dt, Rate(double(iter_rows), dt).c_str());
  std::printf("   %-8s %9s %9s %13s %15s\n", "", "bars", "return", "max drawdown",
              "annualised vol");
  for (size_t k = 0; k < instruments.size(); ++k) {
    const RangeStats& s = stats[k];
    const double base = std::isnan(s.prev_close) ? s.first_close : s.prev_close;
    const double vol =
        s.rows > 0 ? std::sqrt(s.sum_sq / double(s.rows) * 525'600.0) : 0.0;
    std::printf("   %-8s %9s %+8.2f%% %12.2f%% %14.1f%%\n", instruments[k].name,
                Group(s.rows).c_str(), (s.last_close / base - 1.0) * 100.0,
                s.max_drawdown * 100.0, vol * 100.0);
  }
  // The streamed rows of each instrument are exactly those of a direct read.
  for (size_t k = 0; k < instruments.size(); ++k) {
    OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset ds, store.Get(keys[k]));
    OUPS_ASSIGN_OR_RETURN(Table direct, ds.Read({.columns = oups::Columns{"ts", "close"},
                                                 .start = start,
                                                 .end_excl = end_excl}));
    const int64_t want = range_days * kDayMinutes;
    bool same = direct.num_rows() == want && stats[k].rows == want;
    if (same) {
      OUPS_ASSIGN_OR_RETURN(Table streamed, oups::ConcatenateTables(stats[k].parts));
      same = streamed.Equals(direct);
    }
    if (!same || std::isnan(stats[k].prev_close)) {
      return Status::Internal(std::string("iter_intersections: the rows streamed for ") +
                              instruments[k].name + " (" + std::to_string(stats[k].rows) +
                              ") differ from a direct range read (" +
                              std::to_string(direct.num_rows()) + " rows, " +
                              std::to_string(want) + " expected) or lack the n_prev bar");
    }
  }
  std::printf(
      "   checked: each instrument's streamed rows equal a direct range read, and "
      "its first chunk carried the bar before the range (n_prev)\n");

  // 6. The store on disk.
  int64_t files = 0, bytes = 0;
  OUPS_RETURN_NOT_OK(DiskUsage(*fs, opt.dir, &files, &bytes));
  OUPS_ASSIGN_OR_RETURN(int64_t size, store.Size());
  OUPS_ASSIGN_OR_RETURN(std::vector<Bars> stored, store.Keys());
  std::string names;
  for (const Bars& k : stored) {
    OUPS_ASSIGN_OR_RETURN(std::string p, oups::ToPath(k));
    names += (names.empty() ? "" : ", ") + p;
  }
  std::printf("\n6. store %s/: %" PRId64 " datasets (%s), %" PRId64
              " row groups, %s files, %.1f MB (%.1f bytes per bar)\n",
              opt.dir.c_str(), size, names.c_str(), rg_total, Group(files).c_str(),
              double(bytes) / 1e6, all_rows > 0 ? double(bytes) / all_rows : 0.0);
  std::printf("\ndone in %.1f s\n", Now() - t_start);
  return Status::OK();
}

bool ParseInt(const char* text, int64_t lo, int64_t hi, int64_t* out) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

constexpr const char* kUsage =
    "usage: oups-demo [--dir DIR] [--instruments N] [--days D] [--replay-days R]\n"
    "                 [--range-days G] [--small]\n"
    "  --dir DIR          store directory (default demo-store); datasets of a previous\n"
    "                     run there are removed first\n"
    "  --instruments N    1..8 (default 6)\n"
    "  --days D           days of one-minute bars from 2025-01-01, 2..365 (default 365)\n"
    "  --replay-days R    last days replayed as daily batches, 1..D-1 (default 30)\n"
    "  --range-days G     days iterated by iter_intersections, 1..D (default 90)\n"
    "  --small            3 instruments, 21 days, 7 replayed, 10 iterated (the test)\n";

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  int64_t v = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "--small") {
      opt.instruments = 3;
      opt.days = 21;
      opt.replay_days = 7;
      opt.range_days = 10;
    } else if (a == "--dir" && has_value) {
      opt.dir = argv[++i];
    } else if (a == "--instruments" && has_value &&
               ParseInt(argv[i + 1], 1, kMaxInstruments, &v)) {
      opt.instruments = static_cast<int>(v);
      ++i;
    } else if (a == "--days" && has_value && ParseInt(argv[i + 1], 2, 365, &v)) {
      opt.days = v;
      ++i;
    } else if (a == "--replay-days" && has_value && ParseInt(argv[i + 1], 1, 364, &v)) {
      opt.replay_days = v;
      ++i;
    } else if (a == "--range-days" && has_value && ParseInt(argv[i + 1], 1, 365, &v)) {
      opt.range_days = v;
      ++i;
    } else {
      std::fprintf(stderr, "oups-demo: bad argument '%s'%s\n%s", argv[i],
                   a.starts_with("--") && !has_value ? " (missing value)" : "", kUsage);
      return 2;
    }
  }
  if (opt.replay_days >= opt.days || opt.range_days > opt.days) {
    std::fprintf(stderr,
                 "oups-demo: --replay-days (%" PRId64 ") must be below --days (%" PRId64
                 ") and --range-days (%" PRId64 ") at most --days\n",
                 opt.replay_days, opt.days, opt.range_days);
    return 2;
  }
  if (Status st = Run(opt); !st.ok()) {
    std::fprintf(stderr, "oups-demo: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
