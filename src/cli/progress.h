// Progress display on stderr for long operations of the `oups` tool.
//
// ProgressBar: rows, rows/s and ETA from a known fraction done. It draws
// nothing during the first second (short inputs stay silent), then redraws
// one line ("\r") at most 4 times a second, and clears it at the end.
// Writes and compactions feed it through WriteOptions::progress, the CSV
// reader through CsvOptions::progress, verify per row group. It does nothing
// when disabled (stderr not a terminal).
//
// Thread-safety: a ProgressBar is used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

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

}  // namespace oups::cli
