// Progress display on stderr for long operations of the `oups` tool.
//
// ProgressBar: one stage of an operation ("reading in.csv", "writing ds"):
// rows, rows/s and ETA from a known fraction done. It draws nothing during
// its first `delay_seconds` (short stages stay silent) unless a previous
// stage of the same command was drawn (`follows_drawn`: then it shows at
// once, so that the line never goes blank between stages), then redraws one
// line ("\r") at most 4 times a second, also between updates (a ticker
// thread: the elapsed time moves while a long step reports nothing). Done()
// draws the stage at 100% and ends its line, so a finished stage stays
// visible; Finish() (and the destructor, e.g. on an error) clears the line.
// Writes and compactions feed it through WriteOptions::progress, the CSV
// reader through CsvOptions::progress, verify per row group. It does nothing
// when disabled (stderr not a terminal).
//
// Thread-safety: Update, Done and Finish may be called from any one thread
// at a time; the ticker synchronises with them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace oups::cli {

class ProgressBar {
 public:
  ProgressBar(std::ostream* err, bool enabled, std::string label, double delay_seconds = 1.0,
              bool follows_drawn = false);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // `fraction` in [0, 1] of the work done, `rows` so far.
  void Update(int64_t rows, double fraction);
  // The stage is complete: when anything was drawn, draws it at 100% with
  // `rows` (negative: the last count) and ends the line. Returns whether a
  // line was drawn (the next stage then follows a drawn one).
  bool Done(int64_t rows = -1);
  // Clears the line (if anything was drawn).
  void Finish();
  bool drawn() const;

  // The line drawn for these figures (exposed for tests).
  static std::string Render(const std::string& label, int64_t rows, double fraction,
                            double seconds);

 private:
  void DrawLocked(std::chrono::steady_clock::time_point now, bool force);
  void StopTicker();

  std::ostream* err_;
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::duration delay_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
  bool ever_drawn_ = false;
  size_t last_width_ = 0;
  int64_t rows_ = 0;
  double fraction_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace oups::cli
