// Tests of the progress display (src/cli/progress.h).
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace oups::cli {
namespace {

TEST(ProgressBar, RenderShowsRowsRateAndEta) {
  EXPECT_EQ(
      ProgressBar::Render("reading a.csv", 2'500'000, 0.25, 2.0),
      "reading a.csv [######                  ]  25%  2.50M rows  1.25M rows/s  ETA 6s");
  EXPECT_EQ(ProgressBar::Render("x", 500, 1.0, 1.0),
            "x [########################] 100%  500 rows  500 rows/s");
  EXPECT_EQ(ProgressBar::Render("x", 12'000, 0.5, 120.0),
            "x [############            ]  50%  12.0k rows  100 rows/s  ETA 2m00s");
}

TEST(ProgressBar, SilentWhenDisabledOrShort) {
  std::ostringstream err;
  {
    ProgressBar off(&err, false, "x");
    off.Update(1, 0.5);
    ProgressBar quick(&err, true, "x");
    quick.Update(1, 0.5);  // within the first second: nothing drawn
    quick.Finish();
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBar, DrawsAfterOneSecondAndClearsItsLine) {
  std::ostringstream err;
  ProgressBar bar(&err, true, "reading");
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  bar.Update(10, 0.5);
  bar.Update(11, 0.6);  // within 250 ms of the last draw: skipped
  const std::string drawn = err.str();
  EXPECT_EQ(drawn.substr(0, 49), "\rreading [############            ]  50%  10 rows");
  EXPECT_EQ(drawn.find("11 rows"), std::string::npos);
  bar.Finish();
  const std::string all = err.str();
  EXPECT_EQ(all.substr(drawn.size()), "\r" + std::string(drawn.size() - 1, ' ') + "\r");
}

}  // namespace
}  // namespace oups::cli
