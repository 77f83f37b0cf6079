#include "cli/progress.h"

#include <cmath>
#include <cstdio>

namespace oups::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string Seconds(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60),
                  static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  }
  return buf;
}

std::string Count(double v) {
  char buf[32];
  if (v >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::ostream* err, bool enabled, std::string label,
                         double delay_seconds, bool follows_drawn)
    : err_(err),
      enabled_(enabled && err != nullptr),
      label_(std::move(label)),
      delay_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(follows_drawn ? 0.0 : delay_seconds))),
      start_(Clock::now()) {
  if (!enabled_) return;
  if (follows_drawn) {
    std::lock_guard<std::mutex> lock(mu_);
    DrawLocked(start_, /*force=*/true);
  }
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(250));
      if (!stop_) DrawLocked(Clock::now(), /*force=*/false);
    }
  });
}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::StopTicker() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  ticker_.join();
}

bool ProgressBar::drawn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ever_drawn_;
}

std::string ProgressBar::Render(const std::string& label, int64_t rows, double fraction,
                                double seconds) {
  constexpr int kBarWidth = 24;
  fraction = std::isfinite(fraction) ? std::min(1.0, std::max(0.0, fraction)) : 0.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string line = label + " [" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(kBarWidth - filled), ' ') + "] ";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3.0f%%", fraction * 100);
  line += pct;
  line += "  " + Count(static_cast<double>(rows)) + " rows";
  if (seconds > 0) line += "  " + Count(static_cast<double>(rows) / seconds) + " rows/s";
  if (fraction > 0 && fraction < 1) {
    line += "  ETA " + Seconds(seconds * (1 - fraction) / fraction);
  } else if (fraction <= 0 && seconds >= 1) {
    line += "  " + Seconds(seconds) + " elapsed";  // no estimate yet
  }
  return line;
}

void ProgressBar::Update(int64_t rows, double fraction) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  rows_ = rows;
  fraction_ = fraction;
  DrawLocked(Clock::now(), /*force=*/false);
}

// Draws the current figures once the delay has passed, at most 4 times a
// second (`force`: now).
void ProgressBar::DrawLocked(Clock::time_point now, bool force) {
  if (!force) {
    if (now - start_ < delay_) return;
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(250)) return;
  }
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string line = Render(label_, rows_, fraction_, seconds);
  const size_t width = line.size();
  if (width < last_width_) line.append(last_width_ - width, ' ');
  *err_ << "\r" << line << std::flush;
  last_width_ = width;
  last_draw_ = now;
  drawn_ = true;
  ever_drawn_ = true;
}

bool ProgressBar::Done(int64_t rows) {
  if (!enabled_) return false;
  StopTicker();
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_) return ever_drawn_;
  if (rows >= 0) rows_ = rows;
  fraction_ = 1.0;
  DrawLocked(Clock::now(), /*force=*/true);
  *err_ << "\n" << std::flush;
  drawn_ = false;
  return true;
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  StopTicker();
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_) return;
  *err_ << "\r" << std::string(last_width_, ' ') << "\r" << std::flush;
  drawn_ = false;
}

}  // namespace oups::cli
