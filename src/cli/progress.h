// Progress display on stderr for long operations of the `oups` tool.
//
// ProgressBar: rows, rows/s and ETA from a known fraction done. It draws
// nothing during the first second (short inputs stay silent), then redraws
// one line ("\r") at most 4 times a second, and clears it at the end.
// Spinner: for work with no measurable progress (a write or a compaction in
// the core): a background thread draws the label and the elapsed time, from
// the first second on, until the Spinner is destroyed.
// Both do nothing when disabled (stderr not a terminal).
//
// Thread-safety: a ProgressBar is used by one thread; a Spinner owns its thread.
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
  ProgressBar(std::ostream* err, bool enabled, std::string label);
  ~ProgressBar();
  // `fraction` in [0, 1] of the work done, `rows` so far.
  void Update(int64_t rows, double fraction);
  // Clears the line (if anything was drawn).
  void Finish();

  // The line drawn for these figures (exposed for tests).
  static std::string Render(const std::string& label, int64_t rows, double fraction,
                            double seconds);

 private:
  std::ostream* err_;
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
  size_t last_width_ = 0;
};

class Spinner {
 public:
  Spinner(std::ostream* err, bool enabled, std::string label);
  ~Spinner();
  Spinner(const Spinner&) = delete;
  Spinner& operator=(const Spinner&) = delete;

 private:
  std::ostream* err_;
  std::string label_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace oups::cli
